// The languages people wrote in (a nomination's, an application's answers'), named in the
// reader's language for the admin pages: "Spanish", "inglés y español".
import { hasMessage, t } from '../server/i18n/translate.js';
import { intlLocale, languageNameIn } from '../server/i18n/languages.js';

/** `code` named in `reader`'s language, as a sentence has it: "Spanish", "español". */
export function languageWord(reader: string, code: string): string {
  const key = `common.languages.${code}`;
  return hasMessage(key) ? t(reader, key) : languageNameIn(reader, code);
}

/** The same, standing alone in a table cell or a list: "Spanish", "Español". */
export function languageLabel(reader: string, code: string): string {
  const word = languageWord(reader, code);
  return word.charAt(0).toLocaleUpperCase(reader) + word.slice(1);
}

/** Several languages in one phrase: "English and Spanish", "inglés y español"; '' for none. */
export function languageList(reader: string, codes: readonly string[]): string {
  return new Intl.ListFormat(intlLocale(reader), { type: 'conjunction' }).format(
    codes.map((code) => languageWord(reader, code)),
  );
}
