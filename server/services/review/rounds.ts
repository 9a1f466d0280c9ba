// Review rounds of a cycle. Round 1 reads every eligible application with the whole cycle panel
// (cycle_reviewers and their maximum loads); a later round (finalists, site visits) reads a
// chosen subset of eligible applications with reviewers and loads of its own. A round's members
// are rows (round_applications, round_reviewers) so that later changes of eligibility or of the
// panel never silently change a later round under way. Round 1 is the whole cycle: an
// application screened eligible and a reviewer who joins the panel join it at once
// (joinFirstRound); those from before this rule are taken in on an admin's request.
import { and, asc, eq, gt, inArray, max, notInArray, sql } from 'drizzle-orm';
import {
  applications,
  assignments,
  cycleReviewers,
  cycles,
  reviewRounds,
  roundApplications,
  roundReviewers,
  schools,
  users,
  type ReviewRound,
} from '../../../models/schema.js';
import { jsonList, type Database } from '../../db/client.js';
import { Invalid, NotFound, type FieldErrors } from '../../errors.js';
import { msg } from '../../i18n/translate.js';
import { checkbox, checkInteger, checkText, isUniqueViolation, text, type Fields } from '../shared/form-input.js';
import { localDay, startOfLocalDay, zonedTime } from '../../time.js';
import { cycleTimeZone } from '../programs/time-zone.js';
import type { ServiceContext } from '../../context.js';
import { recordAudit } from '../shared/audit.js';
import { REVIEW_PHASES, requirePhase } from '../programs/phase.js';

export type RoundField = 'name' | 'k' | 'dueAt' | 'reminderDaysBefore' | 'siteVisit';

/** What a later round is made of: chosen applications, and chosen reviewers with their loads. */
export interface RoundMembers {
  applicationIds?: unknown;
  reviewerIds?: unknown;
  /** Maximum load by reviewer id, as typed in the form. */
  maxLoads?: Record<string, unknown>;
}

const DAY_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_K = 3;
export const DEFAULT_REMINDER_DAYS = 3;

/** When the automatic reminder of a round may go out: reminderDaysBefore days before it is due. */
export function reminderFrom(round: { dueAt: Date; reminderDaysBefore: number }): Date {
  return new Date(round.dueAt.getTime() - round.reminderDaysBefore * DAY_MS);
}

export async function findRound(db: Database, roundId: number): Promise<ReviewRound> {
  const [round] = await db.select().from(reviewRounds).where(eq(reviewRounds.id, roundId));
  if (!round) throw new NotFound(msg('reviews.errors.noRound'));
  return round;
}

export async function listRounds(db: Database, cycleId: number) {
  return db
    .select({
      id: reviewRounds.id,
      number: reviewRounds.number,
      name: reviewRounds.name,
      k: reviewRounds.reviewersPerApplication,
      dueAt: reviewRounds.dueAt,
      siteVisit: reviewRounds.siteVisit,
      applicationCount: sql<number>`(select count(*)::int from round_applications ra where ra.round_id = ${reviewRounds.id})`,
      reviewerCount: sql<number>`(select count(*)::int from round_reviewers rr where rr.round_id = ${reviewRounds.id})`,
    })
    .from(reviewRounds)
    .where(eq(reviewRounds.cycleId, cycleId))
    .orderBy(asc(reviewRounds.number));
}

/** The form values of a new round, or of a stored one. */
export function roundFormValues(zone: string, round?: ReviewRound): Record<RoundField, string> {
  return {
    name: round?.name ?? '',
    k: String(round?.reviewersPerApplication ?? DEFAULT_K),
    dueAt: round ? localDay(round.dueAt, zone) : '',
    reminderDaysBefore: String(round?.reminderDaysBefore ?? DEFAULT_REMINDER_DAYS),
    siteVisit: round?.siteVisit ? 'on' : '',
  };
}

function validateSettings(
  errors: FieldErrors,
  input: Fields<RoundField>,
  { now, zone }: { now: Date; zone: string },
  existing?: ReviewRound,
) {
  const name = checkText(errors, 'name', input.name, {
    max: 120,
    required: msg('reviews.rounds.errors.name'),
    singleLine: true,
  });
  const k = checkInteger(errors, 'k', input.k, { min: 1, max: 20, label: msg('forms.label.k') });
  const reminderDaysBefore = checkInteger(errors, 'reminderDaysBefore', input.reminderDaysBefore, {
    min: 0,
    max: 60,
    label: msg('forms.label.reminderDaysBefore'),
  });
  const raw = text(input.dueAt);
  // Reviews are due at the end of the day, in the program's zone.
  const day = raw === '' ? undefined : zonedTime(raw, '23:59:59', zone);
  let dueAt: Date | undefined;
  if (raw === '') errors.dueAt = msg('reviews.rounds.errors.dueRequired');
  else if (!day || Number(raw.slice(0, 4)) > 2200) errors.dueAt = msg('reviews.rounds.errors.dueInvalid');
  else if (existing && localDay(existing.dueAt, zone) === raw) dueAt = existing.dueAt;
  else if (day < now) errors.dueAt = msg('reviews.rounds.errors.duePast');
  else dueAt = day;
  return { name, k, reminderDaysBefore, dueAt, siteVisit: checkbox(input.siteVisit) };
}

