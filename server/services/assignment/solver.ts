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
//    the sum of squared total loads. Over the load vectors a maximum flow can reach (an
//    M-convex set) the minimisers are exactly the "decreasingly minimal" vectors: no other plan
//    with the same coverage has a lighter heaviest reviewer, nor the same heaviest and a
//    lighter second-heaviest, and so on. In words: nobody gets an extra review while a reviewer
//    who could take it, directly or by a chain of swaps, has two fewer. Absolute loads are
//    equalised, each capped by its maximum, not loads in proportion to the maxima: a maximum is
//    a ceiling a volunteer accepted, not a request for more work. Maxima 10, 10, 2 and 12
//    reviews give loads 5, 5, 2.
// 3. match: among the most even plans (there can be several: loads 2, 1 or 1, 2), the sum of
//    match scores of the added assignments is as high as possible.
//
// Algorithm: the network source → reviewer → application → sink. Reviewer r has one unit arc
// per review of room; the j-th (0-based) costs M·(2·(existingLoad + j) + 1), so a load ℓ costs
// M·ℓ² in total (convex: an optimum fills the cheap units first). Reviewer → application arcs
// (capacity 1, cost −score) exist only when not conflicted and not already assigned;
// application → sink carries the need. Dinic gives a maximum flow, then cost scaling makes it
// a minimum-cost one of the same value. Why M = 100·R + 1 makes evenness dominate: if a plan
// with the same coverage were more even, or as even and better matched, its difference from
// the optimum would split into residual cycles, one of them of negative cost, and a minimum-
// cost flow has none. A cycle changes the unit-arc cost by a multiple of 2M (unit costs are odd
// multiples of M and a cycle passes the source at most once) and crosses at most 2R reviewer–
// application arcs, so its score change, at most 200·R, never outweighs an evenness change.
//
// Speed: the solve starts on a shortlist of pairs (each application's 4k best-scoring
// candidates and 2k hashed ones, each reviewer's best 2·room); pricing then checks every other
// pair against the prices and adds those that could still lower the cost, until none can (see
// min-cost-flow.ts), so the result is optimal over all pairs. 10,000 applications × 300
// reviewers × k = 3 take a few seconds (bench/assignment.bench.ts).
//
// Existing assignments are never removed, even when they are conflicted or push a reviewer
// over their maximum; such cases are reported in `warnings`, and an overloaded reviewer simply
// gets nothing new. Conflicts naming unknown reviewers or applications are ignored.
import { Invalid } from '../../errors.js';
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
  /** The new assignments, by application id then reviewer id. */
  added: Array<{ reviewerId: number; applicationId: number; score: number }>;
  /** Applications left with fewer than k reviewers (existing + added), in input order. */
  uncovered: Array<{ applicationId: number; assigned: number; missing: number; reason: string }>;
  /** Every reviewer's load after the plan (existing + added), in input order. */
  loads: Array<{ reviewerId: number; load: number; maxLoad: number }>;
  /** Sum of the scores of the added assignments. */
  totalScore: number;
  /** Existing assignments kept although they break a rule. */
  warnings: AssignmentWarning[];
}

/** Above this many reviewer–application pairs the dense pair table would not fit comfortably. */
const MAX_PAIRS = 50_000_000;
/** Arcs per application and per unit of k in the first subset solved; pricing adds any others that matter. */
const SHORTLIST_BEST = 4;
const SHORTLIST_SPREAD = 2;
const CONFLICT = 1;
const ASSIGNED = 2;

/** Candidate reviewer–application pairs, listed reviewer by reviewer. */
interface Pairs {
  reviewer: Int32Array;
  app: Int32Array;
  score: Uint8Array;
}

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

