// The national target as data, for the page benchmark and for reading query plans at that size:
// 10,000 schools and applications, 300 reviewers, k = 3 (30,000 submitted reviews scoring
// 5 criteria each), 20,000 nominations, 1,200 decisions. Written in SQL so seeding takes seconds.
import { sql } from 'drizzle-orm';
import { seedDemoProgram } from '../server/cli/seed-demo.js';
import { rowsOf, type Database } from '../server/db/client.js';

export const NATIONAL = { applications: 10_000, reviewers: 300, nominations: 20_000, decisions: 1_200 } as const;

/** Seeds the demo program's open cycle at national scale; returns its id and its round's. */
export async function seedNationalScale(db: Database, now: Date): Promise<{ cycleId: number; roundId: number }> {
  const { applications: APPS, reviewers: REVIEWERS } = NATIONAL;
  const cycleId = await seedDemoProgram(db, now);
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
  const [round] = rowsOf<{ id: number | string }>(
    await db.execute(sql`
      insert into review_rounds (cycle_id, number, name, reviewers_per_application, due_at)
      values (${cycleId}, 1, 'Round 1', 3, now() + interval '30 days') returning id`),
  );
  const roundId = Number(round!.id);
  await db.execute(
    sql`insert into round_applications (round_id, application_id) select ${roundId}, id from applications where status = 'eligible'`,
  );
  await db.execute(
    sql`insert into round_reviewers (round_id, user_id, max_load) select ${roundId}, user_id, 120 from cycle_reviewers`,
  );
  await db.execute(sql`
    with r as (select id, row_number() over (order by id) - 1 as n from users where 'reviewer' = any(roles)),
         a as (select id, row_number() over (order by id) - 1 as n from applications where status = 'eligible')
    insert into assignments (round_id, application_id, reviewer_id, status, recommendation, submitted_at)
    select ${roundId}, a.id, r.id, 'submitted', (array['gold','silver','not_recommended'])[1 + (a.n + k) % 3], now()
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
    from generate_series(1, ${NATIONAL.nominations}) g`);
  await db.execute(sql`
    insert into decisions (application_id, cycle_id, level, decided_at, slug, citation)
    select a.id, ${cycleId}, (array['gold','silver','not_selected','not_selected'])[1 + a.id % 4], now(),
      'school-' || a.id, 'For closing gaps.'
    from applications a where a.status = 'eligible' order by a.id limit ${NATIONAL.decisions}`);
  await db.execute(sql`analyze`);
  return { cycleId, roundId };
}