function idList(value: unknown): number[] {
  const ids = ([] as unknown[])
    .concat(value ?? [])
    .filter((v): v is string => typeof v === 'string' && /^\d{1,15}$/.test(v));
  return [...new Set(ids.map(Number))];
}

/** Checks a later round's chosen applications and reviewers against the cycle. */
async function validateMembers(db: Database, cycleId: number, members: RoundMembers, errors: FieldErrors) {
  const applicationIds = idList(members.applicationIds);
  const reviewerIds = idList(members.reviewerIds);
  if (applicationIds.length === 0) errors.applicationIds = msg('reviews.rounds.errors.chooseApplications');
  if (reviewerIds.length === 0) errors.reviewerIds = msg('reviews.rounds.errors.chooseReviewers');
  const eligible =
    applicationIds.length === 0
      ? []
      : await db
          .select({ id: applications.id })
          .from(applications)
          .where(
            and(
              eq(applications.cycleId, cycleId),
              eq(applications.status, 'eligible'),
              inArray(applications.id, applicationIds),
            ),
          );
  if (eligible.length < applicationIds.length) {
    const found = new Set(eligible.map((a) => a.id));
    const bad = applicationIds.filter((id) => !found.has(id));
    errors.applicationIds = msg('reviews.rounds.errors.notEligible', { ids: bad.join(', ') });
  }
  const panel =
    reviewerIds.length === 0
      ? []
      : await db
          .select({ userId: cycleReviewers.userId })
          .from(cycleReviewers)
          .where(and(eq(cycleReviewers.cycleId, cycleId), inArray(cycleReviewers.userId, reviewerIds)));
  if (panel.length < reviewerIds.length) errors.reviewerIds = msg('reviews.rounds.errors.notOnPanel');
  const reviewers = reviewerIds.map((userId) => {
    const field = `maxLoad-${userId}`;
    const maxLoad = checkInteger(errors, field, members.maxLoads?.[String(userId)], {
      min: 0,
      max: 1000,
      label: msg('forms.label.maxLoad'),
    });
    return { userId, maxLoad: maxLoad ?? 0 };
  });
  return { applicationIds, reviewers };
}

/**
 * Creates the cycle's next round. The first takes every eligible application and the whole
 * panel; later ones take `members`. Field errors come back together in one Invalid.
 */
export async function createRound(
  context: Pick<ServiceContext, 'db' | 'clock'>,
  cycleId: number,
  input: Fields<RoundField>,
  members: RoundMembers = {},
): Promise<ReviewRound> {
  const { db, clock } = context;
  const [cycle] = await db.select().from(cycles).where(eq(cycles.id, cycleId));
  if (!cycle) throw new NotFound(msg('reviews.errors.noCycle'));
  await requirePhase(db, cycle, clock(), REVIEW_PHASES, msg('programs.phaseThen.rounds'));
  const [last] = await db
    .select({ number: max(reviewRounds.number) })
    .from(reviewRounds)
    .where(eq(reviewRounds.cycleId, cycleId));
  const number = (last?.number ?? 0) + 1;
  const errors: FieldErrors = {};
  const settings = validateSettings(errors, input, { now: clock(), zone: await cycleTimeZone(db, cycleId) });
  const chosen = number === 1 ? undefined : await validateMembers(db, cycleId, members, errors);
  if (Object.keys(errors).length > 0) throw new Invalid(errors);
  try {
    return await db.transaction(async (tx) => {
      const [round] = await tx
        .insert(reviewRounds)
        .values({
          cycleId,
          number,
          name: settings.name,
          reviewersPerApplication: settings.k!,
          dueAt: settings.dueAt!,
          reminderDaysBefore: settings.reminderDaysBefore!,
          siteVisit: settings.siteVisit,
        })
        .returning();
      if (!round) throw new Error('The round insert returned no row');
      if (number === 1) await keepCycleDueDate(tx, round);
      if (chosen) {
        await tx
          .insert(roundApplications)
          .values(chosen.applicationIds.map((applicationId) => ({ roundId: round.id, applicationId })));
        await tx.insert(roundReviewers).values(chosen.reviewers.map((r) => ({ roundId: round.id, ...r })));
      } else {
        await addNewMembersOfFirstRound(tx, round);
      }
      return round;
    });
  } catch (error) {
    if (isUniqueViolation(error, 'review_rounds_cycle_number_key')) {
      throw new Invalid({ name: msg('reviews.rounds.errors.raced') });
    }
    throw error;
  }
}

