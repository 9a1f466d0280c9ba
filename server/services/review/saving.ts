// Saving a review: a draft (partial, as typed) or a submission (complete), edited until the
// round's due date. The posted form is read here field by field; the row is locked and its
// version checked, so a save from a page opened before another save is refused, never merged.
import { eq, sql } from 'drizzle-orm';
import {
  assignments,
  reviewRounds,
  reviewScores,
  RECOMMENDATIONS,
  type AssignmentStatus,
  type Recommendation,
} from '../../../models/schema.js';
import type { ServiceContext } from '../../context.js';
import { Forbidden, Invalid, NotFound, StaleEdit, type FieldErrors } from '../../errors.js';
import { msg, type Message } from '../../i18n/translate.js';
import { cannotEditReview, type ReviewerAccess } from '../permissions.js';
import { chosenCriteria } from './reviewing.js';

export const MAX_COMMENT_CHARS = 5000;
export const MAX_NOTE_CHARS = 5000;
export const MAX_SITE_VISIT_CHARS = 10000;

/** Control characters other than tab and line breaks: PostgreSQL refuses NUL, and none belongs in a review. */
const CONTROL = /(?![\t\n\r])\p{Cc}/gu;

function longText(
  errors: FieldErrors,
  field: string,
  value: unknown,
  { max, label }: { max: number; label: Message },
): string {
  if (value === undefined) return '';
  if (typeof value !== 'string') {
    errors[field] = msg('reviews.errors.sendOnce', { what: label });
    return '';
  }
  const cleaned = value.replace(/\r\n?/g, '\n').replace(CONTROL, '').trim();
  if (cleaned.length > max)
    errors[field] = msg('reviews.errors.tooLong', {
      what: label,
      max: max.toLocaleString('en-US'),
      length: cleaned.length.toLocaleString('en-US'),
    });
  return cleaned;
}

interface ParsedReview {
  scores: Array<{ criterionId: number; score: number | null; comment: string }>;
  recommendation: Recommendation | null;
  confidentialNote: string;
  siteVisitNotes: string | undefined;
}

/** Reads the posted form; `complete` asks for everything a submitted review needs. */
function parseReview(
  input: Record<string, unknown>,
  {
    chosen,
    access,
    complete,
  }: { chosen: Array<{ id: number; number: number; title: string }>; access: ReviewerAccess; complete: boolean },
): ParsedReview {
  const errors: FieldErrors = {};
  const { scoreMin: min, scoreMax: max } = access.cycle;
  const scores = chosen.map((c) => {
    const field = `score_${c.id}`;
    const raw = input[field];
    let score: number | null = null;
    if (typeof raw === 'string' && /^\s*-?\d{1,9}\s*$/.test(raw)) score = Number(raw);
    if (raw !== undefined && raw !== '' && (score === null || score < min || score > max)) {
      errors[field] = msg('reviews.errors.scoreRange', { number: c.number, min, max });
      score = null;
    } else if (score === null && complete) {
      errors[field] = msg('reviews.errors.scoreMissing', { number: c.number, title: c.title });
    }
    const comment = longText(errors, `comment_${c.id}`, input[`comment_${c.id}`], {
      max: MAX_COMMENT_CHARS,
      label: msg('reviews.errors.commentOn', { number: c.number }),
    });
    return { criterionId: c.id, score, comment };
  });
  let recommendation: Recommendation | null = null;
  const rawRecommendation = input.recommendation;
  if ((RECOMMENDATIONS as readonly unknown[]).includes(rawRecommendation))
    recommendation = rawRecommendation as Recommendation;
  else if (rawRecommendation !== undefined && rawRecommendation !== '')
    errors.recommendation = msg('reviews.errors.recommendationUnknown');
  else if (complete) errors.recommendation = msg('reviews.errors.recommendationMissing');
  const confidentialNote = longText(errors, 'confidentialNote', input.confidentialNote, {
    max: MAX_NOTE_CHARS,
    label: msg('reviews.errors.note'),
  });
  let siteVisitNotes: string | undefined;
  if (access.round.siteVisit) {
    siteVisitNotes = longText(errors, 'siteVisitNotes', input.siteVisitNotes, {
      max: MAX_SITE_VISIT_CHARS,
      label: msg('reviews.errors.siteVisit'),
    });
    if (complete && siteVisitNotes === '' && !errors.siteVisitNotes)
      errors.siteVisitNotes = msg('reviews.errors.siteVisitMissing');
  }
  if (Object.keys(errors).length > 0) {
    throw new Invalid(errors, msg(complete ? 'reviews.errors.cannotSubmit' : 'reviews.errors.draftNotSaved'));
  }
  return { scores, recommendation, confidentialNote, siteVisitNotes };
}

/**
 * Saves the reviewer's draft, or submits it. Drafts may be partial; a submitted review needs a
 * score for every chosen criterion and a recommendation (and, in a finalist round, site-visit
 * notes). A submitted review stays editable until the round's due date and stays submitted, so
 * every later save is checked as a submission.
 */
export async function saveReview(
  { db, clock }: Pick<ServiceContext, 'db' | 'clock'>,
  { access, input, submit }: { access: ReviewerAccess; input: Record<string, unknown>; submit: boolean },
): Promise<{ status: AssignmentStatus; version: number }> {
  const now = clock();
  const chosen = await chosenCriteria(db, access);
  return db.transaction(async (tx) => {
    // Lock the row: a save racing a submit in another tab ends in one state, not a mix.
    const [locked] = await tx.select().from(assignments).where(eq(assignments.id, access.assignment.id)).for('update');
    const [round] = await tx.select().from(reviewRounds).where(eq(reviewRounds.id, access.round.id));
    if (!locked || !round) throw new NotFound(msg('reviews.errors.noReview'));
    const current = { ...access, assignment: locked, round };
    const reason = cannotEditReview(current, now);
    if (reason) throw new Forbidden(reason);
    const openedVersion =
      typeof input.version === 'string' && /^\d{1,9}$/.test(input.version) ? Number(input.version) : undefined;
    if (openedVersion !== undefined && openedVersion !== locked.version) {
      throw new StaleEdit(msg('reviews.errors.stale'), locked.updatedAt);
    }
    const complete = submit || locked.status === 'submitted';
    const parsed = parseReview(input, { chosen, access: current, complete });
    if (parsed.scores.length > 0) {
      await tx
        .insert(reviewScores)
        .values(parsed.scores.map((s) => ({ assignmentId: locked.id, ...s })))
        .onConflictDoUpdate({
          target: [reviewScores.assignmentId, reviewScores.criterionId],
          set: { score: sql`excluded.score`, comment: sql`excluded.comment` },
        });
    }
    const status: AssignmentStatus = complete ? 'submitted' : 'draft';
    const [saved] = await tx
      .update(assignments)
      .set({
        status,
        recommendation: parsed.recommendation,
        confidentialNote: parsed.confidentialNote,
        ...(parsed.siteVisitNotes === undefined ? {} : { siteVisitNotes: parsed.siteVisitNotes }),
        submittedAt: locked.submittedAt ?? (complete ? now : null),
        version: sql`${assignments.version} + 1`,
        updatedAt: now,
      })
      .where(eq(assignments.id, locked.id))
      .returning({ version: assignments.version });
    // The version this save made, read in its own statement: a save from another tab right
    // after cannot give this page that one's version.
    return { status, version: saved!.version };
  });
}
