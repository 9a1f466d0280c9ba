// Reading ids and page numbers from paths, queries and forms: decimal digits only; anything
// else is a page that does not exist (idParam) or simply absent (optionalId, pageParam).
import { NotFound } from '../server/errors.js';

/** Ids are positive: 0 is no more an id than 'abc' is. */
const ID = /^[1-9]\d{0,14}$/;

export function idParam(value: unknown): number {
  if (typeof value !== 'string' || !ID.test(value)) throw new NotFound();
  return Number(value);
}

export function optionalId(value: unknown): number | undefined {
  return typeof value === 'string' && ID.test(value) ? Number(value) : undefined;
}

export function pageParam(value: unknown): number {
  return typeof value === 'string' && /^\d{1,5}$/.test(value) ? Math.max(1, Number(value)) : 1;
}
