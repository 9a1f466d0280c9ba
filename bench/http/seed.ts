// The data the HTTP benchmarks run on: the whole demo (a published cycle, one in review, one
// open), grown to a scale. "program" is the real program's size (100 applications, 40 reviewers);
// "national" the design target (10,000 applications, 300 reviewers, 30,000 reviews, 20,000
// nominations). Rows go in with a few set-based inserts, so the national seed takes seconds.
import { sql } from 'drizzle-orm';
import { hashPassword } from '../../server/auth/passwords.js';
import { DEMO_ADMIN_EMAIL, seedDemo } from '../../server/cli/seed-demo.js';
import type { Database } from '../../server/db/client.js';
import { rowsOf } from '../../server/db/client.js';
import { snapshotHonoreeSchools } from '../../server/services/decisions/publishing.js';

export const SCALES = {
  program: { applications: 100, reviewers: 40, nominations: 200, honorees: 30, applicants: 200 },
  national: { applications: 10_000, reviewers: 300, nominations: 20_000, honorees: 1_000, applicants: 200 },
} as const;
export type ScaleName = keyof typeof SCALES;

/** Reviews per application, as the national target counts them. */
const K = 3;
/** The benchmark reviewer's assignments left open, so the form and the draft save are real. */
const OPEN_ASSIGNMENTS = 4;
/** Reviewers with open work for the deadline-day load (reviewer1 … reviewerN). */
export const LOAD_REVIEWERS = 50;
export const BENCH_PASSWORD = 'bench-password-0123456789';

export interface BenchData {
  adminEmail: string;
  reviewerEmail: string;
  password: string;
  openAssignmentId: number;
  /** Reviewer n's first open assignment, for n = 1 … LOAD_REVIEWERS (fewer at a small scale). */
  reviewerAssignmentIds: number[];
  submittedAssignmentId: number;
  honoreePath: string;
  criteriaPath: string;
  roundId: number;
  openCycleId: number;
  /** Applicant n (applicant<n>@bench.example.org) owns draftApplicationIds[n - 1]. */
  draftApplicationIds: number[];
}

async function all<T>(db: Database, query: ReturnType<typeof sql>): Promise<T[]> {
  return rowsOf<T>(await db.execute(query));
}

async function one<T>(db: Database, query: ReturnType<typeof sql>): Promise<T> {
  const [row] = await all<T>(db, query);
  if (!row) throw new Error(`The bench seed expected a row: ${JSON.stringify(query)}`);
  return row;
}

