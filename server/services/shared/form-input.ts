// Reading admin form fields. Fields arrive untrusted (strings, arrays or nothing); the checks
// record one message per field in a FieldErrors and let the caller throw a single Invalid.
// Dates are whole days in UTC, and sizes are entered in MB.
import type { FieldErrors } from '../../errors.js';
import { msg, type Text } from '../../i18n/translate.js';
import { oneLine } from '../../text.js';

export type Fields<K extends string> = Partial<Record<K, unknown>>;

export const MB = 1024 * 1024;

/** A trimmed string, or '' for anything that is not a string (a repeated field, nothing). */
export function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

/** A one-line field (a name, a city, a title) as it should be stored; '' for a non-string. */
export function singleLine(value: unknown): string {
  return typeof value === 'string' ? oneLine(value) : '';
}

/**
 * Checks presence and length; returns the value, or records a message and returns ''.
 * `singleLine` folds line breaks first (names and titles; see singleLine).
 */
export function checkText(
  errors: FieldErrors,
  field: string,
  value: unknown,
  rule: { max: number; required?: Text; singleLine?: boolean },
): string {
  const s = rule.singleLine ? singleLine(value) : text(value);
  if (s === '' && rule.required) errors[field] = rule.required;
  else if (s.length > rule.max) errors[field] = msg('forms.tooLongHas', { max: rule.max, length: s.length });
  return s.length > rule.max ? '' : s;
}

/** A whole number within bounds, or a message in `errors`. */
export function checkInteger(
  errors: FieldErrors,
  field: string,
  value: unknown,
  rule: { min: number; max: number; label: Text },
): number | undefined {
  const s = text(value);
  if (s === '') {
    errors[field] = msg('forms.enter', { label: rule.label });
    return undefined;
  }
  if (!/^-?\d{1,9}$/.test(s)) {
    errors[field] = msg('forms.wholeNumber', { label: rule.label, min: rule.min });
    return undefined;
  }
  const n = Number(s);
  if (n < rule.min || n > rule.max) {
    errors[field] = msg('forms.between', { label: rule.label, min: rule.min, max: rule.max });
    return undefined;
  }
  return n;
}

/** A decimal number with at most `decimals` places, within bounds. */
export function checkDecimal(
  errors: FieldErrors,
  field: string,
  value: unknown,
  rule: { min: number; max: number; decimals: number; label: Text; minExclusive?: boolean },
): number | undefined {
  const s = text(value);
  if (s === '') {
    errors[field] = msg('forms.enter', { label: rule.label });
    return undefined;
  }
  const pattern = new RegExp(`^-?\\d{1,9}(\\.\\d{1,${rule.decimals}})?$`);
  if (!pattern.test(s)) {
    errors[field] = msg('forms.decimal', { label: rule.label, decimals: rule.decimals });
    return undefined;
  }
  const n = Number(s);
  const tooLow = rule.minExclusive ? n <= rule.min : n < rule.min;
  if (tooLow || n > rule.max) {
    errors[field] = rule.minExclusive
      ? msg('forms.aboveAndAtMost', { label: rule.label, min: rule.min, max: rule.max })
      : msg('forms.between', { label: rule.label, min: rule.min, max: rule.max });
    return undefined;
  }
  return n;
}

/** Checkboxes send "on" when ticked and nothing otherwise. */
export function checkbox(value: unknown): boolean {
  return typeof value === 'string' && ['on', 'true', 'yes', '1'].includes(value);
}

/** Postgres unique violations on a named constraint, whichever driver (and Drizzle wrapper) raised them. */
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  for (
    let e = error as { code?: string; constraint?: string; cause?: unknown } | undefined;
    e;
    e = e.cause as typeof e
  ) {
    if (e.code === '23505') return e.constraint === undefined || e.constraint === constraint;
  }
  return false;
}

export function isForeignKeyViolation(error: unknown): boolean {
  for (let e = error as { code?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e.code === '23503') return true;
  }
  return false;
}

// Dates typed into forms are read in the program's zone: see ../../time.ts (zonedTime, localDay).

/** An e-mail address as the forms accept it: something, @, a domain with a dot, no spaces. */
export const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
