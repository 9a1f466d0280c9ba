// The arithmetic of calibration, pure. Every reviewer of a cycle scores the same few examples;
// a reviewer's offset on an example is their score minus the mean score the rest of the panel
// gave it (leave-one-out: a reviewer is compared with the others, never with themself), and
// their harshness is the mean of those offsets over the examples someone else scored too.
// Negative: harsher than the panel; positive: more lenient. How the ranking uses it is stated
// in ../decisions/ranking-math.ts (calibratedStats).

export interface CalibrationEntry {
  itemId: number;
  reviewerId: number;
  score: number;
}

export interface ReviewerCalibration {
  reviewerId: number;
  /** Examples the reviewer scored. */
  scored: number;
  /** Of those, the examples someone else scored too: what the offset is drawn from. */
  compared: number;
  /** The mean of the reviewer's offsets; null when nothing could be compared. */
  offset: number | null;
}

/**
 * What a reviewer's calibration tells the normalization about them: their mean offset against
 * the rest of the panel, and how many examples it rests on (../decisions/ranking-math.ts).
 */
export interface CalibrationPrior {
  offset: number;
  weight: number;
}

export interface ItemCalibration {
  itemId: number;
  n: number;
  mean: number | null;
  low: number | null;
  high: number | null;
}

/** The reviewer's place against the panel, in words: harsher, in line, or more lenient. */
export type Harshness = 'harsher' | 'inLine' | 'lenient' | 'unknown';

/** Offsets within an eighth of the scale (half a point on 1–5) are "in line with the panel". */
export function harshnessOf(offset: number | null, scale: { scoreMin: number; scoreMax: number }): Harshness {
  if (offset === null) return 'unknown';
  const notable = (scale.scoreMax - scale.scoreMin) / 8;
  if (offset <= -notable) return 'harsher';
  if (offset >= notable) return 'lenient';
  return 'inLine';
}

/** Each item's scores, and each reviewer's offset against the rest of the panel. */
export function calibrate(entries: readonly CalibrationEntry[]): {
  items: Map<number, ItemCalibration>;
  reviewers: Map<number, ReviewerCalibration>;
} {
  const byItem = new Map<number, { sum: number; n: number; low: number; high: number }>();
  for (const { itemId, score } of entries) {
    const item = byItem.get(itemId);
    if (item) {
      item.sum += score;
      item.n++;
      item.low = Math.min(item.low, score);
      item.high = Math.max(item.high, score);
    } else byItem.set(itemId, { sum: score, n: 1, low: score, high: score });
  }
  const items = new Map(
    [...byItem].map(
      ([itemId, s]) => [itemId, { itemId, n: s.n, mean: s.sum / s.n, low: s.low, high: s.high }] as const,
    ),
  );

  const sums = new Map<number, { scored: number; compared: number; sum: number }>();
  for (const { itemId, reviewerId, score } of entries) {
    const item = byItem.get(itemId)!;
    const own = sums.get(reviewerId) ?? { scored: 0, compared: 0, sum: 0 };
    own.scored++;
    if (item.n > 1) {
      own.compared++;
      own.sum += score - (item.sum - score) / (item.n - 1);
    }
    sums.set(reviewerId, own);
  }
  const reviewers = new Map(
    [...sums].map(
      ([reviewerId, s]) =>
        [
          reviewerId,
          { reviewerId, scored: s.scored, compared: s.compared, offset: s.compared ? s.sum / s.compared : null },
        ] as const,
    ),
  );
  return { items, reviewers };
}
