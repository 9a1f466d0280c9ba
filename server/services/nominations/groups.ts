// The admins' side of nominations. A "group" is every nomination of one school in one cycle
// (same cycle and match key, see ../schools/match-key.ts); the admin sees each group with the number
// of distinct confirmed nominators. Spam never counts and is never attached to an application.
import { and, asc, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import {
  applications,
  criteria,
  cycles,
  evidenceFiles,
  nominations,
  schoolInvitations,
  schools,
  users,
  type NominationStatus,
  RELATIONSHIP_LABELS,
} from '../../../models/schema.js';
import type { Database } from '../../db/client.js';
import { NotFound } from '../../errors.js';
import { msg } from '../../i18n/translate.js';

export const NOMINATION_PAGE_SIZE = 50;

export interface NominationFilters {
  cycleId?: number;
  /** A group matches when any of its nominations has this status. */
  status?: NominationStatus;
  state?: string;
}

const n = nominations;
const count = (where: SQL) => sql<number>`cast(count(*) filter (where ${where}) as int)`;

/** The nominations matching `where`, aggregated by group (cycle and match key). */
function groupsOf(db: Database, where: SQL[], status: NominationStatus | undefined) {
  return db
    .select({
      cycleId: n.cycleId,
      matchKey: n.matchKey,
      schoolId: sql<number | null>`max(${n.schoolId})`.mapWith(Number).as('group_school_id'),
      // The spelling most nominators used, spam aside when there is anything else.
      typedName:
        sql<string>`coalesce(mode() within group (order by ${n.schoolName}) filter (where ${n.status} <> 'spam'), min(${n.schoolName}))`.as(
          'typed_name',
        ),
      typedDistrict:
        sql<string>`coalesce(mode() within group (order by ${n.district}) filter (where ${n.status} <> 'spam'), min(${n.district}))`.as(
          'typed_district',
        ),
      typedCity:
        sql<string>`coalesce(mode() within group (order by ${n.city}) filter (where ${n.status} <> 'spam'), min(${n.city}))`.as(
          'typed_city',
        ),
      typedState: sql<string>`min(${n.state})`.as('typed_state'),
      confirmed:
        sql<number>`cast(count(distinct ${n.nominatorEmail}) filter (where ${n.status} = 'confirmed') as int)`.as(
          'confirmed_count',
        ),
      unconfirmed: count(sql`${n.status} = 'unconfirmed'`).as('unconfirmed_count'),
      spam: count(sql`${n.status} = 'spam'`).as('spam_count'),
      contactEmail: sql<string | null>`max(${n.contactEmail}) filter (where ${n.status} <> 'spam')`.as(
        'group_contact_email',
      ),
      /** The languages the nominators wrote in: ['en', 'es']. */
      languages: sql<string[]>`array_agg(distinct ${n.language} order by ${n.language})`.as('group_languages'),
    })
    .from(n)
    .where(where.length > 0 ? and(...where) : undefined)
    .groupBy(n.cycleId, n.matchKey)
    .having(status ? sql`bool_or(${n.status} = ${status})` : undefined);
}

/**
 * One page of groups, most confirmed nominators first, in two queries. The first orders every
 * group by what the order needs (its distinct confirmed nominators, its school's name) and keeps
 * one page: PostgreSQL leaves out the aggregates a query does not read, so ordering 10,000 groups
 * costs a third of describing them all. The second describes only the groups of that page, joined
 * to their school, invitation and application.
 */
export async function listNominationGroups(
  db: Database,
  filters: NominationFilters & { matchKey?: string; page: number },
) {
  const where: SQL[] = [];
  if (filters.cycleId) where.push(eq(n.cycleId, filters.cycleId));
  if (filters.matchKey !== undefined) where.push(eq(n.matchKey, filters.matchKey));
  if (filters.state) where.push(eq(n.state, filters.state));
  const ordered = db.$with('nomination_groups').as(groupsOf(db, where, filters.status));
  const orderBy = (g: typeof ordered) => {
    const schoolName = sql<string>`coalesce(${schools.name}, ${g.typedName})`;
    return [desc(g.confirmed), asc(sql`lower(${schoolName})`), asc(g.cycleId), asc(g.matchKey)];
  };
  const page = await db
    .with(ordered)
    .select({ cycleId: ordered.cycleId, matchKey: ordered.matchKey, total: sql<number>`cast(count(*) over () as int)` })
    .from(ordered)
    .leftJoin(schools, eq(schools.id, ordered.schoolId))
    .orderBy(...orderBy(ordered))
    .limit(NOMINATION_PAGE_SIZE + 1)
    .offset((filters.page - 1) * NOMINATION_PAGE_SIZE);
  const shown = page.slice(0, NOMINATION_PAGE_SIZE);
  if (shown.length === 0) return { rows: [], hasMore: false, total: 0 };

  const onPage = sql`(${n.cycleId}, ${n.matchKey}) in (${sql.join(
    shown.map((g) => sql`(${g.cycleId}, ${g.matchKey})`),
    sql`, `,
  )})`;
  const grouped = db.$with('nomination_groups').as(groupsOf(db, [...where, onPage], filters.status));
  const rows = await db
    .with(grouped)
    .select({
      cycleId: grouped.cycleId,
      cycleName: cycles.name,
      matchKey: grouped.matchKey,
      schoolId: grouped.schoolId,
      schoolName: sql<string>`coalesce(${schools.name}, ${grouped.typedName})`,
      district: sql<string>`coalesce(${schools.district}, ${grouped.typedDistrict})`,
      city: sql<string>`coalesce(${schools.city}, ${grouped.typedCity})`,
      state: sql<string>`coalesce(${schools.state}, ${grouped.typedState})`,
      confirmed: grouped.confirmed,
      unconfirmed: grouped.unconfirmed,
      spam: grouped.spam,
      contactEmail: grouped.contactEmail,
      languages: grouped.languages,
      invitedAt: schoolInvitations.createdAt,
      invitedEmail: schoolInvitations.email,
      invitedById: schoolInvitations.invitedBy,
      invitedByName: users.name,
      invitationAcceptedAt: schoolInvitations.acceptedAt,
      applicationId: applications.id,
      applicationStatus: applications.status,
    })
    .from(grouped)
    .innerJoin(cycles, eq(cycles.id, grouped.cycleId))
    .leftJoin(schools, eq(schools.id, grouped.schoolId))
    .leftJoin(
      schoolInvitations,
      and(eq(schoolInvitations.cycleId, grouped.cycleId), eq(schoolInvitations.matchKey, grouped.matchKey)),
    )
    .leftJoin(users, eq(users.id, schoolInvitations.invitedBy))
    .leftJoin(applications, and(eq(applications.cycleId, grouped.cycleId), eq(applications.schoolId, grouped.schoolId)))
    .orderBy(...orderBy(grouped));
  return { rows, hasMore: page.length > NOMINATION_PAGE_SIZE, total: page[0]!.total };
}

export type NominationGroup = Awaited<ReturnType<typeof listNominationGroups>>['rows'][number];

/** Criteria titles by id, and each nomination's files, for a set of nominations of known cycles. */
async function titlesAndFiles(db: Database, cycleIds: number[], nominationIds: number[]) {
  const [titles, files] = await Promise.all([
    cycleIds.length === 0
      ? []
      : db
          .select({ id: criteria.id, title: criteria.title, position: criteria.position })
          .from(criteria)
          .where(inArray(criteria.cycleId, cycleIds)),
    nominationIds.length === 0
      ? []
      : db
          .select({
            nominationId: evidenceFiles.nominationId,
            publicId: evidenceFiles.publicId,
            originalName: evidenceFiles.originalName,
            sizeBytes: evidenceFiles.sizeBytes,
            kind: evidenceFiles.kind,
          })
          .from(evidenceFiles)
          .where(inArray(evidenceFiles.nominationId, nominationIds))
          .orderBy(asc(evidenceFiles.id)),
  ]);
  const byId = new Map(titles.map((t) => [t.id, t]));
  return {
    criteriaTitles: (ids: number[]) =>
      ids
        .map((id) => byId.get(id))
        .filter((c): c is NonNullable<typeof c> => c !== undefined)
        .sort((a, b) => a.position - b.position)
        .map((c) => c.title),
    filesOf: (nominationId: number) => files.filter((f) => f.nominationId === nominationId),
  };
}

/** Every nomination of one school in one cycle, with its files and the criteria it names. */
export async function nominationGroup(db: Database, { cycleId, matchKey }: { cycleId: number; matchKey: string }) {
  const [group] = (await listNominationGroups(db, { cycleId, matchKey, page: 1 })).rows;
  if (!group) throw new NotFound(msg('adminNominations.errors.groupNotFound'));
  const markedBy = sql<string | null>`(select ${users.name} from ${users} where ${users.id} = ${n.markedSpamBy})`;
  const rows = await db
    .select({
      id: n.id,
      status: n.status,
      schoolName: n.schoolName,
      nominatorName: n.nominatorName,
      nominatorEmail: n.nominatorEmail,
      relationship: n.relationship,
      language: n.language,
      contactEmail: n.contactEmail,
      reason: n.reason,
      criterionIds: n.criterionIds,
      createdAt: n.createdAt,
      confirmedAt: n.confirmedAt,
      applicationId: n.applicationId,
      markedSpamByName: markedBy,
    })
    .from(n)
    .where(and(eq(n.cycleId, cycleId), eq(n.matchKey, matchKey)))
    .orderBy(
      sql`case ${n.status} when 'confirmed' then 0 when 'unconfirmed' then 1 else 2 end`,
      asc(n.createdAt),
      asc(n.id),
    );
  const { criteriaTitles, filesOf } = await titlesAndFiles(
    db,
    [cycleId],
    rows.map((r) => r.id),
  );
  return {
    group,
    nominations: rows.map((r) => ({
      ...r,
      criteria: criteriaTitles(r.criterionIds),
      files: filesOf(r.id),
    })),
  };
}

/** Marks a nomination as spam: it stops counting and leaves any application it was attached to. */
export async function markSpam(db: Database, { nominationId, adminId }: { nominationId: number; adminId: number }) {
  const [row] = await db
    .update(n)
    .set({ status: 'spam', markedSpamBy: adminId, applicationId: null })
    .where(eq(n.id, nominationId))
    .returning({ cycleId: n.cycleId, matchKey: n.matchKey, nominatorName: n.nominatorName });
  if (!row) throw new NotFound(msg('adminNominations.errors.nominationNotFound'));
  return row;
}

/**
 * Takes a nomination out of spam: confirmed again if it had been confirmed, and attached to the
 * school's application in that cycle if there is one, as it would have been all along.
 */
export async function unmarkSpam(db: Database, { nominationId }: { nominationId: number }) {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(n)
      .set({
        status: sql`case when ${n.confirmedAt} is null then 'unconfirmed' else 'confirmed' end`,
        markedSpamBy: null,
      })
      .where(and(eq(n.id, nominationId), eq(n.status, 'spam')))
      .returning({ cycleId: n.cycleId, matchKey: n.matchKey, schoolId: n.schoolId, nominatorName: n.nominatorName });
    if (!row) {
      const [exists] = await tx
        .select({ cycleId: n.cycleId, matchKey: n.matchKey, nominatorName: n.nominatorName })
        .from(n)
        .where(eq(n.id, nominationId));
      if (!exists) throw new NotFound(msg('adminNominations.errors.nominationNotFound'));
      return exists;
    }
    const [application] = await tx
      .select({ id: applications.id, schoolId: applications.schoolId })
      .from(applications)
      .innerJoin(schools, eq(schools.id, applications.schoolId))
      .where(
        and(
          eq(applications.cycleId, row.cycleId),
          row.schoolId ? eq(schools.id, row.schoolId) : eq(schools.matchKey, row.matchKey),
        ),
      )
      .limit(1);
    if (application)
      await tx
        .update(n)
        .set({ applicationId: application.id, schoolId: application.schoolId })
        .where(eq(n.id, nominationId));
    return row;
  });
}

