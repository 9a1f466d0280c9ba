// Page times at national scale (bench/national-scale.ts) on an in-memory PGlite, single user:
// every admin page a program officer uses, through the whole Express stack. Prints the first
// request (cold caches) and the median (p50) of several, beside the 200 ms target for admin
// pages ("met" or "not met"); nothing is asserted (see docs/BENCHMARKS.md).
// `npx tsx bench/pages.bench.ts [runs]`; with LAUREL_RELOAD_VIEWS=1, templates are compiled on
// every render, as under `npm run dev` (server/views.ts).
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import supertest from 'supertest';
import { createApp } from '../server/app.js';
import { pgliteHandle, rowsOf, type Database } from '../server/db/client.js';
import { createUser, signIn } from '../test/helpers/factories.js';
import { seedNationalScale } from './national-scale.js';

const RUNS = Math.max(3, Number(process.argv[2] ?? 5));
const TARGET_MS = 200;

interface Page {
  path: string;
  label: string;
  /** Admin pages are held to the target; public pages and downloads are shown for reference. */
  target: boolean;
  /** Runs before each request, untimed. */
  before?: () => Promise<unknown>;
}

function pagesOf(db: Database, cycleId: number, roundId: number, applicationId: number): Page[] {
  const admin = (path: string, label: string): Page => ({ path, label, target: true });
  const other = (path: string, label: string): Page => ({ path, label, target: false });
  const round = `/admin/rounds/${roundId}`;
  const cycle = `/admin/cycles/${cycleId}`;
  return [
    other('/', 'public home'),
    other('/healthz', 'health check'),
    other('/honorees', 'public honorees'),
    admin('/admin', 'admin dashboard'),
    admin('/admin/programs', 'programs'),
    admin(cycle, 'cycle page'),
    admin('/admin/applications', 'applications, page 1'),
    admin('/admin/applications?page=150', 'applications, page 150'),
    admin('/admin/applications?screening=needed', 'screening queue'),
    admin('/admin/schools', 'schools'),
    admin('/admin/contacts', 'contacts'),
    admin('/admin/nominations', 'nominations (grouped)'),
    admin(`${cycle}/reviewers`, 'panel: the cycle’s reviewers'),
    admin(`${cycle}/reviewer-invitations`, 'panel: invitations'),
    admin(`${cycle}/conflicts`, 'panel: conflicts'),
    admin(`${cycle}/rounds`, 'review rounds'),
    admin(round, 'round progress'),
    admin(`${round}/assign`, 'assignments of the round'),
    admin(`${round}/ranking`, 'ranking'),
    admin(`${round}/ranking?sort=normalized&dir=asc&state=CA&flagged=no`, 'ranking, sorted and filtered'),
    admin(`${round}/ranking?sort=name&page=40`, 'ranking by name, page 40'),
    {
      ...admin(`${round}/ranking`, 'ranking, a review saved just before each view'),
      // What saveReview does to the assignment (its scores aside): the ranking must notice.
      before: () =>
        db.execute(sql`update assignments set version = version + 1
          where id = (select min(id) + floor(random() * 1000)::int from assignments where round_id = ${roundId})`),
    },
    admin(`${round}/ranking.csv`, 'ranking CSV (10,000 rows)'),
    admin(`${cycle}/decisions`, 'decisions'),
    admin(`/admin/decisions/${applicationId}/profile`, 'an honoree profile'),
    admin(`${cycle}/publish`, 'publish preview'),
    admin(`${cycle}/messages`, 'messages'),
    admin('/admin/outbox', 'outbox'),
    admin('/admin/audit', 'audit log'),
    other(`${round}/reviews.csv`, 'reviews CSV (30,000 rows, streamed)'),
    other('/admin/nominations.csv', 'nominations CSV (20,000 rows)'),
  ];
}

async function main() {
  const handle = pgliteHandle(await PGlite.create());
  await handle.migrate();
  const { db } = handle;
  const started = Date.now();
  const { cycleId, roundId } = await seedNationalScale(db, new Date());
  const [decided] = rowsOf<{ id: number | string }>(
    await db.execute(sql`select application_id as id from decisions where level = 'gold' order by 1 limit 1`),
  );
  console.log(
    `seeded in ${((Date.now() - started) / 1000).toFixed(1)} s; ${RUNS} requests a page; ` +
      (process.env.LAUREL_RELOAD_VIEWS === '1' ? 'templates compiled on every render' : 'templates compiled once'),
  );

  const app = createApp({
    db,
    databaseKind: 'pglite',
    config: {
      isProduction: false,
      baseUrl: 'http://bench',
      mailFrom: 'b <b@bench.example>',
      sessionSecret: 'bench-secret-bench-secret-bench-secret',
      trustProxy: false,
      dataDir: '/tmp',
      uploadDir: '/tmp',
    },
  });
  await createUser(db, { email: 'admin@bench.example.org', roles: ['admin'] });
  const admin = supertest.agent(app);
  await signIn(admin, 'admin@bench.example.org');

  const missed: string[] = [];
  console.log(`${'status'.padEnd(6)} ${'first'.padStart(6)} ${'p50'.padStart(6)}  ${'target'.padEnd(7)}  page`);
  for (const { path, label, target, before } of pagesOf(db, cycleId, roundId, Number(decided!.id))) {
    const times: number[] = [];
    let status = 0;
    for (let i = 0; i < RUNS; i += 1) {
      await before?.();
      const t = process.hrtime.bigint();
      const res = await admin.get(path);
      times.push(Number(process.hrtime.bigint() - t) / 1e6);
      status = res.status;
    }
    const first = times[0]!;
    const p50 = [...times].sort((a, b) => a - b)[Math.floor(RUNS / 2)]!;
    const verdict = !target ? '' : p50 < TARGET_MS && status === 200 ? 'met' : 'not met';
    if (verdict === 'not met') missed.push(path);
    const ms = (value: number) => `${value.toFixed(0)} ms`.padStart(6);
    console.log(`${String(status).padEnd(6)} ${ms(first)} ${ms(p50)}  ${verdict.padEnd(7)}  ${path} (${label})`);
  }
  console.log(missed.length ? `target not met: ${missed.join(', ')}` : `every admin page under ${TARGET_MS} ms p50`);
  await handle.close();
}

await main();
