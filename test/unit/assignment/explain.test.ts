// The explanations of an automatic plan follow the solver's objective: every reviewer passed over
// has a reason that holds (a conflict, a language, a full load, an application that kept its
// reviewers, a lower match, or loads that moving the review would make less even), never none.
import { expect } from 'chai';
import { explainer } from '../../../server/services/assignment/explain.js';
import { planAssignments, type AssignmentProblem } from '../../../server/services/assignment/solver.js';
import { mulberry32 } from '../../../server/services/decisions/rank-intervals.js';

const key = (r: number, a: number) => `${r}:${a}`;

function randomProblem(seed: number): AssignmentProblem {
  const random = mulberry32(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const k = int(1, 3);
  const applications = Array.from({ length: int(3, 14) }, (_, i) => ({
    id: 10 + i,
    languages: random() < 0.2 ? ['es'] : ['en'],
  }));
  const reviewers = Array.from({ length: int(3, 9) }, (_, i) => ({
    id: 100 + i,
    maxLoad: int(0, 6),
    reads: random() < 0.3 ? ['en', 'es'] : ['en'],
  }));
  const scores = new Map<string, number>();
  const conflicts: AssignmentProblem['conflicts'] = [];
  const existing: AssignmentProblem['existing'] = [];
  for (const r of reviewers) {
    for (const a of applications) {
      scores.set(key(r.id, a.id), random() < 0.5 ? 25 * int(0, 4) : int(0, 100));
      if (random() < 0.15) conflicts.push({ reviewerId: r.id, applicationId: a.id });
      else if (random() < 0.05) existing.push({ reviewerId: r.id, applicationId: a.id });
    }
  }
  return { k, applications, reviewers, existing, conflicts, score: (r, a) => scores.get(key(r, a))! };
}

describe('explaining an automatic plan', () => {
  it('gives every reviewer passed over a reason that holds, on 300 random problems', () => {
    const kinds = new Set<string>();
    for (let seed = 1; seed <= 300; seed++) {
      const problem = randomProblem(seed);
      const plan = planAssignments(problem);
      const explain = explainer(problem, plan);
      const loads = new Map(plan.loads.map((l) => [l.reviewerId, l]));
      const conflicted = new Set(problem.conflicts.map((c) => key(c.reviewerId, c.applicationId)));
      for (const application of problem.applications) {
        const { chosen, passedOver } = explain(application.id, problem.reviewers.length);
        expect(chosen.length + passedOver.length, `seed ${seed}`).to.equal(problem.reviewers.length);
        for (const p of passedOver) {
          const at = `seed ${seed}, application ${application.id}, reviewer ${p.reviewerId}`;
          kinds.add(p.reason.kind);
          expect(p.reason.kind, at).not.to.equal('unexplained');
          const reviewer = problem.reviewers.find((r) => r.id === p.reviewerId)!;
          if (p.reason.kind === 'conflict')
            expect(conflicted.has(key(p.reviewerId, application.id)), at).to.equal(true);
          if (p.reason.kind === 'language') {
            expect(
              (application.languages ?? []).every((l) => (reviewer.reads ?? []).includes(l)),
              at,
            ).to.equal(false);
          }
          if (p.reason.kind === 'full') expect(loads.get(p.reviewerId)!.load, at).to.be.at.least(reviewer.maxLoad);
          if (p.reason.kind === 'lowerMatch') expect(p.score, at).to.be.at.most(p.reason.chosenScore);
          if (p.reason.kind === 'evenness') {
            // Moving the review would not make the loads more even: the solver's second priority.
            expect(p.reason.load, at).to.be.at.least(p.reason.chosenLoad);
            expect(loads.get(p.reason.chosenReviewerId)!.load, at).to.equal(p.reason.chosenLoad);
            const chosen = chosenScore(chosenOf(plan, application.id, p.reason.chosenReviewerId));
            expect(p.score, at).to.be.above(chosen);
          }
        }
      }
    }
    // The random problems reach every kind of reason the solver's objective gives.
    expect([...kinds].sort()).to.deep.equal(['conflict', 'evenness', 'full', 'kept', 'language', 'lowerMatch']);
  });

  it('names the hard rules before the loads, and the loads before the match', () => {
    const problem: AssignmentProblem = {
      k: 1,
      applications: [
        { id: 1, languages: ['es'] },
        { id: 2, languages: ['en'] },
      ],
      reviewers: [
        { id: 10, maxLoad: 5, reads: ['en', 'es'] },
        { id: 11, maxLoad: 5, reads: ['en'] },
        { id: 12, maxLoad: 5, reads: ['en', 'es'] },
      ],
      existing: [],
      conflicts: [{ reviewerId: 12, applicationId: 1 }],
      // Reviewer 12 is the best match for both, but conflicted on the first; 10 beats 11.
      score: (r, a) => ({ 10: 60, 11: 80, 12: 90 })[r]! - (a === 2 && r === 10 ? 50 : 0),
    };
    const plan = planAssignments(problem);
    const explain = explainer(problem, plan);
    const first = explain(1);
    expect(first.chosen.map((c) => c.reviewerId)).to.deep.equal([10]);
    expect(first.passedOver.map((p) => [p.reviewerId, p.reason.kind])).to.deep.equal([
      [12, 'conflict'],
      [11, 'language'],
    ]);
    const second = explain(2);
    expect(second.chosen.map((c) => c.reviewerId)).to.deep.equal([12]);
    expect(second.passedOver.map((p) => [p.reviewerId, p.reason.kind])).to.deep.equal([
      [11, 'lowerMatch'],
      [10, 'lowerMatch'],
    ]);
  });
});

function chosenOf(plan: ReturnType<typeof planAssignments>, applicationId: number, reviewerId: number) {
  return plan.added.find((a) => a.applicationId === applicationId && a.reviewerId === reviewerId)!;
}
const chosenScore = (added: { score: number }) => added.score;
