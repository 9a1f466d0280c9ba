// The program's own words (descriptions, criteria, questions, citations) in the reader's language.
// A row keeps its texts in the program's default language in its columns and the others in its
// `translations` (models/programs.ts: Translations); a field with no translation shows the default.
import type { Translations } from '../../models/programs.js';

/** `field` of `row` in `language`, or the row's own (default-language) text. */
export function inLanguage<T extends { translations?: Translations | null }>(
  row: T,
  field: keyof T & string,
  language: string,
): string {
  const own = row[field];
  const translated = row.translations?.[language]?.[field];
  return translated && translated.trim() !== '' ? translated : typeof own === 'string' ? own : '';
}

/**
 * A copy of `row` with `fields` in `language` wherever a translation exists. `defaultLanguage`
 * is the program's: its texts are the columns themselves.
 */
export function translated<T extends { translations?: Translations | null }>(
  row: T,
  fields: ReadonlyArray<keyof T & string>,
  language: string,
  defaultLanguage: string,
): T {
  if (language === defaultLanguage) return row;
  const copy = { ...row };
  for (const field of fields) (copy as Record<string, unknown>)[field] = inLanguage(row, field, language);
  return copy;
}

/**
 * The languages (other than the default) in which some of `fields` has no translation while the
 * default text is not empty: what the admin sees as "missing".
 */
export function missingTranslations<T extends { translations?: Translations | null }>(
  row: T,
  fields: ReadonlyArray<keyof T & string>,
  languages: readonly string[],
  defaultLanguage: string,
): string[] {
  return languages.filter(
    (language) =>
      language !== defaultLanguage &&
      fields.some((field) => {
        const own = row[field];
        return typeof own === 'string' && own.trim() !== '' && !row.translations?.[language]?.[field]?.trim();
      }),
  );
}
