// Ranking a review round. Only SUBMITTED reviews count. The vocabulary, as the page states it:
// - a review's score is the weighted mean of the criterion scores it gave (criteria.weight);
// - an application's weighted mean is the plain mean of its reviews' scores;
// - a reviewer's z-score for an application is (their review score − that reviewer's mean over all
//   their submitted reviews in the round) / that reviewer's population standard deviation; it is
//   0 when the reviewer scored only one application or gave every application the same score;
// - the normalized score is the mean z of the application's reviews put back on the cycle's
//   scale as midpoint + z × (range / 4), clamped to the scale (1–5: 3 + z; z = ±2 at the ends);
// - the spread is the highest review score minus the lowest;
// - reviewers disagree (the flag) when the spread exceeds the cycle's disagreement threshold.
import { and, count, eq, sql, type SQL } from 'drizzle-orm';
import {
  applications,
  assignments,
  criteria,
  reviewScores,
  roundApplications,
  schools,
  users,
  type ApplicationStatus,
  type Recommendation,
  type SchoolLevel,
  type Scale,
} from '../../../models/schema.js';
import type { Database } from '../../db/client.js';
import { findRoundWithCycle, nextRound } from '../review/rounds.js';
import { histogram } from './charts.js';

export interface ReviewerStats {
  n: number;
  mean: number;
  sd: number;
}

/** Below this a standard deviation is rounding noise of equal scores, not a real spread. */
const SD_EPSILON = 1e-12;
/** Spreads are differences of fractions; 1.5000000000000002 is not "more than 1.5". */
const FLAG_EPSILON = 1e-9;

