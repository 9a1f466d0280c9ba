import { expect } from 'chai';
import { performance } from 'node:perf_hooks';
import { Invalid } from '../../../server/errors.js';
import { CENSUS_REGIONS, censusRegionOf, matchScore } from '../../../server/services/assignment/match.js';
import {
  planAssignments,
  type AssignmentPlan,
  type AssignmentProblem,
} from '../../../server/services/assignment/solver.js';
import { ArcList, maximizeFlow, minimizeCost } from '../../../server/services/assignment/min-cost-flow.js';
import type { Message } from '../../../server/i18n/translate.js';
import { wordsIn } from '../../../routes/review/language-words.js';

/** A reason or shortage as an English-reading admin sees it. */
const english = (message: Message): string => wordsIn('en', message);
const inEnglish = <T extends { reason: Message }>(list: T[]) => list.map((u) => ({ ...u, reason: english(u.reason) }));

type Pair = { reviewerId: number; applicationId: number };
type Objective = { coverage: number; squares: number; score: number };

/** mulberry32: seeded, so a failing instance can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const key = (reviewerId: number, applicationId: number): string => `${reviewerId}:${applicationId}`;

function randomProblem(
  seed: number,
  apps: [number, number],
  reviewers: [number, number],
  ks: [number, number],
): AssignmentProblem {
  const random = prng(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(random() * (hi - lo + 1));
  const k = int(...ks);
  const applications = Array.from({ length: int(...apps) }, (_, i) => ({ id: 10 + 7 * i }));
  const loadHint = Math.ceil((applications.length * k) / reviewers[1]) + 1;
  const reviewerList = Array.from({ length: int(...reviewers) }, (_, i) => ({
    id: 500 + 3 * i,
    maxLoad: int(0, loadHint + 1),
  }));
  const coarse = random() < 0.5; // coarse scores make many ties
  const scores = new Map<string, number>();
  const conflicts: Pair[] = [];
  const existing: Pair[] = [];
  for (const r of reviewerList) {
    for (const a of applications) {
      scores.set(key(r.id, a.id), coarse ? 25 * int(0, 4) : int(0, 100));
      if (random() < 0.2) conflicts.push({ reviewerId: r.id, applicationId: a.id });
      if (random() < 0.08) existing.push({ reviewerId: r.id, applicationId: a.id });
    }
  }
  return { k, applications, reviewers: reviewerList, existing, conflicts, score: (r, a) => scores.get(key(r, a))! };
}

function objectiveOf(problem: AssignmentProblem, added: Pair[]): Objective {
  const loads = new Map(problem.reviewers.map((r) => [r.id, 0]));
  for (const p of [...problem.existing, ...added]) loads.set(p.reviewerId, loads.get(p.reviewerId)! + 1);
  const squares = [...loads.values()].reduce((sum, l) => sum + l * l, 0);
  const score = added.reduce((sum, p) => sum + problem.score(p.reviewerId, p.applicationId), 0);
  return { coverage: added.length, squares, score };
}

const better = (a: Objective, b: Objective): boolean =>
  a.coverage !== b.coverage
    ? a.coverage > b.coverage
    : a.squares !== b.squares
      ? a.squares < b.squares
      : a.score > b.score;

/** What a valid plan must satisfy whatever the objective. */
function expectValid(problem: AssignmentProblem, plan: AssignmentPlan): void {
  const conflicts = new Set(problem.conflicts.map((c) => key(c.reviewerId, c.applicationId)));
  const taken = new Set(problem.existing.map((e) => key(e.reviewerId, e.applicationId)));
  const perReviewer = new Map(problem.reviewers.map((r) => [r.id, 0]));
  const perApp = new Map(problem.applications.map((a) => [a.id, 0]));
  const existingLoad = new Map(problem.reviewers.map((r) => [r.id, 0]));
  for (const e of problem.existing) {
    existingLoad.set(e.reviewerId, existingLoad.get(e.reviewerId)! + 1);
    if (perApp.has(e.applicationId)) perApp.set(e.applicationId, perApp.get(e.applicationId)! + 1);
  }
  const existingPerApp = new Map(perApp);
  for (const a of plan.added) {
    expect(
      conflicts.has(key(a.reviewerId, a.applicationId)),
      `conflicted ${key(a.reviewerId, a.applicationId)}`,
    ).to.equal(false);
    expect(taken.has(key(a.reviewerId, a.applicationId)), `repeated ${key(a.reviewerId, a.applicationId)}`).to.equal(
      false,
    );
    taken.add(key(a.reviewerId, a.applicationId));
    expect(a.score).to.equal(problem.score(a.reviewerId, a.applicationId));
    perReviewer.set(a.reviewerId, perReviewer.get(a.reviewerId)! + 1);
    perApp.set(a.applicationId, perApp.get(a.applicationId)! + 1);
  }
  for (const r of problem.reviewers) {
    expect(perReviewer.get(r.id)!).to.be.at.most(Math.max(0, r.maxLoad - existingLoad.get(r.id)!));
  }
  expect(plan.loads).to.deep.equal(
    problem.reviewers.map((r) => ({
      reviewerId: r.id,
      load: existingLoad.get(r.id)! + perReviewer.get(r.id)!,
      maxLoad: r.maxLoad,
    })),
  );
  for (const a of problem.applications)
    expect(perApp.get(a.id)!).to.be.at.most(Math.max(problem.k, existingPerApp.get(a.id)!));
  const short = problem.applications.filter((a) => perApp.get(a.id)! < problem.k);
  expect(plan.uncovered.map(({ reason: _, ...u }) => u)).to.deep.equal(
    short.map((a) => ({ applicationId: a.id, assigned: perApp.get(a.id)!, missing: problem.k - perApp.get(a.id)! })),
  );
  for (const u of plan.uncovered) expect(english(u.reason)).to.be.a('string').and.not.equal('');
  expect(plan.totalScore).to.equal(plan.added.reduce((sum, a) => sum + a.score, 0));
}

