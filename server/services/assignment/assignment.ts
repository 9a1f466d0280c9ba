// Who reads which application in a review round. Automatic assignment hands the round, read in
// a fixed number of queries, to the pure planner (solver.ts): each eligible
// application of the round gets k reviewers, never a conflicted one, within every reviewer's
// maximum load in this round, loads as even as possible, the best match among those, and the
// assignments already made kept. The admin sees the plan first; confirming plans again inside
// a transaction that holds the round, and refuses if the plan is no longer the one previewed.
// Manual assignment follows the same rules one pair at a time.
import { createHash } from 'node:crypto';
import { and, eq, ne, sql } from 'drizzle-orm';
import { assignments, cycles, reviewRounds, type AssignmentStatus } from '../../../models/schema.js';
import { REVIEW_PHASES, requirePhase } from '../programs/phase.js';
import { jsonList, rowsOf, type Database } from '../../db/client.js';
import { Invalid, NotFound } from '../../errors.js';
import { msg } from '../../i18n/translate.js';
import { enqueueMail } from '../../mail/outbox.js';
import { planFor } from './plan-cache.js';
import type { AssignmentPlan } from './solver.js';
import { recordAudit } from '../shared/audit.js';
import { conflictReason } from '../review/conflicts.js';
import { APPLICATION_LANGUAGES, DEFAULT_LANGUAGES_READ } from '../review/application-languages.js';
import { explainPlan } from './explain-plan.js';
import { buildProblem } from './problem.js';
import { cycleTimeZone } from '../programs/time-zone.js';
import type { ServiceContext } from '../../context.js';

export const ASSIGNMENT_PAGE_SIZE = 100;
/** Assignments written per statement when a plan is confirmed. */
const INSERT_BATCH = 1000;

/** A short digest of the pairs a plan adds: the confirm form carries the one the admin saw. */
function fingerprintOf(plan: AssignmentPlan): string {
  const pairs = plan.added.map((a) => `${a.applicationId}:${a.reviewerId}`).join(',');
  return createHash('sha256').update(pairs).digest('hex').slice(0, 24);
}

/** The plan automatic assignment would carry out now, in words an admin can check. */
export async function previewAutomatic(db: Database, roundId: number) {
  const built = await buildProblem(db, roundId);
  const plan = planFor(db, built);
  return {
    round: built.round,
    fingerprint: fingerprintOf(plan),
    totalScore: plan.totalScore,
    counts: {
      applications: built.apps.size,
      reviewers: built.reviewers.size,
      existing: built.problem.existing.length,
      added: plan.added.length,
    },
    ...explainPlan(built, plan),
  };
}

/** Holds the round for a change of its assignments, which belong to a cycle whose applications are closed. */
async function lockRound(db: Database, roundId: number, now: Date) {
  const [round] = await db.select().from(reviewRounds).where(eq(reviewRounds.id, roundId)).for('update');
  if (!round) throw new NotFound(msg('assignment.errors.noRound'));
  const [cycle] = await db.select().from(cycles).where(eq(cycles.id, round.cycleId));
  if (!cycle) throw new NotFound(msg('assignment.errors.noCycle'));
  await requirePhase(db, cycle, now, REVIEW_PHASES, msg('programs.phaseThen.assign'));
  return round;
}

/**
 * Carries out the automatic plan. Holding the round row serializes confirmations and manual
 * changes; the unique index on (round, application, reviewer) makes a repeat harmless.
 */
