// Conflicts of interest between reviewers and schools. Declared and admin-added conflicts are
// rows; detected ones are computed from the data every time, so they can never go stale:
// the reviewer is a contact of the school, works in its district, or shares an e-mail domain
// with one of its contacts (public mail services such as gmail.com do not count).
import { and, eq, inArray, sql } from 'drizzle-orm';
import { applications, reviewerConflicts, schools, type ConflictSource } from '../../models/schema.js';
import type { Database } from '../db/client.js';

/** Domains anyone can have an address at: sharing one says nothing about a school. */
export const PUBLIC_MAIL_DOMAINS = [
  'gmail.com', 'googlemail.com', 'yahoo.com', 'outlook.com', 'hotmail.com', 'live.com', 'msn.com', 'icloud.com',
  'me.com', 'aol.com', 'protonmail.com', 'proton.me', 'comcast.net', 'att.net', 'verizon.net', 'example.com',
];

export interface ConflictPair {
  reviewerId: number;
  applicationId: number;
  reason: string;
}

const domainList = sql.join(PUBLIC_MAIL_DOMAINS.map((d) => sql`${d}`), sql`, `);

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
  const reviewers = sql`(select unnest(${idArray(reviewerIds)}::bigint[]) as id)`;
  const apps = sql`(select unnest(${idArray(applicationIds)}::bigint[]) as id)`;
  const result = (await db.execute(sql`
    select r.id as reviewer_id, a.id as application_id,
      (array_remove(array[
        (select 'declared: ' || c.reason from reviewer_conflicts c where c.reviewer_id = r.id and c.school_id = s.id),
        case when exists (select 1 from school_contacts sc where sc.school_id = s.id and sc.user_id = r.id)
          then 'a contact of the school' end,
        case when p.district <> '' and lower(trim(p.district)) = lower(trim(s.district))
            and (p.state is null or p.state = s.state)
          then 'works in the school''s district' end,
        case when split_part(u.email, '@', 2) not in (${domainList}) and exists (
            select 1 from school_contacts sc join users cu on cu.id = sc.user_id
            where sc.school_id = s.id and split_part(cu.email, '@', 2) = split_part(u.email, '@', 2))
          then 'same e-mail domain as the school''s contacts' end
      ], null))[1] as reason
    from ${reviewers} r
    join users u on u.id = r.id
    left join reviewer_profiles p on p.user_id = r.id
    cross join ${apps} a
    join applications app on app.id = a.id
    join schools s on s.id = app.school_id
  `)) as unknown as { rows: Array<{ reviewer_id: string | number; application_id: string | number; reason: string | null }> };
  return result.rows
    .filter((row) => row.reason !== null)
    .map((row) => ({ reviewerId: Number(row.reviewer_id), applicationId: Number(row.application_id), reason: row.reason ?? '' }));
}

/** Why this reviewer may not see this application, or undefined when they may. */
export async function conflictReason(db: Database, { reviewerId, applicationId }: { reviewerId: number; applicationId: number }) {
  const [pair] = await conflictPairs(db, { reviewerIds: [reviewerId], applicationIds: [applicationId] });
  return pair?.reason;
}

export async function recordConflict(
  db: Database,
  { reviewerId, schoolId, source, reason, createdBy }: { reviewerId: number; schoolId: number; source: ConflictSource; reason: string; createdBy: number },
): Promise<void> {
  await db
    .insert(reviewerConflicts)
    .values({ reviewerId, schoolId, source, reason: reason.trim().slice(0, 500) || 'declared', createdBy })
    .onConflictDoUpdate({ target: [reviewerConflicts.reviewerId, reviewerConflicts.schoolId], set: { reason: reason.trim().slice(0, 500) || 'declared' } });
}

export async function removeConflict(db: Database, { reviewerId, schoolId }: { reviewerId: number; schoolId: number }): Promise<void> {
  await db.delete(reviewerConflicts).where(and(eq(reviewerConflicts.reviewerId, reviewerId), eq(reviewerConflicts.schoolId, schoolId)));
}

/** The schools that applied to a cycle (submitted or later), for reviewers declaring conflicts. */
export async function applyingSchools(db: Database, cycleId: number) {
  return db
    .select({ schoolId: schools.id, name: schools.name, district: schools.district, city: schools.city, state: schools.state })
    .from(applications)
    .innerJoin(schools, eq(schools.id, applications.schoolId))
    .where(and(eq(applications.cycleId, cycleId), inArray(applications.status, ['submitted', 'eligible', 'ineligible'])))
    .orderBy(schools.state, schools.name);
}
