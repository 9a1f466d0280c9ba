// The reviewer's side of a round: their assigned applications, one application as they read it,
// and the other reviews of the same application once theirs is in (saving their review is
// saving.ts). In a blind cycle no school field reaches a reviewer:
// the dashboard query leaves them out, and the application's texts and file names are redacted.
import { and, asc, eq, getTableColumns, gte, inArray, isNull, ne, or, sql } from 'drizzle-orm';
import {
  applicationAnswers,
  applications,
  assignments,
  criteria,
  cycles,
  evidenceFiles,
  nominations,
  reviewRounds,
  reviewScores,
  schools,
  type EvidenceKind,
} from '../../../models/schema.js';
import type { ReviewerAccess } from '../permissions.js';
import type { Database } from '../../db/client.js';
import { NotFound } from '../../errors.js';
import { msg, type Message } from '../../i18n/translate.js';
import { conflictPairs } from './conflicts.js';
import { nominationsForApplication } from '../nominations/groups.js';
import { createRedactor, type Redactor } from './redaction.js';
import { schoolFacts, type SchoolFacts } from './school-facts.js';
import { whyAsked } from './why-asked.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EXTENSIONS: Record<EvidenceKind, string> = {
  pdf: 'pdf',
  doc: 'doc',
  docx: 'docx',
  xls: 'xls',
  xlsx: 'xlsx',
  png: 'png',
  jpeg: 'jpg',
};

/** What the reviewer sees in place of the school in a blind cycle. */
export function applicationLabel(applicationId: number): Message {
  return msg('reviews.review.applicationNo', { id: applicationId });
}

/**
 * The reviewer's assignments in rounds that are still open, soonest due first, with how far each
 * review has got. Conflicts found after assigning take an assignment off the list.
 */
export async function reviewerDashboard(db: Database, userId: number, now: Date) {
  // In a blind cycle the database itself answers null: the school never leaves the query.
  const unlessBlind = (column: typeof schools.name | typeof schools.city | typeof schools.state) =>
    sql<string | null>`case when ${cycles.blindReview} then null else ${column} end`;
  const rows = await db
    .select({
      assignmentId: assignments.id,
      applicationId: assignments.applicationId,
      status: assignments.status,
      submittedAt: assignments.submittedAt,
      roundName: reviewRounds.name,
      dueAt: reviewRounds.dueAt,
      siteVisit: reviewRounds.siteVisit,
      cycleId: cycles.id,
      cycleName: cycles.name,
      blind: cycles.blindReview,
      schoolName: unlessBlind(schools.name),
      city: unlessBlind(schools.city),
      state: unlessBlind(schools.state),
      scored: sql<number>`(select cast(count(*) as int) from ${reviewScores}
        where ${reviewScores.assignmentId} = ${assignments.id} and ${reviewScores.score} is not null)`,
      languages: sql<string[]>`array(select distinct aa.language from ${applicationAnswers} aa
        join ${criteria} c on c.id = aa.criterion_id
        where aa.application_id = ${assignments.applicationId} and (c.required or aa.chosen) order by aa.language)`,
      toScore: sql<number>`(select cast(count(*) as int) from ${criteria}
        left join ${applicationAnswers} on ${applicationAnswers.criterionId} = ${criteria.id}
          and ${applicationAnswers.applicationId} = ${assignments.applicationId}
        where ${criteria.cycleId} = ${cycles.id} and (${criteria.required} or ${applicationAnswers.chosen}))`,
    })
    .from(assignments)
    .innerJoin(reviewRounds, eq(reviewRounds.id, assignments.roundId))
    .innerJoin(applications, eq(applications.id, assignments.applicationId))
    .innerJoin(cycles, eq(cycles.id, applications.cycleId))
    .innerJoin(schools, eq(schools.id, applications.schoolId))
    .where(and(eq(assignments.reviewerId, userId), gte(reviewRounds.dueAt, now)))
    .orderBy(asc(reviewRounds.dueAt), asc(assignments.id));
  const conflicted = new Set(
    (
      await conflictPairs(db, { reviewerIds: [userId], applicationIds: [...new Set(rows.map((r) => r.applicationId))] })
    ).map((p) => p.applicationId),
  );
  return rows
    .filter((row) => !conflicted.has(row.applicationId))
    .map((row) => ({
      ...row,
      label: row.schoolName ?? applicationLabel(row.applicationId),
      place: row.city === null ? undefined : `${row.city}, ${row.state}`,
      languages: row.languages ?? [],
    }));
}

/**
 * The evidence a reviewer may open, numbered as the page shows it: the application's files of
 * its chosen criteria, then the files of its confirmed nominations. The download route serves
 * nothing else, so a file of an unchosen criterion or of another application is "not found".
 */
