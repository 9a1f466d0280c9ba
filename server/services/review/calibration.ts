// A cycle's calibration set: the example applications every reviewer of its panel scores before
// their assignments open (see calibration-scoring.ts). Admins write examples or copy a past
// cycle's application (its answers, with the school, its district and city taken out). The set
// is fixed once it is in use: an example someone scored cannot change or go, and nothing can be
// added once a review of the cycle has been started, so every reviewer is measured against the
// same examples and no one is locked out of reviews they began.
import { and, asc, count, eq, inArray, ne, sql } from 'drizzle-orm';
import {
  applicationAnswers,
  applications,
  assignments,
  calibrationItems,
  calibrationScores,
  criteria,
  cycleReviewers,
  cycles,
  reviewRounds,
  schools,
  users,
  type CalibrationItem,
} from '../../../models/schema.js';
import type { Clock } from '../../clock.js';
import type { Database } from '../../db/client.js';
import { Forbidden, Invalid, NotFound, type FieldErrors } from '../../errors.js';
import { msg, type Message } from '../../i18n/translate.js';
import { recordAudit } from '../shared/audit.js';
import { checkText, text, type Fields } from '../shared/form-input.js';
import { conflictPairs } from './conflicts.js';
import { createRedactor } from './redaction.js';

export const MAX_CALIBRATION_ITEMS = 20;
export const MAX_TITLE_CHARS = 200;
export const MAX_BODY_CHARS = 50_000;

/** Why nothing can be added to the cycle's set now: a review of the cycle has been started. */
export async function calibrationClosedReason(db: Database, cycleId: number): Promise<Message | undefined> {
  const [started] = await db
    .select({ id: assignments.id })
    .from(assignments)
    .innerJoin(reviewRounds, eq(reviewRounds.id, assignments.roundId))
    .where(and(eq(reviewRounds.cycleId, cycleId), ne(assignments.status, 'assigned')))
    .limit(1);
  return started ? msg('calibration.admin.reviewsStarted') : undefined;
}

/** In a transaction: refuses an addition the set cannot take, holding the cycle until commit. */
async function lockedForAdding(db: Database, cycleId: number) {
  // Two additions at once, or one beside a review being started, wait for each other here.
  await db.execute(sql`select id from ${cycles} where ${cycles.id} = ${cycleId} for update`);
  const reason = await calibrationClosedReason(db, cycleId);
  if (reason) throw new Forbidden(reason);
  const [{ n }] = (await db
    .select({ n: count() })
    .from(calibrationItems)
    .where(eq(calibrationItems.cycleId, cycleId))) as [{ n: number }];
  if (n >= MAX_CALIBRATION_ITEMS) throw new Forbidden(msg('calibration.admin.tooMany', { max: MAX_CALIBRATION_ITEMS }));
}

function checkItem(input: Fields<'title' | 'body'>) {
  const errors: FieldErrors = {};
  const title = checkText(errors, 'title', input.title, {
    max: MAX_TITLE_CHARS,
    required: msg('calibration.admin.titleRequired'),
    singleLine: true,
  });
  const body = checkText(errors, 'body', input.body, {
    max: MAX_BODY_CHARS,
    required: msg('calibration.admin.bodyRequired'),
  });
  if (Object.keys(errors).length) throw new Invalid(errors);
  return { title, body };
}

/** An example written by staff. */
export async function addCalibrationItem(
  db: Database,
  clock: Clock,
  { cycleId, adminId, input }: { cycleId: number; adminId: number; input: Fields<'title' | 'body'> },
): Promise<CalibrationItem> {
  const values = checkItem(input);
  return db.transaction(async (tx) => {
    await lockedForAdding(tx, cycleId);
    const [item] = await tx
      .insert(calibrationItems)
      .values({ cycleId, ...values, createdBy: adminId, createdAt: clock() })
      .returning();
    await recordAudit(tx, clock, {
      actorId: adminId,
      action: 'calibration.add',
      subjectType: 'cycle',
      subjectId: cycleId,
      summary: msg('audit.calibration.added', { title: item!.title }),
    });
    return item!;
  });
}

/**
 * An example copied from a submitted application of another cycle of the same program: its
 * chosen criteria's titles and answers, with the school's name, district and city taken out
 * whatever the cycle's blind setting (reviewers judge the work, not a school they may know).
 */