/** The best objective over every valid set of added assignments; null when there are too many. */
function bruteForce(problem: AssignmentProblem, limit: number): Objective | null {
  const conflicts = new Set(problem.conflicts.map((c) => key(c.reviewerId, c.applicationId)));
  const existing = new Set(problem.existing.map((e) => key(e.reviewerId, e.applicationId)));
  const room = new Map(
    problem.reviewers.map((r) => [r.id, r.maxLoad - problem.existing.filter((e) => e.reviewerId === r.id).length]),
  );
  const options = problem.applications.map((a) => {
    const need = problem.k - problem.existing.filter((e) => e.applicationId === a.id).length;
    const free = problem.reviewers.filter((r) => !conflicts.has(key(r.id, a.id)) && !existing.has(key(r.id, a.id)));
    let subsets: number[][] = [[]];
    for (const r of free) subsets = [...subsets, ...subsets.filter((s) => s.length < need).map((s) => [...s, r.id])];
    return subsets;
  });
  if (options.reduce((product, o) => product * o.length, 1) > limit) return null;
  let best: Objective | null = null;
  const chosen: Pair[] = [];
  const visit = (i: number): void => {
    if (i === options.length) {
      const candidate = objectiveOf(problem, chosen);
      if (best === null || better(candidate, best)) best = candidate;
      return;
    }
    for (const subset of options[i]!) {
      if (subset.some((r) => room.get(r)! <= 0)) continue;
      for (const r of subset) {
        room.set(r, room.get(r)! - 1);
        chosen.push({ reviewerId: r, applicationId: problem.applications[i]!.id });
      }
      visit(i + 1);
      for (const r of subset) {
        room.set(r, room.get(r)! + 1);
        chosen.pop();
      }
    }
  };
  visit(0);
  return best;
}

/**
 * An independent min-cost max-flow: successive shortest paths with Bellman-Ford on one
 * weighted cost (M · load² − score, M larger than any score difference), unit by unit.
 */
