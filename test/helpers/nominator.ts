// Nominating the way the public does: the multipart form with its CSRF token in the action's
// query string, the confirmation link from the e-mail, and the confirming POST.
import type { Harness } from './harness.js';
import { csrfTokenFrom, linkIn, submitForm } from './forms.js';
import { fixtureBytes } from './applicant.js';

type Agent = ReturnType<Harness['agent']>;

export const NOMINATION = {
  schoolName: 'Lincoln H.S.',
  district: 'Portland Public Schools',
  city: 'Portland',
  state: 'OR',
  contactEmail: 'principal@lincoln.pps.example.org',
  reason: 'Lincoln opened its advanced courses to every student and the results show it.',
  nominatorName: 'Maria Parent',
  nominatorEmail: 'maria@example.com',
  relationship: 'parent',
};

/** The CSRF token of the nomination form on `page` (it sits in the form's action). */
export function nominationToken(html: string): string {
  return csrfTokenFrom(html.replace(/\?_csrf=([^"]+)"/, ' name="_csrf" value="$1"'));
}

export async function nominate(
  agent: Agent,
  fields: Record<string, string | string[]>,
  files: Array<{ name: string; as?: string }> = [],
  { pagePath = '/nominate' }: { pagePath?: string } = {},
) {
  const page = await agent.get(pagePath);
  let request = agent.post(`/nominate?_csrf=${encodeURIComponent(nominationToken(page.text))}`);
  for (const [name, value] of Object.entries(fields)) {
    for (const item of ([] as string[]).concat(value)) request = request.field(name, item);
  }
  for (const file of files) request = request.attach('files', fixtureBytes(file.name), file.as ?? file.name);
  return request;
}

export async function confirmLinkFor(h: Harness, email: string, nth = 0): Promise<string> {
  await h.deliverMail();
  const mails = h.sink.messages.filter(
    (m) => m.to.includes(email) && m.subject.startsWith('Please confirm your nomination'),
  );
  const mail =
    mails[nth] ?? (await h.sink.waitFor((m) => m.to.includes(email) && m.subject.startsWith('Please confirm')));
  return linkIn(mail.text, '/nominations/confirm/');
}

export async function confirm(agent: Agent, link: string) {
  return submitForm(agent, link, link, {});
}
