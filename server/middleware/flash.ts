// One-time messages shown on the next page ("Check your e-mail", "You are signed out").
// They travel in a short-lived signed cookie rather than the session, so anonymous visitors
// need no session row to see them.
// The words are a Text: a Message (key and values) is put into words on the page that shows it,
// in that page's language.
import type { NextFunction, Request, Response } from 'express';
import { hasMessage, isMessage, type Text } from '../i18n/translate.js';

export type FlashKind = 'success' | 'info' | 'error';
export interface FlashMessage {
  kind: FlashKind;
  text: Text;
}

declare module 'express-serve-static-core' {
  interface Response {
    flash(kind: FlashKind, text: Text): void;
  }
}

/** Words fit to show: a short string, or a Message the catalogues have (a renamed key is dropped). */
function shownText(text: unknown): text is Text {
  if (typeof text === 'string') return true;
  return isMessage(text) && hasMessage(text.key) && (text.values === undefined || typeof text.values === 'object');
}

export function flashMessages(options: { secureCookies: boolean }) {
  // Like the session and CSRF cookies: in production the __Host- prefix makes browsers insist
  // on Secure, Path=/ and no Domain, so no sibling subdomain can plant or overwrite messages.
  const cookie = options.secureCookies ? '__Host-laurel.flash' : 'laurel.flash';
  const attributes = { httpOnly: true, sameSite: 'lax', secure: options.secureCookies, path: '/' } as const;
  return (req: Request, res: Response, next: NextFunction) => {
    const pending: FlashMessage[] = [];
    res.flash = (kind, text) => {
      pending.push({ kind, text: typeof text === 'string' ? text.slice(0, 500) : text });
      res.cookie(cookie, JSON.stringify(pending), { ...attributes, signed: true, maxAge: 5 * 60 * 1000 });
    };
    const raw: unknown = req.signedCookies?.[cookie];
    if (typeof raw === 'string') {
      try {
        const parsed: unknown = JSON.parse(raw);
        if (Array.isArray(parsed)) {
          res.locals.flash = parsed.filter(
            (m): m is FlashMessage => shownText(m?.text) && ['success', 'info', 'error'].includes(m?.kind),
          );
        }
      } catch {
        // A tampered or truncated cookie carries no messages.
      }
      // Shown once: cleared unless this response sets new ones (res.flash overwrites it).
      // Browsers ignore a __Host- cookie, even a clearing one, without the same attributes.
      res.clearCookie(cookie, attributes);
    }
    next();
  };
}