/**
 * Round 1's due date is the cycle's "reviews due" date: one date, told the same way in the
 * reviewer invitation, the assignment e-mail, the reminders and the cycle's pages.
 */
async function keepCycleDueDate(db: Database, round: ReviewRound): Promise<void> {
  const reviewsDueAt = startOfLocalDay(round.dueAt, await cycleTimeZone(db, round.cycleId));
  await db.update(cycles).set({ reviewsDueAt }).where(eq(cycles.id, round.cycleId));
}

/** The due date reviewers are told for a cycle: its round 1's, or the cycle's own until round 1 exists. */
export async function reviewsDueAt(db: Database, cycle: { id: number; reviewsDueAt: Date }): Promise<Date> {
  const [first] = await db
    .select({ dueAt: reviewRounds.dueAt })
    .from(reviewRounds)
    .where(and(eq(reviewRounds.cycleId, cycle.id), eq(reviewRounds.number, 1)));
  return first?.dueAt ?? cycle.reviewsDueAt;
}

async function addNewMembersOfFirstRound(db: Database, round: ReviewRound) {
  const apps = await db.execute(sql`
    insert into round_applications (round_id, application_id)
    select ${round.id}, a.id from applications a
    where a.cycle_id = ${round.cycleId} and a.status = 'eligible'
    on conflict do nothing
    returning application_id`);
  const reviewers = await db.execute(sql`
    insert into round_reviewers (round_id, user_id, max_load)
    select ${round.id}, cr.user_id, cr.max_load from cycle_reviewers cr
    where cr.cycle_id = ${round.cycleId}
    on conflict do nothing
    returning user_id`);
  const added = (result: unknown) => (result as { rows: unknown[] }).rows.length;
  return { applications: added(apps), reviewers: added(reviewers) };
}

/**
 * Puts applications just screened eligible, or reviewers just added to the panel, into the
 * cycle's round 1 if it exists, inside the caller's transaction. Later rounds choose their own.
 */
export async function joinFirstRound(
  db: Database,
  { cycleId, applicationIds = [], userIds = [] }: { cycleId: number; applicationIds?: number[]; userIds?: number[] },
): Promise<void> {
  const ids = (list: number[]) => `{${list.filter(Number.isSafeInteger).join(',')}}`;
  if (applicationIds.length > 0) {
    await db.execute(sql`
      insert into round_applications (round_id, application_id)
      select r.id, a.id from review_rounds r
      join applications a on a.cycle_id = r.cycle_id and a.status = 'eligible'
      where r.cycle_id = ${cycleId} and r.number = 1 and a.id = any(${ids(applicationIds)}::bigint[])
      on conflict do nothing`);
  }
  if (userIds.length > 0) {
    await db.execute(sql`
      insert into round_reviewers (round_id, user_id, max_load)
      select r.id, cr.user_id, cr.max_load from review_rounds r
      join cycle_reviewers cr on cr.cycle_id = r.cycle_id
      where r.cycle_id = ${cycleId} and r.number = 1 and cr.user_id = any(${ids(userIds)}::bigint[])
      on conflict do nothing`);
  }
}

/** Round 1: takes in applications found eligible, and panel members who joined, since it began. */
export async function refreshRoundApplications(db: Database, roundId: number) {
  const round = await findRound(db, roundId);
  if (round.number !== 1) throw new Invalid({ round: msg('reviews.rounds.errors.onlyFirst') });
  return addNewMembersOfFirstRound(db, round);
}

/** How many eligible applications and panel members round 1 has not taken in yet. */
export async function firstRoundBacklog(db: Database, round: ReviewRound) {
  if (round.number !== 1) return { applications: 0, reviewers: 0 };
  const result = (await db.execute(sql`
    select
      (select count(*)::int from applications a where a.cycle_id = ${round.cycleId} and a.status = 'eligible'
        and not exists (select 1 from round_applications ra where ra.round_id = ${round.id} and ra.application_id = a.id)) as applications,
      (select count(*)::int from cycle_reviewers cr where cr.cycle_id = ${round.cycleId}
        and not exists (select 1 from round_reviewers rr where rr.round_id = ${round.id} and rr.user_id = cr.user_id)) as reviewers
  `)) as unknown as { rows: Array<{ applications: number; reviewers: number }> };
  return result.rows[0] ?? { applications: 0, reviewers: 0 };
}

