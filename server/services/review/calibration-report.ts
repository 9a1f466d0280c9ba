// The admins' calibration report of a cycle: each example with the panel's scores of it, and each
// reviewer of the panel with how harsh they scored against the rest of it, harshest first, before
// any real review is in. The same offsets are the prior of the cycle's normalization
// (../decisions/round-reviews.ts reads them through calibrationPriorsOfRound).
import { asc, eq } from 'drizzle-orm';
import { calibrationItems, calibrationScores, cycleReviewers, reviewRounds, users } from '../../../models/schema.js';
import type { Database } from '../../db/client.js';
import { calibrate, harshnessOf, type CalibrationEntry, type CalibrationPrior } from './calibration-math.js';

const REPORT_PAGE_SIZE = 100;

const entriesOf = (db: Database) =>
  db
    .select({
      itemId: calibrationScores.itemId,
      reviewerId: calibrationScores.reviewerId,
      score: calibrationScores.score,
    })
    .from(calibrationScores)
    .innerJoin(calibrationItems, eq(calibrationItems.id, calibrationScores.itemId));

/** Every score of the cycle's examples, by whom and of which. */
export function cycleCalibrationEntries(db: Database, cycleId: number): Promise<CalibrationEntry[]> {
  return entriesOf(db).where(eq(calibrationItems.cycleId, cycleId));
}

export async function calibrationReport(
  db: Database,
  cycle: { id: number; scoreMin: number; scoreMax: number },
  page = 1,
) {
  const [items, entries, panel] = await Promise.all([
    db
      .select({ id: calibrationItems.id, title: calibrationItems.title, source: calibrationItems.sourceApplicationId })
      .from(calibrationItems)
      .where(eq(calibrationItems.cycleId, cycle.id))
      .orderBy(asc(calibrationItems.id)),
    cycleCalibrationEntries(db, cycle.id),
    db
      .select({ id: users.id, name: users.name, email: users.email })
      .from(cycleReviewers)
      .innerJoin(users, eq(users.id, cycleReviewers.userId))
      .where(eq(cycleReviewers.cycleId, cycle.id)),
  ]);
  const calibration = calibrate(entries);
  const reviewers = panel.map((person) => {
    const c = calibration.reviewers.get(person.id);
    const offset = c?.offset ?? null;
    return {
      ...person,
      scored: c?.scored ?? 0,
      compared: c?.compared ?? 0,
      offset,
      done: (c?.scored ?? 0) >= items.length,
      harshness: harshnessOf(offset, cycle),
    };
  });
  // Harshest first; those with nothing to compare yet last, by name.
  reviewers.sort(
    (a, b) =>
      (a.offset === null ? 1 : 0) - (b.offset === null ? 1 : 0) ||
      (a.offset ?? 0) - (b.offset ?? 0) ||
      a.name.localeCompare(b.name),
  );
  const start = (page - 1) * REPORT_PAGE_SIZE;
  return {
    items: items.map((item) => ({
      ...item,
      ...(calibration.items.get(item.id) ?? { n: 0, mean: null, low: null, high: null }),
    })),
    reviewers: reviewers.slice(start, start + REPORT_PAGE_SIZE),
    panelSize: reviewers.length,
    done: items.length === 0 ? 0 : reviewers.filter((r) => r.done).length,
    hasMore: start + REPORT_PAGE_SIZE < reviewers.length,
  };
}

/**
 * The calibration of the cycle of a round, as priors for its z-scores: each reviewer whose
 * scores could be compared with someone else's, with their offset, weighing one per example.
 */
export async function calibrationPriorsOfRound(db: Database, roundId: number) {
  const entries = (await entriesOf(db)
    .innerJoin(reviewRounds, eq(reviewRounds.cycleId, calibrationItems.cycleId))
    .where(eq(reviewRounds.id, roundId))) as CalibrationEntry[];
  const priors = new Map<number, CalibrationPrior>();
  for (const [reviewerId, c] of calibrate(entries).reviewers) {
    if (c.offset !== null) priors.set(reviewerId, { offset: c.offset, weight: c.compared });
  }
  return priors;
}
