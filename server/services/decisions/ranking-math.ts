// The scoring arithmetic of a review round, pure: a review's weighted score, each reviewer's
// mean and spread, z-scores, the normalized score, the spread and the disagreement flag. The
// vocabulary is stated in ranking.ts and on the ranking page.
import type { Scale } from '../../../models/schema.js';
import type { CalibrationPrior } from '../review/calibration-math.js';

export type { CalibrationPrior };

export interface ReviewerStats {
  n: number;
  mean: number;
  sd: number;
}

/** Below this a standard deviation is rounding noise of equal scores, not a real spread. */
const SD_EPSILON = 1e-12;
/** Spreads are differences of fractions; 1.5000000000000002 is not "more than 1.5". */
const FLAG_EPSILON = 1e-9;

export function mean(values: readonly number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

/** The weighted mean of the criteria scored; null when none was. */
export function reviewScore(items: ReadonlyArray<{ score: number | null; weight: number }>): number | null {
  let total = 0;
  let weights = 0;
  for (const { score, weight } of items) {
    if (score === null) continue;
    total += score * weight;
    weights += weight;
  }
  return weights > 0 ? total / weights : null;
}

/** n, mean and population standard deviation (two passes, so equal scores give exactly 0). */
export function reviewerStats(scores: readonly number[]): ReviewerStats {
  if (scores.length === 0) return { n: 0, mean: 0, sd: 0 };
  const m = mean(scores);
  const sd = Math.sqrt(mean(scores.map((s) => (s - m) ** 2)));
  return { n: scores.length, mean: m, sd: sd < SD_EPSILON * (1 + Math.abs(m)) ? 0 : sd };
}

export function zScore(score: number, stats: ReviewerStats): number {
  return stats.n < 2 || stats.sd === 0 ? 0 : (score - stats.mean) / stats.sd;
}

/**
 * Each reviewer's stats: their own (`own`), and those their z-scores are taken against
 * (`normalizing`): their own again, or with their calibration as a prior when `priors` has one.
 */
export function normalizingStats(
  byReviewer: ReadonlyMap<number, readonly number[]>,
  priors?: ReadonlyMap<number, CalibrationPrior>,
) {
  const own = new Map([...byReviewer].map(([id, scores]) => [id, reviewerStats(scores)] as const));
  if (!priors || priors.size === 0) return { own, normalizing: own };
  const all = [...byReviewer.values()].flat();
  const round = reviewerStats(all);
  const roundFacts = { mean: all.length > 0 ? round.mean : null, sd: round.sd };
  const normalizing = new Map([...own].map(([id, s]) => [id, calibratedStats(s, priors.get(id), roundFacts)] as const));
  return { own, normalizing };
}

/**
 * Each review's z-score within its reviewer's reviews (with their calibration, when `priors` has
 * it); `z[i]` belongs to `reviews[i]`.
 */
export function zScores(
  reviews: ReadonlyArray<{ reviewerId: number; score: number }>,
  priors?: ReadonlyMap<number, CalibrationPrior>,
) {
  const byReviewer = new Map<number, number[]>();
  for (const r of reviews) {
    const list = byReviewer.get(r.reviewerId);
    if (list) list.push(r.score);
    else byReviewer.set(r.reviewerId, [r.score]);
  }
  const { own, normalizing } = normalizingStats(byReviewer, priors);
  return { z: reviews.map((r) => zScore(r.score, normalizing.get(r.reviewerId)!)), reviewers: own, normalizing };
}

/**
 * A reviewer's stats with their calibration as prior information. Without calibration a
 * reviewer's mean is the mean of their own reviews, which says as much about the applications
 * they happened to read as about how harsh they are. With it, the reviewer is taken as if they
 * had also written `weight` pseudo-reviews (one per example compared) centred on the round's mean
 * plus their calibration offset, spread like the round's reviews:
 *   prior = round mean + offset
 *   mean  = (n × own mean + weight × prior) / (n + weight)
 *   sd²   = (n × (own sd² + (own mean − mean)²) + weight × (round sd² + (prior − mean)²)) / (n + weight)
 * the mean and variance of the two together. So a few reviews lean on the calibration and many
 * outweigh it; two close reviews cannot make a tiny spread that throws their z-scores to the
 * ends of the scale; and a reviewer with a single review, whose z-score is otherwise 0, is
 * normalized too. No prior, no review of their own, or a round with no scored review: their own
 * stats, unchanged.
 */
export function calibratedStats(
  own: ReviewerStats,
  prior: CalibrationPrior | undefined,
  round: { mean: number | null; sd: number },
): ReviewerStats {
  if (!prior || prior.weight <= 0 || round.mean === null || own.n === 0) return own;
  const n = own.n + prior.weight;
  const centre = round.mean + prior.offset;
  const mean = (own.n * own.mean + prior.weight * centre) / n;
  const variance =
    (own.n * (own.sd ** 2 + (own.mean - mean) ** 2) + prior.weight * (round.sd ** 2 + (centre - mean) ** 2)) / n;
  const sd = Math.sqrt(variance);
  return { n, mean, sd: sd < SD_EPSILON * (1 + Math.abs(mean)) ? 0 : sd };
}

/** A mean z put on the cycle's scale: midpoint + z × range/4, clamped. */
export function normalize(meanZ: number, { scoreMin, scoreMax }: Scale): number {
  const value = (scoreMin + scoreMax) / 2 + (meanZ * (scoreMax - scoreMin)) / 4;
  return Math.min(scoreMax, Math.max(scoreMin, value));
}

export function spread(scores: readonly number[]): number | null {
  return scores.length === 0 ? null : Math.max(...scores) - Math.min(...scores);
}

/** Whether reviewers diverge beyond the threshold. */
export function isFlagged(scoreSpread: number | null, threshold: number): boolean {
  return scoreSpread !== null && scoreSpread > threshold + FLAG_EPSILON;
}

export const round4 = (value: number | null) => (value === null ? null : Math.round(value * 1e4) / 1e4);
