// The round's reviews as a spreadsheet, for the admins and the committee: every submitted review
// with its criterion scores, comments and the reviewer's confidential note. The headers and the
// recommendations are in the language of the admin who downloads it.
import { and, asc, eq, gt, lte } from 'drizzle-orm';
import { applications, assignments, criteria, reviewScores, schools, users } from '../../../models/schema.js';
import type { Database } from '../../db/client.js';
import { SOURCE_LANGUAGE } from '../../i18n/languages.js';
import { label, t } from '../../i18n/translate.js';
import { findRoundWithCycle } from '../review/rounds.js';
import type { CsvValue } from '../shared/csv.js';
import { reviewScore, round4 } from './ranking-math.js';

/**
 * The columns of a review's own words, at the end of both exports of a round (this one and the
 * committee's): each criterion's score and comment, the site-visit notes in a finalist round,
 * and the reviewer's confidential note.
 */
export function reviewTextHeader(
  language: string,
  rubric: ReadonlyArray<{ position: number; title: string }>,
  siteVisit: boolean,
): string[] {
  const words = (key: string, values?: Record<string, unknown>) => t(language, `decisions.csv.${key}`, values);
  return [
    ...rubric.flatMap((c) => {
      // The position as written, not as a number in the reader's language.
      const values = { position: String(c.position), title: c.title };
      return [words('criterionScore', values), words('criterionComment', values)];
    }),
    ...(siteVisit ? [words('siteVisit')] : []),
    words('confidential'),
  ];
}

/**
 * Every submitted review of a round with its criterion scores and comments, in batches of
 * reviews (two queries a batch). Admins only: it carries reviewers' confidential notes.
 */
export async function reviewExport(db: Database, roundId: number, batchSize = 500, language = SOURCE_LANGUAGE) {
  const { round, cycle } = await findRoundWithCycle(db, roundId);
  const rubric = await db
    .select({ id: criteria.id, position: criteria.position, title: criteria.title, weight: criteria.weight })
    .from(criteria)
    .where(eq(criteria.cycleId, cycle.id))
    .orderBy(asc(criteria.position), asc(criteria.id));
  const position = new Map(rubric.map((c, i) => [c.id, i]));
  const words = (key: string, values?: Record<string, unknown>) => t(language, `decisions.csv.${key}`, values);
  const header = [
    words('applicationNumber'),
    words('school'),
    words('state'),
    words('reviewer'),
    words('reviewerEmail'),
    words('submitted'),
    words('reviewScore'),
    words('recommendation'),
    ...reviewTextHeader(language, rubric, round.siteVisit),
  ];
  async function* rows(): AsyncGenerator<CsvValue[]> {
    let after = 0;
    for (;;) {
      const batch = await db
        .select({
          id: assignments.id,
          applicationId: assignments.applicationId,
          schoolName: schools.name,
          state: schools.state,
          reviewerName: users.name,
          reviewerEmail: users.email,
          submittedAt: assignments.submittedAt,
          recommendation: assignments.recommendation,
          siteVisitNotes: assignments.siteVisitNotes,
          confidentialNote: assignments.confidentialNote,
        })
        .from(assignments)
        .innerJoin(applications, eq(applications.id, assignments.applicationId))
        .innerJoin(schools, eq(schools.id, applications.schoolId))
        .innerJoin(users, eq(users.id, assignments.reviewerId))
        .where(and(eq(assignments.roundId, roundId), eq(assignments.status, 'submitted'), gt(assignments.id, after)))
        .orderBy(asc(assignments.id))
        .limit(batchSize);
      if (batch.length === 0) return;
      // The batch's scores by id range rather than a list of 500 parameters.
      const last = batch[batch.length - 1]!.id;
      const scores = await db
        .select({
          assignmentId: reviewScores.assignmentId,
          criterionId: reviewScores.criterionId,
          score: reviewScores.score,
          comment: reviewScores.comment,
        })
        .from(reviewScores)
        .where(and(gt(reviewScores.assignmentId, after), lte(reviewScores.assignmentId, last)));
      const byReview = new Map<number, Array<{ score: number | null; comment: string } | undefined>>();
      for (const s of scores) {
        const index = position.get(s.criterionId);
        if (index === undefined) continue;
        const given = byReview.get(s.assignmentId) ?? byReview.set(s.assignmentId, []).get(s.assignmentId)!;
        given[index] = s;
      }
      for (const r of batch) {
        const given = byReview.get(r.id) ?? [];
        yield [
          r.applicationId,
          r.schoolName,
          r.state,
          r.reviewerName,
          r.reviewerEmail,
          r.submittedAt,
          round4(reviewScore(rubric.map((c, i) => ({ score: given[i]?.score ?? null, weight: c.weight })))),
          r.recommendation ? label(language, 'recommendation', r.recommendation) : '',
          ...rubric.flatMap((_c, i) => [given[i]?.score ?? null, given[i]?.comment ?? '']),
          ...(round.siteVisit ? [r.siteVisitNotes] : []),
          r.confidentialNote,
        ];
      }
      if (batch.length < batchSize) return;
      after = last;
    }
  }
  return { round, header, rows: rows() };
}
