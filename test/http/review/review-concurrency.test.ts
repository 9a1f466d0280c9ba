// Two windows on one review: a save from a page opened before another save must not silently
// undo that save. The form carries the review's version; a stale save is refused with both
// texts on the page, and saving again from that page is a deliberate choice.
import { expect } from 'chai';
import { asc, eq } from 'drizzle-orm';
import { assignments, criteria, reviewRounds, reviewScores } from '../../../models/schema.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { createUser, signIn, createOpenCycle } from '../../helpers/factories.js';
import { csrfTokenFrom, readable } from '../../helpers/forms.js';
import { addSchool, completeAndSubmit, startApplication } from '../../helpers/applicant.js';

type Agent = ReturnType<Harness['agent']>;
const DAY = 24 * 60 * 60 * 1000;

describe('saving one review from two windows', () => {
  let h: Harness;
  let assignmentId: number;
  let firstCriterion: number;
  let laptop: Agent;
  let phone: Agent;

  /** What a browser would post from a page it loaded earlier: its token, its hidden version, the fields typed. */
  function formOf(html: string) {
    const version = /name="version" value="(\d+)"/.exec(html)?.[1];
    if (version === undefined) throw new Error('The review form carries no version');
    return { token: csrfTokenFrom(html), version };
  }

  async function post(agent: Agent, opened: { token: string; version: string }, comment: string) {
    const form = new URLSearchParams({
      _csrf: opened.token,
      version: opened.version,
      [`comment_${firstCriterion}`]: comment,
      action: 'save',
    });
    return agent.post(`/reviews/${assignmentId}`).type('form').send(form.toString());
  }

  async function savedComment(): Promise<string | undefined> {
    const [row] = await h.db.select().from(reviewScores).where(eq(reviewScores.assignmentId, assignmentId));
    return row?.comment;
  }

  before(async () => {
    h = await startHarness();
    const cycleId = await createOpenCycle(h.db, h.clock());
    await createUser(h.db, { email: 'principal@lincoln.pps.example.org', name: 'Pat Principal' });
    const principal = h.agent();
    await signIn(principal, 'principal@lincoln.pps.example.org');
    const schoolId = await addSchool(principal);
    const applicationId = await startApplication(principal, schoolId, cycleId);
    const cycleCriteria = await h.db
      .select()
      .from(criteria)
      .where(eq(criteria.cycleId, cycleId))
      .orderBy(asc(criteria.position));
    await completeAndSubmit(principal, applicationId, cycleCriteria);
    firstCriterion = cycleCriteria[0]!.id;
    const [round] = await h.db
      .insert(reviewRounds)
      .values({ cycleId, number: 1, name: 'Round 1', dueAt: new Date(h.clock().getTime() + 10 * DAY) })
      .returning();
    const reviewer = await createUser(h.db, {
      email: 'rita@panel.example.net',
      name: 'Rita Reviewer',
      roles: ['reviewer'],
    });
    const [row] = await h.db
      .insert(assignments)
      .values({ roundId: round!.id, applicationId, reviewerId: reviewer.id })
      .returning();
    assignmentId = row!.id;
    // The same reviewer, signed in on two devices.
    laptop = h.agent();
    phone = h.agent();
    await signIn(laptop, 'rita@panel.example.net');
    await signIn(phone, 'rita@panel.example.net');
  });
  after(() => h.close());

  it('refuses the save from the older page, keeps both texts, and saves on a deliberate second try', async () => {
    const onLaptop = formOf((await laptop.get(`/reviews/${assignmentId}`)).text);
    const onPhone = formOf((await phone.get(`/reviews/${assignmentId}`)).text);
    expect(onLaptop.version).to.equal(onPhone.version);

    const first = await post(laptop, onLaptop, 'Written on the laptop: strong evidence of detracking.');
    expect(first.status).to.equal(303);
    expect(await savedComment()).to.equal('Written on the laptop: strong evidence of detracking.');

    const stale = await post(phone, onPhone, 'Written on the phone: the master schedule proves it.');
    expect(stale.status).to.equal(409);
    const page = readable(stale.text);
    expect(page).to.contain('This review changed since you opened it');
    // Both texts are on the page: the saved one above, the person's own in the form.
    expect(page).to.contain('Written on the laptop: strong evidence of detracking.');
    expect(page).to.match(
      /<textarea[^>]*name="comment_\d+"[^>]*>Written on the phone: the master schedule proves it\.<\/textarea>/,
    );
    expect(await savedComment(), 'the stale save overwrote the newer one').to.equal(
      'Written on the laptop: strong evidence of detracking.',
    );

    // The refused page carries the current version: saving from it is the reviewer's choice.
    const again = await post(phone, formOf(stale.text), 'Both: detracking, and the master schedule proves it.');
    expect(again.status).to.equal(303);
    expect(await savedComment()).to.equal('Both: detracking, and the master schedule proves it.');
  });

  /** What the page's script posts to save a draft in the background. */
  async function autosave(agent: Agent, opened: { token: string; version: string }, fields: Record<string, string>) {
    const form = new URLSearchParams({ _csrf: opened.token, version: opened.version, action: 'save', ...fields });
    return agent.post(`/reviews/${assignmentId}/autosave`).type('form').send(form.toString());
  }

  it('saves a draft in the background, answering the new version, which the buttons then save with', async () => {
    const html = (await laptop.get(`/reviews/${assignmentId}`)).text;
    expect(html).to.contain(`data-autosave="/reviews/${assignmentId}/autosave"`);
    expect(html).to.contain('<div class="form-actions sticky-actions">');
    expect(html).to.contain('<script src="/static/js/review-autosave.js" defer></script>');
    const opened = formOf(html);
    const saved = await autosave(laptop, opened, { [`comment_${firstCriterion}`]: 'Typed, then saved by itself.' });
    expect(saved.status).to.equal(200);
    expect(saved.headers['content-type']).to.match(/^application\/json/);
    expect(saved.body).to.deep.equal({ status: 'saved', version: Number(opened.version) + 1 });
    expect(await savedComment()).to.equal('Typed, then saved by itself.');
    const [row] = await h.db.select().from(assignments).where(eq(assignments.id, assignmentId));
    expect(row?.status).to.equal('draft');
    // The page's script puts the new version in the form: its button saves without a conflict.
    const after = await post(laptop, { ...opened, version: String(saved.body.version) }, 'Saved with the button.');
    expect(after.status).to.equal(303);
  });

  it('answers a stale, too long or unsigned background save in words, and saves nothing', async () => {
    const opened = formOf((await laptop.get(`/reviews/${assignmentId}`)).text);
    await post(laptop, opened, 'The newest text.');
    // The phone's page was opened before the laptop saved: its version is the older one.
    const phoneToken = formOf((await phone.get(`/reviews/${assignmentId}`)).text).token;
    const stale = await autosave(
      phone,
      { token: phoneToken, version: opened.version },
      { [`comment_${firstCriterion}`]: 'Old page.' },
    );
    expect(stale.status).to.equal(409);
    expect(stale.body.status).to.equal('stale');
    expect(stale.body.message).to.contain('This review changed since you opened it');
    const current = formOf((await laptop.get(`/reviews/${assignmentId}`)).text);
    const long = await autosave(laptop, current, { [`comment_${firstCriterion}`]: 'x'.repeat(20_000) });
    expect(long.status).to.equal(422);
    expect(long.body.status).to.equal('invalid');
    expect(long.body.message).to.match(/^Keep the comment on criterion 1 to /);
    const forged = await laptop
      .post(`/reviews/${assignmentId}/autosave`)
      .type('form')
      .send(`version=${current.version}&comment_${firstCriterion}=forged`);
    expect(forged.status).to.equal(403);
    expect(forged.headers['content-type']).not.to.match(/json/);
    const visitor = await h.agent().post(`/reviews/${assignmentId}/autosave`).type('form').send('x=1');
    expect(visitor.headers['content-type'] ?? '').not.to.match(/json/);
    expect(await savedComment()).to.equal('The newest text.');
  });

  it('shows the score anchors beside the scores, and leaves a submitted review to its button', async () => {
    await h.db
      .update(criteria)
      .set({ anchorLow: 'Advanced courses are for a few.', anchorHigh: 'Every student takes one, with support.' })
      .where(eq(criteria.id, firstCriterion));
    const html = readable((await laptop.get(`/reviews/${assignmentId}`)).text);
    expect(html).to.contain('What scores look like');
    expect(html).to.contain(
      '<dl class="score-anchors"><dt>1</dt><dd>Advanced courses are for a few.</dd><dt>5</dt><dd>Every student takes one, with support.</dd></dl>',
    );
    await h.db.update(assignments).set({ status: 'submitted' }).where(eq(assignments.id, assignmentId));
    const submitted = (await laptop.get(`/reviews/${assignmentId}`)).text;
    expect(submitted).not.to.contain('data-autosave');
    const refused = await autosave(laptop, formOf(submitted), { [`comment_${firstCriterion}`]: 'Quietly changed.' });
    expect(refused.status).to.equal(409);
    expect(refused.body.status).to.equal('submitted');
    await h.db.update(assignments).set({ status: 'draft' }).where(eq(assignments.id, assignmentId));
  });

  it('keeps one edit when two saves from the same page race', async () => {
    const opened = formOf((await laptop.get(`/reviews/${assignmentId}`)).text);
    const [a, b] = await Promise.all([
      post(laptop, opened, 'Race A.'),
      post(phone, { ...opened, token: formOf((await phone.get(`/reviews/${assignmentId}`)).text).token }, 'Race B.'),
    ]);
    expect([a.status, b.status].sort()).to.deep.equal([303, 409]);
    const winner = a.status === 303 ? 'Race A.' : 'Race B.';
    expect(await savedComment()).to.equal(winner);
  });
});
