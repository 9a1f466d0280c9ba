// Answering criterion after criterion ("Save and go to the next criterion"), and the "Review and
// submit" page that shows the whole application, with its missing items, ready to print.
import { expect } from 'chai';
import { asc, eq } from 'drizzle-orm';
import { criteria } from '../../../models/schema.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { createOpenCycle, createUser, signIn } from '../../helpers/factories.js';
import { csrfTokenFrom, submitForm } from '../../helpers/forms.js';
import { addSchool, fixtureBytes, GOOD_ELIGIBILITY, startApplication, words } from '../../helpers/applicant.js';

type Agent = ReturnType<Harness['agent']>;

/** Posts a criterion's form as its buttons do: "Save", or "Save and go to the next criterion" (after=next). */
async function saveAnswer(
  agent: Agent,
  pagePath: string,
  answer: string,
  { after, file }: { after?: 'next'; file?: string } = {},
) {
  const page = await agent.get(pagePath);
  const token = csrfTokenFrom(page.text.replace(/\?_csrf=([^"]+)"/, ' name="_csrf" value="$1"'));
  let request = agent.post(`${pagePath}?_csrf=${encodeURIComponent(token)}`).field('answer', answer);
  if (after) request = request.field('after', after);
  if (file) request = request.attach('files', fixtureBytes(file), file);
  return request;
}

/** The text a person reads of an HTML fragment. */
const textOf = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

describe('answering criteria one after another, and reviewing the whole application', () => {
  let h: Harness;
  let applicant: Agent;
  let base: string;
  let required: Array<{ id: number; title: string; position: number }>;
  let optional: Array<{ id: number; title: string; position: number }>;

  before(async () => {
    h = await startHarness();
    const cycleId = await createOpenCycle(h.db, h.clock());
    await createUser(h.db, { email: 'principal@lincoln.pps.example.org', name: 'Pat Principal' });
    applicant = h.agent();
    await signIn(applicant, 'principal@lincoln.pps.example.org');
    const applicationId = await startApplication(applicant, await addSchool(applicant), cycleId);
    base = `/applications/${applicationId}`;
    const rows = await h.db
      .select()
      .from(criteria)
      .where(eq(criteria.cycleId, cycleId))
      .orderBy(asc(criteria.position));
    required = rows.filter((c) => c.required);
    optional = rows.filter((c) => !c.required);
    // Every other optional criterion: "next" has to skip the ones not chosen.
    const chosen = [optional[1]!, optional[3]!, optional[5]!, optional[7]!].map((c) => String(c.id));
    expect((await submitForm(applicant, `${base}/criteria`, `${base}/criteria`, { chosen })).status).to.equal(303);
  });
  after(() => h.close());

  it('saves and goes to the next chosen criterion, skipping those not chosen, then to the review page; "Save" stays', async () => {
    // "Save" alone keeps the person on the criterion, as before.
    const saved = await saveAnswer(applicant, `${base}/criteria/${required[0]!.id}`, words(30));
    expect(saved.status, saved.text).to.equal(303);
    expect(saved.headers.location).to.equal(`${base}/criteria/${required[0]!.id}`);
    expect((await applicant.get(saved.headers.location!)).text).to.contain('Answer saved.');

    const chosen = [required[0]!, required[1]!, optional[1]!, optional[3]!, optional[5]!, optional[7]!];
    for (const [index, criterion] of chosen.entries()) {
      const pagePath = `${base}/criteria/${criterion.id}`;
      const page = (await applicant.get(pagePath)).text;
      const last = index === chosen.length - 1;
      expect(page).to.contain('<button type="submit" class="button">Save</button>');
      expect(page).to.contain(
        last
          ? '<button type="submit" name="after" value="next" class="button secondary">Save and go to Review and submit</button>'
          : `<button type="submit" name="after" value="next" class="button secondary">Save and go to the next criterion<span class="visually-hidden">, ${chosen[index + 1]!.position}: ${chosen[index + 1]!.title}</span></button>`,
      );
      const res = await saveAnswer(applicant, pagePath, `Answer ${index + 1}: ${words(20)}`, {
        after: 'next',
        file: index === 0 ? 'sample.pdf' : undefined,
      });
      expect(res.status, res.text).to.equal(303);
      expect(res.headers.location).to.equal(last ? `${base}/review` : `${base}/criteria/${chosen[index + 1]!.id}`);
      const next = (await applicant.get(res.headers.location!)).text;
      expect(next).to.contain(`Criterion ${criterion.position} is saved${index === 0 ? ', with 1 new file' : ''}.`);
    }
    // An answer over the limit is saved, but the person stays on it, whichever button was pressed.
    const over = await saveAnswer(applicant, `${base}/criteria/${required[1]!.id}`, words(520), { after: 'next' });
    expect(over.status).to.equal(422);
    expect(over.text).to.contain('Saved, but the answer has 520 words and the limit is 500.');
  });

  it('shows the whole application with what is missing: the profile, eligibility in words, each chosen criterion', async () => {
    const page = (await applicant.get(`${base}/review`)).text;
    const whole = page.slice(page.indexOf('<section class="application-whole"'));
    expect(textOf(page)).to.contain('Still missing');
    expect(page).to.contain('Eligibility: answer “What kind of school is it?”');
    expect(page).to.contain('the answer has 520 words; the limit is 500.');

    expect(whole).to.contain('<h2 id="whole-title">The whole application</h2>');
    expect(whole).to.contain('<dt>School</dt><dd>Lincoln High School</dd>');
    expect(whole).to.contain('<dt>Kind</dt><dd>High school</dd>');
    expect(whole).to.contain('<dt>Students</dt><dd>1540</dd>');
    expect(whole).to.contain('<dt>Free or reduced-price lunch</dt><dd>38.5%</dd>');
    expect(whole).to.contain('<dt>What kind of school is it?</dt><dd><em>Not answered yet</em></dd>');

    const criterionTitles = [...whole.matchAll(/<h3 id="criterion-(\d+)-title">/g)].map((m) => Number(m[1]));
    expect(criterionTitles).to.deep.equal(
      [required[0]!, required[1]!, optional[1]!, optional[3]!, optional[5]!, optional[7]!].map((c) => c.id),
    );
    expect(whole).not.to.contain(optional[0]!.title);
    expect(whole).to.contain('Answer 3: equity');
    expect(whole).to.match(/520 of 500 words — <strong>over the limit<\/strong>/);
    // A PDF opens in the browser, with a download link beside it.
    expect(whole).to.match(new RegExp(`<a href="${base}/files/[^"]+/view"[^>]*>sample\\.pdf</a>`));
    expect(whole).to.match(new RegExp(`<a href="${base}/files/[^"/]+" download[^>]*>Download</a>`));
  });

  it('shows eligibility answers by the words of their options, not the values sent', async () => {
    expect(
      (await submitForm(applicant, `${base}/eligibility`, `${base}/eligibility`, GOOD_ELIGIBILITY)).status,
    ).to.equal(303);
    const whole = (await applicant.get(`${base}/review`)).text;
    expect(whole).to.contain('<dt>What kind of school is it?</dt><dd>public</dd>');
    expect(whole).to.contain('<dt>Does the school use zero-tolerance discipline policies?</dt><dd>No</dd>');
    expect(whole).to.contain('<dt>What share of students in your district have an IEP (in percent)?</dt><dd>13</dd>');
    expect(whole).not.to.contain('Not answered yet');
  });

  it('prints the application alone: the site’s header, menus, messages and buttons are left off the paper', async () => {
    const page = (await applicant.get(`${base}/review`)).text;
    expect(page).to.match(/<form method="post" action="[^"]+\/submit" class="no-print">/);
    const css = (await h.agent().get('/static/css/laurel.css')).text;
    const print = css.slice(css.indexOf('@media print'));
    const hidden = /^([^{]+)\{\s*display: none !important;/m.exec(print)?.[1] ?? '';
    const selectors = hidden.split(',').map((s) => s.trim());
    for (const selector of ['.site-header', '.site-footer', '.section-nav', '.no-print', 'button', '.button'])
      expect(selectors, selector).to.include(selector);
  });
});