export async function confirmAutomatic(
  { db, clock }: Pick<ServiceContext, 'db' | 'clock'>,
  { roundId, adminId, fingerprint }: { roundId: number; adminId: number; fingerprint?: unknown },
): Promise<number> {
  return db.transaction(async (tx) => {
    await lockRound(tx, roundId, clock());
    // Read again under the lock; the plan previewed is reused only if the problem is unchanged.
    const plan = planFor(db, await buildProblem(tx, roundId));
    if (fingerprint !== undefined && fingerprint !== fingerprintOf(plan)) {
      throw new Invalid({ plan: msg('assignment.errors.planChanged') });
    }
    if (plan.added.length === 0) return 0;
    const now = clock();
    // In batches: one statement of 30,000 rows would pass PostgreSQL's 65,535 parameters.
    let inserted = 0;
    for (let start = 0; start < plan.added.length; start += INSERT_BATCH) {
      const rows = await tx
        .insert(assignments)
        .values(
          plan.added.slice(start, start + INSERT_BATCH).map((a) => ({
            roundId,
            applicationId: a.applicationId,
            reviewerId: a.reviewerId,
            assignedBy: adminId,
            assignedAt: now,
            updatedAt: now,
          })),
        )
        .onConflictDoNothing()
        .returning({ id: assignments.id });
      inserted += rows.length;
    }
    await recordAudit(tx, clock, {
      actorId: adminId,
      action: 'assignment.automatic',
      subjectType: 'round',
      subjectId: roundId,
      summary: msg('audit.assignment.automatic', { count: inserted, round: roundId }),
      details: { added: plan.added.length, uncovered: plan.uncovered.map((u) => u.applicationId) },
    });
    return inserted;
  });
}

/**
 * Assigns one reviewer to one application of the round, by the same rules as the planner. The
 * one rule an admin may set aside is language: a reviewer who does not read the application's
 * languages is refused with a warning first, and assigned only when the admin confirms
 * (`despiteLanguage`), for an admin may know the reviewer reads enough of it.
 */
export async function assignManually(
  { db, clock }: Pick<ServiceContext, 'db' | 'clock'>,
  {
    roundId,
    applicationId,
    reviewerId,
    adminId,
    despiteLanguage = false,
  }: { roundId: number; applicationId: number; reviewerId: number; adminId: number; despiteLanguage?: boolean },
): Promise<void> {
  await db.transaction(async (tx) => {
    await lockRound(tx, roundId, clock());
    const [app] = rowsOf<{ status: string; languages: string[] | null }>(
      await tx.execute(sql`
      select a.status, ${APPLICATION_LANGUAGES} as languages
      from round_applications ra join applications a on a.id = ra.application_id
      where ra.round_id = ${roundId} and ra.application_id = ${applicationId}`),
    );
    if (!app) throw new Invalid({ applicationId: msg('assignment.errors.applicationNotInRound') });
    if (app.status !== 'eligible')
      throw new Invalid({ applicationId: msg('assignment.errors.notEligible', { id: applicationId }) });
    const [reviewer] = rowsOf<{
      name: string;
      max_load: number;
      load: number;
      already: boolean;
      languages_read: string[] | null;
    }>(
      await tx.execute(sql`
      select u.name, rr.max_load, p.languages_read,
        (select count(*)::int from assignments x where x.round_id = ${roundId} and x.reviewer_id = rr.user_id) as load,
        exists (select 1 from assignments x where x.round_id = ${roundId} and x.reviewer_id = rr.user_id and x.application_id = ${applicationId}) as already
      from round_reviewers rr join users u on u.id = rr.user_id
      left join reviewer_profiles p on p.user_id = rr.user_id
      where rr.round_id = ${roundId} and rr.user_id = ${reviewerId}`),
    );
    if (!reviewer) throw new Invalid({ reviewerId: msg('assignment.errors.reviewerNotInRound') });
    const values = { name: reviewer.name, id: applicationId };
    if (reviewer.already) throw new Invalid({ reviewerId: msg('assignment.errors.already', values) });
    const conflict = await conflictReason(tx, { reviewerId, applicationId });
    if (conflict) throw new Invalid({ reviewerId: msg('assignment.errors.conflict', { ...values, reason: conflict }) });
    if (reviewer.load >= reviewer.max_load) {
      throw new Invalid({
        reviewerId: msg('assignment.errors.full', { ...values, load: reviewer.load, max: reviewer.max_load }),
      });
    }
    const reads = reviewer.languages_read ?? DEFAULT_LANGUAGES_READ;
    const unread = (app.languages ?? []).filter((language) => !reads.includes(language));
    if (unread.length > 0 && !despiteLanguage) {
      throw new LanguageMismatch({ reviewerId: msg('assignment.errors.language', { ...values, languages: unread }) });
    }
    const now = clock();
    await tx
      .insert(assignments)
      .values({ roundId, applicationId, reviewerId, assignedBy: adminId, assignedAt: now, updatedAt: now });
    await recordAudit(tx, clock, {
      actorId: adminId,
      action: 'assignment.manual',
      subjectType: 'application',
      subjectId: applicationId,
      summary: msg('audit.assignment.manual', {
        reviewer: reviewer.name,
        application: applicationId,
        round: roundId,
        unread: unread.length,
        languages: unread.join(', '),
      }),
    });
  });
}

