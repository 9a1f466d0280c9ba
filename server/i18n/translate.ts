// Turning a key into words: t(language, key, values) formats the language's message (ICU
// MessageFormat: {count, plural, one {# school} other {# schools}}), or the source language's when
// the language lacks it. A key no catalogue has is a programming error and throws, so a test finds
// it; the catalogue test (test/unit/i18n/catalogue.test.ts) checks every key the code names.
//
// Code that decides words before the page's language is known (a service's field message) returns
// a Message: msg(key, values), put into words where the page or e-mail is written (textIn).
import { IntlMessageFormat } from 'intl-messageformat';
import { allCatalogues } from './catalogue.js';
import { formatMoment } from './dates.js';
import { SOURCE_LANGUAGE } from './languages.js';

export type Values = Record<string, unknown>;

/** A message not yet put into words: its key and values. */
export interface Message {
  readonly key: string;
  readonly values?: Values;
}

/** Words for a person: a Message, or a text that is already in their language (a name, a title). */
export type Text = string | Message;

export function msg(key: string, values?: Values): Message {
  return values === undefined ? { key } : { key, values };
}

export function isMessage(value: unknown): value is Message {
  return typeof value === 'object' && value !== null && typeof (value as Message).key === 'string';
}

/** Whether the source catalogue has `key`. */
export function hasMessage(key: string): boolean {
  return allCatalogues().get(SOURCE_LANGUAGE)?.has(key) ?? false;
}

const compiled = new Map<string, IntlMessageFormat>();

function formatOf(language: string, key: string): IntlMessageFormat {
  const id = `${language}\u0000${key}`;
  let format = compiled.get(id);
  if (!format) {
    const catalogues = allCatalogues();
    const own = catalogues.get(language)?.get(key);
    const source = own ?? catalogues.get(SOURCE_LANGUAGE)?.get(key);
    if (source === undefined) throw new Error(`No message "${key}" in the catalogues (server/i18n/locales)`);
    format = new IntlMessageFormat(source, own === undefined ? SOURCE_LANGUAGE : language, undefined, {
      ignoreTag: true,
    });
    compiled.set(id, format);
  }
  return format;
}

/** A moment for a message to write in its reader's language, in the program's time zone. */
export interface Moment {
  readonly at: Date;
  readonly zone: string;
}

export function isMoment(value: unknown): value is Moment {
  return typeof value === 'object' && value !== null && (value as Moment).at instanceof Date;
}

/**
 * Values put into `language`'s words: one that is itself a Message (a rule's problem inside a
 * field's) formatted first, a Moment written as a whole date and time.
 */
function wordsOfValues(language: string, values: Values | undefined): Values | undefined {
  if (!values || !Object.values(values).some((value) => isMessage(value) || isMoment(value))) return values;
  return Object.fromEntries(
    Object.entries(values).map(([name, value]) => [
      name,
      isMessage(value)
        ? t(language, value.key, value.values)
        : isMoment(value)
          ? formatMoment(value.at, value.zone, language)
          : value,
    ]),
  );
}

/** The message `key` in `language`, with its values: plain text, for a page to escape. */
export function t(language: string, key: string, values?: Values): string {
  return String(formatOf(language, key).format(wordsOfValues(language, values) as Record<string, string>));
}

/** A Text in `language`: a Message formatted, a string as it is. */
export function textIn(language: string, text: Text | undefined | null): string {
  if (text === undefined || text === null) return '';
  return isMessage(text) ? t(language, text.key, text.values) : text;
}

const richCompiled = new Map<string, IntlMessageFormat>();

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

interface Html {
  html: string;
}
const partHtml = (part: unknown): string =>
  typeof part === 'object' && part !== null && 'html' in part ? (part as Html).html : escapeHtml(String(part));

/**
 * A message with markup, as HTML: `Read the <privacy>privacy notice</privacy>.` with
 * links { privacy: '/privacy' } gives a link; <strong> and <em> are kept. Every word of the
 * message and every value is escaped, so neither a translation nor a value can inject markup.
 */
export function tHtml(language: string, key: string, values: Values = {}, links: Record<string, string> = {}): string {
  const id = `${language}\u0000${key}`;
  let format = richCompiled.get(id);
  if (!format) {
    const catalogues = allCatalogues();
    const own = catalogues.get(language)?.get(key);
    const source = own ?? catalogues.get(SOURCE_LANGUAGE)?.get(key);
    if (source === undefined) throw new Error(`No message "${key}" in the catalogues (server/i18n/locales)`);
    format = new IntlMessageFormat(source, own === undefined ? SOURCE_LANGUAGE : language);
    richCompiled.set(id, format);
  }
  const wrap = (open: string, close: string) => (chunks: unknown[]) => ({
    html: `${open}${chunks.map(partHtml).join('')}${close}`,
  });
  const tags: Values = { strong: wrap('<strong>', '</strong>'), em: wrap('<em>', '</em>') };
  for (const [name, href] of Object.entries(links)) tags[name] = wrap(`<a href="${escapeHtml(href)}">`, '</a>');
  const result = format.format({ ...wordsOfValues(language, values), ...tags } as Record<string, string>) as unknown;
  return (Array.isArray(result) ? result : [result]).map(partHtml).join('');
}

/**
 * The words for one value of a fixed list (labels.json): label(lang, 'schoolLevel', 'high').
 * The lists' English labels in models/ stay for logs and exports that are not for a reader.
 */
export function label(language: string, list: string, value: string): string {
  return t(language, `labels.${list}.${value}`);
}

/** Every value of a list with its words, for a <select>: [{ value, label }]. */
export function labelsOf(language: string, list: string, values: readonly string[]) {
  return values.map((value) => ({ value, label: label(language, list, value) }));
}

const clientWords = new Map<string, Record<string, string>>();

/** The messages of client.json in `language`, unformatted: the browser's scripts fill them in. */
export function clientMessages(language: string): Record<string, string> {
  let words = clientWords.get(language);
  if (!words) {
    const own = allCatalogues().get(language);
    const source = allCatalogues().get(SOURCE_LANGUAGE)!;
    words = {};
    for (const [key, text] of source) {
      if (key.startsWith('client.')) words[key.slice('client.'.length)] = own?.get(key) ?? text;
    }
    clientWords.set(language, words);
  }
  return words;
}
