// Automatic reviewer assignment as a min-cost flow. Pure: no database, no clock, no randomness.
//
// Vocabulary
// - need of an application: k minus its existing assignments, never negative.
// - load of a reviewer: existing assignments (including ones to applications outside this
//   problem, e.g. withdrawn after review began) plus the ones added here.
// - room of a reviewer: maxLoad minus existing load, never negative.
//
// Objective, in strict priority order:
// 1. coverage: as many added assignments as possible (a maximum flow);
// 2. evenness: the total loads are as equal as the maxima allow. Precisely, the plan minimises
//    the sum of squared total loads. Over the load vectors a flow can reach (an M-convex set),
//    that minimiser is unique and is also the "decreasingly minimal" one: no other plan with
//    the same coverage has a lighter heaviest reviewer, and so on down the sorted loads. In
//    words: nobody gets an extra review while a reviewer who could take it, directly or by a
//    chain of swaps, has two fewer. Absolute loads are equalised (capped by each maximum), not
//    loads in proportion to the maxima: a maximum is a ceiling a volunteer accepted, not a
//    request for more work. Maxima 10, 10, 2 and 12 reviews give 5, 5, 2.
// 3. match: the sum of match scores of the added assignments is as high as possible.
//
// Algorithm: the network source → reviewer → application → sink. Reviewer r has one unit arc
// per review of room, the j-th (0-based) costing 2·(existingLoad + j) + 1, so a load ℓ costs
// ℓ² in total (convex: the optimum fills the cheap units first). Reviewer → application arcs
// (capacity 1) exist only when not conflicted and not already assigned; application → sink
// carries the need. Dinic gives a maximum flow; cost scaling then minimises the unit-arc cost
// (evenness) keeping the flow maximum; then the unused unit arcs are closed, which fixes every
// reviewer's load (their sum is the flow), and cost scaling minimises −score. Two passes
// instead of one weighted sum keep every cost small, so prices stay exact in doubles.
//
// Existing assignments are never removed, even when they are conflicted or push a reviewer
// over their maximum; such cases are reported in `warnings`, and an overloaded reviewer simply
// gets nothing new. Conflicts naming unknown reviewers or applications are ignored.
import { Invalid } from '../errors.js';
import { ArcList, maximizeFlow, minimizeCost } from './min-cost-flow.js';

export interface AssignmentProblem {
  k: number;
  applications: Array<{ id: number }>;
  reviewers: Array<{ id: number; maxLoad: number }>;
  existing: Array<{ reviewerId: number; applicationId: number }>; // kept; count toward loads and coverage
  conflicts: Array<{ reviewerId: number; applicationId: number }>;
  /** 0..100 integer match score of reviewer for application; higher is better. */
  score(reviewerId: number, applicationId: number): number;
}

export interface AssignmentWarning {
  kind: 'conflicted-existing' | 'overloaded-existing';
  reviewerId: number;
  applicationId: number | null;
  message: string;
}

export interface AssignmentPlan {
  added: Array<{ reviewerId: number; applicationId: number; score: number }>;
  uncovered: Array<{ applicationId: number; assigned: number; missing: number; reason: string }>;
  loads: Array<{ reviewerId: number; load: number; maxLoad: number }>;
  /** Sum of the scores of the added assignments. */
  totalScore: number;
  /** Existing assignments kept although they break a rule. */
  warnings: AssignmentWarning[];
}

/** Above this many reviewer–application pairs the dense pair table would not fit comfortably. */
const MAX_PAIRS = 50_000_000;
/** Arcs per application in the first subset solved; pricing adds any others that matter. */
const SHORTLIST_PER_NEED = 4;
const CONFLICT = 1;
const ASSIGNED = 2;