/**
 * Changes a round's settings (a due date extension, k, reminders) and, for a later round, its
 * members. A member with assignments stays. A new reminder window (a later due date) lets the
 * automatic reminder go out once more.
 */
export async function editRound(
  context: Pick<ServiceContext, 'db' | 'clock'>,
  roundId: number,
  input: Fields<RoundField>,
  members?: RoundMembers,
): Promise<ReviewRound> {
  const { db, clock } = context;
  const round = await findRound(db, roundId);
  const errors: FieldErrors = {};
  const zone = await cycleTimeZone(db, round.cycleId);
  const settings = validateSettings(errors, input, { now: clock(), zone }, round);
  const chosen = round.number === 1 || !members ? undefined : await validateMembers(db, round.cycleId, members, errors);
  if (chosen) {
    const busy = await db
      .selectDistinct({ applicationId: assignments.applicationId, reviewerId: assignments.reviewerId })
      .from(assignments)
      .where(eq(assignments.roundId, roundId));
    const keptApps = new Set(chosen.applicationIds);
    const keptReviewers = new Set(chosen.reviewers.map((r) => r.userId));
    const droppedApps = [...new Set(busy.map((b) => b.applicationId))].filter((id) => !keptApps.has(id));
    const droppedReviewers = [...new Set(busy.map((b) => b.reviewerId))].filter((id) => !keptReviewers.has(id));
    if (droppedApps.length > 0)
      errors.applicationIds = msg('reviews.rounds.errors.busyApplications', { ids: droppedApps.join(', ') });
    if (droppedReviewers.length > 0) errors.reviewerIds = msg('reviews.rounds.errors.busyReviewers');
  }
  if (Object.keys(errors).length > 0) throw new Invalid(errors);
  const dueAt = settings.dueAt!;
  const windowOpens = reminderFrom({ dueAt, reminderDaysBefore: settings.reminderDaysBefore! });
  const reminderSentAt = round.reminderSentAt && round.reminderSentAt < windowOpens ? null : round.reminderSentAt;
  return db.transaction(async (tx) => {
    const [updated] = await tx
      .update(reviewRounds)
      .set({
        name: settings.name,
        reviewersPerApplication: settings.k!,
        dueAt,
        reminderDaysBefore: settings.reminderDaysBefore!,
        siteVisit: settings.siteVisit,
        reminderSentAt,
      })
      .where(eq(reviewRounds.id, roundId))
      .returning();
    if (updated && updated.number === 1) await keepCycleDueDate(tx, updated);
    if (chosen) {
      await tx
        .delete(roundApplications)
        .where(
          and(
            eq(roundApplications.roundId, roundId),
            notInArray(roundApplications.applicationId, chosen.applicationIds),
          ),
        );
      await tx
        .insert(roundApplications)
        .values(chosen.applicationIds.map((applicationId) => ({ roundId, applicationId })))
        .onConflictDoNothing();
      await tx.delete(roundReviewers).where(
        and(
          eq(roundReviewers.roundId, roundId),
          notInArray(
            roundReviewers.userId,
            chosen.reviewers.map((r) => r.userId),
          ),
        ),
      );
      await tx
        .insert(roundReviewers)
        .values(chosen.reviewers.map((r) => ({ roundId, ...r })))
        .onConflictDoUpdate({
          target: [roundReviewers.roundId, roundReviewers.userId],
          set: { maxLoad: sql`excluded.max_load` },
        });
    }
    return updated!;
  });
}

/** What a later round's form offers: the cycle's eligible applications and its panel. */
export async function roundChoices(db: Database, cycleId: number, roundId?: number) {
  // One JSON value: every eligible application of a national cycle, a third of the time of rows on PGlite.
  const inRound =
    roundId === undefined
      ? sql`false`
      : sql`exists (select 1 from round_applications ra where ra.round_id = ${roundId} and ra.application_id = ${applications.id})`;
  const [listed] = await db
    .select({
      list: sql<unknown>`json_agg(json_build_array(${applications.id}, ${schools.name}, ${schools.city}, ${schools.state},
        ${inRound}) order by ${applications.id})`,
    })
    .from(applications)
    .innerJoin(schools, eq(schools.id, applications.schoolId))
    .where(and(eq(applications.cycleId, cycleId), eq(applications.status, 'eligible')));
  const apps = jsonList<[number, string, string, string, boolean]>(listed!.list).map(
    ([id, schoolName, city, state, chosen]) => ({ id, schoolName, city, state, inRound: chosen }),
  );
  const reviewers = await db
    .select({
      userId: users.id,
      name: users.name,
      email: users.email,
      cycleMaxLoad: cycleReviewers.maxLoad,
      roundMaxLoad:
        roundId === undefined
          ? sql<number | null>`null`
          : sql<
              number | null
            >`(select rr.max_load from round_reviewers rr where rr.round_id = ${roundId} and rr.user_id = ${users.id})`,
    })
    .from(cycleReviewers)
    .innerJoin(users, eq(users.id, cycleReviewers.userId))
    .where(eq(cycleReviewers.cycleId, cycleId))
    .orderBy(asc(users.name), asc(users.id));
  return { apps, reviewers };
}

