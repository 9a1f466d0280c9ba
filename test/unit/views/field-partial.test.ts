// The field partial (views/partials/field.hbs), rendered by the real view engine: the markup
// each form field had by hand, and what a screen reader is told about hints and errors.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import express from 'express';
import { createViewEngine } from '../../../server/views.js';

describe('the field partial', () => {
  const app = express();
  createViewEngine(app);
  const dir = mkdtempSync(path.join(tmpdir(), 'laurel-field-'));
  let count = 0;
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** Renders a template, written like a view, with the page's data. */
  function render(template: string, data: Record<string, unknown> = {}): Promise<string> {
    const file = path.join(dir, `view-${++count}.hbs`);
    writeFileSync(file, template);
    return new Promise((resolve, reject) => {
      app.render(file, { layout: false, ...data }, (error, html) => (error ? reject(error) : resolve(html)));
    });
  }

  it('writes a required text field as the forms did by hand, with its value', async () => {
    const html = await render('{{> field (fieldOf "title" label="Title" required=true maxlength=200)}}', { values: { title: 'Broadening' } });
    expect(html).to.equal(
      [
        '<div class="field">',
        '  <label for="title">Title <span class="required">(required)</span></label>',
        '  <input id="title" name="title" type="text" maxlength="200" required value="Broadening">',
        '</div>',
      ].join('\n'),
    );
  });

  it('shows the error above the control and points the control at it', async () => {
    const html = await render('{{> field (fieldOf "title" label="Title" required=true maxlength=200)}}', {
      values: { title: '' },
      errors: { title: 'Enter a title.' },
    });
    expect(html).to.equal(
      [
        '<div class="field has-error">',
        '  <label for="title">Title <span class="required">(required)</span></label>',
        '  <p class="field-error" id="title-error"><span class="visually-hidden">Error:</span> Enter a title.</p>',
        '  <input id="title" name="title" type="text" maxlength="200" required value="" aria-describedby="title-error" aria-invalid="true">',
        '</div>',
      ].join('\n'),
    );
  });

  it('describes a control by its hint, then the shared hints, then the error', async () => {
    const template = '{{> field (fieldOf "opensAt" label="Applications open" type="date" required=true hint="Criteria change until then." describedby="dates-hint")}}';
    const clean = await render(template, { values: { opensAt: '2026-09-01' } });
    expect(clean).to.contain('<p class="hint" id="opensAt-hint">Criteria change until then.</p>');
    expect(clean).to.contain('type="date" required value="2026-09-01" aria-describedby="opensAt-hint dates-hint">');
    const wrong = await render(template, { values: { opensAt: 'soon' }, errors: { opensAt: 'Enter a date.' } });
    expect(wrong).to.contain('aria-describedby="opensAt-hint dates-hint opensAt-error" aria-invalid="true"');
    expect(wrong.indexOf('opensAt-hint"')).to.be.below(wrong.indexOf('id="opensAt-error"'));
  });

  it('writes a textarea with its rows, limit and hint, the value inside', async () => {
    const html = await render('{{> field (fieldOf "guidance" label="Guidance" type="textarea" rows=6 maxlength=5000 hint="What reviewers look for.")}}', {
      values: { guidance: 'Courses open to all.' },
      errors: { guidance: 'At most 5000 characters.' },
    });
    expect(html).to.contain(
      '<textarea id="guidance" name="guidance" rows="6" maxlength="5000" aria-describedby="guidance-hint guidance-error" aria-invalid="true">Courses open to all.</textarea>',
    );
  });

  it('writes the attributes of a number field in the order the forms had them', async () => {
    const html = await render('{{> field (fieldOf "maxFileMb" label="Largest file" type="number" inputmode="decimal" min="0.1" step="0.01" required=true)}}', {
      values: { maxFileMb: '25.5' },
    });
    expect(html).to.contain('<input id="maxFileMb" name="maxFileMb" type="number" inputmode="decimal" min="0.1" step="0.01" required value="25.5">');
  });

  it('renders a hint given as a block with the markup and data of the page', async () => {
    const html = await render(
      ['{{#> field (fieldOf "name" label="Name" maxlength=160)~}}', '  Left empty, it becomes “{{program.name}} <var>year</var>”.', '{{~/field}}'].join('\n'),
      { program: { name: 'Schools <of> Opportunity' } },
    );
    expect(html).to.contain('<p class="hint" id="name-hint">Left empty, it becomes “Schools &lt;of&gt; Opportunity <var>year</var>”.</p>');
    expect(html).to.contain('maxlength="160" value="" aria-describedby="name-hint">');
  });

  it('takes the value, error and hint data of a list item where the page has no values', async () => {
    const html = await render(
      [
        '{{#each criteria}}',
        '{{#> field (fieldOf commentField label=(concat "Comment on criterion " number) type="textarea" rows=6 value=comment error=commentError)~}}',
        '  At most {{../limit}} characters.',
        '{{~/field}}',
        '{{/each}}',
      ].join('\n'),
      { limit: 3000, criteria: [{ number: 1, commentField: 'comment_7', comment: 'Good.', commentError: 'Too long.' }] },
    );
    expect(html).to.contain('<label for="comment_7">Comment on criterion 1</label>');
    expect(html).to.contain('<p class="hint" id="comment_7-hint">At most 3000 characters.</p>');
    expect(html).to.contain('<p class="field-error" id="comment_7-error"><span class="visually-hidden">Error:</span> Too long.</p>');
    expect(html).to.contain('rows="6" aria-describedby="comment_7-hint comment_7-error" aria-invalid="true">Good.</textarea>');
  });

  it('selects the option equal to the value, from a list of values or an object of labels', async () => {
    const html = await render(
      [
        '{{> field (fieldOf "state" label="State" type="select" required=true options=states emptyOption="Choose…")}}',
        '{{> field (fieldOf "level" label="Kind of school" type="select" options=levels)}}',
      ].join('\n'),
      { states: ['OR', 'WA'], levels: { high: 'High school', k12: 'K–12 school' }, values: { state: 'WA', level: 'k12' } },
    );
    expect(html).to.contain(
      ['<select id="state" name="state" required>', '    <option value="">Choose…</option>', '    <option value="OR">OR</option><option value="WA" selected>WA</option>', '  </select>'].join('\n'),
    );
    expect(html).to.contain('<option value="high">High school</option><option value="k12" selected>K–12 school</option>');
  });

  it('trusts the selected flag of options that carry one, labelled by value when they have no label', async () => {
    const html = await render('{{> field (fieldOf "year" label="Year" type="select" options=years emptyOption="Any")}}', {
      years: [{ value: 2024, selected: true }, { value: 2025, selected: false }],
      values: { year: '2025' },
    });
    expect(html).to.contain('<option value="">Any</option>\n    <option value="2024" selected>2024</option><option value="2025">2025</option>');
  });

  it('escapes what people typed wherever it lands', async () => {
    const hostile = '"><script>alert(1)</script>';
    const html = await render(
      ['{{> field (fieldOf "name" label="Name")}}', '{{> field (fieldOf "note" label="Note" type="textarea")}}', '{{> field (fieldOf "kind" label="Kind" type="select" options=kinds)}}'].join('\n'),
      { values: { name: hostile, note: `</textarea>${hostile}`, kind: hostile }, errors: { name: hostile }, kinds: [{ value: hostile, label: hostile }] },
    );
    expect(html).not.to.contain('<script>');
    expect(html).not.to.contain('</textarea><');
    expect(html).to.contain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(html).to.contain('<option value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;" selected>');
  });

  it('never writes a password back into the page', async () => {
    const html = await render('{{> field (fieldOf "password" label="Password" type="password" autocomplete="new-password" minlength=10 maxlength=200 required=true)}}', {
      values: { password: 'correct horse battery staple' },
    });
    expect(html).to.contain('<input id="password" name="password" type="password" autocomplete="new-password" minlength="10" maxlength="200" required>');
    expect(html).not.to.contain('correct horse');
  });

  it('takes nothing from the page but the value and error of the field', async () => {
    const html = await render('{{> field (fieldOf "city" label="City")}}', {
      type: 'email', required: true, hint: 'from the page', label: 'Page label', rows: 9, error: 'page error', values: { city: 'Portland' },
    });
    expect(html).to.equal(['<div class="field">', '  <label for="city">City</label>', '  <input id="city" name="city" type="text" value="Portland">', '</div>'].join('\n'));
  });

  it('refuses a misspelt parameter, an unknown type and a missing label instead of dropping them', async () => {
    for (const [template, message] of [
      ['{{> field (fieldOf "title" label="Title" maxLength=200)}}', 'Field title: unknown parameter maxLength'],
      ['{{> field (fieldOf "title" label="Title" type="textara")}}', 'Field title: unknown type textara'],
      ['{{> field (fieldOf "title")}}', 'Field title: every field needs a label'],
    ] as const) {
      const failure = await render(template).then(
        () => undefined,
        (error: Error) => error.message,
      );
      expect(failure).to.equal(message);
    }
  });
});
