// express-handlebars setup: one layout, partials, and the few helpers the views need.
import path from 'node:path';
import type { Express } from 'express';
import { engine } from 'express-handlebars';
import Handlebars from 'handlebars';
import { viewsDir } from './paths.js';

const dateFormat = new Intl.DateTimeFormat('en-US', { dateStyle: 'long', timeZone: 'UTC' });
const dateTimeFormat = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });

export const viewHelpers = {
  /** The hidden CSRF field every form carries. */
  csrfField(this: unknown, options: Handlebars.HelperOptions) {
    const token = (options.data.root as { csrfToken?: () => string }).csrfToken?.() ?? '';
    return new Handlebars.SafeString(
      `<input type="hidden" name="_csrf" value="${Handlebars.escapeExpression(token)}">`,
    );
  },
  formatDate(value: unknown) {
    return value instanceof Date ? dateFormat.format(value) : '';
  },
  formatDateTime(value: unknown) {
    return value instanceof Date ? `${dateTimeFormat.format(value)} UTC` : '';
  },
  isoDate(value: unknown) {
    return value instanceof Date ? value.toISOString() : '';
  },
  eq(a: unknown, b: unknown) {
    return a === b;
  },
  /** aria-describedby / aria-invalid attributes for a field with an error. */
  fieldErrorAttrs(errors: Record<string, string> | undefined, field: string) {
    return errors?.[field]
      ? new Handlebars.SafeString(`aria-invalid="true" aria-describedby="${field}-error"`)
      : '';
  },
  lookupError(errors: Record<string, string> | undefined, field: string) {
    return errors?.[field];
  },
};

export function createViewEngine(app: Express): void {
  app.engine(
    'hbs',
    engine({
      extname: '.hbs',
      defaultLayout: 'main',
      layoutsDir: path.join(viewsDir, 'layouts'),
      partialsDir: path.join(viewsDir, 'partials'),
      helpers: viewHelpers,
    }),
  );
  app.set('view engine', 'hbs');
  app.set('views', viewsDir);
}
