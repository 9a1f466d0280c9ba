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
// Languages: an application written in some languages (its answers') goes only to reviewers who
// read every one of them, a hard rule like a conflict: such a pair is never a candidate. An
// application without languages, or a reviewer without `reads`, is not restricted.
//
// Existing assignments are never removed, even when they are conflicted, unreadable by their
// reviewer or push a reviewer over their maximum; such cases are reported in `warnings`, and an
// overloaded reviewer simply gets nothing new. Conflicts naming unknown reviewers or
// applications are ignored.
//
// The reasons and shortages are Messages (server/i18n): the page puts them into the admin's
// language. A value `languages` holds language codes, named in words where the page is written.
import { Invalid } from '../../errors.js';
import { msg, type Message } from '../../i18n/translate.js';
import { ArcList, maximizeFlow, minimizeCost } from './min-cost-flow.js';

export interface AssignmentProblem {
  k: number;
  /** `languages`: the languages its answers are written in; only reviewers who read all of them may read it. */
  applications: Array<{ id: number; languages?: readonly string[] }>;
  /** `reads`: the languages the reviewer reads; without it, any. */
  reviewers: Array<{ id: number; maxLoad: number; reads?: readonly string[] }>;
  existing: Array<{ reviewerId: number; applicationId: number }>; // kept; count toward loads and coverage
  conflicts: Array<{ reviewerId: number; applicationId: number }>;
  /** 0..100 integer match score of reviewer for application; higher is better. */
  score(reviewerId: number, applicationId: number): number;
}

export interface AssignmentWarning {
  kind: 'conflicted-existing' | 'unreadable-existing' | 'overloaded-existing';
  reviewerId: number;
  applicationId: number | null;
  message: string;
}

export interface AssignmentPlan {
  /** The new assignments, by application id then reviewer id. */
  added: Array<{ reviewerId: number; applicationId: number; score: number }>;
  /** Applications left with fewer than k reviewers (existing + added), in input order. */
  uncovered: Array<{ applicationId: number; assigned: number; missing: number; reason: Message }>;
  /**
   * Languages the panel reads too little of: for each set of languages some applications are
   * written in, when fewer than k reviewers read them or their room is less than those
   * applications need. `message` says so in plain words.
   */
  languageShortages: LanguageShortage[];
  /** Every reviewer's load after the plan (existing + added), in input order. */
  loads: Array<{ reviewerId: number; load: number; maxLoad: number }>;
  /** Sum of the scores of the added assignments. */
  totalScore: number;
  /** Existing assignments kept although they break a rule. */
  warnings: AssignmentWarning[];
}

export interface LanguageShortage {
  /** The languages the applications are written in (codes). */
  languages: string[];
  applications: number;
  /** Reviewers of the round who read all of them. */
  readers: number;
  /** What those applications still need, and the room of those readers. */
  need: number;
  room: number;
  message: Message;
}

/** Above this many reviewer–application pairs the dense pair table would not fit comfortably. */
const MAX_PAIRS = 50_000_000;
/** Arcs per application and per unit of k in the first subset solved; pricing adds any others that matter. */
const SHORTLIST_BEST = 4;
const SHORTLIST_SPREAD = 2;
const CONFLICT = 1;
const ASSIGNED = 2;
/** The reviewer does not read every language of the application. */
const UNREADABLE = 4;

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
  /** Per application: how many reviewers do not read its languages, and its existing assignments by them. */
  unreadableCount: Int32Array;
  unreadableExisting: Int32Array;
  /** Per application: the index of its language group in `groups`, or −1 when unrestricted. */
  groupOf: Int32Array;
  groups: Array<{ languages: string[] }>;
  warnings: AssignmentWarning[];
}

