// Times the ranking of a review round at the required scale: 10,000 applications, each with 3
// submitted reviews scoring 6 criteria (180,000 criterion scores), 300 reviewers with their own
// leniency who each scored a calibration set of 5 examples, in an in-memory PGlite (or, with BENCH_DATABASE_URL, an empty PostgreSQL database).
// No assertions; run with `npx tsx bench/ranking.bench.ts [applications] [reviewers]`.
import { performance } from 'node:perf_hooks';
import { PGlite } from '@electric-sql/pglite';
import { eq, sql } from 'drizzle-orm';
import { reviewRounds } from '../models/schema.js';
import { seedDemoProgram } from '../server/cli/seed-demo.js';
import { pgliteHandle, postgresHandle } from '../server/db/client.js';
import { rankRound } from '../server/services/decisions/ranking.js';
import { reviewExport } from '../server/services/decisions/ranking-export.js';

const [applicationCount = 10_000, reviewerCount = 300] = process.argv.slice(2).map(Number);
const K = 3;

async function timed<T>(label: string, run: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await run();
  console.log(`${label}: ${((performance.now() - started) / 1000).toFixed(2)} s`);
  return result;
}

const serverUrl = process.env.BENCH_DATABASE_URL;
const handle = serverUrl ? postgresHandle(serverUrl) : pgliteHandle(await PGlite.create());
console.log(serverUrl ? 'PostgreSQL server' : 'in-memory PGlite');
await handle.migrate();
const { db } = handle;
const cycleId = await seedDemoProgram(db, new Date('2026-11-22T12:00:00Z'));

await timed(`seeding ${applicationCount} applications × ${K} submitted reviews`, async () => {
  // setseed makes every run score the same way.
  await db.execute(sql`select setseed(0.42)`);
  await db.execute(sql`
    insert into users (email, name, password_hash, roles)
    select 'reviewer' || i || '@bench.example.org', 'Reviewer ' || i, 'x', array['reviewer']
    from generate_series(1, ${reviewerCount}) i`);
  await db.execute(sql`
    insert into schools (name, city, state, level, match_key)
    select 'School ' || i, 'City ' || (i % 97), (array['OR','TX','CA','NY','WA'])[1 + i % 5],
           (array['high','middle','elementary'])[1 + i % 3], 'school ' || i
    from generate_series(1, ${applicationCount}) i`);
  await db.execute(sql`
    insert into applications (cycle_id, school_id, status, submitted_at)
    select ${cycleId}, id, 'eligible', now() from schools`);
  await db.execute(sql`
    insert into review_rounds (cycle_id, number, name, reviewers_per_application, due_at)
    values (${cycleId}, 1, 'Round 1', ${K}, now()), (${cycleId}, 2, 'Finalists', 2, now())`);
  await db.execute(sql`
    insert into round_applications (round_id, application_id)
    select r.id, a.id from applications a, review_rounds r where r.number = 1`);
  // Application n is read by reviewers n, n + 100 and n + 200 (mod the panel).
  await db.execute(sql`
    with reviewers as (select id, row_number() over (order by id) - 1 as rank from users),
         apps as (select id, row_number() over (order by id) - 1 as rank from applications)
    insert into assignments (round_id, application_id, reviewer_id, status, recommendation, submitted_at)
    select r.id, a.id, u.id, 'submitted', (array['gold','silver','not_recommended'])[1 + floor(random() * 3)::int], now()
    from apps a cross join generate_series(0, ${K - 1}) j
    join reviewers u on u.rank = (a.rank + j * 100) % ${reviewerCount}
    cross join (select id from review_rounds where number = 1) r`);
  // Each reviewer has a leniency between −1 and +1 point; six criteria scored per review.
  await db.execute(sql`
    insert into review_scores (assignment_id, criterion_id, score, comment)
    select a.id, c.id,
           least(5, greatest(1, round(3 + ((a.reviewer_id % 21) - 10) / 10.0 + (random() - 0.5) * 3)))::int,
           'Comment on criterion ' || c.position
    from assignments a cross join criteria c
    where c.position <= 6`);
  // A calibration set of 5 examples that every reviewer scored, with the same leniency.
  await db.execute(sql`
    insert into calibration_items (cycle_id, title, body)
    select ${cycleId}, 'Example ' || i, 'An example application.' from generate_series(1, 5) i`);
  await db.execute(sql`
    insert into calibration_scores (item_id, reviewer_id, score)
    select ci.id, u.id, least(5, greatest(1, round(3 + ((u.id % 21) - 10) / 10.0 + (random() - 0.5) * 2)))::int
    from calibration_items ci cross join users u where u.email like 'reviewer%@bench.example.org'`);
  await db.execute(sql`analyze`);
});

const [round] = await db.select({ id: reviewRounds.id }).from(reviewRounds).where(eq(reviewRounds.number, 1));
const roundId = round!.id;
const first = await timed('rankRound (first run: every review scored)', () => rankRound(db, roundId));
await timed('rankRound (again: the reviews kept, checked against the database)', () => rankRound(db, roundId));
// What saving a review does to its assignment (see round-reviews.ts): only that review is scored again.
await db.execute(sql`update assignments set version = version + 1 where id = (select min(id) from assignments)`);
await timed('rankRound after one review changed', () => rankRound(db, roundId));
// A reviewer joining late and calibrating: every z-score is redone in memory, no review scored again.
await db.execute(sql`update calibration_scores set score = 6 - score
  where reviewer_id = (select min(reviewer_id) from calibration_scores)`);
await timed('rankRound after a calibration changed', () => rankRound(db, roundId));
await timed('rankRound sorted by normalized score, flagged only', () =>
  rankRound(db, roundId, { sort: 'normalized', filters: { flagged: true } }),
);
await timed('rankRound filtered to one state (OR)', () => rankRound(db, roundId, { filters: { state: 'OR' } }));
await timed('reviews CSV rows (every submitted review)', async () => {
  const { rows } = await reviewExport(db, roundId);
  let n = 0;
  for await (const _row of rows) n++;
  return n;
});
console.log(
  `${first.rows.length} applications, ${first.reviewCount} reviews, ${first.reviewers.length} reviewers; ` +
    `${first.rows.filter((r) => r.flagged).length} flagged; round mean ${first.roundMean?.toFixed(2)}`,
);
await handle.close();