export async function findRoundWithCycle(db: Database, roundId: number) {
  const [found] = await db
    .select({
      round: reviewRounds,
      cycle: {
        id: cycles.id,
        name: cycles.name,
        scoreMin: cycles.scoreMin,
        scoreMax: cycles.scoreMax,
        disagreementThreshold: cycles.disagreementThreshold,
      },
    })
    .from(reviewRounds)
    .innerJoin(cycles, eq(cycles.id, reviewRounds.cycleId))
    .where(eq(reviewRounds.id, roundId));
  if (!found) throw new NotFound(msg('reviews.errors.noRound'));
  return found;
}

/** The round that follows (the next number in the same cycle), if one exists. */
export async function nextRound(db: Database, round: { cycleId: number; number: number }) {
  const [next] = await db
    .select({ id: reviewRounds.id, number: reviewRounds.number, name: reviewRounds.name })
    .from(reviewRounds)
    .where(and(eq(reviewRounds.cycleId, round.cycleId), gt(reviewRounds.number, round.number)))
    .orderBy(asc(reviewRounds.number))
    .limit(1);
  return next;
}

/**
 * Adds chosen applications of one round to a later round of the same cycle (the finalists).
 * Every application must be in the source round and still eligible; those already in the later
 * round are left as they are.
 */
export async function advanceToRound(
  { db, clock }: Pick<ServiceContext, 'db' | 'clock'>,
  {
    fromRoundId,
    toRoundId,
    applicationIds,
    adminId,
  }: { fromRoundId: number; toRoundId: number; applicationIds: readonly number[]; adminId: number },
) {
  const [{ round: from }, { round: to }] = await Promise.all([
    findRoundWithCycle(db, fromRoundId),
    findRoundWithCycle(db, toRoundId),
  ]);
  if (to.cycleId !== from.cycleId || to.number <= from.number) {
    throw new Invalid({ toRoundId: msg('reviews.rounds.errors.laterRound') });
  }
  const ids = [...new Set(applicationIds)];
  if (ids.length === 0) throw new Invalid({ applicationIds: msg('reviews.rounds.errors.chooseToAdvance') });
  return db.transaction(async (tx) => {
    const inRound = await tx
      .select({ id: applications.id, status: applications.status })
      .from(roundApplications)
      .innerJoin(applications, eq(applications.id, roundApplications.applicationId))
      .where(and(eq(roundApplications.roundId, fromRoundId), inArray(roundApplications.applicationId, ids)));
    const found = new Set(inRound.map((a) => a.id));
    const missing = ids.filter((id) => !found.has(id));
    if (missing.length) {
      throw new Invalid({
        applicationIds: msg('reviews.rounds.errors.notInRound', { round: from.name, ids: missing.join(', ') }),
      });
    }
    const notEligible = inRound.filter((a) => a.status !== 'eligible').map((a) => a.id);
    if (notEligible.length) {
      throw new Invalid({
        applicationIds: msg('reviews.rounds.errors.noLongerEligible', { ids: notEligible.join(', ') }),
      });
    }
    const added = await tx
      .insert(roundApplications)
      .values(ids.map((applicationId) => ({ roundId: toRoundId, applicationId })))
      .onConflictDoNothing()
      .returning({ applicationId: roundApplications.applicationId });
    await recordAudit(tx, clock, {
      actorId: adminId,
      action: 'round.advance',
      subjectType: 'review_round',
      subjectId: toRoundId,
      summary: msg('audit.rounds.advanced', {
        added: added.length,
        from: from.name,
        to: to.name,
        already: ids.length - added.length,
      }),
      details: { fromRoundId, toRoundId, applicationIds: ids, added: added.map((a) => a.applicationId) },
    });
    return { toRound: to, added: added.length, alreadyThere: ids.length - added.length };
  });
}
