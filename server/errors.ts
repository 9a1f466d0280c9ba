// Typed errors thrown by services; the error handler turns each into the right page.
export type FieldErrors = Record<string, string>;

export class NotFound extends Error {
  readonly status = 404;
  constructor(message = 'We could not find that page.') {
    super(message);
    this.name = 'NotFound';
  }
}

export class Forbidden extends Error {
  readonly status = 403;
  constructor(message = 'You do not have permission to do that.') {
    super(message);
    this.name = 'Forbidden';
  }
}

/** Bad input: the form is shown again with a message beside each field. */
export class Invalid extends Error {
  readonly status = 422;
  constructor(
    public readonly fieldErrors: FieldErrors,
    message = 'Please correct the highlighted fields.',
  ) {
    super(message);
    this.name = 'Invalid';
  }
}

export class TooManyRequests extends Error {
  readonly status = 429;
  constructor(
    message: string,
    public readonly retryAfterSeconds: number,
  ) {
    super(message);
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
    message: string,
    public readonly changedAt: Date,
  ) {
    super(message);
    this.name = 'StaleEdit';
  }
}
