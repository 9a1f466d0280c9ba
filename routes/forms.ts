// Reading a posted form, the one way every router does it. Fields arrive untrusted: a string, an
// array (a repeated field), or nothing. Services check the values; routers only pass them on and,
// when a service refuses them (Invalid), show the form again with everything that was typed.
import type { Request, Response } from 'express';
import { Invalid } from '../server/errors.js';
import { msg } from '../server/i18n/translate.js';

/** The posted form as sent; {} when there is none. */
export type FormBody = Record<string, unknown>;

export function formBody(req: Request): FormBody {
  return (req.body as FormBody | undefined) ?? {};
}

/** One field as a string; '' when missing or sent more than once. */
export function formField(req: Request, name: string): string {
  const value = formBody(req)[name];
  return typeof value === 'string' ? value : '';
}

/** The named fields: strings as sent, anything else (repeated, missing) undefined. */
export function formFields<K extends string>(req: Request, names: readonly K[]): Record<K, string | undefined> {
  const body = formBody(req);
  const result = {} as Record<K, string | undefined>;
  for (const name of names) {
    const value = body[name];
    result[name] = typeof value === 'string' ? value : undefined;
  }
  return result;
}

/** The posted fields that can be shown again in a form: strings only, whatever else was sent. */
export function typedValues(input: FormBody): Record<string, string> {
  return Object.fromEntries(
    Object.entries(input).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}

/**
 * For a form's catch block: when the service refused the input, `showAgain` renders the form with
 * the messages (a 422, nothing lost); any other error goes on to the error handler.
 */
export function showAgainIfInvalid<T>(error: unknown, showAgain: (invalid: Invalid) => T): T {
  if (!(error instanceof Invalid)) throw error;
  return showAgain(error);
}

/** The common case of showAgainIfInvalid: `view` again with 422, the locals and a message per field. */
export function renderInvalid(res: Response, error: unknown, view: string, locals: Record<string, unknown>): void {
  showAgainIfInvalid(error, (invalid) => res.status(422).render(view, { ...locals, errors: invalid.fieldErrors }));
}

/** The approve/decline button pressed; anything else is refused rather than read as a "no". */
export function approveOrDecline(body: unknown): boolean {
  const decision = (body as Record<string, unknown> | undefined)?.decision;
  if (decision === 'approve' || decision === 'decline') return decision === 'approve';
  throw new Invalid({ decision: msg('forms.approveOrDecline') });
}
