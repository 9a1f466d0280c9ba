// The scoring arithmetic of a review round, pure: a review's weighted score, each reviewer's
// mean and spread, z-scores, the normalized score, the spread and the disagreement flag. The
// vocabulary is stated in ranking.ts and on the ranking page.
import type { Scale } from '../../../models/schema.js';

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

/** Each review's z-score within its reviewer's reviews; `z[i]` belongs to `reviews[i]`. */
export function zScores(reviews: ReadonlyArray<{ reviewerId: number; score: number }>) {
  const byReviewer = new Map<number, number[]>();
  for (const r of reviews) {
    const list = byReviewer.get(r.reviewerId);
    if (list) list.push(r.score);
    else byReviewer.set(r.reviewerId, [r.score]);
  }
  const reviewers = new Map([...byReviewer].map(([id, scores]) => [id, reviewerStats(scores)] as const));
  return { z: reviews.map((r) => zScore(r.score, reviewers.get(r.reviewerId)!)), reviewers };
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
