// Ranking a review round. Only SUBMITTED reviews count. The vocabulary, as the page states it:
// - a review's score is the weighted mean of the criterion scores it gave (criteria.weight);
// - an application's weighted mean is the plain mean of its reviews' scores;
// - a reviewer's z-score for an application is (their review score − that reviewer's mean over all
//   their submitted reviews in the round) / that reviewer's population standard deviation; it is
//   0 when the reviewer scored only one application or gave every application the same score;
// - the normalized score is the mean z of the application's reviews put back on the cycle's
//   scale as midpoint + z × (range / 4), clamped to the scale (1–5: 3 + z; z = ±2 at the ends);
// - when the cycle has a calibration set, a reviewer's mean and standard deviation take their
//   calibration into account (calibratedStats in ranking-math.ts);
// - the spread is the highest review score minus the lowest;
// - reviewers disagree (the flag) when the spread exceeds the cycle's disagreement threshold.
import { SOURCE_LANGUAGE } from '../../i18n/languages.js';
import { t } from '../../i18n/translate.js';
import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import {
  applications,
  roundApplications,
  schools,
  users,
  type ApplicationStatus,
  type SchoolLevel,
} from '../../../models/schema.js';
import { jsonList, type Database } from '../../db/client.js';
import { findRoundWithCycle, nextRound } from '../review/rounds.js';
import { histogram } from './charts.js';
import { isFlagged, normalize } from './ranking-math.js';
import { roundReviews } from './round-reviews.js';

export {
  isFlagged,
  normalize,
  reviewerStats,
  reviewScore,
  round4,
  spread,
  zScore,
  zScores,
  type ReviewerStats,
} from './ranking-math.js';

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
  /** The language a reviewer's placeholder name is written in (one whose account is gone). */
  language?: string;
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

type ApplicationRow = [number, ApplicationStatus, string, string, string, SchoolLevel];

/**
 * The round's applications (filtered in SQL) with their schools, as one JSON value: on PGlite
 * that is a third of the time of the same rows one by one.
 */
async function roundApplicationRows(db: Database, roundId: number, filters: RankFilters) {
  const where: SQL[] = [eq(roundApplications.roundId, roundId)];
  if (filters.state) where.push(eq(schools.state, filters.state));
  if (filters.level) where.push(eq(schools.level, filters.level));
  if (filters.status) where.push(eq(applications.status, filters.status));
  const [row] = await db
    .select({
      list: sql<unknown>`json_agg(json_build_array(${applications.id}, ${applications.status},
        ${schools.name}, ${schools.city}, ${schools.state}, ${schools.level}))`,
    })
    .from(roundApplications)
    .innerJoin(applications, eq(applications.id, roundApplications.applicationId))
    .innerJoin(schools, eq(schools.id, applications.schoolId))
    .where(and(...where));
  return jsonList<ApplicationRow>(row!.list);
}

async function namesOf(db: Database, userIds: number[]): Promise<Map<number, string>> {
  if (userIds.length === 0) return new Map();
  const rows = await db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, userIds));
  return new Map(rows.map((u) => [u.id, u.name]));
}

/**
 * The round's ranking. The part drawn from its reviews is kept between views and checked
 * against the database on each (round-reviews.ts); the applications, schools, reviewers' names
 * and the cycle's scale and threshold are read on every view.
 */
export async function rankRound(
  db: Database,
  roundId: number,
  { sort = 'mean', dir = 'desc', filters = {}, language = SOURCE_LANGUAGE }: RankOptions = {},
) {
  const { round, cycle } = await findRoundWithCycle(db, roundId);
  const scale = { scoreMin: cycle.scoreMin, scoreMax: cycle.scoreMax };
  const reviews = await roundReviews(db, roundId);
  const [apps, names, next] = await Promise.all([
    roundApplicationRows(db, roundId, filters),
    namesOf(db, [...reviews.reviewers.keys()]),
    nextRound(db, round),
  ]);

  const all: RankedApplication[] = apps.map(([applicationId, status, schoolName, city, state, level]) => {
    const e = reviews.byApplication.get(applicationId);
    return {
      applicationId,
      schoolName,
      city,
      state,
      level,
      status,
      reviewsIn: e?.n ?? 0,
      reviewsExpected: Math.max(e?.assigned ?? 0, round.reviewersPerApplication),
      mean: e?.mean ?? null,
      normalized: e && e.meanZ !== null ? normalize(e.meanZ, scale) : null,
      spread: e?.spread ?? null,
      flagged: isFlagged(e?.spread ?? null, cycle.disagreementThreshold),
      gold: e?.gold ?? 0,
      silver: e?.silver ?? 0,
      notRecommended: e?.notRecommended ?? 0,
    };
  });
  const rows = sortRanking(
    filters.flagged === undefined ? all : all.filter((r) => r.flagged === filters.flagged),
    sort,
    dir,
  );
  const reviewers = [...reviews.reviewers]
    .map(([reviewerId, s]) => ({
      reviewerId,
      name: names.get(reviewerId) ?? t(language, 'decisions.ranking.reviewerNumber', { id: String(reviewerId) }),
      ...s,
      /** Their calibration offset and the examples it rests on, when normalization uses it. */
      calibration: reviews.priors.get(reviewerId),
    }))
    .sort((a, b) => a.mean - b.mean || collator.compare(a.name, b.name));
  return {
    round,
    cycle,
    nextRound: next,
    rows,
    reviewers,
    roundMean: reviews.roundMean,
    reviewCount: reviews.reviewCount,
    histogram: histogram(
      rows.flatMap((r) => (r.mean === null ? [] : [r.mean])),
      scale,
    ),
  };
}
export type Ranking = Awaited<ReturnType<typeof rankRound>>;
