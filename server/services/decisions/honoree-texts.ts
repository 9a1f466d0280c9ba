// The honoree texts that go with a Gold or Silver decision: a short citation, a longer profile and
// a highlight per chosen criterion. The portal drafts them from the application's answers when a
// school first becomes an honoree; they stay marked as drafts until an admin edits or approves
// them. Public only once the cycle is published (see publishing.ts and ../honorees/).
import { and, asc, eq, ne, sql } from 'drizzle-orm';
import {
  applicationAnswers,
  applications,
  criteria,
  cycles,
  decisions,
  schools,
  users,
  type CriterionHighlight,
  DECISION_LEVEL_LABELS,
  type School,
  SCHOOL_LEVEL_PHRASES,
} from '../../../models/schema.js';
import type { Database } from '../../db/client.js';
import { Forbidden, Invalid, NotFound, type FieldErrors } from '../../errors.js';
import { recordAudit } from '../shared/audit.js';
import type { ServiceContext } from '../../context.js';
import { HONOREE_LEVELS } from './levels.js';

export const CITATION_MAX = 300;
export const PROFILE_MAX = 5000;
export const HIGHLIGHT_MAX = 1000;
export const HIGHLIGHT_DRAFT_WORDS = 60;

/** "Lincoln High School" → "lincoln-high-school"; accents folded, at most 80 characters. */
export function slugify(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/, '');
}

/** Sentences from the start of an answer while they fit in `maxWords`; a long first one is cut. */
export function draftExcerpt(answer: string, maxWords = HIGHLIGHT_DRAFT_WORDS): string {
  const flat = answer.replace(/\s+/g, ' ').trim();
  if (flat === '') return '';
  const sentences = flat.split(/(?<=[.!?])\s+/);
  const taken: string[] = [];
  let count = 0;
  for (const sentence of sentences) {
    const n = sentence.split(' ').length;
    if (count + n > maxWords) break;
    taken.push(sentence);
    count += n;
  }
  if (taken.length > 0) return taken.join(' ');
  return `${flat.split(' ').slice(0, maxWords).join(' ')}…`;
}