/** Bad input, with the field at fault, as the services report it (server/errors.ts). */
function invalid(field: string, problem: string): Invalid {
  return new Invalid({ [field]: problem }, `Cannot plan reviewer assignments: ${problem}.`);
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function indexIds(items: Array<{ id: number }>, field: string): Map<number, number> {
  const index = new Map<number, number>();
  items.forEach((item, i) => {
    if (!Number.isSafeInteger(item.id)) throw invalid(field, `id ${String(item.id)} is not an integer`);
    if (index.has(item.id)) throw invalid(field, `id ${item.id} appears twice`);
    index.set(item.id, i);
  });
  return index;
}

function prepare(problem: AssignmentProblem): Prepared {
  const { k } = problem;
  if (!Number.isInteger(k) || k < 1) throw invalid('k', `k must be a whole number of at least 1 (got ${k})`);
  const appIndex = indexIds(problem.applications, 'applications');
  const reviewerIndex = indexIds(problem.reviewers, 'reviewers');
  for (const r of problem.reviewers) {
    if (!Number.isInteger(r.maxLoad) || r.maxLoad < 0) {
      throw invalid('reviewers', `reviewer ${r.id} has maximum load ${r.maxLoad}; it must be a whole number ≥ 0`);
    }
  }
  const A = problem.applications.length;
  const R = problem.reviewers.length;
  if (A * R > MAX_PAIRS)
    throw invalid('applications', `${A} applications × ${R} reviewers is more than this solver handles`);
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
      throw invalid(
        'existing',
        `an existing assignment names reviewer ${e.reviewerId}, who is not among the reviewers`,
      );
    }
    const duplicate = `existing assignment of reviewer ${e.reviewerId} to application ${e.applicationId} appears twice`;
    const ai = appIndex.get(e.applicationId);
    if (ai === undefined) {
      const key = `${e.reviewerId}:${e.applicationId}`;
      if (seenOutside.has(key)) throw invalid('existing', duplicate);
      seenOutside.add(key);
    } else {
      const p = ri * A + ai;
      if (pairs[p]! & ASSIGNED) throw invalid('existing', duplicate);
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
        throw invalid(
          'score',
          `score(${p.reviewerIds[ri]}, ${p.appIds[ai]}) returned ${s}; scores are whole numbers from 0 to 100`,
        );
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
  const evenness = 100 * R + 1; // M in the module note
  for (let ri = 0; ri < R; ri++) {
    for (let j = 0; j < units[ri]!; j++) arcs.add(0, 2 + ri, 1, evenness * (2 * (p.existingLoad[ri]! + j) + 1));
  }
  for (let ai = 0; ai < A; ai++) if (need[ai]! > 0) arcs.add(appNode(ai), 1, need[ai]!, 0);
  const firstPairArc = arcs.count;
  for (let i = 0; i < candidates; i++) arcs.add(2 + pairReviewer[i]!, appNode(pairApp[i]!), 1, -pairScore[i]!);

  // The shortlist usually carries a full assignment; only when it does not is the whole
  // network searched (a maximum flow of the shortlist is a valid start for that search).
  const active = shortlist(
    { reviewer: pairReviewer, app: pairApp, score: pairScore },
    firstPairArc,
    units,
    A,
    SHORTLIST_BEST * p.k,
    SHORTLIST_SPREAD * p.k,
  );
  if (maximizeFlow(arcs, 0, 1, active) < totalNeed) {
    maximizeFlow(arcs, 0, 1);
    for (let i = firstPairArc; i < arcs.count; i++) if (arcs.flow[i] !== 0) active[i] = 1;
  }
  minimizeCost(arcs, { active });

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
 * The arcs to solve on first: the supply and demand arcs; for each application its `perApp`
 * best-scoring candidates plus `spread` picked by a hash, so that the loads can be balanced
 * within the subset; and for each reviewer twice their possible new load of best-scoring
 * applications, which matters when some reviewers score high everywhere. Ties in score are
 * broken from a hashed starting point, again to spread the load.
 */
function shortlist(
  pairs: Pairs,
  firstPairArc: number,
  units: Int32Array,
  A: number,
  perApp: number,
  spread: number,
): Uint8Array {
  const { reviewer: pairReviewer, app: pairApp, score: pairScore } = pairs;
  const active = new Uint8Array(firstPairArc + pairApp.length);
  active.fill(1, 0, firstPairArc);
  const histogram = new Int32Array(101);
  const hash = (x: number): number => Math.imul(x + 1, 0x9e3779b1) >>> 0;
  /** Marks the `best` highest-scoring of the pairs `list[from .. from + degree)`. */
  const markBest = (list: Int32Array, from: number, degree: number, best: number, seed: number): void => {
    histogram.fill(0);
    for (let j = from; j < from + degree; j++) histogram[pairScore[list[j]!]!]!++;
    let taken = 0;
    let threshold = 100;
    while (threshold > 0 && taken + histogram[threshold]! < best) taken += histogram[threshold--]!;
    let ties = best - taken;
    const offset = hash(seed) % degree;
    for (let t = 0; t < degree; t++) {
      const i = list[from + ((offset + t) % degree)]!;
      if (pairScore[i]! > threshold || (pairScore[i] === threshold && ties-- > 0)) active[firstPairArc + i] = 1;
    }
  };
  const identity = new Int32Array(pairApp.length);
  for (let i = 0; i < identity.length; i++) identity[i] = i;
  for (let i = 0; i < pairReviewer.length;) {
    const ri = pairReviewer[i]!;
    let end = i;
    while (end < pairReviewer.length && pairReviewer[end] === ri) end++;
    markBest(identity, i, end - i, 2 * units[ri]!, ri + A);
    i = end;
  }
  // The pairs of each application, in reviewer order (pairs are listed reviewer by reviewer).
  const start = new Int32Array(A + 1);
  for (let i = 0; i < pairApp.length; i++) start[pairApp[i]! + 1]!++;
  for (let ai = 0; ai < A; ai++) start[ai + 1]! += start[ai]!;
  const fill = start.slice(0, A);
  const byApp = new Int32Array(pairApp.length);
  for (let i = 0; i < pairApp.length; i++) byApp[fill[pairApp[i]!]!++] = i;
  for (let ai = 0; ai < A; ai++) {
    const degree = start[ai + 1]! - start[ai]!;
    if (degree === 0) continue;
    markBest(byApp, start[ai]!, degree, perApp, ai);
    for (let t = 0; t < spread; t++)
      active[firstPairArc + byApp[start[ai]! + (hash(ai * spread + t + A) % degree)]!] = 1;
  }
  return active;
}

/**
 * Why each short application is short. The flow is maximum, so a short application cannot be
 * reached from the source in the residual network: every reviewer free of conflicts with it
 * and not yet on it is full, and covering it would take a reviewer from another application.
 * The first fact is checked here; a failure would be a bug in the solver.
 */
function explainShortfalls(
  p: Prepared,
  shortApps: number[],
  need: Int32Array,
  room: Int32Array,
  loads: AssignmentPlan['loads'],
): string[] {
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
        throw new Error(
          `assignment solver: application ${p.appIds[ai]} is short although reviewer ${p.reviewerIds[ri]} has room`,
        );
      }
    }
    const who =
      free === 1
        ? 'the only reviewer free of conflicts with this school and not yet on it is'
        : `all ${free} reviewers free of conflicts with this school and not yet on it are`;
    const why =
      totalRoom < totalNeed
        ? `reviewers' remaining capacity (${totalRoom}) is less than what the applications need (${totalNeed})`
        : 'covering it would take a reviewer from another application';
    return `${who} at their maximum load; ${why}`;
  });
}