/** A manual assignment to a reviewer who does not read the application's language: confirm to make it. */
export class LanguageMismatch extends Invalid {}

/** Removes an assignment whose review is not submitted (a draft is discarded with it). */
export async function unassign(
  db: Database,
  { roundId, assignmentId }: { roundId: number; assignmentId: number },
): Promise<void> {
  const removed = await db
    .delete(assignments)
    .where(and(eq(assignments.id, assignmentId), eq(assignments.roundId, roundId), ne(assignments.status, 'submitted')))
    .returning({ id: assignments.id });
  if (removed.length > 0) return;
  const [row] = await db
    .select({ status: assignments.status })
    .from(assignments)
    .where(and(eq(assignments.id, assignmentId), eq(assignments.roundId, roundId)));
  if (!row) throw new NotFound(msg('assignment.errors.alreadyRemoved'));
  throw new Invalid({ assignment: msg('assignment.errors.submitted') });
}

/** The round's assignments, a page at a time, for the manual page. */
export async function listAssignments(db: Database, roundId: number, page: number) {
  const rows = rowsOf<{
    id: string | number;
    application_id: string | number;
    school_name: string;
    reviewer_name: string;
    status: AssignmentStatus;
    notified_at: Date | string | null;
  }>(
    await db.execute(sql`
    select x.id, x.application_id, s.name as school_name, u.name as reviewer_name, x.status, x.notified_at
    from assignments x
    join applications a on a.id = x.application_id
    join schools s on s.id = a.school_id
    join users u on u.id = x.reviewer_id
    where x.round_id = ${roundId}
    order by x.application_id, u.name, x.id
    limit ${ASSIGNMENT_PAGE_SIZE + 1} offset ${(page - 1) * ASSIGNMENT_PAGE_SIZE}`),
  ).map((r) => ({
    id: Number(r.id),
    applicationId: Number(r.application_id),
    schoolName: r.school_name,
    reviewerName: r.reviewer_name,
    status: r.status,
    submitted: r.status === 'submitted',
    notified: r.notified_at !== null,
  }));
  return { rows: rows.slice(0, ASSIGNMENT_PAGE_SIZE), hasMore: rows.length > ASSIGNMENT_PAGE_SIZE };
}

