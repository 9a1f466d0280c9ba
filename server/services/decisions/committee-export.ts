// What the committee reads when it meets: the round's applications in the order it discusses
// them (by weighted mean, best first), each with its normalized score, possible ranks, decision
// and every submitted review: scores, comments, and the reviewer's confidential note, marked as
// such. The same entries make the CSV and the printable report. Admins only.
//
// Applications are read in ranking order a batch at a time (three queries a batch), so a
// national round (10,000 applications, 30,000 reviews) streams out in flat memory.
import { and, asc, eq, inArray } from 'drizzle-orm';
import {
  assignments,
  criteria,
  decisions,
  reviewScores,
  users,
  type DecisionLevel,
  type Recommendation,
} from '../../../models/schema.js';
import type { Database } from '../../db/client.js';
import { SOURCE_LANGUAGE } from '../../i18n/languages.js';
import { label, t } from '../../i18n/translate.js';
import type { CsvValue } from '../shared/csv.js';
import { reviewTextHeader } from './ranking-export.js';
import { reviewScore, round4 } from './ranking-math.js';
import { rankRound, type RankedApplication } from './ranking.js';
import { rankSolidity } from './rank-solidity.js';
import type { RankInterval } from './rank-intervals.js';

export interface CommitteeReview {
  reviewerName: string;
  score: number | null;
  recommendation: Recommendation | null;
  /** By the rubric's order; undefined where the reviewer gave nothing. */
  criteria: Array<{ score: number | null; comment: string } | undefined>;
  siteVisitNotes: string;
  confidentialNote: string;
}

export interface CommitteeEntry {
  /** Where it comes in the committee's discussion: 1, 2, 3 … */
  position: number;
  /** Its rank by weighted mean, shared by equal means ("1, 2, 2, 4"); null while unreviewed. */
  rank: number | null;
  application: RankedApplication;
  interval?: RankInterval;
  decision?: DecisionLevel;
  reviews: CommitteeReview[];
}

/** How many applications are read at a time. */
const BATCH = 200;
/** Means this close are equal: the same scores summed in another order. */
const TIE_EPSILON = 1e-9;
/** The committee waits for the possible ranks rather than go without them. */
const SOLIDITY_WAIT_MS = 60_000;

