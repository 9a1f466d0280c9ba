// E-mails are Handlebars templates in views/emails/: NAME.text.hbs (its first line is
// "Subject: ...", then a blank line, then the body) and NAME.html.hbs, wrapped in
// views/emails/layout.html.hbs. The subject line is split from the body in the template's source,
// before any data is rendered, so no value (a school name with a line break, say) can move the
// boundary; the rendered subject is then folded to one line.
//
// Their words come from the catalogues (server/i18n/locales/<language>/emails.json), in the
// language of the data's `lang` (the recipient's, chosen by enqueueMail): {{t "emails.common.hello" name=name}},
// {{tHtml …}} for words with <strong> or a link, {{label "list" value}}, {{tx text}}, and dates
// as {{day d}} or {{moment d}} in the program's time zone and the reader's language.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { IntlMessageFormat } from 'intl-messageformat';
import { allCatalogues } from '../i18n/catalogue.js';
import { intlLocale, isLanguage, SOURCE_LANGUAGE } from '../i18n/languages.js';
import { label, t, textIn, tHtml, type Text } from '../i18n/translate.js';
import { counted, formatNumber } from '../text.js';
import { DEFAULT_TIME_ZONE, formatDay, formatMoment } from '../time.js';
import { viewsDir } from '../paths.js';
import { subjectLine } from './headers.js';

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

/**
 * A date for an e-mail to write in its reader's language: a Date (in the program's time zone,
 * the data's `timeZone`), a Date with its own zone, or words already written (older callers).
 */
export type MailDate = string | Date | { at: Date; zone: string };

const emailsDir = path.join(viewsDir, 'emails');
/** The HTML parts (escaped) and the subjects and text parts (not): the same helpers, but {{tHtml}}. */
const htmlBars = Handlebars.create();
const textBars = Handlebars.create();

interface MailRoot {
  lang?: string;
  timeZone?: string;
  siteColor?: string;
}
const rootOf = (options: Handlebars.HelperOptions) => (options.data?.root ?? {}) as MailRoot;
/** The language the message is written in: the data's `lang`, English without one. */
const languageOf = (options: Handlebars.HelperOptions) => {
  const lang = rootOf(options).lang;
  return isLanguage(lang) ? lang : SOURCE_LANGUAGE;
};

function dateIn(value: unknown, options: Handlebars.HelperOptions, style: 'day' | 'moment'): string {
  const format = style === 'day' ? formatDay : formatMoment;
  const zone = rootOf(options).timeZone ?? DEFAULT_TIME_ZONE;
  if (value instanceof Date) return format(value, zone, languageOf(options));
  if (typeof value === 'object' && value !== null && (value as { at?: unknown }).at instanceof Date) {
    const { at, zone: own } = value as { at: Date; zone: string };
    return format(at, own || zone, languageOf(options));
  }
  return value === undefined || value === null ? '' : String(value);
}

