// One place turns errors into pages: 404, 403 (saying why), 422 handled by routes, 429, 500.
// Production pages never show a stack trace.
import type { NextFunction, Request, Response } from 'express';
import { Forbidden, Invalid, NotFound, TooManyRequests } from '../errors.js';
import { chooseLanguage } from '../i18n/negotiate.js';
import { t, textIn } from '../i18n/translate.js';

export function notFoundHandler(_req: Request, _res: Response, next: NextFunction) {
  next(new NotFound());
}

interface HttpishError {
  status?: number;
  statusCode?: number;
  code?: string;
  type?: string;
  expose?: boolean;
  message?: string;
  stack?: string;
}

export function errorHandler(options: { showStack: boolean; isCsrfError: (error: unknown) => boolean }) {
  return (error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    const e = (error ?? {}) as HttpishError;
    const lang = (res.locals.lang as string | undefined) ?? chooseLanguage(req, {});
    let status = 500;
    let kind = 'server';
    let message: string | undefined;
    let wayIn: { href: string; text: string } | undefined;
    if (options.isCsrfError(error)) {
      status = 403;
      kind = 'expiredForm';
    } else if (error instanceof NotFound) {
      status = 404;
      kind = 'notFound';
      message = textIn(lang, error.text);
    } else if (error instanceof Forbidden) {
      status = 403;
      kind = 'forbidden';
      message = textIn(lang, error.text);
      if (error.wayIn) wayIn = { href: error.wayIn.href, text: textIn(lang, error.wayIn.text) };
    } else if (error instanceof TooManyRequests) {
      status = 429;
      kind = 'tooMany';
      message = textIn(lang, error.text);
      res.set('Retry-After', String(error.retryAfterSeconds));
    } else if (error instanceof Invalid) {
      status = 422;
      kind = 'invalid';
      const fields = Object.values(error.fieldErrors).map((text) => textIn(lang, text));
      message = fields.join(' ') || textIn(lang, error.text);
    } else if (typeof (e.status ?? e.statusCode) === 'number' && (e.status ?? e.statusCode)! < 500) {
      // body-parser and friends: too large, malformed, bad encoding.
      status = (e.status ?? e.statusCode)!;
      kind = status === 413 ? 'tooLarge' : 'badRequest';
    }
    if (status >= 500) req.log?.error({ err: error }, 'request failed');
    res.locals.lang = lang;
    res.status(status).render('errors/error', {
      title: t(lang, `errors.${kind}.title`),
      status,
      message: message ?? t(lang, `errors.${kind}.message`),
      wayIn,
      stack: options.showStack && status >= 500 ? e.stack : undefined,
    });
  };
}
