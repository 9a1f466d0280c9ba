// E-mails are Handlebars templates in views/emails/: NAME.text.hbs (its first line is
// "Subject: ...") and NAME.html.hbs, wrapped in views/emails/layout.html.hbs.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { viewsDir } from '../paths.js';

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

const emailsDir = path.join(viewsDir, 'emails');
const handlebars = Handlebars.create();
type Template = (data: unknown) => string;
const cache = new Map<string, Template>();

function compiled(file: string, options: { noEscape: boolean }): Template {
  const key = `${file}:${options.noEscape}`;
  let template = cache.get(key);
  if (!template) {
    template = handlebars.compile(readFileSync(path.join(emailsDir, file), 'utf8'), {
      noEscape: options.noEscape,
      strict: true,
    });
    cache.set(key, template);
  }
  return template;
}

export function renderMail(name: string, data: Record<string, unknown>): RenderedMail {
  if (!/^[a-z0-9-]+$/.test(name)) throw new Error(`Bad e-mail template name: ${name}`);
  const textWithSubject = compiled(`${name}.text.hbs`, { noEscape: true })(data);
  const match = /^Subject: (.+)\r?\n\r?\n/.exec(textWithSubject);
  if (!match?.[1]) throw new Error(`views/emails/${name}.text.hbs must start with "Subject: ..." and a blank line`);
  const subject = match[1].trim();
  const body = compiled(`${name}.html.hbs`, { noEscape: false })(data);
  const html = compiled('layout.html.hbs', { noEscape: false })({ ...data, subject, body });
  return { subject, text: textWithSubject.slice(match[0].length), html };
}
