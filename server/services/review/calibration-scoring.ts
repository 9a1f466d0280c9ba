// A reviewer's side of calibration: the examples of a cycle they still have to score (their
// assignments in that cycle stay closed until they have: permissions.ts asks unscoredExamples),
// scoring them once, and afterwards how their scores compare with the rest of the panel.
import { createHash } from 'node:crypto';
import { and, asc, eq, exists, isNull, or, sql, type SQLWrapper } from 'drizzle-orm';
import {
  assignments,
  calibrationItems,
  calibrationScores,
  cycleReviewers,
  cycles,
  reviewRounds,
  type Cycle,
} from '../../../models/schema.js';
import type { Clock } from '../../clock.js';
import type { Database } from '../../db/client.js';
import { Forbidden, Invalid, NotFound, type FieldErrors } from '../../errors.js';
import { msg } from '../../i18n/translate.js';
import { checkText, text, type Fields } from '../shared/form-input.js';
import { calibrate, harshnessOf } from './calibration-math.js';
import { cycleCalibrationEntries } from './calibration-report.js';

export const MAX_CALIBRATION_COMMENT_CHARS = 5000;
/** The others' mean score of an example is shown to a reviewer once this many others gave one. */
const MIN_OTHERS_SHOWN = 2;

/**
 * A digest of the examples a form shows to be scored: the form carries it, so scores sent for
 * examples that changed (or went, or came) since the page was read are not taken for them.
 */
function seenDigest(items: ReadonlyArray<{ id: number; title: string; body: string }>): string {
  const hash = createHash('sha256');
  for (const item of items) hash.update(JSON.stringify([item.id, item.title, item.body]));
  return hash.digest('base64url').slice(0, 22);
}

/** Joins an example to the reviewer's score of it. */
const scoredBy = (reviewerId: number) =>
  and(eq(calibrationScores.itemId, calibrationItems.id), eq(calibrationScores.reviewerId, reviewerId));

/**
 * How many examples of the cycle `cycleId` (a value or a column of the outer query) the reviewer
 * has not scored yet, as a column: reviewerAccess reads it in the query that finds the assignment.
 */
export const unscoredExamples = (reviewerId: number, cycleId: SQLWrapper | number) =>
  sql<number>`(select cast(count(*) as int) from ${calibrationItems}
    left join ${calibrationScores} on ${scoredBy(reviewerId)}
    where ${calibrationItems.cycleId} = ${cycleId} and ${calibrationScores.itemId} is null)`;

/** Whether the person reviews for the cycle: on its panel, or assigned in one of its rounds. */
const reviewsFor = (reviewerId: number) =>
  or(
    exists(
      sql`(select 1 from ${cycleReviewers} where ${cycleReviewers.cycleId} = ${cycles.id}
        and ${cycleReviewers.userId} = ${reviewerId})`,
    ),
    exists(
      sql`(select 1 from ${assignments} join ${reviewRounds} on ${reviewRounds.id} = ${assignments.roundId}
        where ${reviewRounds.cycleId} = ${cycles.id} and ${assignments.reviewerId} = ${reviewerId})`,
    ),
  );

/**
 * The cycles whose examples the reviewer still has to score, for their dashboard: those they
 * review for that have a round still open, or no round yet.
 */
export async function calibrationDue(db: Database, reviewerId: number, now: Date) {
  const rows = await db
    .select({
      cycleId: cycles.id,
      cycleName: cycles.name,
      items: sql<number>`cast(count(*) as int)`,
      scored: sql<number>`cast(count(${calibrationScores.itemId}) as int)`,
    })
    .from(cycles)
    .innerJoin(calibrationItems, eq(calibrationItems.cycleId, cycles.id))
    .leftJoin(calibrationScores, scoredBy(reviewerId))
    .where(
      and(
        reviewsFor(reviewerId),
        or(
          exists(
            sql`(select 1 from ${reviewRounds} where ${reviewRounds.cycleId} = ${cycles.id}
              and ${reviewRounds.dueAt} >= ${now.toISOString()}::timestamptz)`,
          ),
          sql`not exists (select 1 from ${reviewRounds} where ${reviewRounds.cycleId} = ${cycles.id})`,
        ),
      ),
    )
    .groupBy(cycles.id)
    .orderBy(asc(cycles.id));
  return rows.filter((r) => r.scored < r.items);
}

