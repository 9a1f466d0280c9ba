// The program's own words in its other languages, as the admin forms edit them side by side. A
// form shows each translatable field twice or more: the column (the program's default language)
// under the field's own name, and each other language under `<field>__<language>`, like
// `title__es`. Only the languages Laurel speaks (LANGUAGES) and the fields a form declares are
// read; anything else posted is ignored. A translation is checked like its column (length, one
// line), and an empty one is simply absent: pages then show the default language's text.
//
// Eligibility options are values, not words: answers and rules store them. Their label in another
// language is translations[<language>].options, one label per line in the order of the values
// (see optionLabels).
import type { Translations } from '../../../models/programs.js';
import type { FieldErrors } from '../../errors.js';
import { LANGUAGES, languageNameIn } from '../../i18n/languages.js';
import { missingTranslations } from '../../i18n/content.js';
import { msg, type Message } from '../../i18n/translate.js';
import { checkText } from '../shared/form-input.js';
import { oneLine } from '../../text.js';

/** How a translatable field is checked: like its column. */
export interface TranslatableField {
  max: number;
  singleLine?: boolean;
}

export type TranslatableFields = Record<string, TranslatableField>;

/** The form field that holds `field` in `language`. */
export function translationFieldName(field: string, language: string): string {
  return `${field}__${language}`;
}

/** The languages a program's content is translated into: every one but its default. */
export function otherLanguages(defaultLanguage: string): string[] {
  return LANGUAGES.filter((language) => language !== defaultLanguage);
}

/**
 * The translations posted with a form, checked; a message per field that is too long. Languages
 * a program keeps from before (no longer offered) stay as they were.
 */
export function readTranslations(
  errors: FieldErrors,
  body: Record<string, unknown>,
  fields: TranslatableFields,
  defaultLanguage: string,
  existing: Translations = {},
): Translations {
  const result: Translations = {};
  for (const [language, texts] of Object.entries(existing)) {
    if (!LANGUAGES.includes(language) && typeof texts === 'object' && texts !== null) result[language] = { ...texts };
  }
  for (const language of otherLanguages(defaultLanguage)) {
    const texts: Record<string, string> = {};
    // A text not posted (another form's, like the identity's, or a repeated field) keeps its
    // translation; one posted empty is removed.
    for (const [field, text] of Object.entries(existing[language] ?? {})) {
      if (typeof text === 'string') texts[field] = text;
    }
    for (const [field, rule] of Object.entries(fields)) {
      const name = translationFieldName(field, language);
      const raw = Object.hasOwn(body, name) ? body[name] : undefined;
      if (typeof raw !== 'string') continue;
      delete texts[field];
      const value = rule.singleLine ? oneLine(raw) : raw.trim();
      if (value.length > rule.max) {
        errors[name] = msg('programs.translations.tooLong', { max: rule.max, length: value.length });
      } else if (value !== '') texts[field] = value;
    }
    if (Object.keys(texts).length > 0) result[language] = texts;
  }
  return result;
}

/** A row's translations as form values: { title__es: "…" }. */
export function translationValues(
  translations: Translations | null | undefined,
  fields: readonly string[],
  defaultLanguage: string,
): Record<string, string> {
  const values: Record<string, string> = {};
  for (const language of otherLanguages(defaultLanguage)) {
    for (const field of fields) values[translationFieldName(field, language)] = translations?.[language]?.[field] ?? '';
  }
  return values;
}

/** The translation fields of a posted form, to show it again as typed. */
export function postedTranslations(
  body: Record<string, unknown>,
  fields: readonly string[],
  defaultLanguage: string,
): Record<string, string> {
  const values: Record<string, string> = {};
  for (const language of otherLanguages(defaultLanguage)) {
    for (const field of fields) {
      const name = translationFieldName(field, language);
      const value = Object.hasOwn(body, name) ? body[name] : undefined;
      values[name] = typeof value === 'string' ? value : '';
    }
  }
  return values;
}

/** What a form needs to label its columns, in the reader's language. */
export function contentLanguages(defaultLanguage: string, reader: string) {
  return {
    default: { code: defaultLanguage, name: languageNameIn(reader, defaultLanguage) },
    others: otherLanguages(defaultLanguage).map((code) => ({ code, name: languageNameIn(reader, code) })),
  };
}

/** The names (in the reader's language) of the languages in which some of `fields` is missing. */
export function missingLanguageNames<T extends { translations?: Translations | null }>(
  row: T,
  fields: ReadonlyArray<keyof T & string>,
  defaultLanguage: string,
  reader: string,
): string[] {
  return missingTranslations(row, fields, LANGUAGES, defaultLanguage).map((code) => languageNameIn(reader, code));
}

/** Splits a textarea of labels, one per line. */
export function splitLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/**
 * The labels of a choice question's options in `language`: its translated labels when there is
 * one for every value, else the values themselves.
 */
export function optionLabels(
  question: { options: readonly string[]; translations?: Translations | null },
  language: string,
): string[] {
  const labels = splitLines(question.translations?.[language]?.options ?? '');
  return labels.length === question.options.length ? labels : [...question.options];
}

/** checkText with a Message when the field is empty. */
export function checkRequiredText(
  errors: FieldErrors,
  field: string,
  value: unknown,
  rule: TranslatableField,
  required: Message,
): string {
  const s = checkText(errors, field, value, rule);
  if (s === '' && !errors[field]) errors[field] = required;
  return s;
}