/** What reviewers and admins see beside an application: its confirmed nominations only. */
export async function nominationsForApplication(db: Database, applicationId: number) {
  const rows = await db
    .select({
      id: n.id,
      cycleId: n.cycleId,
      nominatorName: n.nominatorName,
      nominatorEmail: n.nominatorEmail,
      relationship: n.relationship,
      reason: n.reason,
      criterionIds: n.criterionIds,
      confirmedAt: n.confirmedAt,
    })
    .from(n)
    .where(and(eq(n.applicationId, applicationId), eq(n.status, 'confirmed')))
    .orderBy(asc(n.confirmedAt), asc(n.id));
  const { criteriaTitles, filesOf } = await titlesAndFiles(
    db,
    [...new Set(rows.map((r) => r.cycleId))],
    rows.map((r) => r.id),
  );
  return {
    /** People, not nominations: one person nominating twice counts once. */
    count: new Set(rows.map((r) => r.nominatorEmail)).size,
    nominations: rows.map(({ nominatorEmail: _email, criterionIds, ...r }) => ({
      ...r,
      relationshipLabel: RELATIONSHIP_LABELS[r.relationship],
      criteria: criteriaTitles(criterionIds),
      files: filesOf(r.id),
    })),
  };
}

/** A nomination's file, for the admin download route. */
export async function findNominationFile(
  db: Database,
  { nominationId, publicId }: { nominationId: number; publicId: string },
) {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(publicId))
    throw new NotFound(msg('adminNominations.errors.noSuchFile'));
  const [file] = await db
    .select()
    .from(evidenceFiles)
    .where(and(eq(evidenceFiles.publicId, publicId), eq(evidenceFiles.nominationId, nominationId)));
  if (!file) throw new NotFound(msg('adminNominations.errors.noSuchFile'));
  return file;
}