/** The choices of the manual form: the round's eligible applications, its reviewers and their loads. */
export async function manualChoices(db: Database, roundId: number) {
  // One JSON value, the counts grouped once: 9,000 rows one by one cost three times as much on PGlite.
  const [listed] = rowsOf<{ list: unknown }>(
    await db.execute(sql`
    select json_agg(json_build_array(a.id, s.name, coalesce(x.n, 0), ${APPLICATION_LANGUAGES}) order by a.id) as list
    from round_applications ra join applications a on a.id = ra.application_id join schools s on s.id = a.school_id
    left join (select application_id, count(*)::int as n from assignments where round_id = ${roundId} group by application_id) x
      on x.application_id = a.id
    where ra.round_id = ${roundId} and a.status = 'eligible'`),
  );
  const apps = jsonList<[number, string, number, string[] | null]>(listed!.list).map(
    ([id, schoolName, assigned, languages]) => ({ id, schoolName, assigned, languages: languages ?? [] }),
  );
  const reviewers = rowsOf<{
    id: string | number;
    name: string;
    max_load: number;
    load: number;
    languages_read: string[] | null;
  }>(
    await db.execute(sql`
    select u.id, u.name, rr.max_load, p.languages_read,
      (select count(*)::int from assignments x where x.round_id = ${roundId} and x.reviewer_id = u.id) as load
    from round_reviewers rr join users u on u.id = rr.user_id
    left join reviewer_profiles p on p.user_id = rr.user_id
    where rr.round_id = ${roundId} order by u.name, u.id`),
  ).map((r) => ({
    id: Number(r.id),
    name: r.name,
    maxLoad: r.max_load,
    load: r.load,
    reads: r.languages_read ?? DEFAULT_LANGUAGES_READ,
  }));
  return { apps, reviewers };
}

/**
 * E-mails every reviewer with assignments they have not been told about their list in this
 * round (school names only when the cycle is not blind), and records that they were told.
 * Returns how many reviewers were written to.
 */
export async function notifyReviewers({ db, clock, mail }: ServiceContext, roundId: number): Promise<number> {
  return db.transaction(async (tx) => {
    const round = await lockRound(tx, roundId, clock());
    const zone = await cycleTimeZone(tx, round.cycleId);
    const rows = rowsOf<{
      id: string | number;
      reviewer_id: string | number;
      email: string;
      name: string;
      application_id: string | number;
      school_name: string;
      is_new: boolean;
      status: AssignmentStatus;
      blind: boolean;
      cycle_name: string;
      language: string | null;
    }>(
      await tx.execute(sql`
      select x.id, x.reviewer_id, u.email, u.name, u.language, x.application_id, s.name as school_name, x.notified_at is null as is_new, x.status,
        c.blind_review as blind, c.name as cycle_name
      from assignments x
      join users u on u.id = x.reviewer_id
      join applications a on a.id = x.application_id
      join schools s on s.id = a.school_id
      join cycles c on c.id = a.cycle_id
      where x.round_id = ${roundId}
        and x.reviewer_id in (select y.reviewer_id from assignments y where y.round_id = ${roundId} and y.notified_at is null)
      order by x.reviewer_id, x.application_id`),
    );
    const byReviewer = new Map<number, typeof rows>();
    for (const row of rows)
      byReviewer.set(Number(row.reviewer_id), [...(byReviewer.get(Number(row.reviewer_id)) ?? []), row]);
    for (const list of byReviewer.values()) {
      const first = list[0]!;
      const items = list.map((r) => ({
        number: Number(r.application_id),
        schoolName: r.blind ? undefined : r.school_name,
        isNew: r.is_new,
        submitted: r.status === 'submitted',
      }));
      await enqueueMail(tx, mail, {
        to: first.email,
        ...(first.language ? { language: first.language } : {}),
        template: 'review-assignments',
        data: {
          name: first.name,
          roundName: round.name,
          cycleName: first.cycle_name,
          blind: first.blind,
          items,
          newCount: items.filter((i) => i.isNew).length,
          total: items.length,
          dueDate: { at: round.dueAt, zone },
          siteVisit: round.siteVisit,
          link: `${mail.baseUrl}/reviews`,
        },
      });
    }
    const ids = rows.filter((r) => r.is_new).map((r) => Number(r.id));
    if (ids.length > 0) {
      await tx.execute(sql`update assignments set notified_at = ${clock().toISOString()}::timestamptz
        where id = any(${`{${ids.join(',')}}`}::bigint[])`);
    }
    return byReviewer.size;
  });
}