const helpers: Record<string, Handlebars.HelperDelegate> = {
  /** {{t "emails.common.hello" name=name}}: the message in the e-mail's language, escaped in the HTML part. */
  t(key: unknown, options: Handlebars.HelperOptions) {
    return t(languageOf(options), String(key), options.hash as Record<string, unknown>);
  },
  /**
   * {{tHtml "emails.decision.html.outcome" link_application=url}}: words with <strong>, <em> or a
   * link, everything else escaped; links take the program's colour, as the e-mails always had.
   */
  tHtml(key: unknown, options: Handlebars.HelperOptions) {
    const values: Record<string, unknown> = {};
    const links: Record<string, string> = {};
    for (const [name, value] of Object.entries(options.hash as Record<string, unknown>)) {
      if (name.startsWith('link_')) links[name.slice(5)] = String(value);
      else if (name.startsWith('plain_')) links[name] = String(value);
      else values[name] = value;
    }
    // Links given as link_x take the program's colour; plain_x ones look as the reader's client shows links.
    const plain = Object.keys(links).some((name) => name.startsWith('plain_'));
    const hrefs = Object.fromEntries(Object.entries(links).map(([name, href]) => [name.replace(/^plain_/, ''), href]));
    let html = tHtml(languageOf(options), String(key), values, hrefs);
    if (!plain) {
      const color = Handlebars.escapeExpression(rootOf(options).siteColor ?? '');
      html = html.replace(/<a href="([^"]*)">/g, (_, href: string) => `<a href="${href}" style="color:${color};">`);
    }
    return new Handlebars.SafeString(html);
  },
  /** {{label "decisionLevel" level}}: one value of a fixed list (labels.json). */
  label(list: unknown, value: unknown, options: Handlebars.HelperOptions) {
    return value === undefined || value === null || value === ''
      ? ''
      : label(languageOf(options), String(list), String(value));
  },
  /** {{tx text}}: a Text (a Message, or words already written) in the e-mail's language. */
  tx(text: unknown, options: Handlebars.HelperOptions) {
    return textIn(languageOf(options), text as Text);
  },
  /** {{formatNumber n}}: 12,345 in the e-mail's language. */
  formatNumber(value: unknown, options: Handlebars.HelperOptions) {
    const n = Number(value);
    return Number.isFinite(n) ? formatNumber(n, intlLocale(languageOf(options))) : String(value ?? '');
  },
  /** {{counted n "day" "days"}}: the words an edit wrote itself (edits saved before the catalogues use it). */
  counted(count: unknown, one: unknown, other: unknown) {
    return counted(Number(count) || 0, String(one), String(other));
  },
  /** {{day d}}: "January 30, 2027". */
  day(value: unknown, options: Handlebars.HelperOptions) {
    return dateIn(value, options, 'day');
  },
  /** {{moment d}}: "Saturday, January 30, 2027, 11:59 PM MT". */
  moment(value: unknown, options: Handlebars.HelperOptions) {
    return dateIn(value, options, 'moment');
  },
  /** {{concat baseUrl "/login"}}: an address for a link. */
  concat(...parts: unknown[]) {
    return parts.slice(0, -1).map(String).join('');
  },
};
htmlBars.registerHelper(helpers);
textBars.registerHelper({ ...helpers, tHtml: plainWords });

const plainCompiled = new Map<string, IntlMessageFormat>();

/**
 * {{tHtml …}} in a subject or a text part: the same words as the HTML part, without the markup
 * (a <strong> or a link keeps only its words) and without escaping.
 */
function plainWords(key: unknown, options: Handlebars.HelperOptions): string {
  const language = languageOf(options);
  const id = `${language}\u0000${String(key)}`;
  let format = plainCompiled.get(id);
  if (!format) {
    const catalogues = allCatalogues();
    const own = catalogues.get(language)?.get(String(key));
    const source = own ?? catalogues.get(SOURCE_LANGUAGE)?.get(String(key));
    if (source === undefined) throw new Error(`No message "${String(key)}" in the catalogues (server/i18n/locales)`);
    format = new IntlMessageFormat(source, own === undefined ? SOURCE_LANGUAGE : language);
    plainCompiled.set(id, format);
  }
  const values: Record<string, unknown> = {};
  const words = (chunks: unknown[]) => chunks.map(String).join('');
  for (const [name, value] of Object.entries(options.hash as Record<string, unknown>)) {
    values[name.replace(/^(link|plain)_/, '')] = name.startsWith('link_') || name.startsWith('plain_') ? words : value;
  }
  const result = format.format({ strong: words, em: words, ...values } as unknown as Record<string, string>) as unknown;
  return (Array.isArray(result) ? result : [result]).map(String).join('');
}
type Template = (data: unknown) => string;

interface MailTemplates {
  subject: Template;
  text: Template;
  html: Template;
}

const cache = new Map<string, MailTemplates>();
let layout: Template | undefined;