function mean(values: readonly number[]): number {
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

export const RANK_SORTS = ['mean', 'normalized', 'spread', 'reviews', 'name'] as const;
export type RankSort = (typeof RANK_SORTS)[number];
export interface RankFilters {
  state?: string;
  level?: SchoolLevel;
  status?: ApplicationStatus;
  flagged?: boolean;
}
export interface RankOptions {
  sort?: RankSort;
  dir?: 'asc' | 'desc';
  filters?: RankFilters;
}

export interface RankedApplication {
  applicationId: number;
  schoolName: string;
  city: string;
  state: string;
  level: SchoolLevel;
  status: ApplicationStatus;
  /** Submitted reviews; expected: the reviewers assigned, or the round's k when fewer are. */
  reviewsIn: number;
  reviewsExpected: number;
  mean: number | null;
  normalized: number | null;
  spread: number | null;
  flagged: boolean;
  gold: number;
  silver: number;
  notRecommended: number;
}

/** Submitted reviews of a round, each scored in SQL so the criterion rows never reach Node. */
async function submittedReviews(db: Database, roundId: number) {
  const rows = await db
    .select({
      applicationId: assignments.applicationId,
      reviewerId: assignments.reviewerId,
      recommendation: assignments.recommendation,
      score: sql<number | string | null>`(sum(${reviewScores.score} * ${criteria.weight})
        / nullif(sum(${criteria.weight}) filter (where ${reviewScores.score} is not null), 0))::float8`,
    })
    .from(assignments)
    .leftJoin(reviewScores, eq(reviewScores.assignmentId, assignments.id))
    .leftJoin(criteria, eq(criteria.id, reviewScores.criterionId))
    .where(and(eq(assignments.roundId, roundId), eq(assignments.status, 'submitted')))
    .groupBy(assignments.id);
  for (const r of rows) if (r.score !== null) r.score = Number(r.score);
  return rows as Array<(typeof rows)[number] & { score: number | null }>;
}

const collator = new Intl.Collator('en', { sensitivity: 'base', numeric: true });
const SORT_KEYS: Record<RankSort, (row: RankedApplication) => number | null> = {
  mean: (r) => r.mean,
  normalized: (r) => r.normalized,
  spread: (r) => r.spread,
  reviews: (r) => r.reviewsIn,
  name: () => 0,
};

/** Rows without a value last either way, ties by school name then number (names ranked once). */
export function sortRanking(rows: RankedApplication[], sort: RankSort, dir: 'asc' | 'desc'): RankedApplication[] {
  const byName = [...rows].sort(
    (a, b) => collator.compare(a.schoolName, b.schoolName) || a.applicationId - b.applicationId,
  );
  const nameRank = new Map(byName.map((r, i) => [r, i]));
  const key = SORT_KEYS[sort];
  const sign = dir === 'asc' ? 1 : -1;
  const decorated = rows.map((row) => ({ row, key: key(row), name: nameRank.get(row)! }));
  decorated.sort((a, b) => {
    if (a.key !== b.key) {
      if (a.key === null) return 1;
      if (b.key === null) return -1;
      return sign * (a.key - b.key);
    }
    return sort === 'name' ? sign * (a.name - b.name) : a.name - b.name;
  });
  return decorated.map((d) => d.row);
}

/**
 * The round's ranking in five queries whatever its size: the round, its applications (filtered in
 * SQL), its submitted reviews scored in SQL, the reviewers' names, the next round.
 */
export async function rankRound(
  db: Database,
  roundId: number,
  { sort = 'mean', dir = 'desc', filters = {} }: RankOptions = {},
) {
  const { round, cycle } = await findRoundWithCycle(db, roundId);
  const scale = { scoreMin: cycle.scoreMin, scoreMax: cycle.scoreMax };
  const assigned = db
    .select({ applicationId: assignments.applicationId, n: count().as('n') })
    .from(assignments)
    .where(eq(assignments.roundId, roundId))
    .groupBy(assignments.applicationId)
    .as('assigned');
  const where: SQL[] = [eq(roundApplications.roundId, roundId)];
  if (filters.state) where.push(eq(schools.state, filters.state));
  if (filters.level) where.push(eq(schools.level, filters.level));
  if (filters.status) where.push(eq(applications.status, filters.status));
  const [apps, reviews, reviewerNames, next] = await Promise.all([
    db
      .select({
        applicationId: applications.id,
        status: applications.status,
        schoolName: schools.name,
        city: schools.city,
        state: schools.state,
        level: schools.level,
        assigned: sql<number>`coalesce(${assigned.n}, 0)::int`,
      })
      .from(roundApplications)
      .innerJoin(applications, eq(applications.id, roundApplications.applicationId))
      .innerJoin(schools, eq(schools.id, applications.schoolId))
      .leftJoin(assigned, eq(assigned.applicationId, applications.id))
      .where(and(...where)),
    submittedReviews(db, roundId),
    db
      .selectDistinct({ id: users.id, name: users.name })
      .from(users)
      .innerJoin(assignments, eq(assignments.reviewerId, users.id))
      .where(and(eq(assignments.roundId, roundId), eq(assignments.status, 'submitted'))),
    nextRound(db, round),
  ]);

  const scored = reviews.filter((r): r is typeof r & { score: number } => r.score !== null);
  const { z, reviewers: stats } = zScores(scored);
  const byApplication = new Map<
    number,
    { scores: number[]; z: number[]; n: number } & Record<Recommendation, number>
  >();
  const entry = (id: number) =>
    byApplication.get(id) ??
    byApplication.set(id, { scores: [], z: [], n: 0, gold: 0, silver: 0, not_recommended: 0 }).get(id)!;
  for (const r of reviews) {
    const e = entry(r.applicationId);
    e.n++;
    if (r.recommendation) e[r.recommendation]++;
  }
  scored.forEach((r, i) => {
    const e = entry(r.applicationId);
    e.scores.push(r.score);
    e.z.push(z[i]!);
  });

  // Fields named one by one: spreading 10,000 driver rows costs more than all the arithmetic.
  const all: RankedApplication[] = apps.map((a) => {
    const e = byApplication.get(a.applicationId);
    const appSpread = e ? spread(e.scores) : null;
    return {
      applicationId: a.applicationId,
      schoolName: a.schoolName,
      city: a.city,
      state: a.state,
      level: a.level,
      status: a.status,
      reviewsIn: e?.n ?? 0,
      reviewsExpected: Math.max(Number(a.assigned), round.reviewersPerApplication),
      mean: e?.scores.length ? mean(e.scores) : null,
      normalized: e?.z.length ? normalize(mean(e.z), scale) : null,
      spread: appSpread,
      flagged: isFlagged(appSpread, cycle.disagreementThreshold),
      gold: e?.gold ?? 0,
      silver: e?.silver ?? 0,
      notRecommended: e?.not_recommended ?? 0,
    };
  });
  const rows = sortRanking(
    filters.flagged === undefined ? all : all.filter((r) => r.flagged === filters.flagged),
    sort,
    dir,
  );
  const names = new Map(reviewerNames.map((u) => [u.id, u.name]));
  const reviewers = [...stats]
    .map(([reviewerId, s]) => ({ reviewerId, name: names.get(reviewerId) ?? `Reviewer ${reviewerId}`, ...s }))
    .sort((a, b) => a.mean - b.mean || collator.compare(a.name, b.name));
  return {
    round,
    cycle,
    nextRound: next,
    rows,
    reviewers,
    roundMean: scored.length ? mean(scored.map((r) => r.score)) : null,
    reviewCount: reviews.length,
    histogram: histogram(
      rows.flatMap((r) => (r.mean === null ? [] : [r.mean])),
      scale,
    ),
  };
}
export type Ranking = Awaited<ReturnType<typeof rankRound>>;

export const round4 = (value: number | null) => (value === null ? null : Math.round(value * 1e4) / 1e4);
