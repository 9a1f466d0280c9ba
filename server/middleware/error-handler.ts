// One place turns errors into pages: 404, 403 (saying why), 422 handled by routes, 429, 500.
// Production pages never show a stack trace.
import type { NextFunction, Request, Response } from 'express';
import { Forbidden, Invalid, NotFound, TooManyRequests } from '../errors.js';

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
    let status = 500;
    let title = 'Something went wrong';
    let message = 'The server hit a problem it did not expect. It has been logged; please try again in a moment.';
    if (options.isCsrfError(error)) {
      status = 403;
      title = 'This form has expired';
      message =
        'For your security, forms can only be sent from a page this site showed you recently. ' +
        'Go back, reload the page and send the form again. Nothing was changed.';
    } else if (error instanceof NotFound) {
      status = 404;
      title = 'Page not found';
      message = error.message;
    } else if (error instanceof Forbidden) {
      status = 403;
      title = 'Not allowed';
      message = error.message;
    } else if (error instanceof TooManyRequests) {
      status = 429;
      title = 'Too many requests';
      message = error.message;
      res.set('Retry-After', String(error.retryAfterSeconds));
    } else if (error instanceof Invalid) {
      status = 422;
      title = 'Please check what you sent';
      message = Object.values(error.fieldErrors).join(' ') || error.message;
    } else if (typeof (e.status ?? e.statusCode) === 'number' && (e.status ?? e.statusCode)! < 500) {
      // body-parser and friends: too large, malformed, bad encoding.
      status = (e.status ?? e.statusCode)!;
      title = status === 413 ? 'Too large' : 'Bad request';
      message =
        status === 413
          ? 'What you sent is larger than this form accepts.'
          : 'The request could not be understood. Please go back and try again.';
    }
    if (status >= 500) req.log?.error({ err: error }, 'request failed');
    res.status(status).render('errors/error', {
      title,
      status,
      message,
      stack: options.showStack && status >= 500 ? e.stack : undefined,
    });
  };
}
