// Language is a hard rule of automatic assignment: an application goes only to reviewers who
// read every language its answers are written in, and the plan says so when the panel cannot.
import { expect } from 'chai';
import { planAssignments, type AssignmentProblem } from '../../../server/services/assignment/solver.js';
import { wordsIn } from '../../../routes/review/language-words.js';

const BOTH = ['en', 'es'];
const ENGLISH = ['en'];

const SPANISH_FROM = 100_001;
const isSpanish = (applicationId: number) => applicationId >= SPANISH_FROM;

/** Applications 1.. in English, then 100001.. in Spanish; reviewers 1000.. read both, 2000.. English only. */
function panel({
  english,
  spanish,
  readers,
  others,
  k,
  maxLoad,
}: {
  english: number;
  spanish: number;
  readers: number;
  others: number;
  k: number;
  maxLoad: number;
}): AssignmentProblem {
  const range = (n: number, from: number) => Array.from({ length: n }, (_, i) => from + i);
  return {
    k,
    applications: [
      ...range(english, 1).map((id) => ({ id, languages: ENGLISH })),
      ...range(spanish, SPANISH_FROM).map((id) => ({ id, languages: ['es'] })),
    ],
    reviewers: [
      ...range(readers, 1000).map((id) => ({ id, maxLoad, reads: BOTH })),
      ...range(others, 2000).map((id) => ({ id, maxLoad, reads: ENGLISH })),
    ],
    existing: [],
    conflicts: [],
    // English-only reviewers match Spanish applications best: the rule, not the score, keeps them apart.
    score: (reviewerId, applicationId) => (reviewerId >= 2000 && isSpanish(applicationId) ? 100 : 10),
  };
}

const readsSpanish = (reviewerId: number) => reviewerId < 2000;

describe('automatic assignment and the languages reviewers read', () => {
  it('never gives a Spanish application to a reviewer who does not read Spanish', () => {
    const plan = planAssignments(panel({ english: 10, spanish: 4, readers: 2, others: 6, k: 2, maxLoad: 6 }));
    const spanishPairs = plan.added.filter((a) => isSpanish(a.applicationId));
    expect(spanishPairs).to.have.length(8);
    expect(spanishPairs.every((a) => readsSpanish(a.reviewerId))).to.equal(true);
    expect(plan.added).to.have.length(28);
    expect(plan.uncovered).to.deep.equal([]);
    expect(plan.languageShortages).to.deep.equal([]);
  });

  it('gives an application in two languages only to reviewers who read both', () => {
    const problem = panel({ english: 0, spanish: 0, readers: 2, others: 3, k: 2, maxLoad: 3 });
    problem.applications = [{ id: 7, languages: ['es', 'en'] }];
    problem.reviewers.push({ id: 3000, maxLoad: 3, reads: ['es'] });
    const plan = planAssignments(problem);
    expect(plan.added.map((a) => a.reviewerId)).to.deep.equal([1000, 1001]);
  });

  it('says in plain words when too few reviewers read Spanish, and still covers the rest', () => {
    const plan = planAssignments(panel({ english: 4, spanish: 3, readers: 1, others: 5, k: 2, maxLoad: 6 }));
    expect(plan.added.filter((a) => isSpanish(a.applicationId)).every((a) => readsSpanish(a.reviewerId))).to.equal(
      true,
    );
    expect(plan.languageShortages.map((s) => wordsIn('en', s.message))).to.deep.equal([
      '3 applications written in Spanish need 2 reviewers each who read Spanish; only 1 reviewer on the panel reads Spanish.',
    ]);
    expect(plan.languageShortages.map((s) => wordsIn('es', s.message))).to.deep.equal([
      '3 postulaciones escritas en español necesitan 2 evaluadores cada una que lean español; solo 1 evaluador del panel lee español.',
    ]);
    expect(plan.uncovered.map((u) => [u.applicationId, u.assigned, u.missing])).to.deep.equal([
      [SPANISH_FROM, 1, 1],
      [SPANISH_FROM + 1, 1, 1],
      [SPANISH_FROM + 2, 1, 1],
    ]);
    expect(wordsIn('en', plan.uncovered[0]!.reason)).to.equal(
      'it is written in Spanish, and only 1 reviewer of the round reads it',
    );
    expect(plan.added.filter((a) => !isSpanish(a.applicationId))).to.have.length(8);
  });

  it('says when the reviewers who read Spanish have too little room', () => {
    const plan = planAssignments(panel({ english: 0, spanish: 3, readers: 2, others: 4, k: 2, maxLoad: 2 }));
    expect(plan.added).to.have.length(4);
    expect(plan.languageShortages.map((s) => wordsIn('en', s.message))).to.deep.equal([
      '3 applications written in Spanish need 6 more reviews by reviewers who read Spanish; the 2 reviewers who read it have room for only 4.',
    ]);
    expect(plan.uncovered).to.have.length(1);
    expect(wordsIn('en', plan.uncovered[0]!.reason)).to.equal(
      'all 2 reviewers free of conflicts with this school and not yet on it are at their maximum load; the reviewers who read Spanish have room for 4 more reviews, less than the applications written in it need (6)',
    );
  });

  it('keeps an existing assignment to a reviewer who does not read the application, with a warning', () => {
    const problem = panel({ english: 0, spanish: 1, readers: 2, others: 1, k: 2, maxLoad: 3 });
    problem.existing = [{ reviewerId: 2000, applicationId: SPANISH_FROM }];
    const plan = planAssignments(problem);
    expect(plan.warnings.map((w) => [w.kind, w.reviewerId, w.applicationId])).to.deep.equal([
      ['unreadable-existing', 2000, SPANISH_FROM],
    ]);
    expect(plan.added).to.have.length(1);
    expect(readsSpanish(plan.added[0]!.reviewerId)).to.equal(true);
  });

  it('stays fast at the national scale with a Spanish tenth', function () {
    this.timeout(120_000);
    const problem = panel({ english: 9000, spanish: 1000, readers: 40, others: 260, k: 3, maxLoad: 110 });
    const started = performance.now();
    const plan = planAssignments(problem);
    const seconds = (performance.now() - started) / 1000;
    expect(plan.uncovered).to.deep.equal([]);
    expect(plan.added.filter((a) => isSpanish(a.applicationId)).every((a) => readsSpanish(a.reviewerId))).to.equal(
      true,
    );
    expect(seconds).to.be.lessThan(60);
  });
});
