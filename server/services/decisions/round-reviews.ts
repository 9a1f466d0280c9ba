// The reviews of a round, summarized for its ranking: per application its submitted reviews'
// scores, z-scores and recommendations and how many reviewers it has; per reviewer their mean and
// spread. Scoring every review of a national round (30,000 reviews, 180,000 criterion scores)
// takes a few hundred milliseconds on PGlite, so the summary is kept in this process, per
// database and round, and checked on every use against a fingerprint read from the database:
// - the round's assignments: how many, and a sum of hashes of (id, version), again over the
//   submitted ones only;
// - the weights of the cycle's criteria;
// - the calibration scores of the round's cycle (a prior of the z-scores: ranking-math.ts).
// Every change to a review goes through saveReview, which bumps the assignment's version in the
// transaction that writes its scores; assignments are only ever added or deleted otherwise. So a
// review submitted, edited, reopened or withdrawn, an assignment added or removed, or a criterion
// reweighted changes the fingerprint, whichever instance of the app made the change, and the next
// view recomputes. Recomputing scores again only the reviews whose version moved (all of them
// when a weight changed); the z-scores, which depend on every review of a reviewer, are redone
// in memory. Schools, application statuses and the cycle's scale are not cached: the ranking
// reads them on every view.
import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import {
  assignments,
  calibrationItems,
  calibrationScores,
  criteria,
  reviewRounds,
  reviewScores,
  type AssignmentStatus,
  type Recommendation,
} from '../../../models/schema.js';
import { jsonList, rowsOf, type Database } from '../../db/client.js';
import { calibrationPriorsOfRound } from '../review/calibration-report.js';
import { normalizingStats, zScore, type CalibrationPrior, type ReviewerStats } from './ranking-math.js';

export interface ApplicationReviews {
  /** Reviewers assigned, whatever the state of their review. */
  assigned: number;
  /** Submitted reviews, scored or not. */
  n: number;
  /** Over the scored ones: the mean score, the mean z-score, the highest minus the lowest. */
  mean: number | null;
  meanZ: number | null;
  spread: number | null;
  /** The scores of the scored reviews, for how solid the ranking is (rank-intervals.ts). */
  scores: number[];
  gold: number;
  silver: number;
  notRecommended: number;
}

export interface RoundReviews {
  /** Every application with at least one assignment in the round. */
  byApplication: ReadonlyMap<number, ApplicationReviews>;
  reviewers: ReadonlyMap<number, ReviewerStats>;
  /** The calibration of the cycle's reviewers, by reviewer: a prior for their z-scores. */
  priors: ReadonlyMap<number, CalibrationPrior>;
  /** The mean of every scored review of the round. */
  roundMean: number | null;
  /** Submitted reviews. */
  reviewCount: number;
}

/** The round's assignments, one array per column, grouped by application. */
interface Listed {
  id: number[];
  version: number[];
  applicationId: number[];
  reviewerId: number[];
  status: AssignmentStatus[];
  recommendation: Array<Recommendation | null>;
}
/** The weighted score of a submitted review at one version (null: no criterion scored). */
interface Scored {
  version: number;
  score: number | null;
}

interface CachedRound {
  fingerprint: string;
  weights: string;
  /** By assignment id; entries of assignments gone since are never read again. */
  scored: Map<number, Scored>;
  summary: RoundReviews;
}

/** Rounds remembered per database, the least recently used forgotten first. */
const ROUNDS_KEPT = 16;
/** Fewer reviews than this to score again are read by id; more, by round. */
const SCORE_BY_ID_LIMIT = 500;
const cached = new WeakMap<Database, Map<number, CachedRound>>();

