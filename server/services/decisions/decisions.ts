// Decisions on eligible applications (Gold, Silver, not selected), and the honoree texts that
// go with them: a short citation, a longer profile and a highlight per chosen criterion, drafted
// from the application's answers for the admin to edit. Nothing here is public until the cycle
// is published (see publishing.ts and honorees.ts).
import { and, asc, eq, isNull, ne, or, sql, type SQL } from 'drizzle-orm';
import {
  applicationAnswers,
  applications,
  criteria,
  cycles,
  decisions,
  DECISION_LEVELS,
  schools,
  users,
  type CriterionHighlight,
  type DecisionLevel,
  DECISION_LEVEL_LABELS,
  type School,
  SCHOOL_LEVEL_PHRASES,
} from '../../../models/schema.js';
import type { Database } from '../../db/client.js';
import { Forbidden, Invalid, NotFound, type FieldErrors } from '../../errors.js';
import { recordAudit } from '../shared/audit.js';
import type { ServiceContext } from '../../context.js';

export const HONOREE_LEVELS: readonly DecisionLevel[] = ['gold', 'silver'];
export const CITATION_MAX = 300;
export const PROFILE_MAX = 5000;
export const HIGHLIGHT_MAX = 1000;
export const HIGHLIGHT_DRAFT_WORDS = 60;
export const DECISIONS_PAGE_SIZE = 50;

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
async function chosenAnswers(db: Database, applicationId: number, cycleId: number) {
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
  return { citation: clip(firstSentence, CITATION_MAX), profile: facts, highlights };
}

async function uniqueSlug(
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
  const withCity = slugify(`${base}-${school.city}`);
  for (const candidate of [base, withCity]) if (!taken.has(candidate)) return candidate;
  for (let n = 2; ; n += 1) if (!taken.has(`${withCity}-${n}`)) return `${withCity}-${n}`;
}

export function parseLevel(value: unknown): DecisionLevel | undefined {
  return (DECISION_LEVELS as readonly unknown[]).includes(value) ? (value as DecisionLevel) : undefined;
}

/**
 * Records the program's decision on an eligible application, with who and when. The first time
 * an application becomes an honoree its citation, profile and highlights are drafted; later
 * changes of level keep what the admin wrote. Refused once the cycle is published.
 */
export async function decide(
  { db, clock }: Pick<ServiceContext, 'db' | 'clock'>,
  { applicationId, level, adminId }: { applicationId: number; level: unknown; adminId: number },
): Promise<{ level: DecisionLevel; previous: DecisionLevel | undefined }> {
  const chosenLevel = parseLevel(level);
  if (!chosenLevel) throw new Invalid({ level: 'Choose Gold, Silver or not selected.' });
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select({ application: applications, school: schools })
      .from(applications)
      .innerJoin(schools, eq(schools.id, applications.schoolId))
      .where(eq(applications.id, applicationId));
    if (!row) throw new NotFound('We could not find that application.');
    const { application, school } = row;
    // Locking the cycle serializes decisions (their slugs) with publishing.
    const [cycle] = await tx.select().from(cycles).where(eq(cycles.id, application.cycleId)).for('update');
    if (!cycle) throw new NotFound('We could not find that cycle.');
    if (cycle.publishedAt) throw new Forbidden('This cycle is published. Unpublish it before changing a decision.');
    if (application.status !== 'eligible')
      throw new Forbidden('Only applications screened as eligible can be decided.');
    const [existing] = await tx.select().from(decisions).where(eq(decisions.applicationId, applicationId));
    const now = clock();
    const needsDraft =
      HONOREE_LEVELS.includes(chosenLevel) &&
      (!existing || (existing.citation === '' && existing.highlights.length === 0));
    const drafted = needsDraft
      ? draftHonoreeTexts(school, await chosenAnswers(tx, applicationId, cycle.id))
      : undefined;
    if (existing) {
      await tx
        .update(decisions)
        .set({ level: chosenLevel, decidedBy: adminId, decidedAt: now, updatedAt: now, ...(drafted ?? {}) })
        .where(eq(decisions.applicationId, applicationId));
    } else {
      const slug = await uniqueSlug(tx, { cycleId: cycle.id, applicationId, school });
      await tx.insert(decisions).values({
        applicationId,
        cycleId: cycle.id,
        level: chosenLevel,
        decidedBy: adminId,
        decidedAt: now,
        slug,
        updatedAt: now,
        ...(drafted ?? {}),
      });
    }
    const previous = existing?.level;
    await recordAudit(tx, clock, {
      actorId: adminId,
      action: 'decision.decide',
      subjectType: 'application',
      subjectId: applicationId,
      summary: `${DECISION_LEVEL_LABELS[chosenLevel]} for ${school.name} (${cycle.name})${previous && previous !== chosenLevel ? `, was ${DECISION_LEVEL_LABELS[previous]}` : ''}`,
      details: { cycleId: cycle.id, level: chosenLevel, previous: previous ?? null },
    });
    return { level: chosenLevel, previous };
  });
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
      .set({ citation: citationText, profile: profileText, highlights: saved, updatedAt: now })
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

