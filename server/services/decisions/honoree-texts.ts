// The honoree texts that go with a Gold or Silver decision: a short citation, a longer profile and
// a highlight per chosen criterion. The portal drafts them from the application's answers when a
// school first becomes an honoree; they stay marked as drafts until an admin edits or approves
// them. Public only once the cycle is published (see publishing.ts and ../honorees/).
//
// The citation and profile are the program's own words: the columns hold them in the program's
// main (default) language, decisions.translations the other languages' (server/i18n/content.ts).
// Drafts are written in the main language only; a language left empty shows the main text.
import { and, asc, eq, ne, sql } from 'drizzle-orm';
import {
  applicationAnswers,
  applications,
  criteria,
  cycles,
  decisions,
  programs,
  schools,
  users,
  type CriterionHighlight,
  type School,
} from '../../../models/schema.js';
import type { Translations } from '../../../models/programs.js';
import type { Database } from '../../db/client.js';
import { Forbidden, Invalid, NotFound, type FieldErrors } from '../../errors.js';
import { missingTranslations } from '../../i18n/content.js';
import { LANGUAGES, SOURCE_LANGUAGE } from '../../i18n/languages.js';
import { msg, t } from '../../i18n/translate.js';
import { recordAudit } from '../shared/audit.js';
import type { ServiceContext } from '../../context.js';
import { HONOREE_LEVELS } from './levels.js';

export const CITATION_MAX = 300;
export const PROFILE_MAX = 5000;
export const HIGHLIGHT_MAX = 1000;
export const HIGHLIGHT_DRAFT_WORDS = 60;

/** The texts an honoree has in each language: the columns, and their translations. */
export const TRANSLATED_FIELDS = ['citation', 'profile'] as const;
export type TranslatedField = (typeof TRANSLATED_FIELDS)[number];

/** The form field of a text in another language: citation__es, profile__es (as programs/translations.ts names them). */
export const translationField = (field: TranslatedField, language: string) => `${field}__${language}`;

/** The languages other than the program's main one: those a citation and profile are translated into. */
export const otherLanguages = (defaultLanguage: string) => LANGUAGES.filter((language) => language !== defaultLanguage);

/** The program's main language: its own texts (and the drafts) are written in it. */
export async function programLanguage(db: Database, programId: number): Promise<string> {
  const [row] = await db
    .select({ language: programs.defaultLanguage })
    .from(programs)
    .where(eq(programs.id, programId));
  return row?.language ?? SOURCE_LANGUAGE;
}

/**
 * For each language but the main one, which of an honoree's texts have no translation there
 * (a text empty in the main language needs none): what the decisions list and the publishing
 * preview point out. It never blocks publishing: the public pages show the main text instead.
 */
export function missingHonoreeTexts(
  row: { citation: string | null; profile: string | null; translations: Translations | null },
  defaultLanguage: string,
): Array<{ language: string; fields: 'both' | TranslatedField }> {
  const others = otherLanguages(defaultLanguage);
  const citation = new Set(missingTranslations(row, ['citation'], others, defaultLanguage));
  const profile = new Set(missingTranslations(row, ['profile'], others, defaultLanguage));
  return others
    .filter((language) => citation.has(language) || profile.has(language))
    .map((language) => ({
      language,
      fields:
        citation.has(language) && profile.has(language) ? 'both' : citation.has(language) ? 'citation' : 'profile',
    }));
}

/**
 * Characters no one types into a text box (C0 controls but tab and line ends, DEL): pasted or
 * forged, and invisible on a page. Refused with a message beside the field. (A NUL never gets
 * here: server/middleware/sanitize.ts removes it from every form.)
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

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

/**
 * First drafts of the honoree texts, for the admin to edit, in the program's main language
 * `language`: the school's facts are put into words in it, and the excerpts quote the answers as
 * the school wrote them. No other language is drafted: an admin writes those.
 */
