// Automatic assignment of a round larger than one statement can write: 4,000 applications × 3
// reviewers is 12,000 assignments, 72,000 values, past PostgreSQL's 65,535 parameters to a
// statement; they are written in batches. The preview's plan is the one confirmed.
import { expect } from 'chai';
import { eq, sql } from 'drizzle-orm';
import { assignments, auditLog, cycles } from '../../../models/schema.js';
import { confirmAutomatic, previewAutomatic } from '../../../server/services/assignment/assignment.js';
import { rowsOf } from '../../../server/db/client.js';
import { createOpenCycle, createUser } from '../../helpers/factories.js';
import { startHarness, type Harness } from '../../helpers/harness.js';

const APPLICATIONS = 4000;
const REVIEWERS = 120;

describe('automatic assignment of a large round', () => {
  let h: Harness;
  let roundId: number;

  before(async () => {
    h = await startHarness();
    const cycleId = await createOpenCycle(h.db, h.clock());
    await h.db.execute(sql`
      insert into schools (name, city, state, level, match_key)
      select 'School ' || g, 'City ' || (g % 50), (array['CA','TX','NY','OR'])[1 + g % 4], 'high', 'school ' || g
      from generate_series(1, ${APPLICATIONS}) g`);
    await h.db.execute(sql`
      insert into applications (cycle_id, school_id, status, submitted_at)
      select ${cycleId}, id, 'eligible', now() from schools`);
    await h.db.execute(sql`
      insert into users (email, name, password_hash, roles)
      select 'reviewer' || g || '@uni' || g || '.example.edu', 'Reviewer ' || g, 'x', array['reviewer']
      from generate_series(1, ${REVIEWERS}) g`);
    const [round] = rowsOf<{ id: number | string }>(
      await h.db.execute(sql`
        insert into review_rounds (cycle_id, number, name, reviewers_per_application, due_at)
        values (${cycleId}, 1, 'Round 1', 3, now() + interval '30 days') returning id`),
    );
    roundId = Number(round!.id);
    await h.db.execute(sql`
      insert into round_applications (round_id, application_id) select ${roundId}, id from applications`);
    await h.db.execute(sql`
      insert into round_reviewers (round_id, user_id, max_load)
      select ${roundId}, id, 110 from users where 'reviewer' = any(roles)`);
    await h.db
      .update(cycles)
      .set({ closedAt: new Date(h.clock().getTime() - 60_000) })
      .where(eq(cycles.id, cycleId));
  });
  after(() => h.close());

  it('writes every assignment of the previewed plan, three per application, in one confirmation', async () => {
    const preview = await previewAutomatic(h.db, roundId);
    expect(preview.counts.added).to.equal(APPLICATIONS * 3);
    const admin = await createUser(h.db, { email: 'officer@program.example.org', roles: ['admin'] });
    const added = await confirmAutomatic(
      { db: h.db, clock: h.clock },
      { roundId, adminId: admin.id, fingerprint: preview.fingerprint },
    );
    expect(added).to.equal(APPLICATIONS * 3);
    const perApplication = rowsOf<{ n: number | string; count: number | string }>(
      await h.db.execute(sql`
        select n, count(*) as count from (
          select count(*) as n from assignments where round_id = ${roundId} group by application_id) x
        group by n`),
    ).map((r) => [Number(r.n), Number(r.count)]);
    expect(perApplication).to.deep.equal([[3, APPLICATIONS]]);
    const [audit] = await h.db.select().from(auditLog).where(eq(auditLog.action, 'assignment.automatic'));
    expect(audit!.summary).to.contain((APPLICATIONS * 3).toLocaleString('en-US'));
    // Confirming again adds nothing: every application has its reviewers.
    const again = await previewAutomatic(h.db, roundId);
    expect(again.counts.added).to.equal(0);
    expect(await h.db.select({ id: assignments.id }).from(assignments)).to.have.length(APPLICATIONS * 3);
  });
});