export type DecisionFilter = DecisionLevel | 'undecided' | undefined;

/** Eligible (or already decided) applications of a cycle with their decision, by school name. */
export async function listDecisions(
  db: Database,
  { cycleId, page, filter }: { cycleId: number; page: number; filter?: DecisionFilter },
) {
  const [cycle] = await db.select().from(cycles).where(eq(cycles.id, cycleId));
  if (!cycle) throw new NotFound('We could not find that cycle.');
  const conditions: SQL[] = [eq(applications.cycleId, cycleId)];
  const inScope = or(eq(applications.status, 'eligible'), sql`${decisions.applicationId} is not null`);
  if (inScope) conditions.push(inScope);
  if (filter === 'undecided') conditions.push(isNull(decisions.applicationId));
  else if (filter) conditions.push(eq(decisions.level, filter));
  const rows = await db
    .select({
      applicationId: applications.id,
      status: applications.status,
      schoolName: schools.name,
      city: schools.city,
      state: schools.state,
      level: decisions.level,
      decidedAt: decisions.decidedAt,
      deciderName: users.name,
      slug: decisions.slug,
    })
    .from(applications)
    .innerJoin(schools, eq(schools.id, applications.schoolId))
    .leftJoin(decisions, eq(decisions.applicationId, applications.id))
    .leftJoin(users, eq(users.id, decisions.decidedBy))
    .where(and(...conditions))
    .orderBy(asc(schools.name), asc(applications.id))
    .limit(DECISIONS_PAGE_SIZE + 1)
    .offset((page - 1) * DECISIONS_PAGE_SIZE);
  const counts = await decisionCounts(db, cycleId);
  return {
    cycle,
    rows: rows.slice(0, DECISIONS_PAGE_SIZE).map((r) => ({
      ...r,
      levelLabel: r.level ? DECISION_LEVEL_LABELS[r.level] : undefined,
      isHonoree: r.level ? HONOREE_LEVELS.includes(r.level) : false,
    })),
    hasMore: rows.length > DECISIONS_PAGE_SIZE,
    counts,
  };
}

/** How many eligible applications of the cycle are Gold, Silver, not selected, or undecided. */
export async function decisionCounts(db: Database, cycleId: number) {
  const [row] = await db
    .select({
      gold: sql<number>`count(*) filter (where ${decisions.level} = 'gold')::int`,
      silver: sql<number>`count(*) filter (where ${decisions.level} = 'silver')::int`,
      notSelected: sql<number>`count(*) filter (where ${decisions.level} = 'not_selected')::int`,
      undecided: sql<number>`count(*) filter (where ${decisions.applicationId} is null and ${applications.status} = 'eligible')::int`,
    })
    .from(applications)
    .leftJoin(decisions, eq(decisions.applicationId, applications.id))
    .where(eq(applications.cycleId, cycleId));
  return {
    gold: row?.gold ?? 0,
    silver: row?.silver ?? 0,
    notSelected: row?.notSelected ?? 0,
    undecided: row?.undecided ?? 0,
  };
}