function oracle(problem: AssignmentProblem): Objective {
  const R = problem.reviewers.length;
  const conflicts = new Set(problem.conflicts.map((c) => key(c.reviewerId, c.applicationId)));
  const existing = new Set(problem.existing.map((e) => key(e.reviewerId, e.applicationId)));
  const edges: Array<{ to: number; cap: number; cost: number; rev: number; pair?: Pair }> = [];
  const out: number[][] = Array.from({ length: 2 + R + problem.applications.length }, () => []);
  const link = (u: number, v: number, cost: number, pair?: Pair): void => {
    out[u]!.push(edges.length);
    edges.push({ to: v, cap: 1, cost, rev: edges.length + 1, pair });
    out[v]!.push(edges.length);
    edges.push({ to: u, cap: 0, cost: -cost, rev: edges.length - 1 });
  };
  const needs = problem.applications.map((a) =>
    Math.max(0, problem.k - problem.existing.filter((e) => e.applicationId === a.id).length),
  );
  const M = 100 * needs.reduce((s, n) => s + n, 0) + 1;
  problem.reviewers.forEach((r, ri) => {
    const load = problem.existing.filter((e) => e.reviewerId === r.id).length;
    for (let j = load; j < r.maxLoad; j++) link(0, 2 + ri, M * (2 * j + 1));
    problem.applications.forEach((a, ai) => {
      if (!conflicts.has(key(r.id, a.id)) && !existing.has(key(r.id, a.id))) {
        link(2 + ri, 2 + R + ai, -problem.score(r.id, a.id), { reviewerId: r.id, applicationId: a.id });
      }
    });
  });
  needs.forEach((need, ai) => Array.from({ length: need }, () => link(2 + R + ai, 1, 0)));
  for (;;) {
    const dist = out.map(() => Infinity);
    const via = out.map(() => -1);
    dist[0] = 0;
    for (let changed = true; changed;) {
      changed = false;
      out.forEach((arcs, u) => {
        for (const e of arcs) {
          const { to, cap, cost } = edges[e]!;
          if (cap > 0 && dist[u]! + cost < dist[to]!) {
            dist[to] = dist[u]! + cost;
            via[to] = e;
            changed = true;
          }
        }
      });
    }
    if (dist[1] === Infinity) break;
    for (let v = 1; v !== 0; v = edges[edges[via[v]!]!.rev]!.to) {
      edges[via[v]!]!.cap--;
      edges[edges[via[v]!]!.rev]!.cap++;
    }
  }
  return objectiveOf(
    problem,
    edges.filter((e) => e.pair && e.cap === 0).map((e) => e.pair!),
  );
}

