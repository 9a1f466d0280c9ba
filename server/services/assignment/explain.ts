// Why the automatic plan chose as it did, told from the solver's own objective (solver.ts):
// coverage first, then even loads (the sum of squared loads), then the sum of match scores.
// Pure: it reads a problem and its plan.
//
// For an application, the best reviewers not chosen are each given the first reason that holds:
// - conflict: a conflict of interest (a hard rule);
// - language: they do not read every language its answers are written in (a hard rule);
// - full: the plan brings them to their maximum;
// - kept: nothing was added to this application, its reviewers were there before the plan;
// - lowerMatch: they match no better than the least-matched reviewer the plan added to it;
// - evenness: they match better, but moving the review to them would make the loads less even.
//   Moving one review from the added reviewer c to u changes the sum of squared loads by
//   2·(load(u) − load(c) + 1), so in a plan the solver found, a better-matched u who is not full
//   has load(u) ≥ load(c) (at load(c) − 1 the move would be even and better matched, so the
//   solver would have made it). The explanation states both loads, which the caller can check.
// A case none of these covers is `unexplained`; tests hold the solver to never producing one.
import type { AssignmentPlan, AssignmentProblem } from './solver.js';

export type PassedOverReason =
  | { kind: 'conflict' }
  | { kind: 'language' }
  | { kind: 'full'; load: number; maxLoad: number }
  | { kind: 'kept' }
  | { kind: 'lowerMatch'; chosenReviewerId: number; chosenScore: number }
  | { kind: 'evenness'; load: number; chosenReviewerId: number; chosenLoad: number }
  | { kind: 'unexplained' };

export interface PassedOver {
  reviewerId: number;
  score: number;
  reason: PassedOverReason;
}

export interface ApplicationExplanation {
  applicationId: number;
  /** Its reviewers after the plan: those it had, then those added, with their match scores. */
  chosen: Array<{ reviewerId: number; score: number; added: boolean }>;
  passedOver: PassedOver[];
}

/** Indexes of a problem and its plan, built once for explaining many applications. */
export function explainer(problem: AssignmentProblem, plan: AssignmentPlan) {
  const key = (reviewerId: number, applicationId: number) => `${reviewerId}:${applicationId}`;
  const conflicted = new Set(problem.conflicts.map((c) => key(c.reviewerId, c.applicationId)));
  const loads = new Map(plan.loads.map((l) => [l.reviewerId, l]));
  const languagesOf = new Map(problem.applications.map((a) => [a.id, a.languages ?? []]));
  const readsOf = new Map(problem.reviewers.map((r) => [r.id, r.reads]));
  const existingBy = new Map<number, number[]>();
  for (const e of problem.existing)
    existingBy.set(e.applicationId, [...(existingBy.get(e.applicationId) ?? []), e.reviewerId]);
  const addedBy = new Map<number, Array<{ reviewerId: number; score: number }>>();
  for (const a of plan.added) addedBy.set(a.applicationId, [...(addedBy.get(a.applicationId) ?? []), a]);

  const reads = (reviewerId: number, applicationId: number) => {
    const languages = languagesOf.get(applicationId) ?? [];
    const known = readsOf.get(reviewerId);
    return known === undefined || languages.every((language) => known.includes(language));
  };

  function reasonFor(reviewerId: number, score: number, applicationId: number): PassedOverReason {
    if (conflicted.has(key(reviewerId, applicationId))) return { kind: 'conflict' };
    if (!reads(reviewerId, applicationId)) return { kind: 'language' };
    const own = loads.get(reviewerId);
    if (own && own.load >= own.maxLoad) return { kind: 'full', load: own.load, maxLoad: own.maxLoad };
    const added = addedBy.get(applicationId) ?? [];
    if (added.length === 0) return { kind: 'kept' };
    // The added reviewer this one would replace: the least matched.
    const weakest = added.reduce((a, b) =>
      b.score < a.score || (b.score === a.score && b.reviewerId > a.reviewerId) ? b : a,
    );
    if (score <= weakest.score) {
      return { kind: 'lowerMatch', chosenReviewerId: weakest.reviewerId, chosenScore: weakest.score };
    }
    const load = own?.load ?? 0;
    const chosenLoad = loads.get(weakest.reviewerId)?.load ?? 0;
    if (load >= chosenLoad) return { kind: 'evenness', load, chosenReviewerId: weakest.reviewerId, chosenLoad };
    return { kind: 'unexplained' };
  }

  /** The application's reviewers and its `limit` best-matched reviewers not chosen, each with why. */
  return function explain(applicationId: number, limit = 3): ApplicationExplanation {
    const existing = existingBy.get(applicationId) ?? [];
    const added = addedBy.get(applicationId) ?? [];
    const chosen = [
      ...existing.map((reviewerId) => ({ reviewerId, score: problem.score(reviewerId, applicationId), added: false })),
      ...added.map((a) => ({ reviewerId: a.reviewerId, score: a.score, added: true })),
    ];
    const taken = new Set(chosen.map((c) => c.reviewerId));
    const others = problem.reviewers
      .filter((r) => !taken.has(r.id))
      .map((r) => ({ reviewerId: r.id, score: problem.score(r.id, applicationId) }))
      .sort((a, b) => b.score - a.score || a.reviewerId - b.reviewerId)
      .slice(0, limit);
    return {
      applicationId,
      chosen,
      passedOver: others.map((o) => ({ ...o, reason: reasonFor(o.reviewerId, o.score, applicationId) })),
    };
  };
}
