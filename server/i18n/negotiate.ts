// Which language a request is answered in. In order: a `?lang=` in the URL (a shared link, the
// switcher), the signed-in person's choice, the visitor's cookie, the browser's Accept-Language,
// and last the program's default language. The public page cache keys its copies by
// requestedLanguage, which reads only the request (no session), so a copy is never served in the
// wrong language.
import type { Request } from 'express';
import { isLanguage, LANGUAGES, SOURCE_LANGUAGE } from './languages.js';

export const LANGUAGE_COOKIE = 'laurel.lang';
const COOKIE_VALUE = /(?:^|;\s*)laurel\.lang=([a-z]{2,3})(?:;|$)/;

/** The `?lang=` of the URL when it names a language Laurel speaks. */
export function languageInQuery(req: Request): string | undefined {
  const value = (req.query as Record<string, unknown>).lang;
  return isLanguage(value) ? value : undefined;
}

/** The language the visitor's cookie remembers. */
export function languageInCookie(req: Request): string | undefined {
  const found = COOKIE_VALUE.exec(req.headers.cookie ?? '')?.[1];
  return isLanguage(found) ? found : undefined;
}

/** The browser's preferred language among ours (Accept-Language, with its weights). */
export function languageOfBrowser(req: Request): string | undefined {
  if (!req.headers['accept-language']) return undefined;
  const found = req.acceptsLanguages(...LANGUAGES);
  return isLanguage(found) ? found : undefined;
}

/** The language asked for by the request alone, before any account or program default. */
export function requestedLanguage(req: Request): string | undefined {
  return languageInQuery(req) ?? languageInCookie(req) ?? languageOfBrowser(req);
}

/** The language to answer in. */
export function chooseLanguage(
  req: Request,
  { account, programDefault }: { account?: string | null; programDefault?: string },
): string {
  return (
    languageInQuery(req) ??
    (isLanguage(account) ? account : undefined) ??
    languageInCookie(req) ??
    languageOfBrowser(req) ??
    (isLanguage(programDefault) ? programDefault : SOURCE_LANGUAGE)
  );
}
