// The ranking keeps what it computed from a round's reviews between views (round-reviews.ts).
// Each change that moves a number must show on the next view: a review submitted or edited
// through the form, and changes made by any other path straight in the database (as another
// instance of the app, a script or a future admin tool would): a review reopened or withdrawn,
// a criterion reweighted. After each, what is kept must equal what a fresh computation gives.
import { expect } from 'chai';
import { asc, eq } from 'drizzle-orm';
import {
  applications,
  assignments,
  criteria,
  reviewRounds,
  reviewScores,
  roundApplications,
  schools,
  type Recommendation,
} from '../../../models/schema.js';
import { readRoundReviews, roundReviews } from '../../../server/services/decisions/round-reviews.js';
import { schoolMatchKey } from '../../../server/services/schools/match-key.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { createUser, signIn, createOpenCycle } from '../../helpers/factories.js';
import { submitForm } from '../../helpers/forms.js';

type Agent = ReturnType<Harness['agent']>;
type App = 'A' | 'B' | 'C';
const DAY = 24 * 60 * 60 * 1000;

describe('admins: the ranking follows every change to the reviews', () => {
  let h: Harness;
  let admin: Agent;
  let rae: Agent;
  let hal: Agent;
  let roundId: number;
  let rubric: Array<{ id: number }>;
  const app = {} as Record<App, number>;
  const review = {} as Record<'raeA' | 'raeB' | 'halA' | 'halB' | 'halC', number>;

  /** The cells of one application's row on a fresh view of the ranking. */
  async function row(letter: App): Promise<Record<string, string>> {
    const page = await admin.get(`/admin/rounds/${roundId}/ranking`);
    expect(page.status, page.text).to.equal(200);
    const html = page.text.split(`<tr data-application="${app[letter]}">`)[1]!.split('</tr>')[0]!;
    return Object.fromEntries(
      [...html.matchAll(/<td data-cell="(\w+)">(.*?)<\/td>/g)].map((m) => [
        m[1]!,
        m[2]!.replace(/<[^>]+>/g, '').trim(),
      ]),
    );
  }

  async function reviewerRows(): Promise<string[]> {
    const { text } = await admin.get(`/admin/rounds/${roundId}/ranking`);
    return [...text.matchAll(/<tr data-reviewer="\d+"><td>([^<]+)<\/td><td>(\d+)<\/td><td>([\d.]+)<\/td>/g)].map((m) =>
      m.slice(1).join(' '),
    );
  }

  /** What the ranking keeps is what reading every review afresh gives. */
  async function expectKeptEqualsFresh() {
    const kept = await roundReviews(h.db, roundId);
    const fresh = await readRoundReviews(h.db, roundId);
    expect(kept).to.deep.equal(fresh);
  }

  async function submitReview(agent: Agent, assignmentId: number, scores: number[], recommendation: Recommendation) {
    const fields: Record<string, string> = { action: 'submit', recommendation };
    rubric.forEach((c, i) => {
      fields[`score_${c.id}`] = String(scores[i]);
      fields[`comment_${c.id}`] = 'Seen in the evidence.';
    });
    const res = await submitForm(agent, `/reviews/${assignmentId}`, `/reviews/${assignmentId}`, fields);
    expect(res.status, res.text).to.equal(303);
  }

  before(async () => {
    h = await startHarness();
    const cycleId = await createOpenCycle(h.db, h.clock());
    // No application chose optional criteria, so a review scores the two required ones.
    rubric = await h.db
      .select({ id: criteria.id })
      .from(criteria)
      .where(eq(criteria.cycleId, cycleId))
      .orderBy(asc(criteria.position))
      .limit(2);
    await createUser(h.db, { email: 'admin@program.example.org', roles: ['admin'] });
    const raeUser = await createUser(h.db, { email: 'rae@panel.example.org', name: 'Rae Reader', roles: ['reviewer'] });
    const halUser = await createUser(h.db, { email: 'hal@panel.example.org', name: 'Hal Reader', roles: ['reviewer'] });
    for (const letter of ['A', 'B', 'C'] as const) {
      const s = { name: `${letter} School`, city: 'Salem', state: 'OR', level: 'high' as const };
      const [school] = await h.db
        .insert(schools)
        .values({ ...s, matchKey: schoolMatchKey(s.name, s.city, s.state) })
        .returning();
      const [row] = await h.db
        .insert(applications)
        .values({ cycleId, schoolId: school!.id, status: 'eligible', submittedAt: h.clock() })
        .returning();
      app[letter] = row!.id;
    }
    const [round] = await h.db
      .insert(reviewRounds)
      .values({
        cycleId,
        number: 1,
        name: 'First reading',
        reviewersPerApplication: 2,
        dueAt: new Date(h.clock().getTime() + 10 * DAY),
      })
      .returning();
    roundId = round!.id;
    await h.db
      .insert(roundApplications)
      .values(Object.values(app).map((applicationId) => ({ roundId, applicationId })));
    const assign = async (reviewerId: number, letter: App, scores?: number[], recommendation?: Recommendation) => {
      const [row] = await h.db
        .insert(assignments)
        .values({
          roundId,
          applicationId: app[letter],
          reviewerId,
          status: scores ? 'submitted' : 'assigned',
          recommendation,
          submittedAt: scores ? h.clock() : null,
        })
        .returning();
      if (scores)
        await h.db
          .insert(reviewScores)
          .values(scores.map((score, i) => ({ assignmentId: row!.id, criterionId: rubric[i]!.id, score })));
      return row!.id;
    };
    review.raeA = await assign(raeUser.id, 'A', [5, 3], 'gold');
    review.raeB = await assign(raeUser.id, 'B', [2, 2], 'not_recommended');
    review.halA = await assign(halUser.id, 'A', [4, 4], 'silver');
    review.halB = await assign(halUser.id, 'B');
    review.halC = await assign(halUser.id, 'C');
    admin = h.agent();
    await signIn(admin, 'admin@program.example.org');
    rae = h.agent();
    await signIn(rae, 'rae@panel.example.org');
    hal = h.agent();
    await signIn(hal, 'hal@panel.example.org');
  });
  after(() => h.close());

  it('shows the reviews as they stand', async () => {
    expect(await row('A')).to.include({ reviews: '2/2', mean: '4.00', spread: '0.00' });
    expect(await row('B')).to.include({ reviews: '1/2 (waiting)', mean: '2.00', flag: 'No' });
    expect(await row('C')).to.include({ reviews: '0/2 (waiting)', mean: '—' });
    expect(await reviewerRows()).to.deep.equal(['Rae Reader 2 3.00', 'Hal Reader 1 4.00']);
    await expectKeptEqualsFresh();
  });

  it('counts a review as soon as it is submitted', async () => {
    await row('B'); // viewed just before, so the page has something to keep
    await submitReview(hal, review.halB, [3, 5], 'silver');
    expect(await row('B')).to.include({
      reviews: '2/2',
      mean: '3.00',
      spread: '2.00',
      recommendations: 'Gold 0, Silver 1, No 1',
      flag: '⚑ Reviewers disagree',
    });
    expect(await reviewerRows()).to.deep.equal(['Rae Reader 2 3.00', 'Hal Reader 2 4.00']);
    await expectKeptEqualsFresh();
  });

  it('shows a submitted review’s new scores once its reviewer edits it', async () => {
    await row('A');
    await submitReview(rae, review.raeA, [1, 1], 'not_recommended');
    expect(await row('A')).to.include({
      mean: '2.50',
      spread: '3.00',
      recommendations: 'Gold 0, Silver 1, No 1',
    });
    expect(await reviewerRows()).to.deep.equal(['Rae Reader 2 1.50', 'Hal Reader 2 4.00']);
    await expectKeptEqualsFresh();
  });

  it('drops a review that is reopened, even when only its status changes', async () => {
    await row('A');
    await h.db.update(assignments).set({ status: 'draft' }).where(eq(assignments.id, review.halA));
    expect(await row('A')).to.include({ reviews: '1/2 (waiting)', mean: '1.00', spread: '0.00' });
    expect(await reviewerRows()).to.deep.equal(['Rae Reader 2 1.50', 'Hal Reader 1 4.00']);
    await expectKeptEqualsFresh();
  });

  it('drops a review that is withdrawn with its assignment', async () => {
    await row('B');
    await h.db.delete(assignments).where(eq(assignments.id, review.raeB));
    expect(await row('B')).to.include({
      reviews: '1/2 (waiting)',
      mean: '4.00',
      recommendations: 'Gold 0, Silver 1, No 0',
    });
    expect(await reviewerRows()).to.deep.equal(['Rae Reader 1 1.00', 'Hal Reader 1 4.00']);
    await expectKeptEqualsFresh();
  });

  it('scores every review again when a criterion is reweighted', async () => {
    await row('B');
    await h.db.update(criteria).set({ weight: 3 }).where(eq(criteria.id, rubric[0]!.id));
    // Hal on B: (3 × 3 + 5) / 4.
    expect(await row('B')).to.include({ mean: '3.50' });
    expect(await reviewerRows()).to.deep.equal(['Rae Reader 1 1.00', 'Hal Reader 1 3.50']);
    const csv = await admin.get(`/admin/rounds/${roundId}/ranking.csv?sort=name`);
    expect(csv.text).to.contain(`,${app.B},B School,Salem,OR,high,eligible,1,2,3.5,`);
    await expectKeptEqualsFresh();
  });

  it('counts an assignment added or removed among the reviews expected', async () => {
    await row('A');
    const mo = await createUser(h.db, { email: 'mo@panel.example.org', name: 'Mo Reader', roles: ['reviewer'] });
    const [added] = await h.db
      .insert(assignments)
      .values({ roundId, applicationId: app.A, reviewerId: mo.id })
      .returning();
    expect(await row('A')).to.include({ reviews: '1/3 (waiting)', mean: '1.00' });
    await expectKeptEqualsFresh();
    await h.db.delete(assignments).where(eq(assignments.id, added!.id));
    expect(await row('A')).to.include({ reviews: '1/2 (waiting)' });
    await expectKeptEqualsFresh();
  });
});
