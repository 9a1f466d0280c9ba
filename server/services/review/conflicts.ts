// Conflicts of interest between reviewers and schools. Declared and admin-added conflicts are
// rows; detected ones are computed from the data every time, so they can never go stale:
// the reviewer is a contact of the school, works in its district, or shares an e-mail domain
// with one of its contacts (public mail services such as gmail.com do not count). Only active
// (approved) contacts count: anyone can ask to join a school, and a request must not be a way
// to knock a reviewer off an application.
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import {
  applications,
  cycleReviewers,
  reviewerConflicts,
  schools,
  users,
  type ConflictSource,
} from '../../../models/schema.js';
import { jsonList, rowsOf, type Database } from '../../db/client.js';
import { PUBLIC_MAIL_DOMAINS } from '../shared/mail-domains.js';
import { Invalid, type FieldErrors } from '../../errors.js';
import { msg, type Message } from '../../i18n/translate.js';

/** The applications the panel reads: those that reached the program. */
const APPLYING = ['submitted', 'eligible', 'ineligible'] as const;

export interface ConflictPair {
  reviewerId: number;
  applicationId: number;
  /** Why, for a person: put into words where the page is written. */
  reason: Message;
}

type DetectedKind = 'contact' | 'district' | 'domain';

/** The reason of a conflict, by its kind; a declared (or admin-added) one quotes its own words. */
function reasonOf(kind: string, declared: string | null): Message {
  const detected: Record<DetectedKind, Message> = {
    contact: msg('panel.reason.contact'),
    district: msg('panel.reason.district'),
    domain: msg('panel.reason.domain'),
  };
  return detected[kind as DetectedKind] ?? msg('panel.reason.declared', { reason: declared ?? '' });
}

const domainList = sql.join(
  PUBLIC_MAIL_DOMAINS.map((d) => sql`${d}`),
  sql`, `,
);

/**
 * Every conflicted (reviewer, application) pair among the given reviewers and applications,
 * with a reason a person can read. One query, whatever the numbers.
 */
export async function conflictPairs(
  db: Database,
  { reviewerIds, applicationIds }: { reviewerIds: number[]; applicationIds: number[] },
): Promise<ConflictPair[]> {
  if (reviewerIds.length === 0 || applicationIds.length === 0) return [];
  const idArray = (ids: number[]) => `{${ids.filter((id) => Number.isSafeInteger(id)).join(',')}}`;
  // Each kind of conflict is found by its own join and the kinds are unioned: no cross product
  // of reviewers and applications, so 300 reviewers x 10,000 applications stays cheap.
  const result = rowsOf<{
    reviewer_id: string | number;
    application_id: string | number;
    kind: string;
    reason: string | null;
  }>(
    await db.execute(sql`
    with r as (select u.id, u.email, split_part(u.email, '@', 2) as domain, p.district, p.state
               from users u left join reviewer_profiles p on p.user_id = u.id
               where u.id in (select unnest(${idArray(reviewerIds)}::bigint[]))),
         a as (select app.id, s.id as school_id, s.district, s.state
               from applications app join schools s on s.id = app.school_id
               where app.id in (select unnest(${idArray(applicationIds)}::bigint[]))),
         found as (
           select r.id as reviewer_id, a.id as application_id, 1 as rank, 'declared' as kind, c.reason as reason
             from reviewer_conflicts c join r on r.id = c.reviewer_id join a on a.school_id = c.school_id
           union all
           select r.id, a.id, 2, 'contact', ''
             from school_contacts sc join r on r.id = sc.user_id join a on a.school_id = sc.school_id
             where sc.status = 'active'
           union all
           select r.id, a.id, 3, 'district', ''
             from r join a on r.district <> '' and lower(trim(r.district)) = lower(trim(a.district))
                          and (r.state is null or r.state = a.state)
           union all
           select distinct r.id, a.id, 4, 'domain', ''
             from r join users cu on split_part(cu.email, '@', 2) = r.domain and cu.id <> r.id
                    join school_contacts sc on sc.user_id = cu.id
                    join a on a.school_id = sc.school_id
             where r.domain not in (${domainList}) and sc.status = 'active')
    select distinct on (reviewer_id, application_id) reviewer_id, application_id, kind, reason
    from found order by reviewer_id, application_id, rank
  `),
  );
  return result
    .filter((row) => row.reason !== null)
    .map((row) => ({
      reviewerId: Number(row.reviewer_id),
      applicationId: Number(row.application_id),
      reason: reasonOf(row.kind, row.reason),
    }));
}

