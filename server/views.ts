// express-handlebars setup: one layout, partials, and the few helpers the views need.
import path from 'node:path';
import type { Express } from 'express';
import { engine } from 'express-handlebars';
import Handlebars from 'handlebars';
import { VIEWABLE_KINDS, type EvidenceKind } from '../models/evidence.js';
import { sizeText } from './storage/evidence-files.js';
import { viewsDir } from './paths.js';
import { counted, formatNumber } from './text.js';
import { intlLocale, SOURCE_LANGUAGE } from './i18n/languages.js';
import { clientMessages, label, t, textIn, tHtml, type Text } from './i18n/translate.js';
import { DEFAULT_TIME_ZONE, formatDay, formatMoment, formatShortMoment } from './time.js';

/**
 * A value the page's root data holds (res.locals and the render's data). Inside a block passed to
 * a partial ({{#> field}}…{{/field}}) Handlebars' own frame has an empty root, so the frames it
 * came from are searched too.
 */
function fromRoot<T>(options: Handlebars.HelperOptions, name: string): T | undefined {
  for (let data = options.data as { root?: Record<string, unknown>; _parent?: unknown } | undefined; data;) {
    const value = data.root?.[name];
    if (value !== undefined) return value as T;
    data = data._parent as typeof data;
  }
  return undefined;
}

/** The zone a page writes dates in: the one the request set (res.locals.timeZone), or UTC. */
const zoneOf = (options: Handlebars.HelperOptions) => fromRoot<string>(options, 'timeZone') ?? DEFAULT_TIME_ZONE;
/** The language a page is written in (res.locals.lang, server/middleware/language.ts). */
export const languageOf = (options: Handlebars.HelperOptions) => fromRoot<string>(options, 'lang') ?? SOURCE_LANGUAGE;

