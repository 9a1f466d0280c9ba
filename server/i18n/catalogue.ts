// The message catalogues: server/i18n/locales/<language>/<area>.json, each file an object of
// messages (nested objects allowed) in ICU MessageFormat, read once. A message's key is the file's
// name, then its path: "nominations.form.title" is { "form": { "title": … } } in nominations.json.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { LANGUAGES, localesDir } from './languages.js';

export type Catalogue = ReadonlyMap<string, string>;

function flatten(prefix: string, value: unknown, into: Map<string, string>, file: string) {
  if (typeof value === 'string') {
    into.set(prefix, value);
    return;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`${file}: ${prefix} must be a message (a string) or an object of messages`);
  }
  for (const [key, inner] of Object.entries(value)) flatten(`${prefix}.${key}`, inner, into, file);
}

/** Every message of one language, by key. */
export function readCatalogue(language: string): Catalogue {
  const dir = path.join(localesDir, language);
  const messages = new Map<string, string>();
  for (const file of readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()) {
    const where = path.join(dir, file);
    flatten(path.basename(file, '.json'), JSON.parse(readFileSync(where, 'utf8')) as unknown, messages, where);
  }
  return messages;
}

let catalogues: Map<string, Catalogue> | undefined;

/** The catalogues of every language, read on first use. */
export function allCatalogues(): ReadonlyMap<string, Catalogue> {
  catalogues ??= new Map(LANGUAGES.map((language) => [language, readCatalogue(language)]));
  return catalogues;
}

/** Reads the files again (the development server's view reload). */
export function forgetCatalogues(): void {
  catalogues = undefined;
}