/** Cut at a word boundary so the result, ellipsis included, has at most `max` characters. */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:]+$/, '')}…`;
}

/** The chosen criteria of an application (required ones always), with their answers. */
export async function chosenAnswers(db: Database, applicationId: number, cycleId: number) {
  const rows = await db
    .select({
      id: criteria.id,
      title: criteria.title,
      required: criteria.required,
      chosen: applicationAnswers.chosen,
      answer: applicationAnswers.answer,
    })
    .from(criteria)
    .leftJoin(
      applicationAnswers,
      and(eq(applicationAnswers.criterionId, criteria.id), eq(applicationAnswers.applicationId, applicationId)),
    )
    .where(eq(criteria.cycleId, cycleId))
    .orderBy(asc(criteria.position));
  return rows
    .filter((r) => r.required || r.chosen === true)
    .map((r) => ({ id: r.id, title: r.title, answer: r.answer ?? '' }));
}

/** First drafts of the honoree texts, for the admin to edit. */
export function draftHonoreeTexts(
  school: School,
  answers: Array<{ id: number; title: string; answer: string }>,
): { citation: string; profile: string; highlights: CriterionHighlight[] } {
  const highlights = answers
    .map((a) => ({ criterionId: a.id, title: a.title, text: draftExcerpt(a.answer) }))
    .filter((h) => h.text !== '');
  const firstSentence = highlights[0] ? draftExcerpt(highlights[0].text.split(/(?<=[.!?])\s+/)[0] ?? '', 50) : '';
  const facts = [
    `${school.name} is ${SCHOOL_LEVEL_PHRASES[school.level]} in ${school.city}, ${school.state}${school.district ? ` (${school.district})` : ''}`,
    school.enrollment !== null ? `, serving ${school.enrollment.toLocaleString('en-US')} students` : '',
    school.frlPercent !== null ? `; ${school.frlPercent}% qualify for free or reduced-price lunch` : '',
    '.',
  ].join('');
  // With no answer to quote, the draft citation states the school's facts: true, and plainly a draft.
  return { citation: clip(firstSentence || facts, CITATION_MAX), profile: facts, highlights };
}

export async function uniqueSlug(
  db: Database,
  {
    cycleId,
    applicationId,
    school,
  }: { cycleId: number; applicationId: number; school: { name: string; city: string } },
) {
  const base = slugify(school.name) || `school-${applicationId}`;
  const taken = new Set(
    (
      await db
        .select({ slug: decisions.slug })
        .from(decisions)
        .where(
          and(
            eq(decisions.cycleId, cycleId),
            ne(decisions.applicationId, applicationId),
            sql`${decisions.slug} like ${`${base}%`}`,
          ),
        )
    ).map((r) => r.slug),
  );
  return freeSlug(taken, { applicationId, school });
}

/** The school's slug not in `taken`: its name, then name and city, then a number. */
export function freeSlug(
  taken: ReadonlySet<string>,
  { applicationId, school }: { applicationId: number; school: { name: string; city: string } },
): string {
  const base = slugify(school.name) || `school-${applicationId}`;
  const withCity = slugify(`${base}-${school.city}`);
  for (const candidate of [base, withCity]) if (!taken.has(candidate)) return candidate;
  for (let n = 2; ; n += 1) if (!taken.has(`${withCity}-${n}`)) return `${withCity}-${n}`;
}

/** One decision with what its profile form needs: the school, the cycle, the chosen criteria. */
export async function loadDecision(db: Database, applicationId: number) {
  const [row] = await db
    .select({ decision: decisions, school: schools, cycle: cycles, deciderName: users.name })
    .from(decisions)
    .innerJoin(applications, eq(applications.id, decisions.applicationId))
    .innerJoin(schools, eq(schools.id, applications.schoolId))
    .innerJoin(cycles, eq(cycles.id, decisions.cycleId))
    .leftJoin(users, eq(users.id, decisions.decidedBy))
    .where(eq(decisions.applicationId, applicationId));
  if (!row) throw new NotFound('This application has no decision yet.');
  const chosen = await chosenAnswers(db, applicationId, row.cycle.id);
  const byCriterion = new Map(row.decision.highlights.map((h) => [h.criterionId, h.text]));
  return {
    ...row,
    levelLabel: DECISION_LEVEL_LABELS[row.decision.level],
    isHonoree: HONOREE_LEVELS.includes(row.decision.level),
    criteria: chosen.map((c) => ({
      id: c.id,
      title: c.title,
      highlight: byCriterion.get(c.id) ?? '',
      draft: draftExcerpt(c.answer),
    })),
  };
}

export type DecisionView = Awaited<ReturnType<typeof loadDecision>>;

/**
 * Saves the admin's citation, profile and highlights (keyed by criterion id; an empty one is
 * left out). Allowed after publishing: corrections show on the public page at once.
 */
export async function editProfile(
  { db, clock }: Pick<ServiceContext, 'db' | 'clock'>,
  {
    applicationId,
    adminId,
    citation,
    profile,
    highlights,
  }: {
    applicationId: number;
    adminId: number;
    citation: unknown;
    profile: unknown;
    highlights: Record<string, unknown>;
  },
): Promise<void> {
  const view = await loadDecision(db, applicationId);
  if (!view.isHonoree) throw new Forbidden('Only honorees (Gold or Silver) have a public citation and profile.');
  const errors: FieldErrors = {};
  const citationText = typeof citation === 'string' ? citation.trim() : '';
  const profileText = typeof profile === 'string' ? profile.replace(/\r\n/g, '\n').trim() : '';
  if (citationText === '') errors.citation = 'Write the citation: one or two sentences shown with the school’s name.';
  else if (citationText.length > CITATION_MAX)
    errors.citation = `Use at most ${CITATION_MAX} characters (this has ${citationText.length}).`;
  if (profileText.length > PROFILE_MAX)
    errors.profile = `Use at most ${PROFILE_MAX} characters (this has ${profileText.length}).`;
  const saved: CriterionHighlight[] = [];
  for (const criterion of view.criteria) {
    // A field the form did not send keeps its text; an emptied one is left off the page.
    const raw = highlights[String(criterion.id)] ?? criterion.highlight;
    const value = typeof raw === 'string' ? raw.replace(/\s+/g, ' ').trim() : '';
    if (value.length > HIGHLIGHT_MAX)
      errors[`highlight_${criterion.id}`] = `Use at most ${HIGHLIGHT_MAX} characters (this has ${value.length}).`;
    else if (value !== '') saved.push({ criterionId: criterion.id, title: criterion.title, text: value });
  }
  if (Object.keys(errors).length > 0) throw new Invalid(errors);
  await db.transaction(async (tx) => {
    const now = clock();
    await tx
      .update(decisions)
      .set({ citation: citationText, profile: profileText, highlights: saved, updatedAt: now, textsDrafted: false })
      .where(eq(decisions.applicationId, applicationId));
    await recordAudit(tx, clock, {
      actorId: adminId,
      action: 'decision.edit_profile',
      subjectType: 'application',
      subjectId: applicationId,
      summary: `Edited the profile of ${view.school.name} (${view.cycle.name})${view.cycle.publishedAt ? ', after publishing' : ''}`,
      details: { cycleId: view.cycle.id },
    });
  });
}
// i18n: not yet translated
