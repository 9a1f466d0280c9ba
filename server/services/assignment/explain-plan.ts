// The automatic plan explained in words an admin can check: why each reviewer was matched to an
// application (shared focus topics, grade level, region, and the load it leaves them), and for
// each application the best-matched reviewers it did not get, and why (explain.ts).
import type { Database } from '../../db/client.js';
import type { ConflictPair } from '../review/conflicts.js';
import { msg, type Message } from '../../i18n/translate.js';
import { buildProblem, type BuiltProblem } from './problem.js';
import { explainer, type PassedOverReason } from './explain.js';
import { whyMatched } from './match-words.js';
import { planFor } from './plan-cache.js';
import type { AssignmentPlan } from './solver.js';

export const EXPLAIN_PAGE_SIZE = 25;

/** The preview's plan in words: each pair added with why, the loads it leaves, what stays uncovered. */
export function explainPlan(built: BuiltProblem, plan: AssignmentPlan) {
  const appLabel = (id: number) => {
    const app = built.apps.get(id);
    return app
      ? msg('assignment.application', { id, school: app.schoolName })
      : msg('assignment.applicationNotEligible', { id });
  };
  const reviewerName = (id: number) => built.reviewers.get(id)?.name ?? `#${id}`;
  const conflictsByApp = new Map<number, ConflictPair[]>();
  for (const c of built.conflicts)
    conflictsByApp.set(c.applicationId, [...(conflictsByApp.get(c.applicationId) ?? []), c]);
  const existingLoad = new Map<number, number>();
  for (const e of built.problem.existing) existingLoad.set(e.reviewerId, (existingLoad.get(e.reviewerId) ?? 0) + 1);
  const warningOf = (w: AssignmentPlan['warnings'][number]) => {
    const values = { name: reviewerName(w.reviewerId), id: w.applicationId ?? 0 };
    if (w.kind === 'conflicted-existing') return msg('assignment.warnings.conflicted', values);
    if (w.kind === 'unreadable-existing')
      return msg('assignment.warnings.unreadable', {
        ...values,
        languages: built.apps.get(w.applicationId ?? 0)?.languages ?? [],
      });
    return msg('assignment.warnings.overloaded', values);
  };
  return {
    added: plan.added.map((a) => ({
      ...a,
      application: appLabel(a.applicationId),
      languages: built.apps.get(a.applicationId)?.languages ?? [],
      reviewer: reviewerName(a.reviewerId),
      why: ((reviewer, app) => (reviewer && app ? whyMatched(reviewer, app) : []))(
        built.reviewers.get(a.reviewerId),
        built.apps.get(a.applicationId),
      ),
    })),
    loads: plan.loads.map((l) => ({
      ...l,
      reviewer: reviewerName(l.reviewerId),
      reads: built.reviewers.get(l.reviewerId)?.reads ?? [],
      before: existingLoad.get(l.reviewerId) ?? 0,
      full: l.load >= l.maxLoad,
    })),
    uncovered: plan.uncovered.map((u) => ({
      ...u,
      application: appLabel(u.applicationId),
      languages: built.apps.get(u.applicationId)?.languages ?? [],
      conflicts: (conflictsByApp.get(u.applicationId) ?? []).map((c) =>
        msg('assignment.conflictOf', { name: reviewerName(c.reviewerId), reason: c.reason }),
      ),
    })),
    languageShortages: plan.languageShortages.map((l) => l.message),
    warnings: plan.warnings.map(warningOf),
  };
}

function reasonWords(built: BuiltProblem, reason: PassedOverReason, applicationId: number): Message {
  const name = (id: number) => built.reviewers.get(id)?.name ?? `#${id}`;
  switch (reason.kind) {
    case 'conflict':
      return msg('assignment.why.conflict');
    case 'language':
      return msg('assignment.why.language', { languages: built.apps.get(applicationId)?.languages ?? [] });
    case 'full':
      return msg('assignment.why.full', { load: reason.load, max: reason.maxLoad });
    case 'kept':
      return msg('assignment.why.kept');
    case 'lowerMatch':
      return msg('assignment.why.lowerMatch', { chosen: name(reason.chosenReviewerId), score: reason.chosenScore });
    case 'evenness':
      return msg('assignment.why.evenness', {
        load: reason.load,
        chosen: name(reason.chosenReviewerId),
        chosenLoad: reason.chosenLoad,
      });
    case 'unexplained':
      return msg('assignment.why.unexplained');
  }
}

/** Explainers kept with their plan (plan-cache.ts keeps the plan while its problem holds). */
const explainers = new WeakMap<AssignmentPlan, ReturnType<typeof explainer>>();

function explainerFor(built: BuiltProblem, plan: AssignmentPlan) {
  let explain = explainers.get(plan);
  if (!explain) explainers.set(plan, (explain = explainer(built.problem, plan)));
  return explain;
}

/**
 * A page of the round's eligible applications, each with its reviewers and those passed over.
 * Paging through them reads the round again but solves it once.
 */
export async function explainAutomatic(db: Database, roundId: number, page: number) {
  const built = await buildProblem(db, roundId);
  const plan = planFor(db, built);
  const explain = explainerFor(built, plan);
  const loads = new Map(plan.loads.map((l) => [l.reviewerId, l]));
  const ids = [...built.apps.keys()];
  const pageCount = Math.max(1, Math.ceil(ids.length / EXPLAIN_PAGE_SIZE));
  const current = Math.min(page, pageCount);
  const rows = ids.slice((current - 1) * EXPLAIN_PAGE_SIZE, current * EXPLAIN_PAGE_SIZE).map((applicationId) => {
    const app = built.apps.get(applicationId)!;
    const { chosen, passedOver } = explain(applicationId);
    return {
      applicationId,
      application: msg('assignment.application', { id: applicationId, school: app.schoolName }),
      chosen: chosen.map((c) => {
        const reviewer = built.reviewers.get(c.reviewerId);
        const load = loads.get(c.reviewerId);
        return {
          reviewer: reviewer?.name ?? `#${c.reviewerId}`,
          score: c.score,
          why: [
            ...(reviewer ? whyMatched(reviewer, app) : []),
            c.added
              ? msg('assignment.why.load', { load: load?.load ?? 0, max: load?.maxLoad ?? 0 })
              : msg('assignment.why.existing'),
          ],
        };
      }),
      passedOver: passedOver.map((p) => ({
        reviewer: built.reviewers.get(p.reviewerId)?.name ?? `#${p.reviewerId}`,
        score: p.score,
        reason: reasonWords(built, p.reason, applicationId),
      })),
    };
  });
  return { round: built.round, rows, page: current, pageCount, total: ids.length };
}
