import { expect } from 'chai';
import { and, asc, eq, inArray, ne } from 'drizzle-orm';
import {
  applicationAnswers,
  applications,
  assignments,
  cycles,
  decisions,
  reviewRounds,
  reviewScores,
  schools,
  type Cycle,
} from '../../../models/schema.js';
import { seedDemo } from '../../../server/cli/seed-demo.js';
import { rankRound } from '../../../server/services/decisions/ranking.js';
import { cyclePhase } from '../../../server/services/programs/phase.js';
import { conflictPairs } from '../../../server/services/review/conflicts.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { readable, submitForm } from '../../helpers/forms.js';

const DAY = 24 * 60 * 60 * 1000;

describe('the demo program of a fresh start', () => {
  let h: Harness;
  let admin: ReturnType<Harness['agent']>;
  let year: number;
  let published: Cycle;
  let inReview: Cycle;
  let open: Cycle;
  let roundId: number;

  before(async () => {
    h = await startHarness();
    const login = await seedDemo(h.db, h.clock);
    admin = h.agent();
    const res = await submitForm(admin, '/login', '/login', { email: login.email, password: login.password });
    expect(res.status).to.equal(303);
    year = h.clock().getUTCFullYear();
    const all = await h.db.select().from(cycles).orderBy(asc(cycles.year));
    expect(all.map((c) => c.year)).to.deep.equal([year - 1, year, year + 1]);
    [published, inReview, open] = all as [Cycle, Cycle, Cycle];
    const [round] = await h.db.select().from(reviewRounds).where(eq(reviewRounds.cycleId, inReview.id));
    roundId = round!.id;
  });
  after(() => h.close());

  it('has last year published, this year in review and next year open, named by their years', async () => {
    const phases = [];
    for (const cycle of [published, inReview, open]) phases.push(await cyclePhase(h.db, cycle, h.clock()));
    expect(phases).to.deep.equal(['published', 'in_review', 'open']);
    expect([published, inReview, open].map((c) => c.name)).to.deep.equal([
      `Schools of Opportunity ${year - 1}–${year}`,
      `Schools of Opportunity ${year}–${year + 1}`,
      `Schools of Opportunity ${year + 1}–${year + 2}`,
    ]);
    const now = h.clock().getTime();
    const daysAgo = (date: Date) => (now - date.getTime()) / DAY;
    expect(daysAgo(inReview.applicationsCloseAt)).to.be.within(2, 8);
    expect(-daysAgo(open.nominationsCloseAt)).to.be.within(20, 40);
    expect(-daysAgo(open.applicationsCloseAt)).to.be.within(45, 75);
    const [round] = await h.db.select().from(reviewRounds).where(eq(reviewRounds.id, roundId));
    expect(-daysAgo(round!.dueAt)).to.be.within(7, 14);
    expect(await h.db.select().from(decisions).where(eq(decisions.cycleId, inReview.id))).to.deep.equal([]);
  });

  it('shows next year’s open call on the home page, with Apply and Nominate', async () => {
    const home = await h.agent().get('/');
    expect(home.status).to.equal(200);
    expect(home.text).to.contain(`<h2 id="cycle-title">${open.name}</h2>`);
    expect(home.text).to.contain('Applications are open until');
    expect(home.text).to.contain('href="/my/applications"');
    expect(home.text).to.contain('href="/nominate"');
    expect(home.text).not.to.contain(inReview.name);
  });

  it('has something real on every public page', async () => {
    const anonymous = h.agent();
    const honorees = await anonymous.get('/honorees');
    expect(honorees.status).to.equal(200);
    for (const school of ['Roosevelt High School', 'Central High School', 'Oakland Technical High School'])
      expect(honorees.text).to.contain(school);
    const page = await anonymous.get(`/honorees/${year - 1}/rainier-beach-high-school`);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('og:title');
    const text = readable(page.text);
    expect(text).to.contain('Rainier Beach made the IB Diploma open to every student');
    expect(text).to.contain('Enrollment has since grown by half');
    expect(text).to.contain('An extended day with a seventh period');
    expect((await anonymous.get('/nominate')).text).to.contain('Nominate a school');
    expect((await anonymous.get(`/cycles/${open.id}/criteria`)).text).to.contain('Family and community engagement');
  });

  it('has something real on every admin page', async () => {
    const [jefferson] = await h.db
      .select({ id: applications.id })
      .from(applications)
      .innerJoin(schools, eq(schools.id, applications.schoolId))
      .where(and(eq(applications.cycleId, inReview.id), eq(schools.name, 'Jefferson High School')));
    const [roosevelt] = await h.db
      .select({ id: decisions.applicationId })
      .from(decisions)
      .where(eq(decisions.slug, 'roosevelt-high-school'));
    const pages: Array<[string, string[]]> = [
      ['/admin', ['Administration']],
      [`/admin/programs/${open.programId}`, [published.name, inReview.name, open.name]],
      ['/admin/applications', ['Jefferson High School', 'Skyline High School', 'Roosevelt High School']],
      ['/admin/applications?screening=needed', ['Harbor Charter High School']],
      [`/applications/${jefferson!.id}`, ['Denver Public Schools', 'Paul Andersen']],
      [`/applications/${jefferson!.id}/review`, ['A student Peace Council hears referrals']],
      [`/admin/applications/${jefferson!.id}/screening`, ['Jefferson High School']],
      ['/admin/nominations', ['Madison High School', 'Eastside High School', 'Chavez High School']],
      [`/admin/cycles/${inReview.id}`, ['Broadening and enriching learning opportunities']],
      [`/admin/cycles/${inReview.id}/reviewers`, ['Dr. Alice Moreno', 'Prof. Ben Okafor', 'Carmen Liu']],
      [`/admin/cycles/${inReview.id}/conflicts`, ['Conflicts of interest', 'Madison High School']],
      [
        `/admin/cycles/${inReview.id}/calibration`,
        ['Example A: one ninth grade for everyone', 'Harsher than the panel'],
      ],
      [`/admin/cycles/${inReview.id}/rounds`, ['Round 1']],
      [`/admin/rounds/${roundId}`, ['Dr. David Park', 'Marcus Bell']],
      [`/admin/rounds/${roundId}/ranking`, ['Franklin High School', 'Kennedy High School']],
      [`/admin/cycles/${inReview.id}/decisions`, ['Jefferson High School']],
      [`/admin/cycles/${inReview.id}/publish`, ['Publish']],
      [`/admin/cycles/${open.id}`, [open.name]],
      [`/admin/cycles/${published.id}/decisions`, ['Roosevelt High School']],
      [`/admin/decisions/${roosevelt!.id}/profile`, ['Roosevelt detracked ninth grade']],
      ['/admin/audit', ['Audit', 'Marked application']],
      ['/admin/contacts', ['school contacts']],
      ['/admin/schools', ['Skyline High School']],
      ['/admin/outbox', ['Outgoing e-mail']],
    ];
    for (const [url, expected] of pages) {
      const res = await admin.get(url);
      expect(res.status, url).to.equal(200);
      for (const text of expected) expect(readable(res.text), url).to.contain(text);
      expect(res.text, url).not.to.contain('Something went wrong');
    }
  });

  it('has round 1 assigned and e-mailed to the whole panel, two thirds reviewed, the rest drafts or not started', async () => {
    const rows = await h.db.select().from(assignments).where(eq(assignments.roundId, roundId));
    const count = (status: string) => rows.filter((r) => r.status === status).length;
    expect(rows.every((r) => r.notifiedAt !== null)).to.equal(true);
    expect(count('submitted') / rows.length).to.be.within(0.6, 0.72);
    expect(count('draft')).to.be.at.least(2);
    expect(count('assigned')).to.be.at.least(2);
    expect(new Set(rows.map((r) => r.reviewerId)).size).to.equal(5);
    // Nobody reads a school they are conflicted with (the demo has a declared conflict).
    const conflicts = await conflictPairs(h.db, {
      reviewerIds: rows.map((r) => r.reviewerId),
      applicationIds: rows.map((r) => r.applicationId),
    });
    expect(conflicts).to.have.length.above(0);
    const assigned = new Set(rows.map((r) => `${r.reviewerId}:${r.applicationId}`));
    expect(conflicts.filter((c) => assigned.has(`${c.reviewerId}:${c.applicationId}`))).to.deep.equal([]);
  });

  it('ranks round 1 differently by normalized score than by raw mean, with harsh and lenient reviewers', async function () {
    const ranking = await rankRound(h.db, roundId);
    const means = ranking.reviewers.map((r) => r.mean);
    expect(Math.min(...means), 'a harsh reviewer').to.be.below(2.5);
    expect(Math.max(...means), 'a lenient reviewer').to.be.above(4.2);
    const rows = ranking.rows.filter((r) => r.mean !== null && r.normalized !== null);
    expect(rows).to.have.length(8);
    // Pairs the two rankings put in opposite orders, each by a clear margin, not by rounding.
    const inverted: string[] = [];
    for (const a of rows)
      for (const b of rows)
        if (a.mean! - b.mean! >= 0.25 && b.normalized! - a.normalized! >= 0.25)
          inverted.push(`${a.schoolName} over ${b.schoolName} by mean, under it normalized`);
    this.test!.title += ` (${inverted.length} pairs, e.g. ${inverted[0]})`;
    expect(inverted.length).to.be.at.least(2);
    expect(new Set(inverted.flatMap((p) => p.split(/ over | by mean/).slice(0, 2))).size).to.be.at.least(3);
  });

  it('never repeats a citation, a profile, a review comment or an answer', async () => {
    const texts = await h.db.select({ citation: decisions.citation, profile: decisions.profile }).from(decisions);
    expect(texts).to.have.length(12);
    const citations = texts.map((t) => t.citation);
    expect(new Set(citations).size).to.equal(citations.length);
    expect(new Set(texts.map((t) => t.profile)).size).to.equal(texts.length);
    const comments = (
      await h.db.select({ comment: reviewScores.comment }).from(reviewScores).where(ne(reviewScores.comment, ''))
    ).map((r) => r.comment);
    expect(comments.length).to.be.at.least(100);
    expect(comments.filter((c, i) => comments.indexOf(c) !== i)).to.deep.equal([]);
    // The same sentence with the school's name swapped counts as a repeat.
    const answers = (
      await h.db
        .select({ answer: applicationAnswers.answer, school: schools.name })
        .from(applicationAnswers)
        .innerJoin(applications, eq(applications.id, applicationAnswers.applicationId))
        .innerJoin(schools, eq(schools.id, applications.schoolId))
        .where(inArray(applications.cycleId, [published.id, inReview.id, open.id]))
    ).map((r) => r.answer.replaceAll(r.school, 'the school'));
    expect(answers.length).to.be.at.least(150);
    expect(answers.filter((a, i) => answers.indexOf(a) !== i)).to.deep.equal([]);
  });
});
