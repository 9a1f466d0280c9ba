// Typed errors thrown by services; the error handler turns each into the right page. Their words
// are Texts (server/i18n/translate.ts): a Message put into the reader's language when the page is
// written, or words already in it.
import { isMessage, msg, type Text } from './i18n/translate.js';

/** One message beside each field that needs a change. */
export type FieldErrors = Record<string, Text>;

const keyOrWords = (text: Text) => (isMessage(text) ? text.key : text);

export class NotFound extends Error {
  readonly status = 404;
  constructor(readonly text: Text = msg('errors.notFound.message')) {
    super(keyOrWords(text));
    this.name = 'NotFound';
  }
}

/** Where a refused person can go to be let in, shown under the message. */
export interface WayIn {
  href: string;
  text: Text;
}

export class Forbidden extends Error {
  readonly status = 403;
  constructor(
    readonly text: Text = msg('errors.forbidden.message'),
    readonly wayIn?: WayIn,
  ) {
    super(keyOrWords(text));
    this.name = 'Forbidden';
  }
}

/** Bad input: the form is shown again with a message beside each field. */
export class Invalid extends Error {
  readonly status = 422;
  constructor(
    public readonly fieldErrors: FieldErrors,
    readonly text: Text = msg('errors.invalid.message'),
  ) {
    super(keyOrWords(text));
    this.name = 'Invalid';
  }
}

export class TooManyRequests extends Error {
  readonly status = 429;
  constructor(
    readonly text: Text,
    public readonly retryAfterSeconds: number,
  ) {
    super(keyOrWords(text));
    this.name = 'TooManyRequests';
  }
}

/**
 * Someone saved the same record after this form was opened: saving it as it stands would
 * silently undo their change. The form is shown again with both versions.
 */
export class StaleEdit extends Error {
  readonly status = 409;
  constructor(
    readonly text: Text,
    public readonly changedAt: Date,
  ) {
    super(keyOrWords(text));
    this.name = 'StaleEdit';
  }
}