export async function reviewableFiles(db: Database, access: ReviewerAccess) {
  const applicationId = access.application.id;
  const confirmedNominations = db
    .select({ id: nominations.id })
    .from(nominations)
    .where(and(eq(nominations.applicationId, applicationId), eq(nominations.status, 'confirmed')));
  const rows = await db
    .select(getTableColumns(evidenceFiles))
    .from(evidenceFiles)
    .leftJoin(criteria, eq(criteria.id, evidenceFiles.criterionId))
    .leftJoin(
      applicationAnswers,
      and(
        eq(applicationAnswers.applicationId, evidenceFiles.applicationId),
        eq(applicationAnswers.criterionId, evidenceFiles.criterionId),
      ),
    )
    .where(
      or(
        and(
          eq(evidenceFiles.applicationId, applicationId),
          or(isNull(evidenceFiles.criterionId), eq(criteria.required, true), eq(applicationAnswers.chosen, true)),
        ),
        inArray(evidenceFiles.nominationId, confirmedNominations),
      ),
    )
    .orderBy(sql`${evidenceFiles.nominationId} is not null`, asc(evidenceFiles.id));
  return rows.map((file, index) => ({
    ...file,
    // Blind: a file name like "Lincoln HS budget.pdf" would give the school away.
    // (The neutral name stays English: it is a file name, the same for every reader.)
    displayName: access.blind ? `Evidence ${index + 1}.${EXTENSIONS[file.kind]}` : file.originalName,
  }));
}

/** One file of the application or its nominations, for the download route; anything else is "not found". */
export async function findReviewFile(
  db: Database,
  access: ReviewerAccess,
  { publicId, nominationId }: { publicId: string; nominationId?: number },
) {
  if (!UUID.test(publicId)) throw new NotFound(msg('reviews.errors.noFile'));
  const file = (await reviewableFiles(db, access)).find(
    (f) =>
      f.publicId.toLowerCase() === publicId.toLowerCase() &&
      (nominationId === undefined || f.nominationId === nominationId),
  );
  if (!file) throw new NotFound(msg('reviews.errors.noFile'));
  return file;
}

/** The school, for display when the cycle is open, and a redactor of it when it is blind. */
async function schoolAndRedactor(
  db: Database,
  access: ReviewerAccess,
): Promise<{
  school?: { name: string; district: string; city: string; state: string };
  profile: SchoolFacts;
  /** The school's state, for matching only: blind review never shows it. */
  state: string;
  redact: Redactor;
}> {
  const [row] = await db
    .select({
      name: schools.name,
      district: schools.district,
      city: schools.city,
      state: schools.state,
      level: schools.level,
      enrollment: schools.enrollment,
      frlPercent: schools.frlPercent,
      iepPercent: schools.iepPercent,
    })
    .from(schools)
    .where(eq(schools.id, access.application.schoolId));
  if (!row) throw new NotFound(msg('reviews.errors.noReview'));
  const { level, enrollment, frlPercent, iepPercent, ...school } = row;
  const profile = schoolFacts({ level, enrollment, frlPercent, iepPercent }, access.blind);
  const { state } = school;
  return access.blind
    ? { profile, state, redact: createRedactor(school) }
    : { school, profile, state, redact: (text) => text };
}

/** The cycle's criteria with the application's answers; the chosen ones are what a reviewer scores. */
export async function chosenCriteria(db: Database, access: ReviewerAccess) {
  const rows = await db
    .select({
      id: criteria.id,
      title: criteria.title,
      guidance: criteria.guidance,
      evidenceRequested: criteria.evidenceRequested,
      anchorLow: criteria.anchorLow,
      anchorMiddle: criteria.anchorMiddle,
      anchorHigh: criteria.anchorHigh,
      required: criteria.required,
      translations: criteria.translations,
      answer: applicationAnswers.answer,
      language: applicationAnswers.language,
      chosen: applicationAnswers.chosen,
    })
    .from(criteria)
    .leftJoin(
      applicationAnswers,
      and(eq(applicationAnswers.criterionId, criteria.id), eq(applicationAnswers.applicationId, access.application.id)),
    )
    .where(eq(criteria.cycleId, access.cycle.id))
    .orderBy(asc(criteria.position), asc(criteria.id));
  return rows
    .map((row, index) => ({
      ...row,
      number: index + 1,
      answer: row.answer ?? '',
      chosen: row.required || row.chosen === true,
    }))
    .filter((row) => row.chosen);
}

/**
 * Everything the review page shows about the application, and the reviewer's own review so far.
 * In a blind cycle the view holds no school field at all, only redacted text.
 */