/** One row whatever the round's size: the fingerprint of its reviews and the criterion weights. */
async function readFingerprint(db: Database, roundId: number) {
  const [row] = rowsOf<{ fingerprint: string; weights: string | null; calibration: string }>(
    await db.execute(sql`
      select concat_ws('|', count(*),
          coalesce(sum(hashint8extended(${assignments.id}, ${assignments.version})), 0),
          count(*) filter (where ${assignments.status} = 'submitted'),
          coalesce(sum(hashint8extended(${assignments.id}, ${assignments.version}))
            filter (where ${assignments.status} = 'submitted'), 0)) as fingerprint,
        (select string_agg(${criteria.id} || ':' || ${criteria.weight}, ',' order by ${criteria.id})
          from ${criteria} join ${reviewRounds} on ${reviewRounds.cycleId} = ${criteria.cycleId}
          where ${reviewRounds.id} = ${roundId}) as weights,
        (select concat_ws(':', count(*), coalesce(sum(hashint8extended(
            ${calibrationScores.itemId} * 1000003 + ${calibrationScores.reviewerId}, ${calibrationScores.score})), 0))
          from ${calibrationScores}
          join ${calibrationItems} on ${calibrationItems.id} = ${calibrationScores.itemId}
          join ${reviewRounds} on ${reviewRounds.cycleId} = ${calibrationItems.cycleId}
          where ${reviewRounds.id} = ${roundId}) as calibration
      from ${assignments} where ${assignments.roundId} = ${roundId}`),
  );
  return { fingerprint: `${row!.fingerprint}|${row!.calibration}`, weights: row!.weights ?? '' };
}

/**
 * Every assignment of the round, grouped by application, as one JSON value of one array per
 * column: on PGlite that is a fraction of the time of the same rows one by one, and arrays, not
 * objects: at 30,000 reviews the objects alone would cost more than the arithmetic.
 */
async function readAssignments(db: Database, roundId: number): Promise<Listed> {
  const column = (value: SQL) => sql`array_agg(${value} order by ${assignments.applicationId}, ${assignments.id})`;
  const [row] = await db
    .select({
      columns: sql<unknown>`json_build_array(${sql.join(
        [
          assignments.id,
          assignments.version,
          assignments.applicationId,
          assignments.reviewerId,
          assignments.status,
          assignments.recommendation,
        ].map((c) => column(sql`${c}`)),
        sql`, `,
      )})`,
    })
    .from(assignments)
    .where(eq(assignments.roundId, roundId));
  const [id = [], version = [], applicationId = [], reviewerId = [], status = [], recommendation = []] = jsonList<
    unknown[] | null
  >(row!.columns).map((c) => c ?? []);
  return {
    id: id as number[],
    version: version as number[],
    applicationId: applicationId as number[],
    reviewerId: reviewerId as number[],
    status: status as AssignmentStatus[],
    recommendation: recommendation as Array<Recommendation | null>,
  };
}

/**
 * The weighted score of submitted reviews (of `ids`, or of the whole round), with the version
 * each was read at. A review with no score row is absent: it has no score.
 */
async function readScores(db: Database, roundId: number, ids?: number[]) {
  const scored = db
    .select({
      id: assignments.id,
      version: assignments.version,
      score: sql<number | null>`(sum(${reviewScores.score} * ${criteria.weight})
        / nullif(sum(${criteria.weight}) filter (where ${reviewScores.score} is not null), 0))::float8`.as('score'),
    })
    .from(assignments)
    .innerJoin(reviewScores, eq(reviewScores.assignmentId, assignments.id))
    .innerJoin(criteria, eq(criteria.id, reviewScores.criterionId))
    .where(
      and(
        eq(assignments.roundId, roundId),
        eq(assignments.status, 'submitted'),
        ids ? inArray(assignments.id, ids) : undefined,
      ),
    )
    .groupBy(assignments.id)
    .as('scored');
  const [row] = await db
    .select({
      list: sql<unknown>`json_agg(json_build_array(${scored.id}, ${scored.version}, ${scored.score}))`,
    })
    .from(scored);
  return jsonList<[number, number, number | null]>(row!.list);
}

/**
 * The score of each listed assignment (undefined when not submitted), scoring again only the
 * submitted reviews whose version is not in `scored`; `scored` is brought up to date.
 */
async function scoresOf(db: Database, roundId: number, listed: Listed, scored: Map<number, Scored>) {
  const scores: Array<number | null | undefined> = new Array(listed.id.length);
  const missing: number[] = [];
  for (let i = 0; i < listed.id.length; i++) {
    if (listed.status[i] !== 'submitted') continue;
    const known = scored.get(listed.id[i]!);
    if (known && known.version === listed.version[i]) scores[i] = known.score;
    else missing.push(i);
  }
  if (missing.length === 0) return scores;
  const ids = missing.map((i) => listed.id[i]!);
  for (const [id, version, score] of await readScores(db, roundId, ids.length <= SCORE_BY_ID_LIMIT ? ids : undefined))
    scored.set(id, { version, score });
  // A review saved between the two reads is scored at its newer version: the fingerprint kept
  // is the older one, so the next view reads the round again.
  for (const i of missing) {
    const id = listed.id[i]!;
    if (!scored.has(id)) scored.set(id, { version: listed.version[i]!, score: null });
    scores[i] = scored.get(id)!.score;
  }
  return scores;
}

