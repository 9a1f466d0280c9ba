// Plans kept between requests. Solving a national round takes seconds, and the same round is
// solved for its preview, for "why these reviewers" (every page of it) and again for the
// confirmation, inside the transaction that holds the round. The solver is deterministic, so a
// plan is kept by a digest of everything its problem is made of and reused while that digest
// holds: any change (a reviewer's load or profile, a conflict, an assignment, an application
// made eligible) gives another digest and a fresh solve.
import { createHash } from 'node:crypto';
import type { BuiltProblem } from './problem.js';
import { planAssignments, type AssignmentPlan } from './solver.js';

/** Plans kept per database, the least recently used forgotten first. */
const PLANS_KEPT = 4;
const plans = new WeakMap<object, Map<string, AssignmentPlan>>();

/**
 * Everything the plan depends on: the round's k, its applications and reviewers with what their
 * match scores are computed from, the assignments it keeps and the conflicts.
 */
function problemDigest(built: BuiltProblem): string {
  const hash = createHash('sha256');
  hash.update(`k${built.problem.k}`);
  for (const a of built.apps.values()) hash.update(JSON.stringify([a.id, a.state, a.level, a.focus, a.languages]));
  hash.update('|');
  for (const r of built.reviewers.values())
    hash.update(JSON.stringify([r.id, r.maxLoad, r.state, r.expertise, r.gradeLevels, r.reads]));
  hash.update('|');
  for (const e of built.problem.existing) hash.update(`${e.reviewerId}:${e.applicationId},`);
  hash.update('|');
  for (const c of built.problem.conflicts) hash.update(`${c.reviewerId}:${c.applicationId},`);
  return hash.digest('hex');
}

/** The plan for `built`, solved only when no plan of the same problem is kept for `db`. */
export function planFor(db: object, built: BuiltProblem): AssignmentPlan {
  let kept = plans.get(db);
  if (!kept) plans.set(db, (kept = new Map()));
  const digest = problemDigest(built);
  const plan = kept.get(digest) ?? planAssignments(built.problem);
  kept.delete(digest);
  kept.set(digest, plan);
  if (kept.size > PLANS_KEPT) kept.delete(kept.keys().next().value!);
  return plan;
}