/** The round, its rubric, and its entries in the committee's order, a batch at a time. */
export async function committeeEntries(db: Database, roundId: number) {
  const ranking = await rankRound(db, roundId, { sort: 'mean', dir: 'desc' });
  const { cycle, round } = ranking;
  const [rubric, solidity] = await Promise.all([
    db
      .select({ id: criteria.id, position: criteria.position, title: criteria.title, weight: criteria.weight })
      .from(criteria)
      .where(eq(criteria.cycleId, cycle.id))
      .orderBy(asc(criteria.position), asc(criteria.id)),
    rankSolidity(db, roundId, { waitMs: SOLIDITY_WAIT_MS }),
  ]);
  const position = new Map(rubric.map((c, i) => [c.id, i]));
  // The rows come best mean first, unreviewed last: equal means share the better rank, as the
  // possible ranks count them (rank-intervals.ts).
  const ranks: Array<number | null> = [];
  for (const [i, row] of ranking.rows.entries()) {
    const before = ranking.rows[i - 1];
    if (row.mean === null) ranks.push(null);
    else if (before && before.mean !== null && Math.abs(before.mean - row.mean) <= TIE_EPSILON)
      ranks.push(ranks[i - 1]!);
    else ranks.push(i + 1);
  }

  async function* entries(): AsyncGenerator<CommitteeEntry> {
    for (let start = 0; start < ranking.rows.length; start += BATCH) {
      const batch = ranking.rows.slice(start, start + BATCH);
      const ids = batch.map((r) => r.applicationId);
      // The batch's submitted reviews: their rows, and their scores.
      const submittedInBatch = and(
        eq(assignments.roundId, roundId),
        eq(assignments.status, 'submitted'),
        inArray(assignments.applicationId, ids),
      );
      const [reviews, scores, decided] = await Promise.all([
        db
          .select({
            id: assignments.id,
            applicationId: assignments.applicationId,
            reviewerName: users.name,
            recommendation: assignments.recommendation,
            siteVisitNotes: assignments.siteVisitNotes,
            confidentialNote: assignments.confidentialNote,
          })
          .from(assignments)
          .innerJoin(users, eq(users.id, assignments.reviewerId))
          .where(submittedInBatch)
          .orderBy(asc(assignments.applicationId), asc(assignments.id)),
        db
          .select({
            assignmentId: reviewScores.assignmentId,
            criterionId: reviewScores.criterionId,
            score: reviewScores.score,
            comment: reviewScores.comment,
          })
          .from(reviewScores)
          .innerJoin(assignments, eq(assignments.id, reviewScores.assignmentId))
          .where(submittedInBatch),
        db
          .select({ applicationId: decisions.applicationId, level: decisions.level })
          .from(decisions)
          .where(inArray(decisions.applicationId, ids)),
      ]);
      const given = new Map<number, CommitteeReview['criteria']>();
      for (const s of scores) {
        const index = position.get(s.criterionId);
        if (index === undefined) continue;
        const list = given.get(s.assignmentId) ?? given.set(s.assignmentId, []).get(s.assignmentId)!;
        list[index] = { score: s.score, comment: s.comment };
      }
      const levels = new Map(decided.map((d) => [d.applicationId, d.level]));
      for (const [i, application] of batch.entries()) {
        yield {
          position: start + i + 1,
          rank: ranks[start + i]!,
          application,
          interval: solidity.intervals?.get(application.applicationId),
          decision: levels.get(application.applicationId),
          reviews: reviews
            .filter((r) => r.applicationId === application.applicationId)
            .map((r) => {
              const own = given.get(r.id) ?? [];
              return {
                reviewerName: r.reviewerName,
                score: reviewScore(rubric.map((c, k) => ({ score: own[k]?.score ?? null, weight: c.weight }))),
                recommendation: r.recommendation,
                criteria: rubric.map((_c, k) => own[k]),
                siteVisitNotes: r.siteVisitNotes,
                confidentialNote: r.confidentialNote,
              };
            }),
        };
      }
    }
  }
  return { round, cycle, rubric, solidity, count: ranking.rows.length, entries: entries() };
}

/** "4–9", or nothing while an application has no possible ranks. */
export function possibleRanks(interval: RankInterval | undefined): string {
  return interval && interval.rank !== null ? `${interval.low}–${interval.high}` : '';
}

/** The committee's CSV: one row per submitted review, in the committee's order. */
export async function committeeCsv(db: Database, roundId: number, language = SOURCE_LANGUAGE) {
  const { round, rubric, entries } = await committeeEntries(db, roundId);
  const words = (key: string, values?: Record<string, unknown>) => t(language, `decisions.csv.${key}`, values);
  const header = [
    words('rank'),
    words('possibleRanks'),
    words('fragile'),
    words('applicationNumber'),
    words('school'),
    words('state'),
    words('mean'),
    words('normalized'),
    words('decision'),
    words('reviewer'),
    words('reviewScore'),
    words('recommendation'),
    ...reviewTextHeader(language, rubric, round.siteVisit),
  ];
  async function* rows(): AsyncGenerator<CsvValue[]> {
    for await (const entry of entries) {
      const a = entry.application;
      const common: CsvValue[] = [
        entry.rank,
        possibleRanks(entry.interval),
        entry.interval?.fragile ? words('yes') : words('no'),
        a.applicationId,
        a.schoolName,
        a.state,
        round4(a.mean),
        round4(a.normalized),
        entry.decision ? label(language, 'decisionLevel', entry.decision) : '',
      ];
      // An application nobody has reviewed yet still has its line.
      if (entry.reviews.length === 0) {
        yield [...common, '', null, '', ...rubric.flatMap(() => [null, '']), ...(round.siteVisit ? [''] : []), ''];
      }
      for (const r of entry.reviews) {
        yield [
          ...common,
          r.reviewerName,
          round4(r.score),
          r.recommendation ? label(language, 'recommendation', r.recommendation) : '',
          ...r.criteria.flatMap((c) => [c?.score ?? null, c?.comment ?? '']),
          ...(round.siteVisit ? [r.siteVisitNotes] : []),
          r.confidentialNote,
        ];
      }
    }
  }
  return { round, header, rows: rows() };
}