describe('planAssignments', () => {
  it('keeps every rule and matches a brute-force enumeration on 200 random small instances', () => {
    let enumerated = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const problem = randomProblem(seed, [2, 6], [2, 6], [1, 3]);
      const plan = planAssignments(problem);
      expectValid(problem, plan);
      expect(planAssignments(problem), `seed ${seed} is deterministic`).to.deep.equal(plan);
      const best = bruteForce(problem, 200_000);
      if (best === null) continue;
      enumerated++;
      expect(objectiveOf(problem, plan.added), `seed ${seed}`).to.deep.equal(best);
    }
    expect(enumerated).to.be.at.least(180);
  });

  it('agrees with an independent successive-shortest-path solver on 30 medium instances', () => {
    for (let seed = 1001; seed <= 1030; seed++) {
      const problem = randomProblem(seed, [10, 30], [6, 16], [1, 2]);
      const plan = planAssignments(problem);
      expectValid(problem, plan);
      expect(objectiveOf(problem, plan.added), `seed ${seed}`).to.deep.equal(oracle(problem));
    }
  });

  it('spreads absolute loads as evenly as the maxima allow before it looks at match scores', () => {
    const plan = planAssignments({
      k: 1,
      applications: Array.from({ length: 12 }, (_, i) => ({ id: i + 1 })),
      reviewers: [
        { id: 1, maxLoad: 10 },
        { id: 2, maxLoad: 10 },
        { id: 3, maxLoad: 2 },
      ],
      existing: [],
      conflicts: [],
      score: (r) => (r === 1 ? 100 : 0),
    });
    expect(plan.loads.map((l) => l.load)).to.deep.equal([5, 5, 2]);
    expect(plan.totalScore).to.equal(500);
  });

  it('prefers the better match when loads tie, and counts existing work toward loads', () => {
    const plan = planAssignments({
      k: 2,
      applications: [{ id: 1 }, { id: 2 }],
      reviewers: [
        { id: 7, maxLoad: 3 },
        { id: 8, maxLoad: 3 },
        { id: 9, maxLoad: 3 },
      ],
      existing: [
        { reviewerId: 9, applicationId: 1 },
        { reviewerId: 9, applicationId: 99 },
      ],
      conflicts: [],
      score: (r, a) => (r === 9 ? 100 : a === 1 ? (r === 8 ? 60 : 40) : r === 7 ? 90 : 40),
    });
    expect(plan.added).to.deep.equal([
      { reviewerId: 8, applicationId: 1, score: 60 },
      { reviewerId: 7, applicationId: 2, score: 90 },
      { reviewerId: 8, applicationId: 2, score: 40 },
    ]);
    expect(plan.loads.map((l) => l.load)).to.deep.equal([1, 2, 2]);
    expect(plan.uncovered).to.deep.equal([]);
  });

  const base = (overrides: Partial<AssignmentProblem>): AssignmentProblem => ({
    k: 3,
    applications: [{ id: 1 }],
    reviewers: [1, 2, 3, 4].map((id) => ({ id: 100 + id, maxLoad: 5 })),
    existing: [],
    conflicts: [],
    score: () => 50,
    ...overrides,
  });

  it('says when too few reviewers are free of conflicts', () => {
    const plan = planAssignments(
      base({ conflicts: [101, 102].map((reviewerId) => ({ reviewerId, applicationId: 1 })) }),
    );
    expect(inEnglish(plan.uncovered)).to.deep.equal([
      { applicationId: 1, assigned: 2, missing: 1, reason: 'only 2 reviewers are free of conflicts with this school' },
    ]);
    const none = planAssignments(
      base({ conflicts: [101, 102, 103, 104].map((reviewerId) => ({ reviewerId, applicationId: 1 })) }),
    );
    expect(english(none.uncovered[0]!.reason)).to.equal('no reviewer is free of conflicts with this school');
    expect(inEnglish(planAssignments(base({ reviewers: [] })).uncovered)[0]).to.deep.equal({
      applicationId: 1,
      assigned: 0,
      missing: 3,
      reason: 'there are no reviewers',
    });
  });

  it('says when the panel as a whole has too little capacity, and still assigns what it can', () => {
    const plan = planAssignments(
      base({
        applications: [{ id: 1 }, { id: 2 }],
        reviewers: [1, 2, 3].map((id) => ({ id, maxLoad: 1 })),
        score: (_r, a) => (a === 1 ? 80 : 20),
      }),
    );
    const reason =
      "all 3 reviewers free of conflicts with this school and not yet on it are at their maximum load; reviewers' remaining capacity (3) is less than what the applications need (6)";
    expect(inEnglish(plan.uncovered)).to.deep.equal([{ applicationId: 2, assigned: 0, missing: 3, reason }]);
    expect(plan.totalScore).to.equal(240);
  });

  it('says when the reviewers free for a school are full although others have room', () => {
    const plan = planAssignments(
      base({
        k: 2,
        applications: [{ id: 1 }, { id: 2 }, { id: 3 }],
        reviewers: [
          { id: 1, maxLoad: 1 },
          { id: 2, maxLoad: 1 },
          { id: 3, maxLoad: 9 },
          { id: 4, maxLoad: 9 },
        ],
        conflicts: [3, 4].flatMap((reviewerId) => [
          { reviewerId, applicationId: 1 },
          { reviewerId, applicationId: 2 },
        ]),
        score: (r, a) => (r === a ? 90 : 50),
      }),
    );
    const reason =
      'the only reviewer free of conflicts with this school and not yet on it is at their maximum load; covering it would take a reviewer from another application';
    expect(plan.uncovered.map((u) => [u.applicationId, u.missing, english(u.reason)])).to.deep.equal([
      [1, 1, reason],
      [2, 1, reason],
    ]);
    expect(plan.added.filter((a) => a.applicationId === 3)).to.have.length(2);
  });

  it('keeps conflicted and overloading existing assignments, reporting them', () => {
    const problem = base({
      k: 2,
      applications: [{ id: 1 }, { id: 2 }],
      reviewers: [
        { id: 5, maxLoad: 1 },
        { id: 6, maxLoad: 4 },
        { id: 7, maxLoad: 4 },
      ],
      existing: [
        { reviewerId: 5, applicationId: 1 },
        { reviewerId: 5, applicationId: 2 },
      ],
      conflicts: [{ reviewerId: 5, applicationId: 1 }],
    });
    const plan = planAssignments(problem);
    expectValid(problem, plan);
    expect(plan.warnings.map((w) => [w.kind, w.reviewerId, w.applicationId])).to.deep.equal([
      ['conflicted-existing', 5, 1],
      ['overloaded-existing', 5, null],
    ]);
    expect(plan.loads[0]).to.deep.equal({ reviewerId: 5, load: 2, maxLoad: 1 });
    expect(plan.added).to.have.length(2);
  });

  it('rejects malformed input with clear messages', () => {
    const cases: Array<[Partial<AssignmentProblem>, Record<string, string>]> = [
      [{ k: 0 }, { k: 'k must be a whole number of at least 1 (got 0)' }],
      [{ k: 1.5 }, { k: 'k must be a whole number of at least 1 (got 1.5)' }],
      [
        { reviewers: [{ id: 1, maxLoad: -1 }] },
        { reviewers: 'reviewer 1 has maximum load -1; it must be a whole number ≥ 0' },
      ],
      [
        {
          reviewers: [
            { id: 1, maxLoad: 1 },
            { id: 1, maxLoad: 2 },
          ],
        },
        { reviewers: 'id 1 appears twice' },
      ],
      [{ applications: [{ id: 1 }, { id: 1 }] }, { applications: 'id 1 appears twice' }],
      [
        { existing: [{ reviewerId: 9, applicationId: 1 }] },
        { existing: 'an existing assignment names reviewer 9, who is not among the reviewers' },
      ],
      [
        {
          existing: [
            { reviewerId: 101, applicationId: 1 },
            { reviewerId: 101, applicationId: 1 },
          ],
        },
        { existing: 'existing assignment of reviewer 101 to application 1 appears twice' },
      ],
      [{ score: () => 101 }, { score: 'score(101, 1) returned 101; scores are whole numbers from 0 to 100' }],
    ];
    for (const [overrides, fieldErrors] of cases) {
      expect(() => planAssignments(base(overrides)))
        .to.throw(Invalid)
        .that.deep.includes({ fieldErrors });
    }
  });

  it('solves 10,000 applications × 300 reviewers × k = 3 in seconds', function () {
    this.timeout(120_000);
    const random = prng(42);
    const applications = Array.from({ length: 10_000 }, (_, i) => ({ id: i + 1 }));
    const reviewers = Array.from({ length: 300 }, (_, i) => ({
      id: 100_001 + i,
      maxLoad: 80 + Math.floor(random() * 81),
    }));
    const conflicts = reviewers.flatMap((r) =>
      applications.filter(() => random() < 0.01).map((a) => ({ reviewerId: r.id, applicationId: a.id })),
    );
    const scores = Uint8Array.from({ length: 3_000_000 }, () => Math.floor(random() * 101));
    const problem: AssignmentProblem = {
      k: 3,
      applications,
      reviewers,
      existing: [],
      conflicts,
      score: (r, a) => scores[(r - 100_001) * 10_000 + a - 1]!,
    };
    const started = performance.now();
    const plan = planAssignments(problem);
    const seconds = (performance.now() - started) / 1000;
    console.log(`        10,000 × 300 × k = 3 solved in ${seconds.toFixed(2)} s`);
    expect(seconds).to.be.below(60);
    expect(plan.added).to.have.length(30_000);
    expectValid(problem, plan);
  });
});

