// Languages named in words for the page: a Message whose value `languages` holds language codes
// (a service decides which before it knows the reader) gets them as "Spanish" or "español" here.
import { languageList } from '../language-names.js';
import { isMessage, textIn, type Text } from '../../server/i18n/translate.js';
import type { FieldErrors } from '../../server/errors.js';

/** "Spanish", "English and Spanish": language codes named in the reader's language. */
export const languagesInWords = languageList;

/**
 * A Text in the reader's language: its `languages` value (codes) named in words, and any value
 * that is itself a Message (a conflict's reason inside an error) put into words first.
 */
export function wordsIn(reader: string, text: Text): string {
  if (!isMessage(text) || !text.values) return textIn(reader, text);
  const values = Object.fromEntries(
    Object.entries(text.values).map(([name, value]) => [
      name,
      name === 'languages' && Array.isArray(value)
        ? languagesInWords(reader, value as string[])
        : isMessage(value)
          ? wordsIn(reader, value)
          : value,
    ]),
  );
  return textIn(reader, { key: text.key, values });
}

/** Field errors in the reader's language, for a page to show. */
export function errorsIn(reader: string, errors: FieldErrors | undefined): FieldErrors | undefined {
  return errors && Object.fromEntries(Object.entries(errors).map(([field, text]) => [field, wordsIn(reader, text)]));
}