/** The summary, from the assignments grouped by application and their scores. */
function summarize(
  listed: Listed,
  scores: ReadonlyArray<number | null | undefined>,
  priors: ReadonlyMap<number, CalibrationPrior>,
): RoundReviews {
  const length = listed.id.length;
  const byReviewer = new Map<number, number[]>();
  for (let i = 0; i < length; i++) {
    const score = scores[i];
    if (typeof score !== 'number') continue;
    const reviewerId = listed.reviewerId[i]!;
    const list = byReviewer.get(reviewerId);
    if (list) list.push(score);
    else byReviewer.set(reviewerId, [score]);
  }
  const { own: reviewers, normalizing } = normalizingStats(byReviewer, priors);

  const byApplication = new Map<number, ApplicationReviews>();
  let total = 0;
  let scoredCount = 0;
  let reviewCount = 0;
  for (let start = 0; start < length;) {
    const applicationId = listed.applicationId[start]!;
    const e: ApplicationReviews = {
      assigned: 0,
      n: 0,
      mean: null,
      meanZ: null,
      spread: null,
      scores: [],
      gold: 0,
      silver: 0,
      notRecommended: 0,
    };
    let sum = 0;
    let sumZ = 0;
    let count = 0;
    let low = Infinity;
    let high = -Infinity;
    let i = start;
    for (; i < length && listed.applicationId[i] === applicationId; i++) {
      e.assigned++;
      if (listed.status[i] !== 'submitted') continue;
      const recommendation = listed.recommendation[i];
      e.n++;
      if (recommendation === 'gold') e.gold++;
      else if (recommendation === 'silver') e.silver++;
      else if (recommendation === 'not_recommended') e.notRecommended++;
      const score = scores[i];
      if (typeof score !== 'number') continue;
      count++;
      e.scores.push(score);
      sum += score;
      sumZ += zScore(score, normalizing.get(listed.reviewerId[i]!)!);
      low = Math.min(low, score);
      high = Math.max(high, score);
      total += score;
    }
    if (count > 0) [e.mean, e.meanZ, e.spread] = [sum / count, sumZ / count, high - low];
    byApplication.set(applicationId, e);
    scoredCount += count;
    reviewCount += e.n;
    start = i;
  }
  return {
    byApplication,
    reviewers,
    priors,
    roundMean: scoredCount ? total / scoredCount : null,
    reviewCount,
  };
}

/** The summary read and scored whole, remembering nothing: what roundReviews keeps. */
export async function readRoundReviews(db: Database, roundId: number): Promise<RoundReviews> {
  const listed = await readAssignments(db, roundId);
  const scores = await scoresOf(db, roundId, listed, new Map());
  return summarize(listed, scores, await calibrationPriorsOfRound(db, roundId));
}

/** The summary of the round's reviews, from memory when nothing changed since it was made. */
export async function roundReviews(db: Database, roundId: number): Promise<RoundReviews> {
  let rounds = cached.get(db);
  if (!rounds) cached.set(db, (rounds = new Map()));
  const { fingerprint, weights } = await readFingerprint(db, roundId);
  const before = rounds.get(roundId);
  let current = before;
  if (!before || before.fingerprint !== fingerprint || before.weights !== weights) {
    // The scores stay good across a change of reviews, never across a change of weights.
    const scored = before?.weights === weights ? before.scored : new Map<number, Scored>();
    const listed = await readAssignments(db, roundId);
    const scores = await scoresOf(db, roundId, listed, scored);
    const priors = await calibrationPriorsOfRound(db, roundId);
    current = { fingerprint, weights, scored, summary: summarize(listed, scores, priors) };
  }
  rounds.delete(roundId);
  rounds.set(roundId, current!);
  if (rounds.size > ROUNDS_KEPT) rounds.delete(rounds.keys().next().value!);
  return current!.summary;
}
