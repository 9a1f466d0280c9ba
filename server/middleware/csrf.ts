// CSRF protection for every state-changing request: csrf-csrf's signed double-submit cookie,
// with the token in a hidden `_csrf` field of each form. Signed-in requests bind the token to
// the session id; anonymous forms (sign-in, registration, nomination) use a token bound to no
// session, so showing them creates no session row.
import type { NextFunction, Request, Response } from 'express';
import { doubleCsrf } from 'csrf-csrf';

export function createCsrf(options: { secret: string; secureCookies: boolean }) {
  const { generateCsrfToken, doubleCsrfProtection, invalidCsrfTokenError } = doubleCsrf({
    getSecret: () => options.secret,
    getSessionIdentifier: (req) => (req.isAuthenticated?.() ? req.sessionID : 'anonymous'),
    cookieName: options.secureCookies ? '__Host-laurel.csrf' : 'laurel.csrf',
    cookieOptions: { sameSite: 'lax', path: '/', secure: options.secureCookies, httpOnly: true },
    // The unsubscribe link is signed for its address, and mail programs' one-click requests
    // (RFC 8058) cannot carry a token.
    skipCsrfProtection: (req) => req.path === '/unsubscribe',
    getCsrfTokenFromRequest: (req) => {
      // A multipart body (evidence uploads) is parsed only after this check, so that a forged
      // request never writes a file: such forms carry the token in their action's query string.
      const source = req.is('multipart/form-data') ? req.query : (req.body as Record<string, unknown> | undefined);
      const field = source?._csrf;
      return typeof field === 'string' ? field : undefined;
    },
  });

  /**
   * Gives views a `csrfToken()` function (used by the {{csrfField}} helper). The token, and its
   * cookie, are made only when a page actually has a form.
   */
  function exposeToken(req: Request, res: Response, next: NextFunction) {
    let token: string | undefined;
    res.locals.csrfToken = () => {
      token ??= generateCsrfToken(req, res, { overwrite: false, validateOnReuse: false });
      return token;
    };
    next();
  }

  return { protect: doubleCsrfProtection, exposeToken, invalidCsrfTokenError, generateCsrfToken };
}
