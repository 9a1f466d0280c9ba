// PostgreSQL text cannot hold the NUL character, and nobody types one: it only arrives in
// hostile or broken requests. It is dropped from every form field and query value before any
// route sees them, so such a request gets the usual validation messages instead of a 500.
import { parse } from 'node:querystring';
import type { NextFunction, Request, Response } from 'express';

export function withoutNulls<T>(value: T): T {
  if (typeof value === 'string') return value.replaceAll('\u0000', '') as T;
  if (Array.isArray(value)) return value.map(withoutNulls) as T;
  if (value && typeof value === 'object') {
    for (const key of Object.keys(value)) (value as Record<string, unknown>)[key] = withoutNulls((value as Record<string, unknown>)[key]);
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