describe('minimizeCost', () => {
  /** A random transportation network, with a maximum flow already on it. */
  function network(seed: number): ArcList {
    const random = prng(seed);
    const [left, right] = [3 + Math.floor(random() * 6), 5 + Math.floor(random() * 20)];
    const arcs = new ArcList(2 + left + right);
    for (let l = 0; l < left; l++) arcs.add(0, 2 + l, 1 + Math.floor(random() * 6), Math.floor(random() * 50) - 10);
    for (let r = 0; r < right; r++) arcs.add(2 + left + r, 1, 1 + Math.floor(random() * 3), 0);
    for (let l = 0; l < left; l++) {
      for (let r = 0; r < right; r++) if (random() < 0.7) arcs.add(2 + l, 2 + left + r, 1, -Math.floor(random() * 100));
    }
    maximizeFlow(arcs, 0, 1);
    return arcs;
  }
  const costOf = (arcs: ArcList): number =>
    arcs.cost.slice(0, arcs.count).reduce((sum, c, i) => sum + c * arcs.flow[i]!, 0);

  it('reaches the same optimum from a small active subset as from all arcs, through pricing rounds', () => {
    let repriced = 0;
    for (let seed = 1; seed <= 100; seed++) {
      const whole = network(seed);
      const flowValue = (arcs: ArcList): number =>
        arcs.flow.slice(0, arcs.count).reduce((sum, f, i) => sum + (arcs.to[i] === 1 ? f : 0), 0);
      const value = flowValue(whole);
      const sparse = network(seed);
      const active = Uint8Array.from(sparse.flow.slice(0, sparse.count), (f, i) =>
        f > 0 || sparse.from[i] === 0 || sparse.to[i] === 1 ? 1 : 0,
      );
      minimizeCost(whole);
      if (minimizeCost(sparse, { active, addPerHead: 1 }) > 1) repriced++;
      expect(costOf(sparse), `seed ${seed}`).to.equal(costOf(whole));
      expect([flowValue(whole), flowValue(sparse)]).to.deep.equal([value, value]);
    }
    expect(repriced).to.be.at.least(50);
  });
});