export const viewHelpers = {
  /** {{t "common.nav.signedInAs" name=user.name}}: the message in the page's language (server/i18n/translate.ts). */
  t(key: unknown, options: Handlebars.HelperOptions) {
    return t(languageOf(options), String(key), options.hash as Record<string, unknown>);
  },
  /**
   * {{tHtml KEY value=… link_privacy="/privacy"}}: a message with markup; its <privacy>…</privacy>
   * becomes a link to the given address, <strong> and <em> stay; everything else is escaped.
   */
  tHtml(key: unknown, options: Handlebars.HelperOptions) {
    const values: Record<string, unknown> = {};
    const links: Record<string, string> = {};
    for (const [name, value] of Object.entries(options.hash as Record<string, unknown>)) {
      if (name.startsWith('link_')) links[name.slice(5)] = String(value);
      else values[name] = value;
    }
    return new Handlebars.SafeString(tHtml(languageOf(options), String(key), values, links));
  },
  /**
   * {{label "schoolLevel" value}}: one value of a fixed list in the page's language (labels.json).
   * A bare {{label}} is the context's own `label` (a field's, an option's): Handlebars calls a
   * helper of that name before it looks at the data, so the helper hands it back.
   */
  label(this: unknown, ...args: unknown[]) {
    const options = args.pop() as Handlebars.HelperOptions;
    if (args.length === 0) return (this as { label?: unknown } | undefined)?.label;
    const [list, value] = args;
    return value === undefined || value === null || value === ''
      ? ''
      : label(languageOf(options), String(list), String(value));
  },
  /**
   * The words the page's scripts write (client.json), as JSON for a <script type="application/json">:
   * the scripts replace {name} in them and pick overOne/overOther with Intl.PluralRules.
   */
  clientMessages(options: Handlebars.HelperOptions) {
    const json = JSON.stringify(clientMessages(languageOf(options)));
    return new Handlebars.SafeString(json.replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026'));
  },
  /** {{tx text}}: a Text (a service's Message, or words already written) in the page's language. */
  tx(text: unknown, options: Handlebars.HelperOptions) {
    return textIn(languageOf(options), text as Text);
  },
  /** {{formatNumber n}}: 12,345 in the page's language. */
  formatNumber(value: unknown, options: Handlebars.HelperOptions) {
    const n = Number(value);
    return Number.isFinite(n) ? formatNumber(n, intlLocale(languageOf(options))) : '';
  },
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
  /** {{formatDate d}}: "January 30, 2027", the day in the program's zone. */
  formatDate(value: unknown, options: Handlebars.HelperOptions) {
    return value instanceof Date ? formatDay(value, zoneOf(options), languageOf(options)) : '';
  },
  /** {{formatDateTime d}}: "Jan 30, 2027, 11:59 PM MT", for tables and logs. */
  formatDateTime(value: unknown, options: Handlebars.HelperOptions) {
    return value instanceof Date ? formatShortMoment(value, zoneOf(options), languageOf(options)) : '';
  },
  /** {{formatDeadline d}}: "Saturday, January 30, 2027, 11:59 PM MT", for deadlines. */
  formatDeadline(value: unknown, options: Handlebars.HelperOptions) {
    return value instanceof Date ? formatMoment(value, zoneOf(options), languageOf(options)) : '';
  },
  isoDate(value: unknown) {
    return value instanceof Date ? value.toISOString() : '';
  },
  /** {{counted n "application" "applications"}}: "1 application", "3 applications". */
  counted(count: unknown, one: unknown, other: unknown) {
    return counted(Number(count) || 0, String(one), String(other));
  },
  eq(a: unknown, b: unknown) {
    return a === b;
  },
  and(...args: unknown[]) {
    return args.slice(0, -1).every(Boolean);
  },
  or(...args: unknown[]) {
    return args.slice(0, -1).some(Boolean);
  },
  concat(...parts: unknown[]) {
    return parts.slice(0, -1).map(String).join('');
  },
  /** Whether the browser can show an evidence file of this kind itself (views/partials/evidence-file.hbs). */
  viewable(kind: unknown) {
    return VIEWABLE_KINDS.includes(kind as EvidenceKind);
  },
  includes(list: unknown, value: unknown) {
    return Array.isArray(list) && list.map(String).includes(String(value));
  },
  /** A file's size in the page's language: "1.5 MB", "1,5 MB". */
  bytes(value: unknown, options: Handlebars.HelperOptions) {
    const n = Number(value);
    return Number.isFinite(n) ? textIn(languageOf(options), sizeText(n)) : '';
  },

  /** aria-describedby / aria-invalid attributes for a field with an error. */
  fieldErrorAttrs(errors: Record<string, unknown> | undefined, field: string) {
    return errors?.[field] ? new Handlebars.SafeString(`aria-invalid="true" aria-describedby="${field}-error"`) : '';
  },
  lookupError(errors: Record<string, unknown> | undefined, field: string) {
    return errors?.[field];
  },

  /**
   * The parameters of views/partials/field.hbs, from the hash alone: a partial's own hash is
   * merged over the page's data, so a `type` or `required` of the page would leak into a field
   * that did not set it. The value and error default to the page's values.<name> and errors.<name>.
   */
  fieldOf(this: unknown, name: unknown, options: Handlebars.HelperOptions) {
    const hash = options.hash as Record<string, unknown>;
    const unknown = Object.keys(hash).filter((key) => !FIELD_PARAMETERS.has(key));
    if (unknown.length > 0) throw new Error(`Field ${String(name)}: unknown parameter ${unknown.join(', ')}`);
    const type = String(hash.type ?? 'text');
    if (!FIELD_TYPES.has(type)) throw new Error(`Field ${String(name)}: unknown type ${type}`);
    if (!hash.label) throw new Error(`Field ${String(name)}: every field needs a label`);
    const page = this as { values?: Record<string, unknown>; errors?: Record<string, unknown> } | undefined;
    const field = String(name);
    const value = 'value' in hash ? hash.value : page?.values?.[field];
    const error = 'error' in hash ? hash.error : page?.errors?.[field];
    return {
      name: field,
      label: hash.label,
      type,
      control: type === 'textarea' || type === 'select' ? type : 'input',
      required: hash.required === true,
      hint: hash.hint,
      describedby: hash.describedby,
      // A password is never written back into the page.
      value: type === 'password' ? undefined : value,
      error: error || undefined,
      options: type === 'select' ? fieldOptions(hash.options, value) : [],
      emptyOption: hash.emptyOption,
      attributes: controlAttributes(hash),
      // A hint given as a block is rendered with the page's data, not the field's.
      context: this,
    };
  },
  /** aria-describedby (hint, the ids given, error) and aria-invalid of a field's control. */
  fieldAria(field: { name: string; hint?: unknown; describedby?: unknown; error?: unknown }, hintBlock: unknown) {
    const ids = [
      field.hint || typeof hintBlock === 'function' ? `${field.name}-hint` : '',
      field.describedby ? String(field.describedby) : '',
      field.error ? `${field.name}-error` : '',
    ].filter(Boolean);
    const describedBy = ids.length > 0 ? ` aria-describedby="${Handlebars.escapeExpression(ids.join(' '))}"` : '';
    return new Handlebars.SafeString(describedBy + (field.error ? ' aria-invalid="true"' : ''));
  },
};

const FIELD_TYPES = new Set([
  'text',
  'email',
  'number',
  'url',
  'password',
  'date',
  'datetime-local',
  'time',
  'search',
  'tel',
  'textarea',
  'select',
]);

/** The control's attributes, in the order the hand-written forms had them. */
const CONTROL_ATTRIBUTES = [
  'rows',
  'inputmode',
  'autocomplete',
  'minlength',
  'maxlength',
  'min',
  'max',
  'step',
  'required',
  'autocapitalize',
  'spellcheck',
  // The language of what is typed, for a field in another language than the page's.
  'lang',
];

const FIELD_PARAMETERS = new Set([
  ...CONTROL_ATTRIBUTES,
  'label',
  'type',
  'hint',
  'describedby',
  'value',
  'error',
  'options',
  'emptyOption',
]);

function controlAttributes(hash: Record<string, unknown>): Handlebars.SafeString {
  let html = '';
  for (const attribute of CONTROL_ATTRIBUTES) {
    const value = hash[attribute];
    if (attribute === 'required') html += value === true ? ' required' : '';
    // spellcheck=false is an attribute worth writing; an absent or empty one is not.
    else if (value !== undefined && value !== null && value !== '')
      html += ` ${attribute}="${Handlebars.escapeExpression(String(value))}"`;
  }
  return new Handlebars.SafeString(html);
}

/**
 * A select's options from what the routes pass: a list of values, a list of { value, label?,
 * selected? }, or an object of labels by value. An option is selected when it says so, or else
 * when its value is the field's value.
 */
function fieldOptions(list: unknown, current: unknown): Array<{ value: string; label: string; selected: boolean }> {
  const chosen = current === undefined || current === null ? undefined : String(current);
  const items = Array.isArray(list)
    ? (list as unknown[])
    : list !== null && typeof list === 'object'
      ? Object.entries(list).map(([value, label]) => ({ value, label }))
      : [];
  return items.map((item) => {
    if (item === null || typeof item !== 'object')
      return { value: String(item), label: String(item), selected: String(item) === chosen };
    const { value, label, selected } = item as { value?: unknown; label?: unknown; selected?: unknown };
    return {
      value: String(value ?? ''),
      label: String(label ?? value ?? ''),
      selected: typeof selected === 'boolean' ? selected : String(value ?? '') === chosen,
    };
  });
}

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
  // Templates are compiled once, whatever NODE_ENV says: a program that runs `npm start` without
  // setting it would otherwise read and compile every template on every page. `npm run dev`
  // sets LAUREL_RELOAD_VIEWS=1 to see edits without a restart.
  app.set('view cache', process.env.LAUREL_RELOAD_VIEWS !== '1');
}
