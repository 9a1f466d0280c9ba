// How solid a round's ranking is: for each application an interval of ranks it could plausibly
// hold, the chance it stays above each decision line, and whether one more review would help.
// Pure: no database, no I/O; the same input and seed give the same output on every instance.
//
// The ranking is by an application's mean review score (ranking.ts); rank = 1 + the number of
// applications with a strictly higher score, so tied applications share the better rank.
// Applications with no review are not ranked and count for no one else's rank.
//
// The method is a residual bootstrap over reviews. Resampling an application's own reviews would
// give an application with one review the same score in every sample, hence a zero-width interval,
// the least honest answer for the least reviewed. Instead every review's departure from its
// application's mean is put in one shared pool (from applications with two reviews or more,
// scaled by √(n/(n−1)) because departures from a mean of n are smaller than departures from the
// true score), and in each sample an application with n reviews gets its observed mean plus the
// mean of n departures drawn from the pool with replacement. So reviewers' disagreement across the
// round stands for what a review of this application could have said; an application with fewer
// reviews moves more. The pool assumes every application is as hard to agree on as the average
// one, and resampled scores are not clamped to the scale. When no application has two reviews the
// pool is empty, nothing can be said about disagreement, and every interval is its point rank.
//
// The interval is the central `confidence` share of an application's sampled ranks: with S samples
// and k = ⌊S·(1 − confidence)/2⌋, the (k+1)-th smallest and the (k+1)-th largest. A decision line
// L (a rank position: rank ≤ L is above it) runs through the interval when low ≤ L < high: the
// application is then fragile. Its gain, how much one more review would help settle it, is
// min(p, 1 − p) for the most uncertain line through its interval (p: the share of samples above
// it), divided by n + 1, since each added review moves a mean of n reviews less.
//
// At national scale (10,000 applications × 3 reviews, 400 samples) the ranks are kept as one
// Int32Array, application by application (16 MB); each sample sorts a copy of the scores once and
// finds each rank by binary search. The async form yields to the event loop between samples.
import { setImmediate as nextTurn } from 'node:timers/promises';

export interface ApplicationScores {
  applicationId: number;
  /** The scores of its submitted reviews, one per reviewer, on the cycle's scale. */
  scores: readonly number[];
}

export interface RankIntervalOptions {
  /** Rank positions of the decision lines, e.g. [gold, gold + silver]: rank ≤ line is above it. */
  lines: readonly number[];
  samples?: number;
  seed?: number;
  /** The share of sampled ranks the interval holds. */
  confidence?: number;
}

export interface RankedInterval {
  applicationId: number;
  reviews: number;
  /** From the observed means. */
  rank: number;
  low: number;
  high: number;
  /** For each line, the share of samples in which the application's rank ≤ that line. */
  pAbove: number[];
  /** Some line runs through the interval: low ≤ line < high. */
  fragile: boolean;
  /** How much one more review would help settle it; 0 when not fragile. */
  gain: number;
}

export interface UnrankedInterval {
  applicationId: number;
  reviews: 0;
  rank: null;
  low: null;
  high: null;
  pAbove: null;
  fragile: false;
  gain: 0;
}

export type RankInterval = RankedInterval | UnrankedInterval;

export const DEFAULT_SAMPLES = 400;
export const DEFAULT_SEED = 0x1a5e1;
export const DEFAULT_CONFIDENCE = 0.95;
/**
 * By default the async form yields after about this many resampled application scores: one sample
 * at 10,000 applications, a few milliseconds warm (a first, cold sample takes 15–30 ms).
 */
const WORK_BETWEEN_YIELDS = 10_000;
/** Applications summarized between two yields. */
const SUMMARY_CHUNK = 256;
/** ⌊S·α⌋ when S·α falls a hair under an integer in floating point ((1 − 0.9)/2 × 400 = 19.999…). */
const FLOOR_EPSILON = 1e-9;

/** mulberry32: a 32-bit seeded generator, uniform in [0, 1); plenty for resampling. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The index of the first element greater than `value` in an ascending array. */
function upperBound(sorted: Float64Array | Int32Array, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Sorts values[from, to) ascending in place: a few reviews each, so by insertion. */
function sortSlice(values: Float64Array, from: number, to: number) {
  for (let i = from + 1; i < to; i++) {
    const value = values[i]!;
    let j = i - 1;
    for (; j >= from && values[j]! > value; j--) values[j + 1] = values[j]!;
    values[j + 1] = value;
  }
}

function checkOptions(apps: readonly ApplicationScores[], options: RankIntervalOptions) {
  const { lines, samples = DEFAULT_SAMPLES, seed = DEFAULT_SEED, confidence = DEFAULT_CONFIDENCE } = options;
  if (!Number.isInteger(samples) || samples < 1) throw new RangeError(`samples must be a positive integer: ${samples}`);
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer: ${seed}`);
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be between 0 and 1: ${confidence}`);
  for (const line of lines) if (!Number.isFinite(line)) throw new RangeError(`a line must be a number: ${line}`);
  const seen = new Set<number>();
  for (const { applicationId, scores } of apps) {
    if (seen.has(applicationId)) throw new RangeError(`application ${applicationId} is listed twice`);
    seen.add(applicationId);
    for (const s of scores)
      if (!Number.isFinite(s)) throw new RangeError(`application ${applicationId} has a score that is not a number`);
  }
  return { lines, samples, seed, confidence };
}

/**
 * The work, cut where the async form may yield. Applications are taken in order of id and their
 * scores in ascending order, so the draws, hence the output, do not depend on the input's order.
 */