export async function loadReviewView(db: Database, access: ReviewerAccess) {
  const { application, assignment, round, cycle, blind } = access;
  const [{ school, profile, state, redact }, chosen, files, nominated, scores] = await Promise.all([
    schoolAndRedactor(db, access),
    chosenCriteria(db, access),
    reviewableFiles(db, access),
    nominationsForApplication(db, application.id),
    db.select().from(reviewScores).where(eq(reviewScores.assignmentId, assignment.id)),
  ]);
  const view = (file: (typeof files)[number]) => ({
    publicId: file.publicId,
    originalName: file.displayName,
    kind: file.kind,
    sizeBytes: file.sizeBytes,
  });
  const chosenIds = new Set(chosen.map((c) => c.id));
  const scoreOf = new Map(scores.map((s) => [s.criterionId, s]));
  return {
    assignmentId: assignment.id,
    applicationId: application.id,
    heading: school?.name ?? applicationLabel(application.id),
    school,
    profile,
    whyAsked: await whyAsked(db, {
      reviewerId: assignment.reviewerId,
      school: { state, level: profile.level, focus: chosen.map((c) => c.title) },
      blind,
    }),
    blind,
    cycleName: cycle.name,
    scale: { min: cycle.scoreMin, max: cycle.scoreMax },
    round: { name: round.name, number: round.number, dueAt: round.dueAt, siteVisit: round.siteVisit },
    status: assignment.status,
    /** Carried by the form, so a save from a page opened before another save is caught. */
    version: assignment.version,
    submittedAt: assignment.submittedAt,
    criteria: chosen.map((c) => ({
      id: c.id,
      number: c.number,
      title: c.title,
      guidance: c.guidance,
      evidenceRequested: c.evidenceRequested,
      anchorLow: c.anchorLow,
      anchorMiddle: c.anchorMiddle,
      anchorHigh: c.anchorHigh,
      required: c.required,
      translations: c.translations,
      answer: redact(c.answer),
      /** The language the answer is written in (none when there is no answer). */
      language: c.answer.trim() === '' ? undefined : (c.language ?? undefined),
      files: files.filter((f) => f.nominationId === null && f.criterionId === c.id).map(view),
    })),
    otherFiles: files
      .filter((f) => f.nominationId === null && (f.criterionId === null || !chosenIds.has(f.criterionId)))
      .map(view),
    nominations: {
      count: nominated.count,
      nominations: nominated.nominations.map((n, index) => ({
        ...n,
        nominatorName: blind ? msg('reviews.review.nominator', { number: index + 1 }) : n.nominatorName,
        reason: redact(n.reason),
        files: files.filter((f) => f.nominationId === n.id).map(view),
      })),
    },
    /** The saved review in the shape the form posts it. */
    saved: {
      ...Object.fromEntries(
        chosen.flatMap((c) => [
          [`score_${c.id}`, scoreOf.get(c.id)?.score?.toString() ?? ''],
          [`comment_${c.id}`, scoreOf.get(c.id)?.comment ?? ''],
        ]),
      ),
      recommendation: assignment.recommendation ?? '',
      confidentialNote: assignment.confidentialNote,
      siteVisitNotes: assignment.siteVisitNotes,
    } as Record<string, string>,
  };
}

export type ReviewView = Awaited<ReturnType<typeof loadReviewView>>;

function reviewerLetter(index: number): Message {
  return msg('reviews.review.reviewerLetter', {
    letter: index < 26 ? String.fromCharCode(65 + index) : String(index + 1),
  });
}

/**
 * The other submitted reviews of this application in this round, once the reviewer has submitted
 * their own; undefined before. Reviewers are "Reviewer A, B…" by the order they were assigned,
 * so a letter keeps meaning one person. Confidential notes to the staff are never read here.
 */
export async function othersReviews(db: Database, access: ReviewerAccess) {
  if (access.assignment.status !== 'submitted') return undefined;
  const others = await db
    .select({
      id: assignments.id,
      status: assignments.status,
      recommendation: assignments.recommendation,
      siteVisitNotes: assignments.siteVisitNotes,
      submittedAt: assignments.submittedAt,
    })
    .from(assignments)
    .where(
      and(
        eq(assignments.applicationId, access.application.id),
        eq(assignments.roundId, access.round.id),
        ne(assignments.id, access.assignment.id),
      ),
    )
    .orderBy(asc(assignments.id));
  const lettered = others
    .map((o, index) => ({ ...o, reviewer: reviewerLetter(index) }))
    .filter((o) => o.status === 'submitted');
  if (lettered.length === 0) return [];
  const [{ redact }, chosen, scores] = await Promise.all([
    schoolAndRedactor(db, access),
    chosenCriteria(db, access),
    db
      .select()
      .from(reviewScores)
      .where(
        inArray(
          reviewScores.assignmentId,
          lettered.map((o) => o.id),
        ),
      ),
  ]);
  return lettered.map((o) => ({
    reviewer: o.reviewer,
    submittedAt: o.submittedAt,
    recommendation: o.recommendation,
    siteVisitNotes: access.round.siteVisit ? redact(o.siteVisitNotes) : '',
    scores: chosen.map((c) => {
      const s = scores.find((row) => row.assignmentId === o.id && row.criterionId === c.id);
      return { number: c.number, title: c.title, score: s?.score ?? null, comment: redact(s?.comment ?? '') };
    }),
  }));
}
