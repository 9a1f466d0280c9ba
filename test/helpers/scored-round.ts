// A review round with submitted reviews put straight into the database: one application per
// school named in `scores`, one submitted review per number given, by reviewers 1, 2, 3… in turn,
// each scoring the cycle's first three criteria alike (so a review's score is the number given).
import { asc, eq } from 'drizzle-orm';
import {
  applications,
  assignments,
  criteria,
  reviewRounds,
  reviewScores,
  roundApplications,
  schools,
} from '../../models/schema.js';
import { schoolMatchKey } from '../../server/services/schools/match-key.js';
import { createUser } from './factories.js';
import type { Harness } from './harness.js';

export interface ScoredRound {
  roundId: number;
  /** Application ids by the names given. */
  ids: Record<string, number>;
  reviewerIds: number[];
  /** Adds one submitted review of `applicationId` by `reviewerId`, scoring every criterion `score`. */
  review(reviewerId: number, applicationId: number, score: number, extra?: ReviewExtra): Promise<void>;
}

interface ReviewExtra {
  comment?: string;
  confidentialNote?: string;
}

export async function scoredRound(
  h: Harness,
  cycleId: number,
  scores: Record<string, number[]>,
  { reviewers = 4, extra = {} }: { reviewers?: number; extra?: Record<string, ReviewExtra> } = {},
): Promise<ScoredRound> {
  const rubric = (
    await h.db.select().from(criteria).where(eq(criteria.cycleId, cycleId)).orderBy(asc(criteria.position))
  )
    .slice(0, 3)
    .map((c) => c.id);
  const reviewerIds: number[] = [];
  for (let n = 1; n <= reviewers; n++) {
    reviewerIds.push(
      (await createUser(h.db, { email: `r${n}@panel.example.org`, name: `Reviewer ${n}`, roles: ['reviewer'] })).id,
    );
  }
  const [round] = await h.db
    .insert(reviewRounds)
    .values({ cycleId, number: 1, name: 'First reading', reviewersPerApplication: 3, dueAt: h.clock() })
    .returning();
  const roundId = round!.id;
  async function review(reviewerId: number, applicationId: number, score: number, more: ReviewExtra = {}) {
    const [assignment] = await h.db
      .insert(assignments)
      .values({
        roundId,
        applicationId,
        reviewerId,
        status: 'submitted',
        submittedAt: h.clock(),
        confidentialNote: more.confidentialNote ?? '',
      })
      .returning();
    await h.db.insert(reviewScores).values(
      rubric.map((criterionId) => ({
        assignmentId: assignment!.id,
        criterionId,
        score,
        comment: more.comment ?? 'Read.',
      })),
    );
  }
  const ids: Record<string, number> = {};
  for (const [name, given] of Object.entries(scores)) {
    const full = `${name} High School`;
    const [school] = await h.db
      .insert(schools)
      .values({ name: full, city: 'Salem', state: 'OR', level: 'high', matchKey: schoolMatchKey(full, 'Salem', 'OR') })
      .returning();
    const [app] = await h.db
      .insert(applications)
      .values({ cycleId, schoolId: school!.id, status: 'eligible', submittedAt: h.clock() })
      .returning();
    ids[name] = app!.id;
    await h.db.insert(roundApplications).values({ roundId, applicationId: app!.id });
    for (const [i, score] of given.entries()) await review(reviewerIds[i]!, app!.id, score, i === 0 ? extra[name] : {});
  }
  return { roundId, ids, reviewerIds, review };
}
