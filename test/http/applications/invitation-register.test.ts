// A school invited to apply: "Create an account" on the invitation's page opens the registration
// form with the invited address filled in; an unknown link fills in nothing.
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { STRONG_PASSWORD, createOpenCycle } from '../../helpers/factories.js';
import { linkIn, submitForm } from '../../helpers/forms.js';
import { confirm, confirmLinkFor, nominate, NOMINATION } from '../../helpers/nominator.js';

const INVITED = NOMINATION.contactEmail;
const HINT = 'The address your school’s invitation was sent to.';

/** The value of the registration form's e-mail field. */
function emailValue(html: string): string {
  const match = /<input id="email" name="email" type="email"[^>]* value="([^"]*)"/.exec(html);
  if (match?.[1] === undefined) throw new Error(`No e-mail field in:\n${html}`);
  return match[1];
}

describe('registering from a school invitation', () => {
  let h: Harness;
  let invitation: string;

  before(async () => {
    h = await startHarness();
    await createOpenCycle(h.db, h.clock());
    const nominator = h.agent();
    expect((await nominate(nominator, NOMINATION)).status).to.equal(303);
    await confirm(nominator, await confirmLinkFor(h, NOMINATION.nominatorEmail));
    await h.deliverMail();
    const mail = await h.sink.waitFor((m) => m.to.includes(INVITED) && m.subject.includes('invited to apply'));
    invitation = linkIn(mail.text, '/invitations/');
  });
  after(() => h.close());

  it('links from the invitation page to a registration form with the invited address filled in', async () => {
    const visitor = h.agent();
    const page = await visitor.get(invitation);
    expect(page.status).to.equal(200);
    const href = /<a class="button" href="(\/register\?[^"]+)">Create an account<\/a>/.exec(page.text)?.[1];
    expect(href).to.equal(`/register?next=${invitation}`);
    const form = await visitor.get(href!);
    expect(form.status).to.equal(200);
    expect(emailValue(form.text)).to.equal(INVITED);
    expect(form.text).to.contain(`<p class="hint" id="email-hint">${HINT}</p>`);
    expect(form.text).to.contain(`<input type="hidden" name="next" value="${invitation}">`);

    const registered = await submitForm(visitor, href!, '/register', {
      name: 'Pat Principal',
      email: emailValue(form.text),
      password: STRONG_PASSWORD,
      next: invitation,
    });
    expect(registered.status, registered.text).to.equal(303);
    await h.deliverMail();
    const verify = await h.sink.waitFor((m) => m.to.includes(INVITED) && m.subject.startsWith('Confirm your e-mail'));
    expect(verify.text).to.contain(encodeURIComponent(invitation));
  });

  it('fills in an address only from the invitation’s own link, and says nothing for a link that matches none', async () => {
    const filled = async (query: string) => emailValue((await h.agent().get(`/register?${query}`)).text);
    expect(await filled(`next=${invitation}`)).to.equal(INVITED);
    for (const next of [`${invitation}/extra`, `${invitation}?x=1`, `/x${invitation}`, `${invitation}x`]) {
      expect(await filled(`next=${encodeURIComponent(next)}`), next).to.equal('');
    }
    // An address given in the link is the person's own choice, and stays.
    const typed = (await h.agent().get(`/register?email=someone%40example.org&next=${invitation}`)).text;
    expect(emailValue(typed)).to.equal('someone@example.org');
    expect(typed).not.to.contain(HINT);

    // An unknown token: the same page as for any other place to return to.
    const unknown = `/invitations/${randomBytes(32).toString('base64url')}`;
    const page = (await h.agent().get(`/register?next=${unknown}`)).text;
    expect(emailValue(page)).to.equal('');
    expect(page).not.to.contain(HINT);
    const other = (await h.agent().get('/register?next=/my/applications')).text;
    const comparable = (html: string, next: string) =>
      html
        .replace(/name="_csrf" value="[^"]+"/, '')
        .split(next)
        .join('NEXT')
        // The language links carry the page's address, `next` included, encoded.
        .split(encodeURIComponent(next))
        .join('NEXT');
    expect(comparable(page, unknown)).to.equal(comparable(other, '/my/applications'));
  });
});