function* intervalSteps(
  apps: readonly ApplicationScores[],
  options: RankIntervalOptions,
  yieldEvery: number,
): Generator<void, RankInterval[]> {
  const { lines, samples, seed, confidence } = checkOptions(apps, options);
  const order = apps
    .map((app, index) => ({ app, index }))
    .filter(({ app }) => app.scores.length > 0)
    .sort((a, b) => a.app.applicationId - b.app.applicationId);
  const n = order.length;
  // Every application's scores, ascending, one after another: the mean is summed in that order.
  const counts = new Int32Array(n);
  const starts = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    counts[i] = order[i]!.app.scores.length;
    starts[i + 1] = starts[i]! + counts[i]!;
  }
  const flat = new Float64Array(starts[n]!);
  for (let i = 0; i < n; i++) {
    flat.set(order[i]!.app.scores, starts[i]!);
    sortSlice(flat, starts[i]!, starts[i + 1]!);
  }
  yield;

  const means = new Float64Array(n);
  let pooled = 0;
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let at = starts[i]!; at < starts[i + 1]!; at++) sum += flat[at]!;
    means[i] = sum / counts[i]!;
    if (counts[i]! >= 2) pooled += counts[i]!;
  }
  const pool = new Float64Array(pooled);
  for (let i = 0, to = 0; i < n; i++) {
    const count = counts[i]!;
    if (count < 2) continue;
    const inflate = Math.sqrt(count / (count - 1));
    for (let at = starts[i]!; at < starts[i + 1]!; at++) pool[to++] = (flat[at]! - means[i]!) * inflate;
  }

  const sorted = new Float64Array(n);
  const rankAmong = (values: Float64Array, into: Int32Array, stride: number, offset: number) => {
    sorted.set(values);
    sorted.sort();
    for (let i = 0; i < n; i++) into[i * stride + offset] = 1 + n - upperBound(sorted, values[i]!);
  };
  const pointRanks = new Int32Array(n);
  rankAmong(means, pointRanks, 1, 0);
  yield;

  // ranks[i·S + s]: application i's rank in sample s. Without a pool every sample is the means.
  const S = pooled > 0 ? samples : 1;
  const ranks = new Int32Array(n * S);
  yield;
  if (pooled === 0) ranks.set(pointRanks);
  else {
    const random = mulberry32(seed);
    const values = new Float64Array(n);
    for (let s = 0; s < S; s++) {
      for (let i = 0; i < n; i++) {
        const count = counts[i]!;
        let sum = 0;
        for (let j = 0; j < count; j++) sum += pool[Math.floor(random() * pooled)]!;
        values[i] = means[i]! + sum / count;
      }
      rankAmong(values, ranks, S, s);
      if ((s + 1) % yieldEvery === 0 && s + 1 < S) yield;
    }
  }

  const k = Math.floor((S * (1 - confidence)) / 2 + FLOOR_EPSILON);
  const results: RankInterval[] = new Array(apps.length);
  for (let i = 0; i < n; i++) {
    if (i > 0 && i % SUMMARY_CHUNK === 0) yield;
    const mine = ranks.subarray(i * S, (i + 1) * S).sort();
    const low = mine[k]!;
    const high = mine[S - 1 - k]!;
    const pAbove = lines.map((line) => upperBound(mine, line) / S);
    // A line through the interval has samples on both sides of it, so its uncertainty is > 0.
    let fragile = false;
    let uncertainty = 0;
    lines.forEach((line, l) => {
      if (low > line || line >= high) return;
      fragile = true;
      uncertainty = Math.max(uncertainty, Math.min(pAbove[l]!, 1 - pAbove[l]!));
    });
    const { app, index } = order[i]!;
    results[index] = {
      applicationId: app.applicationId,
      reviews: counts[i]!,
      rank: pointRanks[i]!,
      low,
      high,
      pAbove,
      fragile,
      gain: uncertainty / (counts[i]! + 1),
    };
  }
  apps.forEach((app, index) => {
    if (app.scores.length > 0) return;
    results[index] = {
      applicationId: app.applicationId,
      reviews: 0,
      rank: null,
      low: null,
      high: null,
      pAbove: null,
      fragile: false,
      gain: 0,
    };
  });
  return results;
}

/** The rank intervals of `apps`, in their order, computed in one go (it blocks: tests, scripts). */
export function rankIntervalsSync(apps: readonly ApplicationScores[], options: RankIntervalOptions): RankInterval[] {
  const steps = intervalSteps(apps, options, Number.MAX_SAFE_INTEGER);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * The rank intervals of `apps`, in their order, letting the event loop run every `yieldEvery`
 * samples (by default as many as make about 10,000 application scores) and between the steps
 * around them; the same result as rankIntervalsSync.
 */
export async function rankIntervals(
  apps: readonly ApplicationScores[],
  options: RankIntervalOptions,
  {
    yieldEvery = Math.max(1, Math.floor(WORK_BETWEEN_YIELDS / Math.max(1, apps.length))),
  }: { yieldEvery?: number } = {},
): Promise<RankInterval[]> {
  if (!Number.isInteger(yieldEvery) || yieldEvery < 1)
    throw new RangeError(`yieldEvery must be a positive integer: ${yieldEvery}`);
  const steps = intervalSteps(apps, options, yieldEvery);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await nextTurn();
  }
}

/** The fragile applications where one more review would help most, by gain then id. */
export function suggestMoreReviews(results: readonly RankInterval[], limit: number): RankedInterval[] {
  return results
    .filter((r): r is RankedInterval => r.fragile)
    .sort((a, b) => b.gain - a.gain || a.applicationId - b.applicationId)
    .slice(0, Math.max(0, limit));
}
