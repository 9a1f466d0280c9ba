// Page times at national scale: 10,000 schools and applications, 300 reviewers, 30,000
// submitted reviews, 20,000 nominations, on an in-memory PGlite. Prints the median of several
// requests per page; nothing is asserted (see docs/BENCHMARKS.md).
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import supertest from 'supertest';
import { createApp } from '../server/app.js';
import { seedDemoProgram } from '../server/cli/seed-demo.js';
import { pgliteHandle } from '../server/db/client.js';
import { createUser, signIn } from '../test/helpers/factories.js';

const APPS = 10_000;
const REVIEWERS = 300;
const RUNS = 5;

async function main() {
  const handle = pgliteHandle(await PGlite.create());
  await handle.migrate();
  const { db } = handle;
  const started = Date.now();
  const cycleId = await seedDemoProgram(db, new Date());
  await db.execute(sql`
    insert into schools (name, district, city, state, level, enrollment, frl_percent, iep_percent, match_key)
    select 'School ' || g, 'District ' || (g % 500), 'City ' || (g % 900),
      (array['CA','TX','NY','FL','IL','PA','OH','GA','NC','MI'])[1 + g % 10], 'high', 500 + g % 2000, 10 + g % 80, 5 + g % 15,
      'school ' || g || '|city ' || (g % 900) || '|XX'
    from generate_series(1, ${APPS}) g`);
  await db.execute(sql`
    insert into applications (cycle_id, school_id, status, submitted_at)
    select ${cycleId}, s.id, case when s.id % 10 = 0 then 'submitted' else 'eligible' end, now() - (s.id % 30) * interval '1 day'
    from schools s`);
  await db.execute(sql`
    insert into users (email, name, password_hash, roles, email_verified_at)
    select 'reviewer' || g || '@uni' || (g % 40) || '.example.edu', 'Reviewer ' || g, 'x', array['reviewer'], now()
    from generate_series(1, ${REVIEWERS}) g`);
  await db.execute(
    sql`insert into cycle_reviewers (cycle_id, user_id, max_load) select ${cycleId}, id, 120 from users where 'reviewer' = any(roles)`,
  );
  await db.execute(sql`
    insert into review_rounds (cycle_id, number, name, reviewers_per_application, due_at)
    values (${cycleId}, 1, 'Round 1', 3, now() + interval '30 days')`);
  await db.execute(
    sql`insert into round_applications (round_id, application_id) select 1, id from applications where status = 'eligible'`,
  );
  await db.execute(
    sql`insert into round_reviewers (round_id, user_id, max_load) select 1, user_id, 120 from cycle_reviewers`,
  );
  await db.execute(sql`
    with r as (select id, row_number() over (order by id) - 1 as n from users where 'reviewer' = any(roles)),
         a as (select id, row_number() over (order by id) - 1 as n from applications where status = 'eligible')
    insert into assignments (round_id, application_id, reviewer_id, status, recommendation, submitted_at)
    select 1, a.id, r.id, 'submitted', (array['gold','silver','not_recommended'])[1 + (a.n + k) % 3], now()
    from a cross join generate_series(0, 2) k join r on r.n = (a.n * 3 + k) % ${REVIEWERS}`);
  await db.execute(sql`
    insert into review_scores (assignment_id, criterion_id, score, comment)
    select asg.id, c.id, 1 + (asg.id + c.position) % 5, 'Comment'
    from assignments asg join criteria c on c.cycle_id = ${cycleId} and (c.required or c.position between 3 and 6)`);
  await db.execute(sql`
    insert into nominations (cycle_id, school_id, school_name, city, state, match_key, nominator_name, nominator_email, relationship,
      reason, status, confirm_token_hash, confirm_expires_at, confirmed_at)
    select ${cycleId}, 1 + g % ${APPS}, 'School ' || (1 + g % ${APPS}), 'City', 'CA', 'school ' || (1 + g % ${APPS}) || '|city|CA',
      'Nominator ' || g, 'n' || g || '@example.com', 'parent', 'Because.', 'confirmed', md5(g::text), now() + interval '7 days', now()
    from generate_series(1, 20000) g`);
  await db.execute(sql`analyze`);
  console.log(`seeded in ${((Date.now() - started) / 1000).toFixed(1)} s`);

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

  const pages = [
    '/',
    '/healthz',
    '/admin/applications',
    '/admin/applications?page=150',
    '/admin/applications?screening=needed',
    '/admin/nominations',
    `/admin/cycles/${cycleId}/conflicts`,
    '/admin/rounds/1',
    '/admin/rounds/1/ranking',
    '/honorees',
  ];
  for (const path of pages) {
    const times: number[] = [];
    let status = 0;
    for (let i = 0; i < RUNS; i += 1) {
      const t = process.hrtime.bigint();
      const res = await admin.get(path);
      times.push(Number(process.hrtime.bigint() - t) / 1e6);
      status = res.status;
    }
    times.sort((a, b) => a - b);
    console.log(
      `${path.padEnd(40)} ${String(status).padEnd(4)} median ${times[Math.floor(RUNS / 2)]!.toFixed(0).padStart(6)} ms`,
    );
  }
  await handle.close();
}

await main();
