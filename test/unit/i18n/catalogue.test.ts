// The catalogues are complete: every language has every message, with the same values and valid
// plurals; every key the code and templates name exists; and no template or service hands a
// person English that is not from the catalogues (test/helpers/untranslated.ts).
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { readCatalogue } from '../../../server/i18n/catalogue.js';
import { LANGUAGES, SOURCE_LANGUAGE } from '../../../server/i18n/languages.js';
import { projectRoot } from '../../../server/paths.js';
import { NOT_YET_TRANSLATED, untranslatedInCode, untranslatedInTemplate } from '../../helpers/untranslated.js';

function filesUnder(dir: string, ending: string): string[] {
  return readdirSync(path.join(projectRoot, dir), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith(ending))
    .map((file) => path.join(dir, file));
}

/** The names of a message's values, and the plural/select cases it has, for comparing languages. */
function argumentsOf(elements: MessageFormatElement[], into = new Set<string>()): Set<string> {
  for (const element of elements) {
    if (element.type === TYPE.argument || element.type === TYPE.number || element.type === TYPE.date) {
      into.add(element.value);
    } else if (element.type === TYPE.plural || element.type === TYPE.select) {
      into.add(element.value);
      for (const option of Object.values(element.options)) argumentsOf(option.value, into);
    } else if (element.type === TYPE.tag) {
      into.add(`<${element.value}>`);
      argumentsOf(element.children, into);
    }
  }
  return into;
}

function pluralsWithoutOther(elements: MessageFormatElement[]): boolean {
  return elements.some(
    (element) =>
      ((element.type === TYPE.plural || element.type === TYPE.select) && !('other' in element.options)) ||
      ((element.type === TYPE.plural || element.type === TYPE.select) &&
        Object.values(element.options).some((option) => pluralsWithoutOther(option.value))) ||
      (element.type === TYPE.tag && pluralsWithoutOther(element.children)),
  );
}

const catalogues = new Map(LANGUAGES.map((language) => [language, readCatalogue(language)]));
const source = catalogues.get(SOURCE_LANGUAGE)!;

describe('message catalogues', () => {
  it('speak English and Spanish', () => {
    expect(LANGUAGES).to.deep.equal(['en', 'es']);
  });

  for (const language of LANGUAGES) {
    it(`${language}: has every message and no other`, () => {
      const own = catalogues.get(language)!;
      const missing = [...source.keys()].filter((key) => !own.has(key));
      const extra = [...own.keys()].filter((key) => !source.has(key));
      expect(missing, `missing in ${language}`).to.deep.equal([]);
      expect(extra, `in ${language} but not in ${SOURCE_LANGUAGE}`).to.deep.equal([]);
    });

    it(`${language}: every message parses, with the values and tags of the English one`, () => {
      const problems: string[] = [];
      for (const [key, text] of catalogues.get(language)!) {
        try {
          const elements = parse(text);
          if (text.trim() === '') problems.push(`${key}: empty`);
          if (pluralsWithoutOther(elements)) problems.push(`${key}: a plural or select without "other"`);
          const english = source.get(key);
          if (english !== undefined && language !== SOURCE_LANGUAGE) {
            const mine = [...argumentsOf(elements)].sort();
            const theirs = [...argumentsOf(parse(english))].sort();
            if (mine.join() !== theirs.join())
              problems.push(`${key}: uses ${mine.join(', ')}; English uses ${theirs.join(', ')}`);
          }
        } catch (error) {
          problems.push(`${key}: ${(error as Error).message}`);
        }
      }
      expect(problems).to.deep.equal([]);
    });
  }

  it('has every key that a template or the code names', () => {
    const named = new Map<string, string>();
    const patterns = [
      /\{\{~?#?\s*t(?:Html)?\s+"([\w.-]+)"/g, // {{t "key"}}, {{tHtml "key"}}
      /\(t(?:Html)?\s+"([\w.-]+)"/g, // (t "key") as a subexpression
      /\bmsg\(\s*'([\w.-]+)'/g, // msg('key')
      /\bt\(\s*[\w.]+\s*,\s*'([\w.-]+)'/g, // t(language, 'key')
      /\btHtml\(\s*[\w.]+\s*,\s*'([\w.-]+)'/g,
    ];
    const files = [...filesUnder('views', '.hbs'), ...filesUnder('server', '.ts'), ...filesUnder('routes', '.ts')];
    for (const file of files) {
      const text = readFileSync(path.join(projectRoot, file), 'utf8');
      for (const pattern of patterns) for (const match of text.matchAll(pattern)) named.set(match[1]!, file);
    }
    const unknown = [...named].filter(([key]) => !source.has(key)).map(([key, file]) => `${key} (${file})`);
    expect(named.size).to.be.greaterThan(20);
    expect(unknown).to.deep.equal([]);
  });

  it('templates show no words that are not from the catalogues', () => {
    const problems: string[] = [];
    let pending = 0;
    for (const file of filesUnder('views', '.hbs')) {
      const text = readFileSync(path.join(projectRoot, file), 'utf8');
      if (text.includes(NOT_YET_TRANSLATED)) {
        pending += 1;
        continue;
      }
      for (const words of untranslatedInTemplate(text)) problems.push(`${file}: ${words}`);
    }
    if (pending > 0) console.log(`      (${pending} templates still marked "${NOT_YET_TRANSLATED}")`);
    expect(problems).to.deep.equal([]);
  });

  it('services and routes give people Messages, not English', () => {
    const problems: string[] = [];
    let pending = 0;
    for (const file of [...filesUnder('server', '.ts'), ...filesUnder('routes', '.ts')]) {
      const text = readFileSync(path.join(projectRoot, file), 'utf8');
      if (text.includes(NOT_YET_TRANSLATED)) {
        pending += 1;
        continue;
      }
      for (const line of untranslatedInCode(text)) problems.push(`${file}: ${line}`);
    }
    if (pending > 0) console.log(`      (${pending} code files still marked "${NOT_YET_TRANSLATED}")`);
    expect(problems).to.deep.equal([]);
  });

  it('the scanners find English where it is', () => {
    expect(untranslatedInTemplate('<p>{{t "a.b"}}</p>')).to.deep.equal([]);
    expect(untranslatedInTemplate('<p>Hello {{name}}</p>')).to.deep.equal(['Hello']);
    expect(untranslatedInTemplate('<img alt="A logo" src="x">')).to.deep.equal(['alt="A logo"']);
    expect(untranslatedInTemplate('{{!-- A comment --}}<b>{{t "x" n=(t "y")}}</b>')).to.deep.equal([]);
    expect(untranslatedInTemplate('{{> field (fieldOf "title" label="Title" maxlength=200)}}')).to.deep.equal([
      'label="Title"',
    ]);
    expect(untranslatedInTemplate('{{> field (fieldOf "title" label=(t "a.title") type="text")}}')).to.deep.equal([]);
    expect(untranslatedInTemplate('{{counted n "school" "schools"}}')).to.have.length(1);
    expect(untranslatedInTemplate('<form data-confirm="Remove it?">')).to.deep.equal(['data-confirm="Remove it?"']);
    expect(untranslatedInCode("    errors.name = 'Enter your name.';")).to.have.length(1);
    expect(untranslatedInCode("    errors.name = msg('accounts.name.required');")).to.deep.equal([]);
    expect(untranslatedInCode("      res.flash('success', 'Saved.');")).to.have.length(1);
  });
});