export async function seedBench(db: Database, scale: ScaleName): Promise<BenchData> {
  const size = SCALES[scale];
  const now = new Date();
  await seedDemo(db, () => now);
  const passwordHash = await hashPassword(BENCH_PASSWORD);
  await db.execute(sql`update users set password_hash = ${passwordHash} where email = ${DEMO_ADMIN_EMAIL}`);
  const { id: roundId, cycle_id: reviewCycleId } = await one<{ id: number; cycle_id: number }>(
    db,
    sql`select id, cycle_id from review_rounds order by id limit 1`,
  );
  const { id: publishedCycleId, year } = await one<{ id: number; year: number }>(
    db,
    sql`select id, year from cycles where published_at is not null order by id limit 1`,
  );
  const { id: openCycleId } = await one<{ id: number }>(
    db,
    sql`select id from cycles where published_at is null and id <> ${reviewCycleId} order by id desc limit 1`,
  );
  const firstSchool = await one<{ n: number }>(db, sql`select coalesce(max(id), 0)::int as n from schools`);
  const schoolCount = size.applications + size.honorees + size.applicants;
  await db.execute(sql`
    insert into schools (name, district, city, state, level, enrollment, frl_percent, iep_percent, match_key)
    select 'Bench School ' || g, 'District ' || (g % 500), 'City ' || (g % 900),
      (array['CA','TX','NY','FL','IL','PA','OH','GA','NC','MI'])[1 + g % 10], 'high', 500 + g % 2000, 10 + g % 80, 5 + g % 15,
      'bench school ' || g || '|city ' || (g % 900) || '|XX'
    from generate_series(1, ${schoolCount}) g`);
  const schoolId = (g: number) => firstSchool.n + g;

  // This year's cycle, in review: every application eligible and in round 1, k reviews each.
  await db.execute(sql`
    insert into applications (cycle_id, school_id, status, submitted_at, screened_at)
    select ${reviewCycleId}, ${firstSchool.n} + g, 'eligible', now() - (g % 30) * interval '1 day', now()
    from generate_series(1, ${size.applications}) g`);
  await db.execute(sql`
    insert into users (email, name, password_hash, roles, email_verified_at)
    select 'reviewer' || g || '@bench.example.edu', 'Bench Reviewer ' || g, ${passwordHash}, array['reviewer'], now()
    from generate_series(1, ${size.reviewers}) g`);
  await db.execute(sql`
    insert into cycle_reviewers (cycle_id, user_id, max_load)
    select ${reviewCycleId}, id, 120 from users where email like '%@bench.example.edu'`);
  await db.execute(sql`
    insert into round_reviewers (round_id, user_id, max_load)
    select ${roundId}, id, 120 from users where email like '%@bench.example.edu'`);
  await db.execute(sql`
    insert into round_applications (round_id, application_id)
    select ${roundId}, a.id from applications a join schools s on s.id = a.school_id
    where a.cycle_id = ${reviewCycleId} and s.name like 'Bench School %'`);
  await db.execute(sql`
    with r as (select id, row_number() over (order by id) - 1 as n from users where email like '%@bench.example.edu'),
         a as (select a.id, row_number() over (order by a.id) - 1 as n from applications a
               join schools s on s.id = a.school_id where a.cycle_id = ${reviewCycleId} and s.name like 'Bench School %')
    insert into assignments (round_id, application_id, reviewer_id, status, recommendation, submitted_at, assigned_at)
    select ${roundId}, a.id, r.id, 'submitted', (array['gold','silver','not_recommended'])[1 + (a.n + k) % 3], now(), now()
    from a cross join generate_series(0, ${K - 1}) k join r on r.n = (a.n * ${K} + k) % ${size.reviewers}`);
  const reviewer = await one<{ id: number; email: string }>(
    db,
    sql`select id, email from users where email = 'reviewer1@bench.example.edu'`,
  );
  // Open work: the first reviewer's first few assignments, and one for each reviewer the
  // deadline-day load signs in.
  await db.execute(sql`
    update assignments set status = 'assigned', submitted_at = null, recommendation = null
    where id in (select id from assignments where reviewer_id = ${reviewer.id} order by id limit ${OPEN_ASSIGNMENTS})
       or id in (select min(a.id) from assignments a join users u on u.id = a.reviewer_id
                 where u.email like 'reviewer%@bench.example.edu'
                   and substring(u.email from 'reviewer([0-9]+)@')::int <= ${LOAD_REVIEWERS}
                 group by a.reviewer_id)`);
  await db.execute(sql`
    insert into review_scores (assignment_id, criterion_id, score, comment)
    select asg.id, c.id, 1 + (asg.id + c.position) % 5, 'The evidence shows steady work on this criterion.'
    from assignments asg join criteria c on c.cycle_id = ${reviewCycleId} and c.required
    where asg.round_id = ${roundId} and asg.status = 'submitted'
      and asg.application_id in (select application_id from round_applications where round_id = ${roundId})
      and not exists (select 1 from review_scores x where x.assignment_id = asg.id)`);
  // The benchmark reviewer's applications carry a real application's answers.
  await db.execute(sql`
    insert into application_answers (application_id, criterion_id, chosen, answer, word_count, updated_at)
    select asg.application_id, x.criterion_id, x.chosen, x.answer, x.word_count, now()
    from assignments asg
    cross join (select criterion_id, chosen, answer, word_count from application_answers
                where application_id = (select min(a.id) from applications a join application_answers aa on aa.application_id = a.id
                                        where a.cycle_id = ${reviewCycleId})) x
    where asg.reviewer_id = ${reviewer.id}
    on conflict do nothing`);
  const open = await one<{ id: number }>(
    db,
    sql`select min(id)::int as id from assignments where reviewer_id = ${reviewer.id} and status = 'assigned'`,
  );
  const submitted = await one<{ id: number }>(
    db,
    sql`select min(id)::int as id from assignments where reviewer_id = ${reviewer.id} and status = 'submitted'`,
  );
  const reviewerOpen = await all<{ id: number }>(
    db,
    sql`select min(a.id)::int as id, substring(u.email from 'reviewer([0-9]+)@')::int as n
        from assignments a join users u on u.id = a.reviewer_id
        where a.status = 'assigned' and u.email like 'reviewer%@bench.example.edu'
        group by u.email order by n limit ${LOAD_REVIEWERS}`,
  );
  await db.execute(sql`
    insert into nominations (cycle_id, school_id, school_name, city, state, match_key, nominator_name, nominator_email, relationship,
      reason, status, confirm_token_hash, confirm_expires_at, confirmed_at)
    select ${reviewCycleId}, ${firstSchool.n} + 1 + g % ${size.applications}, 'Bench School ' || (1 + g % ${size.applications}),
      'City', 'CA', 'bench school ' || (1 + g % ${size.applications}) || '|city|CA',
      'Nominator ' || g, 'n' || g || '@bench.example.com', 'parent', 'Because it welcomes every family.', 'confirmed',
      md5(g::text), now() + interval '7 days', now()
    from generate_series(1, ${size.nominations}) g`);

  // Last year's cycle, published: the honorees the public pages list.
  const honoreeFirst = schoolId(size.applications);
  await db.execute(sql`
    insert into applications (cycle_id, school_id, status, submitted_at, screened_at)
    select ${publishedCycleId}, ${honoreeFirst} + g, 'eligible', now() - interval '300 days', now() - interval '290 days'
    from generate_series(1, ${size.honorees}) g`);
  await db.execute(sql`
    insert into decisions (application_id, cycle_id, level, decided_at, slug, citation, profile)
    select a.id, ${publishedCycleId}, case when a.id % 3 = 0 then 'gold' else 'silver' end, now() - interval '200 days',
      'bench-school-' || (a.school_id - ${honoreeFirst}),
      'Recognized for opening advanced courses to every student and for bringing families into the school in their own languages.',
      'A neighbourhood school that rebuilt its schedule around its students.'
    from applications a where a.cycle_id = ${publishedCycleId} and a.school_id > ${honoreeFirst}`);
  await snapshotHonoreeSchools(db, publishedCycleId);

  // Next year's cycle, open: applicants with a draft each (the deadline-day load saves into them).
  const applicantFirst = schoolId(size.applications + size.honorees);
  await db.execute(sql`
    insert into users (email, name, password_hash, roles, email_verified_at)
    select 'applicant' || g || '@bench.example.org', 'Bench Principal ' || g, ${passwordHash}, array['applicant'], now()
    from generate_series(1, ${size.applicants}) g`);
  await db.execute(sql`
    insert into school_contacts (school_id, user_id, status, approved_at)
    select ${applicantFirst} + g, u.id, 'active', now()
    from generate_series(1, ${size.applicants}) g join users u on u.email = 'applicant' || g || '@bench.example.org'`);
  const drafts = await all<{ id: number }>(
    db,
    sql`
    insert into applications (cycle_id, school_id, status, created_by)
    select ${openCycleId}, ${applicantFirst} + g, 'draft', u.id
    from generate_series(1, ${size.applicants}) g join users u on u.email = 'applicant' || g || '@bench.example.org'
    returning id`,
  );
  await db.execute(sql`analyze`);

  return {
    adminEmail: DEMO_ADMIN_EMAIL,
    reviewerEmail: reviewer.email,
    password: BENCH_PASSWORD,
    openAssignmentId: open.id,
    reviewerAssignmentIds: reviewerOpen.map((r) => r.id),
    submittedAssignmentId: submitted.id,
    honoreePath: `/honorees/${year}/bench-school-1`,
    criteriaPath: `/cycles/${publishedCycleId}/criteria`,
    roundId,
    openCycleId,
    draftApplicationIds: drafts.map((d) => Number(d.id)).sort((a, b) => a - b),
  };
}
