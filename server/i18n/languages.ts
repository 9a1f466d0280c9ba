// The languages Laurel speaks: one folder of message catalogues each under server/i18n/locales/.
// Adding a language is adding its folder (a copy of en/, translated); nothing else names them.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../paths.js';

/** The language the catalogues are written in first, and every message's last fallback. */
export const SOURCE_LANGUAGE = 'en';

export const localesDir = path.join(projectRoot, 'server', 'i18n', 'locales');

const CODE = /^[a-z]{2,3}$/;

/** The languages with a catalogue folder, the source language first. */
export const LANGUAGES: readonly string[] = readdirSync(localesDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && CODE.test(entry.name))
  .map((entry) => entry.name)
  .sort((a, b) => (a === SOURCE_LANGUAGE ? -1 : b === SOURCE_LANGUAGE ? 1 : a.localeCompare(b)));

export function isLanguage(value: unknown): value is string {
  return typeof value === 'string' && LANGUAGES.includes(value);
}

/** A language's own name for itself, capitalized as a menu shows it: "English", "Español". */
export function languageName(code: string): string {
  const name = new Intl.DisplayNames([code], { type: 'language' }).of(code) ?? code;
  return name.charAt(0).toLocaleUpperCase(code) + name.slice(1);
}

/** The name of `code` in the reader's language: "Spanish" for an English reader, "inglés" for a Spanish one. */
export function languageNameIn(reader: string, code: string): string {
  return new Intl.DisplayNames([reader], { type: 'language' }).of(code) ?? code;
}

/**
 * The Intl locale dates and numbers are written in: the language as spoken in the United States,
 * where the programs are ("sábado, 30 de enero de 2027, 11:59 p.m. MT"; 12,345 in both).
 */
export function intlLocale(language: string): string {
  return `${language}-US`;
}
