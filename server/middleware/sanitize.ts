// PostgreSQL text cannot hold the NUL character, and nobody types one: it only arrives in
// hostile or broken requests. It is dropped from every form field and query value before any
// route sees them, so such a request gets the usual validation messages instead of a 500.
import { parse } from 'node:querystring';
import type { NextFunction, Request, Response } from 'express';
import { NotFound } from '../errors.js';

export function withoutNulls<T>(value: T): T {
  if (typeof value === 'string') return value.replaceAll('\u0000', '') as T;
  if (Array.isArray(value)) return value.map(withoutNulls) as T;
  if (value && typeof value === 'object') {
    for (const key of Object.keys(value))
      (value as Record<string, unknown>)[key] = withoutNulls((value as Record<string, unknown>)[key]);
  }
  return value;
}

/** Express's "simple" query parser, without NULs. */
export function parseQuery(query: string) {
  return withoutNulls(parse(query));
}

export function stripNullsFromBody(req: Request, _res: Response, next: NextFunction) {
  if (req.body) withoutNulls(req.body);
  next();
}

/**
 * No page's address holds a NUL, so a path with one is answered 404 at once, for every route,
 * before anything reads it (PostgreSQL text cannot hold a NUL). `%00` is the only way to write a
 * NUL in a path: the router decodes parameters with decodeURIComponent, which gives a NUL for
 * nothing else, and HTTP parsers refuse a raw NUL byte.
 */
export function refuseNulInPath(req: Request, _res: Response, next: NextFunction) {
  next(/%00/.test(req.path) ? new NotFound() : undefined);
}

/**
 * SQLSTATEs for text PostgreSQL cannot store: character_not_in_repertoire (a NUL, bytes that are
 * not UTF-8) and untranslatable_character (a \u0000 escape in JSON).
 */
const UNSTORABLE_TEXT = new Set(['22021', '22P05']);

function sqlState(error: unknown): string | undefined {
  // Drizzle wraps the driver's error in its own, with the original as `cause`.
  let current = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

class UnstorableText extends Error {
  readonly status = 400;
  constructor() {
    super('The request carried characters that cannot be stored.');
    this.name = 'UnstorableText';
  }
}

/**
 * Text the database cannot store can only have come from the request (a NUL or broken UTF-8
 * that slipped past the filters above), so it is a bad request, not a failure of the server:
 * a 400 page rather than a 500. Mounted just before the error handler.
 */
export function unstorableTextIsBadRequest(error: unknown, req: Request, _res: Response, next: NextFunction) {
  const state = sqlState(error);
  if (state === undefined || !UNSTORABLE_TEXT.has(state)) return next(error);
  req.log?.warn({ err: error }, 'the request carried text the database cannot store');
  next(new UnstorableText());
}