export function draftHonoreeTexts(
  school: School,
  answers: Array<{ id: number; title: string; answer: string }>,
  language: string = SOURCE_LANGUAGE,
): { citation: string; profile: string; highlights: CriterionHighlight[] } {
  const highlights = answers
    .map((a) => ({ criterionId: a.id, title: a.title, text: draftExcerpt(a.answer) }))
    .filter((h) => h.text !== '');
  const firstSentence = highlights[0] ? draftExcerpt(highlights[0].text.split(/(?<=[.!?])\s+/)[0] ?? '', 50) : '';
  const facts = t(language, 'decisions.draft.facts', {
    school: school.name,
    level: school.level,
    city: school.city,
    state: school.state,
    district: school.district || 'none',
    enrollment: school.enrollment ?? 'none',
    frl: school.frlPercent ?? 'none',
  });
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
  const [found] = await db
    .select({
      decision: decisions,
      school: schools,
      cycle: cycles,
      deciderName: users.name,
      defaultLanguage: programs.defaultLanguage,
    })
    .from(decisions)
    .innerJoin(applications, eq(applications.id, decisions.applicationId))
    .innerJoin(schools, eq(schools.id, applications.schoolId))
    .innerJoin(cycles, eq(cycles.id, decisions.cycleId))
    .innerJoin(programs, eq(programs.id, cycles.programId))
    .leftJoin(users, eq(users.id, decisions.decidedBy))
    .where(eq(decisions.applicationId, applicationId));
  if (!found) throw new NotFound(msg('decisions.errors.noDecision'));
  const { defaultLanguage, ...row } = found;
  const chosen = await chosenAnswers(db, applicationId, row.cycle.id);
  const byCriterion = new Map(row.decision.highlights.map((h) => [h.criterionId, h.text]));
  return {
    ...row,
    defaultLanguage,
    otherLanguages: otherLanguages(defaultLanguage),
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

/** A text as sent: a string trimmed (line ends made \n), anything else (repeated, missing) empty. */
function textOf(value: unknown): string {
  return typeof value === 'string' ? value.replace(/\r\n?/g, '\n').trim() : '';
}

/** The message for a text too long or holding control characters, or undefined when it is fine. */
function textProblem(text: string, max: number) {
  if (CONTROL_CHARACTERS.test(text)) return msg('decisions.errors.controlCharacters');
  if (text.length > max) return msg('decisions.errors.tooLongHas', { max, length: text.length });
  return undefined;
}

/**
 * Saves the admin's citation, profile and highlights (keyed by criterion id; an empty one is
 * left out), and the citation and profile in the other languages (`translations`, by language:
 * { es: { citation, profile } }; an empty one is removed, so the main text shows there; a field
 * the form did not send keeps its text). Allowed after publishing: corrections show on the
 * public page at once.
 */
export async function editProfile(
  { db, clock }: Pick<ServiceContext, 'db' | 'clock'>,
  {
    applicationId,
    adminId,
    citation,
    profile,
    highlights,
    translations = {},
  }: {
    applicationId: number;
    adminId: number;
    citation: unknown;
    profile: unknown;
    highlights: Record<string, unknown>;
    translations?: Record<string, Partial<Record<TranslatedField, unknown>>>;
  },
): Promise<void> {
  const view = await loadDecision(db, applicationId);
  if (!view.isHonoree) throw new Forbidden(msg('decisions.errors.notHonoree'));
  const errors: FieldErrors = {};
  const citationText = textOf(citation);
  const profileText = textOf(profile);
  if (citationText === '') errors.citation = msg('decisions.errors.citationRequired');
  else {
    const problem = textProblem(citationText, CITATION_MAX);
    if (problem) errors.citation = problem;
  }
  const profileProblem = textProblem(profileText, PROFILE_MAX);
  if (profileProblem) errors.profile = profileProblem;
  const savedTranslations: Translations = { ...view.decision.translations };
  for (const language of view.otherLanguages) {
    const kept = { ...savedTranslations[language] };
    for (const field of TRANSLATED_FIELDS) {
      // Not sent, or sent twice (forged): the saved text stays.
      const sent = translations[language]?.[field];
      if (typeof sent !== 'string') continue;
      const text = textOf(sent);
      const problem = textProblem(text, field === 'citation' ? CITATION_MAX : PROFILE_MAX);
      if (problem) errors[translationField(field, language)] = problem;
      else if (text === '') delete kept[field];
      else kept[field] = text;
    }
    if (Object.keys(kept).length > 0) savedTranslations[language] = kept;
    else delete savedTranslations[language];
  }
  const saved: CriterionHighlight[] = [];
  for (const criterion of view.criteria) {
    // A field the form did not send keeps its text; an emptied one is left off the page.
    const raw = highlights[String(criterion.id)] ?? criterion.highlight;
    const value = typeof raw === 'string' ? raw.replace(/\s+/g, ' ').trim() : '';
    const problem = textProblem(value, HIGHLIGHT_MAX);
    if (problem) errors[`highlight_${criterion.id}`] = problem;
    else if (value !== '') saved.push({ criterionId: criterion.id, title: criterion.title, text: value });
  }
  if (Object.keys(errors).length > 0) throw new Invalid(errors);
  await db.transaction(async (tx) => {
    const now = clock();
    await tx
      .update(decisions)
      .set({
        citation: citationText,
        profile: profileText,
        translations: savedTranslations,
        highlights: saved,
        updatedAt: now,
        textsDrafted: false,
      })
      .where(eq(decisions.applicationId, applicationId));
    await recordAudit(tx, clock, {
      actorId: adminId,
      action: 'decision.edit_profile',
      subjectType: 'application',
      subjectId: applicationId,
      summary: msg('audit.decisions.profileEdited', {
        school: view.school.name,
        cycle: view.cycle.name,
        published: view.cycle.publishedAt ? 'yes' : 'no',
      }),
      details: { cycleId: view.cycle.id },
    });
  });
}