async function cycleReviewedBy(db: Database, reviewerId: number, cycleId: number): Promise<Cycle> {
  const [cycle] = await db
    .select()
    .from(cycles)
    .where(and(eq(cycles.id, cycleId), reviewsFor(reviewerId)));
  if (!cycle) throw new NotFound(msg('calibration.reviewer.notFound'));
  return cycle;
}

/**
 * The calibration page of one cycle for one reviewer: the examples with what they gave each, and
 * once they have scored them all, how that compares with the rest of the panel. Another cycle,
 * or one they do not review for, is "not found".
 */
export async function reviewerCalibration(db: Database, reviewerId: number, cycleId: number) {
  const cycle = await cycleReviewedBy(db, reviewerId, cycleId);
  const items = await db
    .select({
      id: calibrationItems.id,
      title: calibrationItems.title,
      body: calibrationItems.body,
      score: calibrationScores.score,
      comment: calibrationScores.comment,
    })
    .from(calibrationItems)
    .leftJoin(calibrationScores, scoredBy(reviewerId))
    .where(eq(calibrationItems.cycleId, cycleId))
    .orderBy(asc(calibrationItems.id));
  if (items.length === 0) throw new NotFound(msg('calibration.reviewer.notFound'));
  const done = items.every((i) => i.score !== null);
  if (!done) return { cycle, items, done, seen: seenDigest(items.filter((i) => i.score === null)), result: undefined };
  // Compared only after scoring: nobody sees the panel's scores before giving their own.
  const calibration = calibrate(await cycleCalibrationEntries(db, cycleId));
  const own = calibration.reviewers.get(reviewerId);
  return {
    cycle,
    items: items.map((item) => {
      const panel = calibration.items.get(item.id);
      const othersCount = panel ? panel.n - 1 : 0;
      // Shown from two others on: the mean of one would be that reviewer's own score.
      const othersMean = othersCount >= MIN_OTHERS_SHOWN ? (panel!.mean! * panel!.n - item.score!) / othersCount : null;
      return { ...item, othersMean, othersCount };
    }),
    done,
    seen: '',
    result: {
      offset: own?.offset ?? null,
      compared: own?.compared ?? 0,
      harshness: harshnessOf(own?.offset ?? null, cycle),
    },
  };
}

/**
 * Scores every example the reviewer has not scored yet, each on the cycle's scale with an
 * optional comment. A score once given is final: it is what the reviewer thought before reading
 * the panel's, and their normalization rests on it.
 */
export async function submitCalibration(
  db: Database,
  clock: Clock,
  { reviewerId, cycleId, input }: { reviewerId: number; cycleId: number; input: Fields<string> },
): Promise<void> {
  const cycle = await cycleReviewedBy(db, reviewerId, cycleId);
  await db.transaction(async (tx) => {
    // The examples still to score, held until commit: an admin cannot change or remove one
    // between this check and the scores' insert.
    const open = await tx
      .select({ id: calibrationItems.id, title: calibrationItems.title, body: calibrationItems.body })
      .from(calibrationItems)
      .leftJoin(calibrationScores, scoredBy(reviewerId))
      .where(and(eq(calibrationItems.cycleId, cycleId), isNull(calibrationScores.itemId)))
      .orderBy(asc(calibrationItems.id))
      .for('share', { of: calibrationItems });
    if (open.length === 0) throw new Forbidden(msg('calibration.reviewer.alreadyDone'));
    if (text(input.seen) !== seenDigest(open)) {
      throw new Invalid({}, msg('calibration.reviewer.changed'));
    }
    const errors: FieldErrors = {};
    const rows = open.map(({ id }) => {
      const field = `score_${id}`;
      const raw = text(input[field]);
      const score = /^-?\d{1,6}$/.test(raw) ? Number(raw) : NaN;
      if (raw === '') errors[field] = msg('calibration.reviewer.scoreRequired');
      else if (!(score >= cycle.scoreMin && score <= cycle.scoreMax))
        errors[field] = msg('calibration.reviewer.scoreOutOfScale', { min: cycle.scoreMin, max: cycle.scoreMax });
      const comment = checkText(errors, `comment_${id}`, input[`comment_${id}`], {
        max: MAX_CALIBRATION_COMMENT_CHARS,
      });
      return { itemId: id, reviewerId, score, comment, submittedAt: clock() };
    });
    if (Object.keys(errors).length) throw new Invalid(errors);
    // Two tabs sending at once: the first one's scores stand, the second writes nothing.
    await tx.insert(calibrationScores).values(rows).onConflictDoNothing();
  });
}