export async function copyCalibrationItem(
  db: Database,
  clock: Clock,
  { cycleId, adminId, input }: { cycleId: number; adminId: number; input: Fields<'title' | 'applicationNumber'> },
): Promise<CalibrationItem> {
  const errors: FieldErrors = {};
  const title = checkText(errors, 'title', input.title, {
    max: MAX_TITLE_CHARS,
    required: msg('calibration.admin.titleRequired'),
    singleLine: true,
  });
  const raw = text(input.applicationNumber).replace(/^(no\.?\s*|#)/i, '');
  if (!/^\d{1,15}$/.test(raw)) errors.applicationNumber = msg('calibration.admin.pastApplicationMissing');
  if (Object.keys(errors).length) throw new Invalid(errors);
  const missing = () => new Invalid({ applicationNumber: msg('calibration.admin.pastApplicationMissing') });
  const applicationId = Number(raw);
  const [source] = await db
    .select({ school: schools, sourceCycle: cycles.name })
    .from(applications)
    .innerJoin(schools, eq(schools.id, applications.schoolId))
    .innerJoin(cycles, eq(cycles.id, applications.cycleId))
    .where(
      and(
        eq(applications.id, applicationId),
        ne(applications.cycleId, cycleId),
        inArray(applications.status, ['submitted', 'eligible', 'ineligible']),
        eq(cycles.programId, sql`(select ${cycles.programId} from ${cycles} where ${cycles.id} = ${cycleId})`),
      ),
    );
  if (!source) throw missing();
  // Every reviewer of the panel reads the examples: none may have a conflict with the school,
  // whose own words they would know through any redaction.
  const panel = await db
    .select({ id: cycleReviewers.userId, name: users.name })
    .from(cycleReviewers)
    .innerJoin(users, eq(users.id, cycleReviewers.userId))
    .where(eq(cycleReviewers.cycleId, cycleId));
  const conflicted = await conflictPairs(db, { reviewerIds: panel.map((p) => p.id), applicationIds: [applicationId] });
  if (conflicted.length > 0) {
    const names = new Set(conflicted.map((c) => c.reviewerId));
    throw new Invalid({
      applicationNumber: msg('calibration.admin.pastApplicationConflicted', {
        count: names.size,
        names: panel
          .filter((p) => names.has(p.id))
          .map((p) => p.name)
          .join(', '),
      }),
    });
  }
  const answers = await db
    .select({ title: criteria.title, answer: applicationAnswers.answer })
    .from(applicationAnswers)
    .innerJoin(criteria, eq(criteria.id, applicationAnswers.criterionId))
    .where(
      and(
        eq(applicationAnswers.applicationId, applicationId),
        sql`(${criteria.required} or ${applicationAnswers.chosen})`,
        ne(applicationAnswers.answer, ''),
      ),
    )
    .orderBy(asc(criteria.position), asc(criteria.id));
  if (answers.length === 0) throw new Invalid({ applicationNumber: msg('calibration.admin.pastApplicationEmpty') });
  const redact = createRedactor(source.school);
  const body = answers.map((a) => `${redact(a.title)}\n\n${redact(a.answer)}`).join('\n\n\n');
  return db.transaction(async (tx) => {
    await lockedForAdding(tx, cycleId);
    const [item] = await tx
      .insert(calibrationItems)
      .values({
        cycleId,
        title,
        body: body.slice(0, MAX_BODY_CHARS),
        sourceApplicationId: applicationId,
        createdBy: adminId,
        createdAt: clock(),
      })
      .returning();
    await recordAudit(tx, clock, {
      actorId: adminId,
      action: 'calibration.copy',
      subjectType: 'cycle',
      subjectId: cycleId,
      summary: msg('audit.calibration.copied', { id: applicationId, cycle: source.sourceCycle }),
    });
    return item!;
  });
}

async function itemOf(db: Database, cycleId: number, itemId: number) {
  const [item] = await db
    .select()
    .from(calibrationItems)
    .where(and(eq(calibrationItems.id, itemId), eq(calibrationItems.cycleId, cycleId)));
  if (!item) throw new NotFound(msg('calibration.admin.itemNotFound'));
  return item;
}

/** Why this example can no longer change: a reviewer scored it. */
async function itemInUse(db: Database, itemId: number) {
  const [scored] = await db
    .select({ id: calibrationScores.itemId })
    .from(calibrationScores)
    .where(eq(calibrationScores.itemId, itemId))
    .limit(1);
  return scored ? msg('calibration.admin.itemScored') : undefined;
}

/** The example, locked for this transaction, if it can still change; else Forbidden saying why. */
async function lockUnscoredItem(tx: Database, cycleId: number, itemId: number) {
  await tx.execute(sql`select id from ${calibrationItems} where ${calibrationItems.id} = ${itemId} for update`);
  const item = await itemOf(tx, cycleId, itemId);
  const reason = await itemInUse(tx, itemId);
  if (reason) throw new Forbidden(reason);
  return item;
}

export async function findCalibrationItem(db: Database, cycleId: number, itemId: number) {
  const item = await itemOf(db, cycleId, itemId);
  return { item, lockedReason: await itemInUse(db, itemId) };
}

export async function updateCalibrationItem(
  db: Database,
  clock: Clock,
  {
    cycleId,
    itemId,
    adminId,
    input,
  }: { cycleId: number; itemId: number; adminId: number; input: Fields<'title' | 'body'> },
): Promise<void> {
  const values = checkItem(input);
  await db.transaction(async (tx) => {
    await lockUnscoredItem(tx, cycleId, itemId);
    await tx.update(calibrationItems).set(values).where(eq(calibrationItems.id, itemId));
    await recordAudit(tx, clock, {
      actorId: adminId,
      action: 'calibration.edit',
      subjectType: 'cycle',
      subjectId: cycleId,
      summary: msg('audit.calibration.edited', { title: values.title }),
    });
  });
}

export async function removeCalibrationItem(
  db: Database,
  clock: Clock,
  { cycleId, itemId, adminId }: { cycleId: number; itemId: number; adminId: number },
): Promise<void> {
  await db.transaction(async (tx) => {
    const item = await lockUnscoredItem(tx, cycleId, itemId);
    await tx.delete(calibrationItems).where(eq(calibrationItems.id, itemId));
    await recordAudit(tx, clock, {
      actorId: adminId,
      action: 'calibration.remove',
      subjectType: 'cycle',
      subjectId: cycleId,
      summary: msg('audit.calibration.removed', { title: item.title }),
    });
  });
}