function compile(source: string, noEscape: boolean): Template {
  return (noEscape ? textBars : htmlBars).compile(source, { noEscape, strict: true });
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

/** The data every message renders with: the program's name and colour, and the language. */
function withSite(data: Record<string, unknown>): Record<string, unknown> & { siteColor: string; lang: string } {
  const site = { siteName: 'Laurel', siteColor: '#2e6b3f', ...data };
  return { ...site, lang: isLanguage(data.lang) ? data.lang : SOURCE_LANGUAGE };
}

export function renderMail(name: string, data: Record<string, unknown>): RenderedMail {
  if (!/^[a-z0-9-]+$/.test(name)) throw new Error(`Bad e-mail template name: ${name}`);
  const templates = templatesFor(name);
  // The program the message speaks for (server/mail/sender.ts); Laurel's own when not given.
  const site = withSite(data);
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

/** An edit holding what no edit may: raw {{{ }}} output or a partial. */
export class RefusedEdit extends Error {
  constructor() {
    super('Use {{field}}, {{#if field}} and {{#each field}} only: no {{{ }}} and no partials.');
  }
}

/**
 * The data of an edited message: dates put into words at the top level (as a moment), since an
 * edit writes {{deadline}} where the shipped words write {{moment deadline}}.
 */
function datesInWords(site: Record<string, unknown> & { lang: string }): Record<string, unknown> {
  const zone = typeof site.timeZone === 'string' ? site.timeZone : DEFAULT_TIME_ZONE;
  const copy: Record<string, unknown> = { ...site };
  for (const [field, value] of Object.entries(site)) {
    if (value instanceof Date) copy[field] = formatMoment(value, zone, site.lang);
    else if (typeof value === 'object' && value !== null && (value as { at?: unknown }).at instanceof Date) {
      const { at, zone: own } = value as { at: Date; zone: string };
      copy[field] = formatMoment(at, own || zone, site.lang);
    }
  }
  return copy;
}

/**
 * Renders an edited message with `data`, or throws an Error saying what is wrong with it (a
 * syntax error, a field the message does not have; RefusedEdit for raw {{{ }}} output, a partial).
 */
export function renderEditedMail(editedMail: EditedMail, data: Record<string, unknown>): RenderedMail {
  for (const source of [editedMail.subject, editedMail.body]) {
    if (REFUSED_SOURCE.test(source)) throw new RefusedEdit();
  }
  const site = withSite(data);
  const values = datesInWords(site);
  const subject = subjectLine(compileEdited(editedMail.subject)(values));
  const text = compileEdited(editedMail.body)(values);
  layout ??= compile(read('layout.html.hbs'), false);
  return { subject, text, html: layout({ ...site, subject, body: textToHtml(text, site.siteColor) }) };
}

const T_CALL = /\{\{(t|tHtml) "([\w.-]+)"((?:\s+[A-Za-z_]\w*=(?:[A-Za-z_@][\w.@/]*|\([^()]*\)))*)\s*\}\}/g;

/**
 * The shipped source with each {{t …}} or {{tHtml …}} of plain words and fields written out in
 * `language`: {{t "emails.common.hello" name=name}} becomes "Hello {{name}},". Calls whose
 * message chooses its words by a number (plurals) stay as they are; they work in an edit too.
 */
function inPlainWords(source: string, language: string): string {
  const catalogues = allCatalogues();
  return source.replace(T_CALL, (call, helper: string, key: string, hashText: string) => {
    const message = catalogues.get(language)?.get(key) ?? catalogues.get(SOURCE_LANGUAGE)?.get(key);
    if (message === undefined) return call;
    const hash = new Map(
      [...hashText.matchAll(/([A-Za-z_]\w*)=(\([^()]*\)|\S+)/g)].map((m) => [m[1]!, m[2]!.replace(/^\((.*)\)$/, '$1')]),
    );
    const words = (elements: MessageFormatElement[]): string | undefined => {
      let out = '';
      for (const element of elements) {
        if (element.type === TYPE.literal) out += element.value;
        else if (element.type === TYPE.argument && hash.has(element.value)) out += `{{${hash.get(element.value)}}}`;
        else if (element.type === TYPE.tag) {
          const inner = words(element.children);
          if (inner === undefined) return undefined;
          out += inner;
        } else return undefined;
      }
      return out;
    };
    return words(parse(message, { ignoreTag: helper === 't' })) ?? call;
  });
}

/** The shipped words of a message in `language`, for the editor to start from and to reset to. */
export function defaultWords(name: string, language: string = SOURCE_LANGUAGE): EditedMail {
  if (!/^[a-z0-9-]+$/.test(name)) throw new Error(`Bad e-mail template name: ${name}`);
  const source = read(`${name}.text.hbs`);
  const header = /^Subject: ([^\r\n]+)\r?\n\r?\n/.exec(source);
  if (!header?.[1]) throw new Error(`views/emails/${name}.text.hbs must start with "Subject: ..." and a blank line`);
  return {
    subject: inPlainWords(header[1], language),
    body: inPlainWords(source.slice(header[0].length), language),
  };
}