describe('matchScore', () => {
  const school = {
    state: 'CO',
    level: 'high',
    focus: ['tracking', 'discipline', 'special-education', 'family-engagement'],
  };

  it('weighs expertise 50, grade level 30 and region 20', () => {
    expect(matchScore({ expertise: [...school.focus], gradeLevels: ['high'], state: 'CO' }, school)).to.equal(100);
    expect(
      matchScore({ expertise: ['Tracking', 'special education'], gradeLevels: ['high'], state: 'co' }, school),
    ).to.equal(75);
    expect(matchScore({ expertise: ['tracking'], gradeLevels: ['middle'], state: 'UT' }, school)).to.equal(
      13 + 10 + 10,
    );
    expect(matchScore({ expertise: [], gradeLevels: ['elementary'], state: 'NY' }, school)).to.equal(0);
    expect(matchScore({ expertise: ['discipline'], gradeLevels: ['k12'], state: null }, school)).to.equal(13 + 30);
  });

  it('gives partial grade-level credit for K-12 schools and no expertise credit without focus', () => {
    const k12 = { state: 'TX', level: 'k12', focus: [] };
    expect(matchScore({ expertise: ['tracking'], gradeLevels: ['high'], state: 'OK' }, k12)).to.equal(15 + 10);
    expect(matchScore({ expertise: [], gradeLevels: ['k12'], state: 'TX' }, k12)).to.equal(50);
  });

  it('maps the 50 states and DC to the four census regions', () => {
    expect(Object.keys(CENSUS_REGIONS)).to.have.length(51);
    const count = (region: string): number => Object.values(CENSUS_REGIONS).filter((r) => r === region).length;
    expect([count('Northeast'), count('Midwest'), count('South'), count('West')]).to.deep.equal([9, 12, 17, 13]);
    expect([censusRegionOf(' ma '), censusRegionOf('PR'), censusRegionOf(null)]).to.deep.equal([
      'Northeast',
      undefined,
      undefined,
    ]);
  });

  it('stays a whole number within 0..100 and depends only on its input', () => {
    const random = prng(7);
    const pick = <T>(items: T[]): T[] => items.filter(() => random() < 0.5);
    for (let i = 0; i < 500; i++) {
      const reviewer = {
        expertise: pick(school.focus),
        gradeLevels: pick(['high', 'middle', 'k12']),
        state: random() < 0.2 ? null : 'WY',
      };
      const score = matchScore(reviewer, school);
      expect(Number.isInteger(score) && score >= 0 && score <= 100).to.equal(true);
      expect(matchScore(structuredClone(reviewer), structuredClone(school))).to.equal(score);
    }
  });
});
