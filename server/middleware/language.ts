// The language of every page (server/i18n/negotiate.ts), and what the layout needs to offer the
// others: the switcher's links (plain links, no script) and the hreflang alternates. A `?lang=`
// link is remembered: in a cookie for a visitor, on the account for a signed-in person.
import type { NextFunction, Request, Response } from 'express';
import type { Translations } from '../../models/programs.js';
import { translated } from '../i18n/content.js';
import { LANGUAGES, languageName } from '../i18n/languages.js';
import { chooseLanguage, LANGUAGE_COOKIE, languageInCookie, languageInQuery } from '../i18n/negotiate.js';

const ONE_YEAR_MS = 365 * 24 * 60 * 60 * 1000;

/** What this middleware reads of the page's site identity (services/programs/identity.ts). */
interface SiteWords {
  defaultLanguage?: string;
  name?: string;
  shortName?: string;
  translations?: Translations;
}

/** The request's own URL with `lang` set to `language` (or removed, for the x-default). */
function withLanguage(url: string, language: string | undefined): string {
  const parsed = new URL(url, 'http://laurel.invalid');
  parsed.searchParams.delete('lang');
  if (language) parsed.searchParams.set('lang', language);
  return parsed.pathname + parsed.search;
}

export function chooseLanguageFor({
  baseUrl,
  secureCookies,
  rememberOnAccount,
}: {
  baseUrl: string;
  secureCookies: boolean;
  /** Stores a signed-in person's choice (services/accounts: setAccountLanguage). */
  rememberOnAccount: (userId: number, language: string) => Promise<void>;
}) {
  return async function language(req: Request, res: Response, next: NextFunction) {
    const site = res.locals.site as SiteWords | undefined;
    const lang = chooseLanguage(req, { account: req.user?.language, programDefault: site?.defaultLanguage });
    // The program's name as the reader's language has it (its translations, else its own).
    if (site?.translations && lang !== site.defaultLanguage) {
      res.locals.site = translated(site, ['name', 'shortName'], lang, site.defaultLanguage ?? lang);
    }
    const asked = languageInQuery(req);
    if (asked) {
      if (languageInCookie(req) !== asked) {
        res.cookie(LANGUAGE_COOKIE, asked, { maxAge: ONE_YEAR_MS, sameSite: 'lax', secure: secureCookies, path: '/' });
      }
      if (req.user && req.user.language !== asked) {
        try {
          await rememberOnAccount(req.user.id, asked);
          req.user.language = asked;
        } catch {
          // Not remembered this time; the page is still in the language asked for.
        }
      }
    }
    res.locals.lang = lang;
    res.setHeader('Content-Language', lang);
    res.vary('Accept-Language');
    const url = req.originalUrl.length <= 2000 ? req.originalUrl : req.path;
    res.locals.languages = LANGUAGES.map((code) => ({
      code,
      name: languageName(code),
      href: withLanguage(url, code),
      current: code === lang,
    }));
    res.locals.alternates = [
      ...LANGUAGES.map((code) => ({ hreflang: code, href: baseUrl + withLanguage(url, code) })),
      { hreflang: 'x-default', href: baseUrl + withLanguage(url, undefined) },
    ];
    next();
  };
}
