// Times automatic assignment of a national round through the service, as an admin goes through
// it: the preview, two pages of "why these reviewers", and the confirmation (which reads the
// round again under its lock). 10,000 eligible applications, 300 reviewers, k = 3, in an
// in-memory PGlite. The solver is deterministic, so the plan is kept by a digest of its problem
// (plan-cache.ts) and solved once for all four. No assertions; run with
// `npx tsx bench/auto-assign.bench.ts`.
import { performance } from 'node:perf_hooks';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { pgliteHandle, rowsOf } from '../server/db/client.js';
import { confirmAutomatic, previewAutomatic } from '../server/services/assignment/assignment.js';
import { explainAutomatic } from '../server/services/assignment/explain-plan.js';
import { buildProblem } from '../server/services/assignment/problem.js';
import { planAssignments } from '../server/services/assignment/solver.js';
import { seedNationalScale } from './national-scale.js';

async function timed<T>(label: string, run: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await run();
  console.log(`${label}: ${((performance.now() - started) / 1000).toFixed(2)} s`);
  return result;
}

const now = new Date();
const handle = pgliteHandle(await PGlite.create());
await handle.migrate();
const { db } = handle;
const { cycleId, roundId } = await timed('seeding the national round', () => seedNationalScale(db, now));
// The round before anyone is assigned, its cycle closed for applications.
await db.execute(sql`delete from assignments where round_id = ${roundId}`);
await db.execute(sql`update cycles set closed_at = ${new Date(now.getTime() - 60_000).toISOString()}::timestamptz
  where id = ${cycleId}`);
const built = await timed('reading the problem (buildProblem)', () => buildProblem(db, roundId));
await timed('solving it alone (planAssignments)', async () => planAssignments(built.problem));
const preview = await timed('preview (reads, solves, puts the plan in words)', () => previewAutomatic(db, roundId));
await timed('why these reviewers, page 1 (plan kept)', () => explainAutomatic(db, roundId, 1));
await timed('why these reviewers, page 40 (plan kept)', () => explainAutomatic(db, roundId, 40));
const [admin] = rowsOf<{ id: number | string }>(
  await db.execute(sql`insert into users (email, name, password_hash, roles)
    values ('officer@bench.example.org', 'Officer', 'x', array['admin']) returning id`),
);
const added = await timed('confirm (reads the round again under its lock; plan kept)', () =>
  confirmAutomatic(
    { db, clock: () => new Date() },
    { roundId, adminId: Number(admin!.id), fingerprint: preview.fingerprint },
  ),
);
console.log(`${preview.counts.applications} applications, ${preview.counts.reviewers} reviewers: ${added} assigned`);
await handle.close();