/** Why this reviewer may not see this application, or undefined when they may. */
export async function conflictReason(
  db: Database,
  { reviewerId, applicationId }: { reviewerId: number; applicationId: number },
) {
  const [pair] = await conflictPairs(db, { reviewerIds: [reviewerId], applicationIds: [applicationId] });
  return pair?.reason;
}

export async function recordConflict(
  db: Database,
  {
    reviewerId,
    schoolId,
    source,
    reason,
    createdBy,
  }: { reviewerId: number; schoolId: number; source: ConflictSource; reason: string; createdBy: number },
): Promise<void> {
  await db
    .insert(reviewerConflicts)
    .values({ reviewerId, schoolId, source, reason: reason.trim().slice(0, 500) || 'declared', createdBy })
    .onConflictDoUpdate({
      target: [reviewerConflicts.reviewerId, reviewerConflicts.schoolId],
      set: { reason: reason.trim().slice(0, 500) || 'declared' },
    });
}

export async function removeConflict(
  db: Database,
  { reviewerId, schoolId }: { reviewerId: number; schoolId: number },
): Promise<void> {
  await db
    .delete(reviewerConflicts)
    .where(and(eq(reviewerConflicts.reviewerId, reviewerId), eq(reviewerConflicts.schoolId, schoolId)));
}

/** The schools that applied to a cycle (submitted or later), for reviewers declaring conflicts. */
export async function applyingSchools(db: Database, cycleId: number) {
  // One JSON value: a national cycle's 10,000 schools cost a third of the time of rows on PGlite.
  const [row] = await db
    .select({
      list: sql<unknown>`json_agg(json_build_array(${schools.id}, ${schools.name}, ${schools.district}, ${schools.city},
        ${schools.state}) order by ${schools.state}, ${schools.name})`,
    })
    .from(applications)
    .innerJoin(schools, eq(schools.id, applications.schoolId))
    .where(and(eq(applications.cycleId, cycleId), inArray(applications.status, APPLYING)));
  return jsonList<[number, string, string, string, string]>(row!.list).map(
    ([schoolId, name, district, city, state]) => ({ schoolId, name, district, city, state }),
  );
}

/** Whether the school has an application in the cycle that reached the program. */
async function isApplying(db: Database, { cycleId, schoolId }: { cycleId: number; schoolId: number }) {
  const [row] = await db
    .select({ id: applications.id })
    .from(applications)
    .where(
      and(
        eq(applications.cycleId, cycleId),
        eq(applications.schoolId, schoolId),
        inArray(applications.status, APPLYING),
      ),
    );
  return row !== undefined;
}

export const CONFLICTS_PAGE_SIZE = 100;

/**
 * A cycle's conflicts for the admins: every conflicted pair of a panel reviewer and an applying
 * school (detected or recorded), a page at a time, and which of them are records an admin may
 * remove (detected ones stay as long as their cause does).
 */
export async function cycleConflicts(db: Database, { cycleId, page }: { cycleId: number; page: number }) {
  const panel = await db
    .select({ id: users.id, name: users.name, email: users.email })
    .from(cycleReviewers)
    .innerJoin(users, eq(users.id, cycleReviewers.userId))
    .where(eq(cycleReviewers.cycleId, cycleId))
    .orderBy(asc(users.name));
  const [listed] = await db
    .select({ list: sql<unknown>`json_agg(json_build_array(${applications.id}, ${schools.id}, ${schools.name}))` })
    .from(applications)
    .innerJoin(schools, eq(schools.id, applications.schoolId))
    .where(and(eq(applications.cycleId, cycleId), inArray(applications.status, APPLYING)));
  const apps = jsonList<[number, number, string]>(listed!.list).map(([id, schoolId, schoolName]) => ({
    id,
    schoolId,
    schoolName,
  }));
  const pairs = await conflictPairs(db, { reviewerIds: panel.map((p) => p.id), applicationIds: apps.map((a) => a.id) });
  const stored = panel.length
    ? await db
        .select()
        .from(reviewerConflicts)
        .where(
          inArray(
            reviewerConflicts.reviewerId,
            panel.map((p) => p.id),
          ),
        )
    : [];
  const reviewerById = new Map(panel.map((p) => [p.id, p]));
  const appById = new Map(apps.map((a) => [a.id, a]));
  const storedKey = new Set(stored.map((c) => `${c.reviewerId}:${c.schoolId}`));
  const shown = pairs.slice((page - 1) * CONFLICTS_PAGE_SIZE, page * CONFLICTS_PAGE_SIZE).map((p) => {
    const app = appById.get(p.applicationId)!;
    return {
      reviewer: reviewerById.get(p.reviewerId),
      reviewerId: p.reviewerId,
      schoolName: app.schoolName,
      schoolId: app.schoolId,
      reason: p.reason,
      removable: storedKey.has(`${p.reviewerId}:${app.schoolId}`),
    };
  });
  return { panel, total: pairs.length, conflicts: shown, hasMore: page * CONFLICTS_PAGE_SIZE < pairs.length };
}

