// Submitting forms the way a browser does: load the page, take its CSRF field, post it back
// with the same cookies.
import type supertest from 'supertest';
import type { Response } from 'superagent';

type Agent = ReturnType<typeof supertest.agent>;

export function csrfTokenFrom(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match?.[1]) throw new Error('The page has no CSRF field');
  return match[1];
}

/** GETs `pagePath`, then POSTs `fields` (with that page's CSRF token) to `action`. */
export async function submitForm(
  agent: Agent,
  pagePath: string,
  action: string,
  fields: Record<string, string | string[]>,
) {
  const page = await agent.get(pagePath);
  const form = new URLSearchParams({ _csrf: csrfTokenFrom(page.text) });
  // Repeated keys for lists, as a browser sends checkboxes of one name.
  for (const [name, value] of Object.entries(fields)) {
    for (const item of ([] as string[]).concat(value)) form.append(name, item);
  }
  return agent.post(action).type('form').send(form.toString());
}

/** The first link to `baseUrl` + `pathPrefix` found in a text. */
export function linkIn(text: string, pathPrefix: string): string {
  const match = new RegExp(`https?://[^\\s"<>]*${pathPrefix.replace(/[/]/g, '\\/')}[^\\s"<>]*`).exec(text);
  if (!match) throw new Error(`No ${pathPrefix} link in:\n${text}`);
  return new URL(match[0]).pathname;
}

/** Decodes the few entities Handlebars writes, so tests can look for the text a person reads. */
export function readable(html: string): string {
  return html
    .replace(/&#x27;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&#x3D;/g, '=')
    .replace(/&#x60;/g, '`')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** Reads a non-text response body (message/rfc822) as a string: supertest's `.buffer(true).parse(asText)`. */
export function asText(res: Response, callback: (error: Error | null, body: string) => void) {
  let body = '';
  res.setEncoding('utf8');
  res.on('data', (chunk: string) => {
    body += chunk;
  });
  res.on('end', () => callback(null, body));
}

/**
 * Opens an e-mailed confirmation link and presses its button, as a person does: the link alone
 * changes nothing. Carries a `next=` from the link's query string into the form, as the page does.
 */
export async function followConfirmLink(agent: Agent, link: string) {
  const url = new URL(link, 'http://laurel.test');
  const next = url.searchParams.get('next');
  return submitForm(agent, link, url.pathname, next ? { next } : {});
}

/** The values of a page's text, date, time and number inputs by id, as a browser would send them back. */
export function inputValues(html: string): Record<string, string> {
  return Object.fromEntries(
    [...html.matchAll(/<input id="(\w+)" name="\w+" type="(?:text|date|time|number)"[^>]*value="([^"]*)"/g)].map(
      (m) => [m[1]!, m[2]!],
    ),
  );
}

/** GETs `url` with its body as bytes, whatever its type (a ZIP, a PDF). */
export function download(agent: Agent, url: string) {
  return agent
    .get(url)
    .buffer(true)
    .parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
}
