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
  /** The CSRF token alone, for the action URL of multipart (upload) forms. */
  csrfToken(this: unknown, options: Handlebars.HelperOptions) {
    return (options.data.root as { csrfToken?: () => string }).csrfToken?.() ?? '';
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
  and(...args: unknown[]) {
    return args.slice(0, -1).every(Boolean);
  },
  concat(...parts: unknown[]) {
    return parts.slice(0, -1).map(String).join('');
  },
  includes(list: unknown, value: unknown) {
    return Array.isArray(list) && list.map(String).includes(String(value));
  },
  bytes(value: unknown) {
    const n = Number(value);
    if (!Number.isFinite(n)) return '';
    if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1).replace(/\.0$/, '')} MB`;
    if (n >= 1024) return `${Math.round(n / 1024)} KB`;
    return `${n} bytes`;
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
