// A round's assignment problem, read from the database in a fixed number of queries whatever its
// size: the eligible applications of the round (with the criteria they answer and the languages
// they are written in), its reviewers (with their profiles and loads), the assignments already
// made, and every conflict between them. The solver (solver.ts) plans over it; assignment.ts and
// explain-plan.ts keep the rest (names, focus topics) for the words they show.
import { eq, sql } from 'drizzle-orm';
import { assignments, reviewRounds } from '../../../models/schema.js';
import { rowsOf, type Database } from '../../db/client.js';
import { NotFound } from '../../errors.js';
import { msg } from '../../i18n/translate.js';
import { conflictPairs } from '../review/conflicts.js';
import { APPLICATION_LANGUAGES, DEFAULT_LANGUAGES_READ } from '../review/application-languages.js';
import { matchScore, type ReviewerMatchProfile } from './match.js';
import type { AssignmentProblem } from './solver.js';

interface ProblemApplication {
  id: number;
  schoolName: string;
  state: string;
  level: string;
  focus: string[];
  /** The languages its chosen answers are written in. */
  languages: string[];
}

interface ProblemReviewer extends ReviewerMatchProfile {
  id: number;
  name: string;
  maxLoad: number;
  /** The languages the reviewer reads (a reviewer without a profile reads the column's default, English). */
  reads: string[];
}

/** A reviewer without a profile row reads what the column gives by default. */
const DEFAULT_READS = DEFAULT_LANGUAGES_READ;

/** Reads a round into the planner's terms, in five queries whatever its size. */
export async function buildProblem(db: Database, roundId: number) {
  const [round] = await db.select().from(reviewRounds).where(eq(reviewRounds.id, roundId));
  if (!round) throw new NotFound(msg('assignment.errors.noRound'));
  // Focus: the titles of the criteria the school answers (required, or chosen among the optional).
  // Languages: those its answers to the same criteria are written in, in the same query.
  const apps = rowsOf<{
    id: string | number;
    school_name: string;
    state: string;
    level: string;
    focus: string[] | null;
    languages: string[] | null;
  }>(
    await db.execute(sql`
    select a.id, s.name as school_name, s.state, s.level,
      array(select c.title from criteria c
        left join application_answers aa on aa.criterion_id = c.id and aa.application_id = a.id
        where c.cycle_id = a.cycle_id and (c.required or coalesce(aa.chosen, false)) order by c.position) as focus,
      ${APPLICATION_LANGUAGES} as languages
    from round_applications ra
    join applications a on a.id = ra.application_id
    join schools s on s.id = a.school_id
    where ra.round_id = ${roundId} and a.status = 'eligible'
    order by a.id`),
  ).map((r): ProblemApplication => ({
    id: Number(r.id),
    schoolName: r.school_name,
    state: r.state,
    level: r.level,
    focus: r.focus ?? [],
    languages: r.languages ?? [],
  }));
  const reviewers = rowsOf<{
    id: string | number;
    name: string;
    max_load: number;
    expertise: string[] | null;
    grade_levels: string[] | null;
    state: string | null;
    languages_read: string[] | null;
  }>(
    await db.execute(sql`
    select u.id, u.name, rr.max_load, p.expertise, p.grade_levels, p.state, p.languages_read
    from round_reviewers rr
    join users u on u.id = rr.user_id
    left join reviewer_profiles p on p.user_id = rr.user_id
    where rr.round_id = ${roundId}
    order by u.name, u.id`),
  ).map((r): ProblemReviewer => ({
    id: Number(r.id),
    name: r.name,
    maxLoad: r.max_load,
    expertise: r.expertise ?? [],
    gradeLevels: r.grade_levels ?? [],
    state: r.state,
    reads: r.languages_read ?? DEFAULT_READS,
  }));
  const reviewerById = new Map(reviewers.map((r) => [r.id, r]));
  const appById = new Map(apps.map((a) => [a.id, a]));
  // Existing assignments in this round count toward loads, including ones to applications that
  // have left the problem (no longer eligible); the planner keeps them all.
  const existing = (
    await db
      .select({ reviewerId: assignments.reviewerId, applicationId: assignments.applicationId })
      .from(assignments)
      .where(eq(assignments.roundId, roundId))
  ).filter((e) => reviewerById.has(e.reviewerId));
  const conflicts = await conflictPairs(db, {
    reviewerIds: reviewers.map((r) => r.id),
    applicationIds: apps.map((a) => a.id),
  });
  const problem: AssignmentProblem = {
    k: round.reviewersPerApplication,
    applications: apps.map((a) => ({ id: a.id, languages: a.languages })),
    reviewers: reviewers.map((r) => ({ id: r.id, maxLoad: r.maxLoad, reads: r.reads })),
    existing,
    conflicts,
    score: memoizedScore(reviewers, apps),
  };
  return { round, problem, apps: appById, reviewers: reviewerById, conflicts };
}

/**
 * The match score of a pair, computed once per reviewer and kind of school: applications alike in
 * all the score reads (state, level, focus topics) share their scores with each reviewer, so the
 * 2.7 million pairs of a national round come down to a few thousand computations (matchScore
 * folds strings and builds sets; called for every pair it was most of the solving time).
 */
function memoizedScore(reviewers: ProblemReviewer[], apps: ProblemApplication[]) {
  const kinds = new Map<string, number>();
  const kindOf = new Map<number, number>();
  const example: ProblemApplication[] = [];
  for (const app of apps) {
    const key = JSON.stringify([app.state, app.level, app.focus]);
    let kind = kinds.get(key);
    if (kind === undefined) {
      kinds.set(key, (kind = kinds.size));
      example.push(app);
    }
    kindOf.set(app.id, kind);
  }
  const reviewerIndex = new Map(reviewers.map((r, i) => [r.id, i]));
  const scores = new Int16Array(reviewers.length * kinds.size).fill(-1);
  return (reviewerId: number, applicationId: number): number => {
    const index = reviewerIndex.get(reviewerId)!;
    const kind = kindOf.get(applicationId)!;
    const cell = index * kinds.size + kind;
    let score = scores[cell]!;
    if (score < 0) scores[cell] = score = matchScore(reviewers[index]!, example[kind]!);
    return score;
  };
}

export type BuiltProblem = Awaited<ReturnType<typeof buildProblem>>;
