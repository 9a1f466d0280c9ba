// Calibration end to end over HTTP: admins build the set (written or copied from a past cycle,
// redacted), reviewers score it before their assignments open, admins read the harshness
// report, the set stays fixed once in use, and the ranking's normalized score takes it in.
import { expect } from 'chai';
import { and, asc, eq } from 'drizzle-orm';
import {
  applicationAnswers,
  applications,
  assignments,
  auditLog,
  calibrationItems,
  calibrationScores,
  criteria,
  cycleReviewers,
  cycles,
  reviewerConflicts,
  reviewRounds,
  roundApplications,
  schools,
} from '../../../models/schema.js';
import { DEMO_CRITERIA } from '../../../server/cli/demo-data.js';
import { rankRound } from '../../../server/services/decisions/ranking.js';
import { schoolMatchKey } from '../../../server/services/schools/match-key.js';
import { createOpenCycle, createUser, signIn } from '../../helpers/factories.js';
import { csrfTokenFrom, download, readable, submitForm } from '../../helpers/forms.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { scoredRound } from '../../helpers/scored-round.js';

type Agent = ReturnType<Harness['agent']>;
const DAY = 24 * 60 * 60 * 1000;

describe('calibration: examples every reviewer scores before their assignments open', () => {
  let h: Harness;
  let cycleId: number;
  let admin: Agent;
  const reviewers: Record<'harsh' | 'lenient' | 'middle', { id: number; agent: Agent }> = {} as never;
  let outsider: Agent;
  let assignmentId: number;
  let applicationId: number;
  let pastApplicationId: number;
  let pastSchoolId: number;
  let withdrawnApplicationId: number;
  let otherProgramApplicationId: number;

  async function addSchool(name: string, city = 'Portland') {
    const [school] = await h.db
      .insert(schools)
      .values({
        name,
        district: 'Portland Public Schools',
        city,
        state: 'OR',
        level: 'high',
        matchKey: schoolMatchKey(name, city, 'OR'),
      })
      .returning();
    return school!.id;
  }

  /** A submitted application of `cycle` answering its two required criteria. */
  async function pastApplication(cycle: number, schoolName: string) {
    const rubric = await h.db
      .select()
      .from(criteria)
      .where(eq(criteria.cycleId, cycle))
      .orderBy(asc(criteria.position));
    const [app] = await h.db
      .insert(applications)
      .values({ cycleId: cycle, schoolId: await addSchool(schoolName), status: 'submitted', submittedAt: h.clock() })
      .returning();
    await h.db.insert(applicationAnswers).values([
      {
        applicationId: app!.id,
        criterionId: rubric[0]!.id,
        chosen: true,
        answer: `At Lincoln every ninth grader in Portland takes the same algebra course.`,
      },
      { applicationId: app!.id, criterionId: rubric[1]!.id, chosen: true, answer: 'Advisory meets daily.' },
    ]);
    return app!.id;
  }

  async function reviewer(email: string, onPanel = true) {
    const user = await createUser(h.db, { email, name: email.split('@')[0]!, roles: ['reviewer'] });
    if (onPanel) await h.db.insert(cycleReviewers).values({ cycleId, userId: user.id });
    const agent = h.agent();
    await signIn(agent, email);
    return { id: user.id, agent };
  }

  const page = (cycle = cycleId) => `/admin/cycles/${cycle}/calibration`;
  const reviewerPage = () => `/reviews/calibration/${cycleId}`;
  /** Sends the reviewer's calibration form as a browser would, with the examples it showed. */
  async function sendScores(agent: Agent, fields: Record<string, string | string[]>, form?: { text: string }) {
    const shown = form ?? (await agent.get(reviewerPage()));
    const body = new URLSearchParams({
      _csrf: csrfTokenFrom(shown.text),
      seen: /name="seen" value="([^"]*)"/.exec(shown.text)?.[1] ?? '',
    });
    for (const [name, value] of Object.entries(fields)) {
      for (const item of ([] as string[]).concat(value)) body.append(name, item);
    }
    return agent.post(reviewerPage()).type('form').send(body.toString());
  }
  const items = () =>
    h.db.select().from(calibrationItems).where(eq(calibrationItems.cycleId, cycleId)).orderBy(asc(calibrationItems.id));

  before(async () => {
    h = await startHarness();
    cycleId = await createOpenCycle(h.db, h.clock());
    const [cycle] = await h.db.select().from(cycles).where(eq(cycles.id, cycleId));
    // A past cycle of the same program, and a cycle of another program.
    const [past] = await h.db
      .insert(cycles)
      .values({
        programId: cycle!.programId,
        year: 2024,
        name: 'Schools of Opportunity 2024–2025',
        opensAt: new Date('2024-09-01T00:00:00Z'),
        nominationsCloseAt: new Date('2024-10-01T00:00:00Z'),
        applicationsCloseAt: new Date('2024-11-01T00:00:00Z'),
        reviewsDueAt: new Date('2025-01-01T00:00:00Z'),
        announcementAt: new Date('2025-03-01T00:00:00Z'),
      })
      .returning();
    await h.db.insert(criteria).values(DEMO_CRITERIA.map((c, i) => ({ ...c, cycleId: past!.id, position: i + 1 })));
    pastApplicationId = await pastApplication(past!.id, 'Lincoln High School');
    [{ schoolId: pastSchoolId }] = (await h.db
      .select({ schoolId: applications.schoolId })
      .from(applications)
      .where(eq(applications.id, pastApplicationId))) as [{ schoolId: number }];
    withdrawnApplicationId = await pastApplication(past!.id, 'Harbor High School');
    await h.db.update(applications).set({ status: 'withdrawn' }).where(eq(applications.id, withdrawnApplicationId));
    otherProgramApplicationId = await pastApplication(
      await createOpenCycle(h.db, h.clock(), { name: 'Another Program' }),
      'Roosevelt High School',
    );

    await createUser(h.db, { email: 'officer@program.example.org', roles: ['admin'] });
    admin = h.agent();
    await signIn(admin, 'officer@program.example.org');
    reviewers.harsh = await reviewer('harsh@panel.example.org');
    reviewers.lenient = await reviewer('lenient@panel.example.org');
    reviewers.middle = await reviewer('middle@panel.example.org');
    outsider = (await reviewer('outsider@elsewhere.example.org', false)).agent;

    // An open round with one assignment for the harsh reviewer.
    const [app] = await h.db
      .insert(applications)
      .values({
        cycleId,
        schoolId: await addSchool('Jefferson High School'),
        status: 'eligible',
        submittedAt: h.clock(),
      })
      .returning();
    applicationId = app!.id;
    const [round] = await h.db
      .insert(reviewRounds)
      .values({ cycleId, number: 1, name: 'First reading', dueAt: new Date(h.clock().getTime() + 30 * DAY) })
      .returning();
    await h.db.insert(roundApplications).values({ roundId: round!.id, applicationId });
    const [assignment] = await h.db
      .insert(assignments)
      .values({ roundId: round!.id, applicationId, reviewerId: reviewers.harsh.id, notifiedAt: h.clock() })
      .returning();
    assignmentId = assignment!.id;
  });
  after(() => h.close());

  it('opens assignments directly while the cycle has no examples', async () => {
    const res = await reviewers.harsh.agent.get(`/reviews/${assignmentId}`);
    expect(res.status).to.equal(200);
    expect((await admin.get(page())).text).to.include('No examples yet');
  });

  it('refuses an example without a title or text, or too long, keeping what was typed', async () => {
    const empty = await submitForm(admin, page(), page(), { title: '  ', body: '' });
    expect(empty.status).to.equal(422);
    expect(empty.text).to.include('Enter a title.').and.include('Enter the text of the example.');
    const huge = await submitForm(admin, page(), page(), { title: 'Kept title', body: 'x'.repeat(50_001) });
    expect(huge.status).to.equal(422);
    expect(huge.text).to.include('value="Kept title"');
    const hostile = await submitForm(admin, page(), page(), { title: ['a', 'b'], body: 'text' });
    expect(hostile.status).to.equal(422);
    expect(await items()).to.have.length(0);
  });

  it('adds a written example and records it in the audit log', async () => {
    const res = await submitForm(admin, page(), page(), {
      title: 'A detracked ninth grade',
      body: 'Every ninth grader takes the same college-preparatory courses.\nSupport classes run alongside.',
    });
    expect(res.status).to.equal(303);
    const [item] = await items();
    expect(item!.title).to.equal('A detracked ninth grade');
    const audit = await h.db.select().from(auditLog).where(eq(auditLog.action, 'calibration.add'));
    expect(audit).to.have.length(1);
  });

  it("copies a past cycle's application of the same program, without the school, its district or its city", async () => {
    const refused = ['abc', '999999', otherProgramApplicationId, applicationId, withdrawnApplicationId].map(String);
    for (const number of refused) {
      const res = await submitForm(admin, page(), `${page()}/copy`, { copyTitle: 'Copied', applicationNumber: number });
      expect(res.status, number).to.equal(422);
      expect(readable(res.text)).to.include('Enter the number of a submitted application of another cycle');
    }
    // A reviewer of the panel with a conflict of interest with the school: not copied.
    await h.db.insert(reviewerConflicts).values({
      reviewerId: reviewers.middle.id,
      schoolId: pastSchoolId,
      source: 'declared',
      reason: 'I taught there',
    });
    const conflicted = await submitForm(admin, page(), `${page()}/copy`, {
      copyTitle: 'A past honoree',
      applicationNumber: String(pastApplicationId),
    });
    expect(conflicted.status).to.equal(422);
    expect(readable(conflicted.text)).to.include(
      '1 reviewer of the panel has a conflict of interest with that school (middle)',
    );
    expect(await items()).to.have.length(1);
    await h.db.delete(reviewerConflicts).where(eq(reviewerConflicts.reviewerId, reviewers.middle.id));
    const res = await submitForm(admin, page(), `${page()}/copy`, {
      copyTitle: 'A past honoree',
      applicationNumber: `#${pastApplicationId}`,
    });
    expect(res.status).to.equal(303);
    const copied = (await items())[1]!;
    expect(copied.sourceApplicationId).to.equal(pastApplicationId);
    expect(copied.body).to.include('At [school] every ninth grader in [city] takes the same algebra course.');
    expect(copied.body).to.include('Advisory meets daily.');
    expect(copied.body).not.to.match(/Lincoln|Portland/);
  });

  it('keeps a reviewer out of their assignments until they have scored every example', async () => {
    const { agent } = reviewers.harsh;
    const review = await agent.get(`/reviews/${assignmentId}`);
    expect(review.status).to.equal(403);
    expect(readable(review.text)).to.include('Please score the calibration examples of this cycle first (2 left)');
    expect(review.text).to.include(`href="${reviewerPage()}"`);
    for (const path of [`/reviews/${assignmentId}/print`, `/reviews/${assignmentId}/bundle.zip`]) {
      expect((await agent.get(path)).status, path).to.equal(403);
    }
    const dashboard = await agent.get('/reviews');
    expect(dashboard.text).to.include(`href="${reviewerPage()}"`);
    expect(dashboard.text).not.to.include(`href="/reviews/${assignmentId}"`);
    expect(dashboard.text).to.include('Opens after calibration');
    const all = await download(agent, '/reviews/bundle.zip');
    expect(all.status).to.equal(200);
    // Entry names are stored as written: the application's folder is not among them.
    expect((all.body as Buffer).includes(`application-${applicationId}/`)).to.equal(false);
  });

  it('shows the examples only to reviewers of the cycle', async () => {
    expect((await outsider.get(reviewerPage())).status).to.equal(404);
    expect((await admin.get(reviewerPage())).status).to.equal(403);
    const form = await reviewers.harsh.agent.get(reviewerPage());
    expect(form.status).to.equal(200);
    expect(form.text).to.include('A detracked ninth grade').and.include('[school]');
  });

  it('refuses missing, out-of-scale and malformed scores and too long comments, storing nothing', async () => {
    const [written, copied] = await items();
    const { agent } = reviewers.harsh;
    const cases: Array<[Record<string, string | string[]>, string]> = [
      [{}, 'Choose a score.'],
      [{ [`score_${written!.id}`]: '9', [`score_${copied!.id}`]: '2' }, 'Choose a score from 1 to 5.'],
      [
        { [`score_${written!.id}`]: '<script>alert(1)</script>', [`score_${copied!.id}`]: '2' },
        'Choose a score from 1 to 5.',
      ],
      [{ [`score_${written!.id}`]: ['2', '3'], [`score_${copied!.id}`]: '2' }, 'Choose a score.'],
      [
        { [`score_${written!.id}`]: '2', [`score_${copied!.id}`]: '2', [`comment_${copied!.id}`]: 'y'.repeat(5001) },
        'Use at most 5000 characters',
      ],
    ];
    for (const [fields, message] of cases) {
      const res = await sendScores(agent, fields);
      expect(res.status, message).to.equal(422);
      expect(readable(res.text), message).to.include(message);
      expect(res.text).not.to.include('<script>alert(1)</script>');
    }
    expect(await h.db.select().from(calibrationScores)).to.have.length(0);
  });

  it('takes no score for an example that changed while the reviewer was reading', async () => {
    const [written, copied] = await items();
    const { agent } = reviewers.middle;
    const form = await agent.get(reviewerPage());
    const itemPage = `${page()}/${copied!.id}`;
    const edited = await submitForm(admin, itemPage, itemPage, {
      title: copied!.title,
      body: `${copied!.body}\n\nMore about advisory.`,
    });
    expect(edited.status).to.equal(303);
    const sent = await sendScores(agent, { [`score_${written!.id}`]: '3', [`score_${copied!.id}`]: '3' }, form);
    expect(sent.status).to.equal(409);
    expect(readable(sent.text)).to.include('An example changed while you were reading');
    expect(sent.text).to.include('More about advisory.');
    expect(await h.db.select().from(calibrationScores)).to.have.length(0);
  });

  it('opens the assignments once every example is scored, and shows how the scores compare', async () => {
    const [written, copied] = await items();
    const score = (who: keyof typeof reviewers, a: string, b: string) =>
      sendScores(reviewers[who].agent, {
        [`score_${written!.id}`]: a,
        [`score_${copied!.id}`]: b,
        [`comment_${written!.id}`]: 'Strong, but the support classes are vague.',
      });
    const first = await score('harsh', '2', '1');
    expect(first.status).to.equal(303);
    const alone = await reviewers.harsh.agent.get(reviewerPage());
    expect(alone.text).to.include('Nobody else has scored these examples yet');
    expect((await reviewers.harsh.agent.get(`/reviews/${assignmentId}`)).status).to.equal(200);

    expect((await score('lenient', '5', '4')).status).to.equal(303);
    expect((await score('middle', '3', '3')).status).to.equal(303);
    // Harsh: 2 − (5+3)/2 = −2 and 1 − (4+3)/2 = −2.5: −2.25.
    const result = readable((await reviewers.harsh.agent.get(reviewerPage())).text);
    expect(result).to.include('you scored 2.25 points lower than the rest of the panel, on average');
    expect(result).to.include('4 (2 reviewers)');
    // Scores once sent are final.
    const again = await score('harsh', '5', '5');
    expect(again.status).to.equal(403);
    expect(readable(again.text)).to.include('You have already scored every example');
    const kept = await h.db
      .select({ score: calibrationScores.score })
      .from(calibrationScores)
      .where(and(eq(calibrationScores.itemId, written!.id), eq(calibrationScores.reviewerId, reviewers.harsh.id)));
    expect(kept).to.deep.equal([{ score: 2 }]);
  });

  it('reports each reviewer against the rest of the panel, harshest first', async () => {
    const res = await admin.get(page());
    const text = readable(res.text);
    const order = [...res.text.matchAll(/data-reviewer="(\d+)"/g)].map((m) => Number(m[1]));
    expect(order).to.deep.equal([reviewers.harsh.id, reviewers.middle.id, reviewers.lenient.id]);
    expect(text).to.include('3 of 3 reviewers on the panel have scored every example');
    expect(text).to.include('-2.25').and.include('+2.25').and.include('Harsher than the panel');
    expect(text).to.include('More lenient than the panel');
    // Reviewers scored on the cycle's scale: it no longer changes.
    const edit = readable((await admin.get(`/admin/cycles/${cycleId}/edit`)).text);
    expect(edit).to.include('1 to 5 — reviewers have scored the calibration examples on this scale');
    const spanish = await admin.get(`${page()}?lang=es`);
    expect(readable(spanish.text)).to.include('Más severo que el panel');
    await admin.get(`${page()}?lang=en`);
  });

  it('keeps a scored example as it is, and the set closed once reviews have begun', async () => {
    const [written] = await items();
    const edit = await submitForm(admin, `${page()}/${written!.id}`, `${page()}/${written!.id}`, {
      title: 'Changed',
      body: 'Changed',
    });
    expect(edit.status).to.equal(403);
    const remove = await submitForm(admin, page(), `${page()}/${written!.id}/remove`, {});
    expect(remove.status).to.equal(403);
    expect((await items())[0]!.title).to.equal('A detracked ninth grade');

    await h.db.update(assignments).set({ status: 'draft' }).where(eq(assignments.id, assignmentId));
    const closed = await admin.get(page());
    expect(readable(closed.text)).to.include('Reviews of this cycle have begun');
    const add = await submitForm(admin, page(), page(), { title: 'Late', body: 'Too late.' });
    expect(add.status).to.equal(403);
    expect(await items()).to.have.length(2);
  });

  it('lets an admin change or remove an example nobody scored', async () => {
    const otherCycle = await createOpenCycle(h.db, h.clock(), { name: 'Small Program' });
    const add = await submitForm(admin, page(otherCycle), page(otherCycle), { title: 'Draft', body: 'First words.' });
    expect(add.status).to.equal(303);
    const [item] = await h.db.select().from(calibrationItems).where(eq(calibrationItems.cycleId, otherCycle));
    const itemPage = `${page(otherCycle)}/${item!.id}`;
    // Another cycle's example is not found under this cycle.
    expect((await admin.get(`${page()}/${item!.id}`)).status).to.equal(404);
    const bad = await submitForm(admin, itemPage, itemPage, { title: '', body: 'Kept words.' });
    expect(bad.status).to.equal(422);
    expect(bad.text).to.include('Kept words.');
    expect((await submitForm(admin, itemPage, itemPage, { title: 'Final', body: 'Final words.' })).status).to.equal(
      303,
    );
    const [saved] = await h.db.select().from(calibrationItems).where(eq(calibrationItems.id, item!.id));
    expect(saved).to.include({ title: 'Final', body: 'Final words.' });
    expect((await submitForm(admin, itemPage, `${itemPage}/remove`, {})).status).to.equal(303);
    expect(await h.db.select().from(calibrationItems).where(eq(calibrationItems.cycleId, otherCycle))).to.deep.equal(
      [],
    );
  });

  it("feeds the ranking's normalized score, and the ranking sees new calibration at once", async () => {
    const cycle = await createOpenCycle(h.db, h.clock(), { name: 'Ranked Program' });
    // The harsh reviewer's 3 on P, the lenient reviewer's 4 on Q: without calibration both are a
    // reviewer's only review, z = 0, and P and Q tie at 3.
    const round = await scoredRound(h, cycle, { P: [], Q: [] }, { reviewers: 3 });
    const [harsh, lenient, middle] = round.reviewerIds as [number, number, number];
    await round.review(harsh, round.ids.P!, 3);
    await round.review(lenient, round.ids.Q!, 4);
    const normalized = async () => {
      const { rows } = await rankRound(h.db, round.roundId);
      return Object.fromEntries(rows.map((r) => [r.applicationId === round.ids.P ? 'P' : 'Q', r.normalized]));
    };
    expect(await normalized()).to.deep.equal({ P: 3, Q: 3 });

    const made = await h.db
      .insert(calibrationItems)
      .values([
        { cycleId: cycle, title: 'One', body: 'One.' },
        { cycleId: cycle, title: 'Two', body: 'Two.' },
      ])
      .returning();
    const given: Array<[number, number]> = [
      [harsh, 2],
      [lenient, 4],
      [middle, 3],
    ];
    await h.db
      .insert(calibrationScores)
      .values(made.flatMap((item) => given.map(([reviewerId, score]) => ({ itemId: item.id, reviewerId, score }))));
    // Offsets −1.5, +1.5 (and 0) on two examples; round mean 3.5, sd 0.5.
    // Harsh: two pseudo-reviews centred on 2: mean (3 + 2 × 2) / 3 = 7/3,
    // variance ((3 − 7/3)² + 2 × (1/4 + (2 − 7/3)²)) / 3 = 7/18, z (2/3) / √(7/18): about 4.07.
    // Lenient: the mirror image, about 1.93.
    const z = 2 / 3 / Math.sqrt(7 / 18);
    const after = await normalized();
    expect(after.P).to.be.closeTo(3 + z, 1e-9);
    expect(after.Q).to.be.closeTo(3 - z, 1e-9);

    const res = await admin.get(`/admin/rounds/${round.roundId}/ranking`);
    expect(res.status).to.equal(200);
    expect(readable(res.text)).to.include('With calibration').and.include('−1.50').and.include('+1.50');
  });
});