interface Prepared {
  k: number;
  appIds: number[];
  reviewerIds: number[];
  maxLoads: number[];
  /** Per pair (reviewer index · A + application index): CONFLICT | ASSIGNED bits. */
  pairs: Uint8Array;
  existingLoad: Int32Array;
  existingCount: Int32Array;
  conflictedExisting: Int32Array;
  conflictCount: Int32Array;
  warnings: AssignmentWarning[];
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function indexIds(items: Array<{ id: number }>, field: string): Map<number, number> {
  const index = new Map<number, number>();
  items.forEach((item, i) => {
    if (!Number.isSafeInteger(item.id)) throw new Invalid({ [field]: `id ${String(item.id)} is not an integer` });
    if (index.has(item.id)) throw new Invalid({ [field]: `id ${item.id} appears twice` });
    index.set(item.id, i);
  });
  return index;
}

function prepare(problem: AssignmentProblem): Prepared {
  const { k } = problem;
  if (!Number.isInteger(k) || k < 1) throw new Invalid({ k: `k must be a whole number of at least 1 (got ${k})` });
  const appIndex = indexIds(problem.applications, 'applications');
  const reviewerIndex = indexIds(problem.reviewers, 'reviewers');
  for (const r of problem.reviewers) {
    if (!Number.isInteger(r.maxLoad) || r.maxLoad < 0) {
      throw new Invalid({ reviewers: `reviewer ${r.id} has maximum load ${r.maxLoad}; it must be a whole number ≥ 0` });
    }
  }
  const A = problem.applications.length;
  const R = problem.reviewers.length;
  if (A * R > MAX_PAIRS) throw new Invalid({ applications: `${A} applications × ${R} reviewers is more than this solver handles` });
  const pairs = new Uint8Array(A * R);
  const conflictCount = new Int32Array(A);
  for (const c of problem.conflicts) {
    const ri = reviewerIndex.get(c.reviewerId);
    const ai = appIndex.get(c.applicationId);
    if (ri === undefined || ai === undefined || pairs[ri * A + ai]! & CONFLICT) continue;
    pairs[ri * A + ai]! |= CONFLICT;
    conflictCount[ai]!++;
  }
  const existingLoad = new Int32Array(R);
  const existingCount = new Int32Array(A);
  const conflictedExisting = new Int32Array(A);
  const warnings: AssignmentWarning[] = [];
  const seenOutside = new Set<string>();
  for (const e of problem.existing) {
    const ri = reviewerIndex.get(e.reviewerId);
    if (ri === undefined) {
      throw new Invalid({ existing: `an existing assignment names reviewer ${e.reviewerId}, who is not among the reviewers` });
    }
    const duplicate = `existing assignment of reviewer ${e.reviewerId} to application ${e.applicationId} appears twice`;
    const ai = appIndex.get(e.applicationId);
    if (ai === undefined) {
      const key = `${e.reviewerId}:${e.applicationId}`;
      if (seenOutside.has(key)) throw new Invalid({ existing: duplicate });
      seenOutside.add(key);
    } else {
      const p = ri * A + ai;
      if (pairs[p]! & ASSIGNED) throw new Invalid({ existing: duplicate });
      pairs[p]! |= ASSIGNED;
      existingCount[ai]!++;
      if (pairs[p]! & CONFLICT) {
        conflictedExisting[ai]!++;
        warnings.push({
          kind: 'conflicted-existing',
          reviewerId: e.reviewerId,
          applicationId: e.applicationId,
          message: `reviewer ${e.reviewerId} is already assigned to application ${e.applicationId} despite a conflict of interest; the assignment was kept`,
        });
      }
    }
    existingLoad[ri]!++;
  }
  problem.reviewers.forEach((r, ri) => {
    if (existingLoad[ri]! > r.maxLoad) {
      warnings.push({
        kind: 'overloaded-existing',
        reviewerId: r.id,
        applicationId: null,
        message: `reviewer ${r.id} already has ${existingLoad[ri]} assignments, more than their maximum of ${r.maxLoad}; none was removed and none added`,
      });
    }
  });
  return {
    k,
    appIds: problem.applications.map((a) => a.id),
    reviewerIds: problem.reviewers.map((r) => r.id),
    maxLoads: problem.reviewers.map((r) => r.maxLoad),
    pairs,
    existingLoad,
    existingCount,
    conflictedExisting,
    conflictCount,
    warnings,
  };
}

export function planAssignments(problem: AssignmentProblem): AssignmentPlan {
  const p = prepare(problem);
  const A = p.appIds.length;
  const R = p.reviewerIds.length;
  const need = Int32Array.from(p.existingCount, (count) => Math.max(0, p.k - count));
  const room = Int32Array.from(p.maxLoads, (max, ri) => Math.max(0, max - p.existingLoad[ri]!));
  const totalNeed = need.reduce((sum, n) => sum + n, 0);

  // Candidate pairs, reviewer by reviewer; scores are asked for once each.
  let candidates = 0;
  const candidateCount = new Int32Array(R);
  for (let ri = 0; ri < R; ri++) {
    if (room[ri] === 0) continue;
    for (let ai = 0; ai < A; ai++) if (need[ai]! > 0 && p.pairs[ri * A + ai] === 0) candidateCount[ri]!++;
    candidates += candidateCount[ri]!;
  }
  const pairReviewer = new Int32Array(candidates);
  const pairApp = new Int32Array(candidates);
  const pairScore = new Uint8Array(candidates);
  let c = 0;
  for (let ri = 0; ri < R; ri++) {
    if (candidateCount[ri] === 0) continue;
    for (let ai = 0; ai < A; ai++) {
      if (need[ai] === 0 || p.pairs[ri * A + ai] !== 0) continue;
      const s = problem.score(p.reviewerIds[ri]!, p.appIds[ai]!);
      if (!Number.isInteger(s) || s < 0 || s > 100) {
        throw new Invalid({ score: `score(${p.reviewerIds[ri]}, ${p.appIds[ai]}) returned ${s}; scores are whole numbers from 0 to 100` });
      }
      pairReviewer[c] = ri;
      pairApp[c] = ai;
      pairScore[c++] = s;
    }
  }

  // Nodes: 0 source, 1 sink, 2.. reviewers, then applications.
  const appNode = (ai: number): number => 2 + R + ai;
  const units = Int32Array.from(room, (r, ri) => Math.min(r, candidateCount[ri]!, totalNeed));
  const unitTotal = units.reduce((sum, u) => sum + u, 0);
  const arcs = new ArcList(2 + R + A, unitTotal + A + candidates);
  for (let ri = 0; ri < R; ri++) {
    for (let j = 0; j < units[ri]!; j++) arcs.add(0, 2 + ri, 1, 2 * (p.existingLoad[ri]! + j) + 1);
  }
  for (let ai = 0; ai < A; ai++) if (need[ai]! > 0) arcs.add(appNode(ai), 1, need[ai]!, 0);
  const firstPairArc = arcs.count;
  for (let i = 0; i < candidates; i++) arcs.add(2 + pairReviewer[i]!, appNode(pairApp[i]!), 1, 0);

  // The shortlist usually carries a full assignment; only when it does not is the whole
  // network searched (a maximum flow of the shortlist is a valid start for that search).
  const active = shortlist(firstPairArc, pairApp, pairScore, A, SHORTLIST_PER_NEED * p.k);
  if (maximizeFlow(arcs, 0, 1, active) < totalNeed) {
    maximizeFlow(arcs, 0, 1);
    for (let i = firstPairArc; i < arcs.count; i++) if (arcs.flow[i] !== 0) active[i] = 1;
  }
  minimizeCost(arcs, active); // evenness
  for (let arc = 0; arc < unitTotal; arc++) {
    if (arcs.flow[arc] === 0) arcs.capacity[arc] = 0; // fixes each reviewer's load: they sum to the flow
    arcs.setCost(arc, 0);
  }
  for (let i = 0; i < candidates; i++) arcs.setCost(firstPairArc + i, -pairScore[i]!);
  minimizeCost(arcs, active); // match

  const added: AssignmentPlan['added'] = [];
  const addedLoad = new Int32Array(R);
  const addedCount = new Int32Array(A);
  for (let i = 0; i < candidates; i++) {
    if (arcs.flow[firstPairArc + i] === 0) continue;
    const ri = pairReviewer[i]!;
    const ai = pairApp[i]!;
    p.pairs[ri * A + ai]! |= ASSIGNED;
    addedLoad[ri]!++;
    addedCount[ai]!++;
    added.push({ reviewerId: p.reviewerIds[ri]!, applicationId: p.appIds[ai]!, score: pairScore[i]! });
  }
  added.sort((x, y) => x.applicationId - y.applicationId || x.reviewerId - y.reviewerId);
  const loads = p.reviewerIds.map((reviewerId, ri) => ({
    reviewerId,
    load: p.existingLoad[ri]! + addedLoad[ri]!,
    maxLoad: p.maxLoads[ri]!,
  }));

  const shortApps: number[] = [];
  for (let ai = 0; ai < A; ai++) if (addedCount[ai]! < need[ai]!) shortApps.push(ai);
  const reasons = explainShortfalls(p, shortApps, need, room, loads);
  const uncovered = shortApps.map((ai, i) => ({
    applicationId: p.appIds[ai]!,
    assigned: p.existingCount[ai]! + addedCount[ai]!,
    missing: need[ai]! - addedCount[ai]!,
    reason: reasons[i]!,
  }));
  const totalScore = added.reduce((sum, a) => sum + a.score, 0);
  return { added, uncovered, loads, totalScore, warnings: p.warnings };
}

/**
 * The arcs to solve on first: the supply and demand arcs and each application's `perApp`
 * best-scoring candidates (ties in reviewer order).
 */
function shortlist(firstPairArc: number, pairApp: Int32Array, pairScore: Uint8Array, A: number, perApp: number): Uint8Array {
  const active = new Uint8Array(firstPairArc + pairApp.length);
  active.fill(1, 0, firstPairArc);
  const histogram = new Int32Array(A * 101);
  for (let i = 0; i < pairApp.length; i++) histogram[pairApp[i]! * 101 + pairScore[i]!]!++;
  const threshold = new Int32Array(A);
  const tiesLeft = new Int32Array(A);
  for (let ai = 0; ai < A; ai++) {
    let taken = 0;
    let s = 100;
    while (s > 0 && taken + histogram[ai * 101 + s]! < perApp) taken += histogram[ai * 101 + s--]!;
    threshold[ai] = s;
    tiesLeft[ai] = perApp - taken;
  }
  for (let i = 0; i < pairApp.length; i++) {
    const ai = pairApp[i]!;
    const s = pairScore[i]!;
    if (s > threshold[ai]! || (s === threshold[ai] && tiesLeft[ai]!-- > 0)) active[firstPairArc + i] = 1;
  }
  return active;
}

/**
 * Why each short application is short. The flow is maximum, so a short application cannot be
 * reached from the source in the residual network: every reviewer free of conflicts with it
 * and not yet on it is full, and covering it would take a reviewer from another application.
 * The first fact is checked here; a failure would be a bug in the solver.
 */
function explainShortfalls(p: Prepared, shortApps: number[], need: Int32Array, room: Int32Array, loads: AssignmentPlan['loads']): string[] {
  const A = p.appIds.length;
  const R = p.reviewerIds.length;
  const totalNeed = need.reduce((sum, n) => sum + n, 0);
  const totalRoom = room.reduce((sum, r) => sum + r, 0);
  return shortApps.map((ai) => {
    if (R === 0) return 'there are no reviewers';
    const nonConflicted = R - p.conflictCount[ai]!;
    if (nonConflicted + p.conflictedExisting[ai]! < p.k) {
      return nonConflicted === 0
        ? 'no reviewer is free of conflicts with this school'
        : `only ${plural(nonConflicted, 'reviewer is', 'reviewers are')} free of conflicts with this school`;
    }
    let free = 0;
    for (let ri = 0; ri < R; ri++) {
      if (p.pairs[ri * A + ai] !== 0) continue; // conflicted, or already on it
      free++;
      if (loads[ri]!.load < loads[ri]!.maxLoad) {
        throw new Error(`assignment solver: application ${p.appIds[ai]} is short although reviewer ${p.reviewerIds[ri]} has room`);
      }
    }
    const who = free === 1
      ? 'the only reviewer free of conflicts with this school and not yet on it is'
      : `all ${free} reviewers free of conflicts with this school and not yet on it are`;
    const why = totalRoom < totalNeed
      ? `reviewers' remaining capacity (${totalRoom}) is less than what the applications need (${totalNeed})`
      : 'covering it would take a reviewer from another application';
    return `${who} at their maximum load; ${why}`;
  });
}
