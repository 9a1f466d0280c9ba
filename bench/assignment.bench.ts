// Times automatic reviewer assignment at the required scale: 10,000 applications, 300 reviewers,
// k = 3, random match scores and about 1% conflicts. No assertions; run with
// `npx tsx bench/assignment.bench.ts [applications] [reviewers] [k]`.
import { performance } from 'node:perf_hooks';
import { planAssignments, type AssignmentProblem } from '../server/services/assignment/solver.js';

/** mulberry32: a small seeded generator, so every run solves the same instance. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function instance(applicationCount: number, reviewerCount: number, k: number, seed: number): AssignmentProblem {
  const random = prng(seed);
  const perReviewer = Math.ceil((applicationCount * k) / reviewerCount);
  const reviewers = Array.from({ length: reviewerCount }, (_, i) => ({
    id: 1000 + i,
    maxLoad: Math.floor(perReviewer * (0.8 + random() * 0.8)),
  }));
  const applications = Array.from({ length: applicationCount }, (_, i) => ({ id: 50_000 + i }));
  const conflicts: AssignmentProblem['conflicts'] = [];
  for (const r of reviewers) {
    for (const a of applications) if (random() < 0.01) conflicts.push({ reviewerId: r.id, applicationId: a.id });
  }
  const scores = new Uint8Array(applicationCount * reviewerCount);
  for (let i = 0; i < scores.length; i++) scores[i] = Math.floor(random() * 101);
  return {
    k,
    applications,
    reviewers,
    existing: [],
    conflicts,
    score: (reviewerId, applicationId) => scores[(reviewerId - 1000) * applicationCount + (applicationId - 50_000)]!,
  };
}

const [applicationCount = 10_000, reviewerCount = 300, k = 3] = process.argv.slice(2).map(Number);
const problem = instance(applicationCount, reviewerCount, k, 20240611);
const started = performance.now();
const plan = planAssignments(problem);
const seconds = (performance.now() - started) / 1000;
const loads = plan.loads.map((l) => l.load);
console.log(
  `${applicationCount} applications × ${reviewerCount} reviewers, k = ${k}, ${problem.conflicts.length} conflicts: ` +
    `${plan.added.length} assignments in ${seconds.toFixed(2)} s; ` +
    `${plan.uncovered.length} applications short; loads ${Math.min(...loads)}–${Math.max(...loads)}; ` +
    `mean score ${(plan.totalScore / Math.max(1, plan.added.length)).toFixed(1)}`,
);