/** Bad input, with the field at fault, as the services report it (server/errors.ts). */
function invalid(field: string, problem: string): Invalid {
  return new Invalid({ [field]: problem }, `Cannot plan reviewer assignments: ${problem}.`);
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
  const { groupOf, groups, unreadableCount } = markUnreadable(problem, pairs);
  const existingLoad = new Int32Array(R);
  const existingCount = new Int32Array(A);
  const conflictedExisting = new Int32Array(A);
  const unreadableExisting = new Int32Array(A);
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
      if (pairs[p]! & UNREADABLE) {
        unreadableExisting[ai]!++;
        warnings.push({
          kind: 'unreadable-existing',
          reviewerId: e.reviewerId,
          applicationId: e.applicationId,
          message: `reviewer ${e.reviewerId} is already assigned to application ${e.applicationId} but does not read its language; the assignment was kept`,
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
    unreadableCount,
    unreadableExisting,
    groupOf,
    groups,
    warnings,
  };
}

/**
 * Marks the pairs whose reviewer does not read every language of the application. Applications
 * are grouped by their set of languages (a handful of groups), so each reviewer is checked once
 * per group; a group every reviewer reads costs nothing more.
 */
function markUnreadable(problem: AssignmentProblem, pairs: Uint8Array) {
  const A = problem.applications.length;
  const R = problem.reviewers.length;
  const groupOf = new Int32Array(A).fill(-1);
  const groups: Array<{ languages: string[] }> = [];
  const unreadableCount = new Int32Array(A);
  const groupIndex = new Map<string, number>();
  const readers: Uint8Array[] = [];
  const reads = problem.reviewers.map((r) => (r.reads === undefined ? undefined : new Set(r.reads)));
  problem.applications.forEach((app, ai) => {
    const languages = [...new Set(app.languages ?? [])].sort();
    if (languages.length === 0) return;
    const key = languages.join(',');
    let g = groupIndex.get(key);
    if (g === undefined) {
      const canRead = Uint8Array.from(reads, (set) => (!set || languages.every((l) => set.has(l)) ? 1 : 0));
      // A language every reviewer reads restricts nothing: its applications are not a group.
      g = canRead.every(Boolean) ? -1 : groups.length;
      groupIndex.set(key, g);
      if (g >= 0) {
        groups.push({ languages });
        readers.push(canRead);
      }
    }
    if (g < 0) return;
    groupOf[ai] = g;
    const canRead = readers[g]!;
    for (let ri = 0; ri < R; ri++) {
      if (canRead[ri]) continue;
      pairs[ri * A + ai]! |= UNREADABLE;
      unreadableCount[ai]!++;
    }
  });
  return { groupOf, groups, unreadableCount };
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
  const languageShortages = findLanguageShortages(p, need, room);
  return { added, uncovered, loads, totalScore, warnings: p.warnings, languageShortages };
}

/** Per language group: too few reviewers who read it, or too little room among them. */
function findLanguageShortages(p: Prepared, need: Int32Array, room: Int32Array): LanguageShortage[] {
  const A = p.appIds.length;
  const R = p.reviewerIds.length;
  const shortages: LanguageShortage[] = [];
  p.groups.forEach(({ languages }, g) => {
    let applications = 0;
    let groupNeed = 0;
    let first = -1;
    for (let ai = 0; ai < A; ai++) {
      if (p.groupOf[ai] !== g || need[ai] === 0) continue;
      if (first < 0) first = ai;
      applications++;
      groupNeed += need[ai]!;
    }
    if (applications === 0) return;
    let readers = 0;
    let groupRoom = 0;
    for (let ri = 0; ri < R; ri++) {
      if (p.pairs[ri * A + first]! & UNREADABLE) continue;
      readers++;
      groupRoom += room[ri]!;
    }
    const values = { languages, applications, k: p.k, readers, need: groupNeed, room: groupRoom };
    if (readers < p.k) shortages.push({ ...values, message: msg('assignment.shortage.readers', values) });
    else if (groupRoom < groupNeed) shortages.push({ ...values, message: msg('assignment.shortage.room', values) });
  });
  return shortages;
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
 * reached from the source in the residual network: every reviewer free of conflicts with it,
 * reading its languages and not yet on it is full, and covering it would take a reviewer from
 * another application. The first fact is checked here; a failure would be a bug in the solver.
 */
function explainShortfalls(
  p: Prepared,
  shortApps: number[],
  need: Int32Array,
  room: Int32Array,
  loads: AssignmentPlan['loads'],
): Message[] {
  const A = p.appIds.length;
  const R = p.reviewerIds.length;
  const totalNeed = need.reduce((sum, n) => sum + n, 0);
  const totalRoom = room.reduce((sum, r) => sum + r, 0);
  const groupNeeds = new Int32Array(p.groups.length);
  for (let ai = 0; ai < A; ai++) if (p.groupOf[ai]! >= 0) groupNeeds[p.groupOf[ai]!]! += need[ai]!;
  return shortApps.map((ai) => {
    if (R === 0) return msg('assignment.shortfall.noReviewers');
    const g = p.groupOf[ai]!;
    const languages = g < 0 ? [] : p.groups[g]!.languages;
    // Existing assignments that break a rule still count toward the application's k.
    const kept = p.conflictedExisting[ai]! + p.unreadableExisting[ai]!;
    const readers = R - p.unreadableCount[ai]!;
    if (g >= 0 && readers + p.unreadableExisting[ai]! < p.k) {
      return msg('assignment.shortfall.readers', { languages, count: readers });
    }
    let usable = 0;
    for (let ri = 0; ri < R; ri++) if ((p.pairs[ri * A + ai]! & (CONFLICT | UNREADABLE)) === 0) usable++;
    if (usable + kept < p.k) {
      return g >= 0
        ? msg('assignment.shortfall.freeReaders', { languages, count: usable })
        : msg('assignment.shortfall.free', { count: usable });
    }
    let free = 0;
    let groupRoom = 0;
    for (let ri = 0; ri < R; ri++) {
      if (g >= 0 && !(p.pairs[ri * A + ai]! & UNREADABLE)) groupRoom += room[ri]!;
      if (p.pairs[ri * A + ai] !== 0) continue; // conflicted, unreadable, or already on it
      free++;
      if (loads[ri]!.load < loads[ri]!.maxLoad) {
        throw new Error(
          `assignment solver: application ${p.appIds[ai]} is short although reviewer ${p.reviewerIds[ri]} has room`,
        );
      }
    }
    const groupNeed = g >= 0 ? groupNeeds[g]! : 0;
    const why =
      g >= 0 && groupRoom < groupNeed
        ? { why: 'language', room: groupRoom, need: groupNeed }
        : totalRoom < totalNeed
          ? { why: 'capacity', room: totalRoom, need: totalNeed }
          : { why: 'other', room: totalRoom, need: totalNeed };
    return msg('assignment.shortfall.full', { free, languages, ...why });
  });
}
