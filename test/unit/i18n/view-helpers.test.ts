// The view engine's language helpers, rendered by the real engine: {{t}} anywhere (a partial's
// block too), {{tHtml}} escaping, {{tx}} of a service's Message, {{label}}, dates and numbers in
// the page's language.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import express from 'express';
import { msg } from '../../../server/i18n/translate.js';
import { createViewEngine } from '../../../server/views.js';

describe('the view engine in two languages', () => {
  const app = express();
  createViewEngine(app);
  const dir = mkdtempSync(path.join(tmpdir(), 'laurel-i18n-views-'));
  let count = 0;
  after(() => rmSync(dir, { recursive: true, force: true }));

  function render(template: string, data: Record<string, unknown> = {}): Promise<string> {
    const file = path.join(dir, `view-${++count}.hbs`);
    writeFileSync(file, template);
    return new Promise((resolve, reject) => {
      app.render(file, { layout: false, ...data }, (error, html) => (error ? reject(error) : resolve(html)));
    });
  }

  it('writes a message in the page’s language, with its values escaped, English without one', async () => {
    const template = '{{t "common.nav.signedInAs" name=name}}';
    expect(await render(template, { lang: 'es', name: '<b>Ana</b>' })).to.equal(
      'Sesión iniciada como &lt;b&gt;Ana&lt;/b&gt;',
    );
    expect(await render(template, { name: 'Ana' })).to.equal('Signed in as Ana');
  });

  it('finds the language inside a block given to a partial, and in #each', async () => {
    const html = await render(
      '{{#> field (fieldOf "a" label=(t "common.nav.home"))~}}{{t "common.nav.honorees"}}{{~/field}}{{#each items}}[{{t "common.nav.apply"}}]{{/each}}',
      { lang: 'es', items: [1, 2] },
    );
    expect(html).to.include('<label for="a">Inicio</label>');
    expect(html).to.include('<p class="hint" id="a-hint">Escuelas reconocidas</p>');
    expect(html).to.include('[Postularse][Postularse]');
  });

  it('puts a service’s Message into the page’s words and leaves written text as it is', async () => {
    const template = '{{tx a}} | {{tx b}}';
    expect(await render(template, { lang: 'es', a: msg('common.signInToContinue'), b: 'Lincoln <High>' })).to.equal(
      'Inicie sesión para continuar. | Lincoln &lt;High&gt;',
    );
  });

  it('writes a field error that is a Message in the page’s language', async () => {
    const html = await render('{{> field (fieldOf "a" label="A" required=true)}}', {
      lang: 'es',
      errors: { a: msg('common.signInToContinue') },
    });
    expect(html).to.include('<span class="visually-hidden">Error:</span> Inicie sesión para continuar.');
    expect(html).to.include('A <span class="required">(obligatorio)</span>');
  });

  it('names a value of a fixed list, and leaves a bare {{label}} to the data', async () => {
    expect(await render('{{label "schoolLevel" level}}', { lang: 'es', level: 'high' })).to.equal(
      'Escuela secundaria (high school)',
    );
    expect(
      await render('{{#each options}}[{{label}}]{{/each}}', { options: [{ label: 'One' }, { label: '<Two>' }] }),
    ).to.equal('[One][&lt;Two&gt;]');
  });

  it('writes dates and numbers as the language does, in the program’s zone', async () => {
    const when = new Date('2027-01-31T06:59:00Z');
    const data = { when, n: 12345, timeZone: 'America/Denver' };
    expect(await render('{{formatDeadline when}} · {{formatNumber n}}', { ...data, lang: 'es' })).to.equal(
      'sábado, 30 de enero de 2027, 11:59 p.m. MT · 12,345',
    );
    expect(await render('{{formatDeadline when}} · {{formatNumber n}}', data)).to.equal(
      'Saturday, January 30, 2027, 11:59 PM MT · 12,345',
    );
  });

  it('keeps the scripts’ words in a JSON block that cannot end the script element', async () => {
    const html = await render('{{clientMessages}}', { lang: 'es' });
    const words = JSON.parse(html) as Record<string, string>;
    expect(words.wordsOf).to.equal('{words} de {limit} palabras');
    expect(html).to.not.include('<');
  });
});