function checkReason(errors: FieldErrors, field: string, value: unknown, message: Message): string {
  const reason = typeof value === 'string' ? value.trim() : '';
  if (reason === '' || reason.length > 500) errors[field] = message;
  return reason;
}

/** An admin records a conflict between a reviewer of the cycle's panel and an applying school. */
export async function recordConflictByAdmin(
  db: Database,
  {
    cycleId,
    reviewerId,
    schoolId,
    reason,
    adminId,
  }: {
    cycleId: number;
    reviewerId: number | undefined;
    schoolId: number | undefined;
    reason: unknown;
    adminId: number;
  },
): Promise<void> {
  const errors: FieldErrors = {};
  const [onPanel] = reviewerId
    ? await db
        .select()
        .from(cycleReviewers)
        .where(and(eq(cycleReviewers.cycleId, cycleId), eq(cycleReviewers.userId, reviewerId)))
    : [];
  if (!onPanel) errors.reviewerId = msg('panel.admin.errors.chooseReviewer');
  if (!schoolId || !(await isApplying(db, { cycleId, schoolId })))
    errors.schoolId = msg('panel.admin.errors.chooseSchool');
  const text = checkReason(errors, 'reason', reason, msg('panel.admin.errors.reason'));
  if (Object.keys(errors).length > 0) throw new Invalid(errors);
  await recordConflict(db, {
    reviewerId: reviewerId!,
    schoolId: schoolId!,
    source: 'admin',
    reason: text,
    createdBy: adminId,
  });
}

/** The conflicts recorded for one reviewer (declared by them or added by an admin). */
export async function recordedConflictsOf(db: Database, reviewerId: number) {
  return db.select().from(reviewerConflicts).where(eq(reviewerConflicts.reviewerId, reviewerId));
}

/** A reviewer declares a conflict with a school that applied to their cycle. */
export async function declareConflict(
  db: Database,
  {
    reviewerId,
    cycleId,
    schoolId,
    reason,
  }: { reviewerId: number; cycleId: number | undefined; schoolId: number; reason: unknown },
): Promise<void> {
  const schoolsOfCycle = cycleId ? await applyingSchools(db, cycleId) : [];
  if (!schoolsOfCycle.some((s) => s.schoolId === schoolId))
    throw new Invalid({ schoolId: msg('panel.conflicts.errors.notApplying') });
  const errors: FieldErrors = {};
  const text = checkReason(errors, 'reason', reason, msg('panel.conflicts.errors.reason'));
  if (Object.keys(errors).length > 0) throw new Invalid(errors);
  await recordConflict(db, { reviewerId, schoolId, source: 'declared', reason: text, createdBy: reviewerId });
}

/** Withdraws a conflict the reviewer declared themselves; false when there is none to withdraw. */
export async function withdrawDeclaredConflict(
  db: Database,
  { reviewerId, schoolId }: { reviewerId: number; schoolId: number },
): Promise<boolean> {
  const removed = await db
    .delete(reviewerConflicts)
    .where(
      and(
        eq(reviewerConflicts.reviewerId, reviewerId),
        eq(reviewerConflicts.schoolId, schoolId),
        eq(reviewerConflicts.source, 'declared'),
      ),
    )
    .returning({ schoolId: reviewerConflicts.schoolId });
  return removed.length > 0;
}
