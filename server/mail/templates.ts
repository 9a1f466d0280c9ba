// E-mails are Handlebars templates in views/emails/: NAME.text.hbs (its first line is
// "Subject: ...", then a blank line, then the body) and NAME.html.hbs, wrapped in
// views/emails/layout.html.hbs. The subject line is split from the body in the template's source,
// before any data is rendered, so no value (a school name with a line break, say) can move the
// boundary; the rendered subject is then folded to one line.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { counted } from '../text.js';
import { viewsDir } from '../paths.js';
import { subjectLine } from './headers.js';

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

const emailsDir = path.join(viewsDir, 'emails');
const handlebars = Handlebars.create();
// {{counted n "application" "applications"}}: "1 application", "3 applications", as on the pages.
handlebars.registerHelper('counted', (count: unknown, one: unknown, other: unknown) =>
  counted(Number(count) || 0, String(one), String(other)),
);
type Template = (data: unknown) => string;

interface MailTemplates {
  subject: Template;
  text: Template;
  html: Template;
}

const cache = new Map<string, MailTemplates>();
let layout: Template | undefined;

function compile(source: string, noEscape: boolean): Template {
  return handlebars.compile(source, { noEscape, strict: true });
}

function read(file: string): string {
  return readFileSync(path.join(emailsDir, file), 'utf8');
}

function templatesFor(name: string): MailTemplates {
  let templates = cache.get(name);
  if (!templates) {
    const source = read(`${name}.text.hbs`);
    const header = /^Subject: ([^\r\n]+)\r?\n\r?\n/.exec(source);
    if (!header?.[1]) throw new Error(`views/emails/${name}.text.hbs must start with "Subject: ..." and a blank line`);
    templates = {
      subject: compile(header[1], true),
      text: compile(source.slice(header[0].length), true),
      html: compile(read(`${name}.html.hbs`), false),
    };
    cache.set(name, templates);
  }
  return templates;
}

export function renderMail(name: string, data: Record<string, unknown>): RenderedMail {
  if (!/^[a-z0-9-]+$/.test(name)) throw new Error(`Bad e-mail template name: ${name}`);
  const templates = templatesFor(name);
  // The program the message speaks for (server/mail/sender.ts); Laurel's own when not given.
  const site = { siteName: 'Laurel', siteColor: '#2e6b3f', ...data };
  const subject = subjectLine(templates.subject(site));
  const body = templates.html(site);
  layout ??= compile(read('layout.html.hbs'), false);
  return { subject, text: templates.text(site), html: layout({ ...site, subject, body }) };
}

// ---------------------------------------------------------------- messages edited by the admins

/** A message as the admins wrote it: Handlebars over its fields, in plain text. */
export interface EditedMail {
  subject: string;
  body: string;
}

const edited = new Map<string, Template>();
function compileEdited(source: string): Template {
  let template = edited.get(source);
  if (!template) {
    // Plain text throughout: no escaping here, as the HTML part escapes all of it below.
    template = compile(source, true);
    edited.set(source, template);
  }
  return template;
}

const escapeHtml = (value: string) => Handlebars.escapeExpression(value);
const LINK = /\bhttps?:\/\/[^\s<>"]+/g;

/** Text as HTML: everything escaped, a blank line a new paragraph, a line break kept, links linked. */
export function textToHtml(text: string, color: string): string {
  return text
    .replace(/\r\n/g, '\n')
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => {
      const parts: string[] = [];
      let last = 0;
      for (const match of p.matchAll(LINK)) {
        parts.push(escapeHtml(p.slice(last, match.index)));
        const url = escapeHtml(match[0]);
        parts.push(`<a href="${url}" style="color:${color};">${url}</a>`);
        last = match.index + match[0].length;
      }
      parts.push(escapeHtml(p.slice(last)));
      return `<p>${parts.join('').replace(/\n/g, '<br>')}</p>`;
    })
    .join('\n');
}

/** What an edited message may not hold: raw {{{ }}} output, partials, inline partials. */
const REFUSED_SOURCE = /\{\{~?\{|\{\{~?\s*>|\{\{~?\s*#\s*\*/;

/**
 * Renders an edited message with `data`, or throws an Error saying what is wrong with it (a
 * syntax error, a field the message does not have, raw {{{ }}} output, a partial).
 */
export function renderEditedMail(editedMail: EditedMail, data: Record<string, unknown>): RenderedMail {
  for (const source of [editedMail.subject, editedMail.body]) {
    if (REFUSED_SOURCE.test(source))
      throw new Error('Use {{field}}, {{#if field}} and {{#each field}} only: no {{{ }}} and no partials.');
  }
  const site = { siteName: 'Laurel', siteColor: '#2e6b3f', ...data };
  const subject = subjectLine(compileEdited(editedMail.subject)(site));
  const text = compileEdited(editedMail.body)(site);
  layout ??= compile(read('layout.html.hbs'), false);
  return { subject, text, html: layout({ ...site, subject, body: textToHtml(text, site.siteColor as string) }) };
}

/** The shipped words of a message, for the editor to start from and to reset to. */
export function defaultWords(name: string): EditedMail {
  if (!/^[a-z0-9-]+$/.test(name)) throw new Error(`Bad e-mail template name: ${name}`);
  const source = read(`${name}.text.hbs`);
  const header = /^Subject: ([^\r\n]+)\r?\n\r?\n/.exec(source);
  if (!header?.[1]) throw new Error(`views/emails/${name}.text.hbs must start with "Subject: ..." and a blank line`);
  return { subject: header[1], body: source.slice(header[0].length) };
}
