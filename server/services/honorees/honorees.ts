// What the public may read of decisions: only Gold and Silver honorees of cycles that have been
// published. Every query here is filtered by publicConditions(), so an unpublished cycle, or a
// school that was not selected, can never leak through a filter, a page or an export. The school
// is shown as it stood at publishing (the decision's school_* copy, see snapshotHonoreeSchools),
// never the live profile, which its contacts may edit. The program's own words (citations,
// profiles, cycle and criteria names) come in the reader's language where the program wrote
// them in it, else in its default language; open data carries every language.
import { and, asc, desc, eq, gt, ilike, inArray, isNotNull, lte, or, sql, type SQL } from 'drizzle-orm';
import type { PgSelect } from 'drizzle-orm/pg-core';
import {
  criteria,
  cycles,
  decisions,
  programs,
  type DecisionLevel,
  DECISION_LEVEL_LABELS,
  US_STATES,
} from '../../../models/schema.js';
import type { Translations } from '../../../models/programs.js';
import type { Database } from '../../db/client.js';
import { NotFound } from '../../errors.js';
import { LANGUAGES, SOURCE_LANGUAGE } from '../../i18n/languages.js';
import { label, msg } from '../../i18n/translate.js';
import type { CsvValue } from '../shared/csv.js';
import { HONOREE_LEVELS } from '../decisions/decisions.js';

export const HONOREES_PAGE_SIZE = 20;
export const EXPORT_BATCH_SIZE = 500;

export interface HonoreeFilters {
  year?: number;
  state?: string;
  level?: 'gold' | 'silver';
  q?: string;
}

/** Filters from a query string; anything malformed is ignored rather than refused. */
export function parseHonoreeFilters(query: Record<string, unknown>): HonoreeFilters & { page: number } {
  const { year, state, level, q, page } = query;
  return {
    year: typeof year === 'string' && /^\d{4}$/.test(year) ? Number(year) : undefined,
    state:
      typeof state === 'string' && (US_STATES as readonly string[]).includes(state.toUpperCase())
        ? state.toUpperCase()
        : undefined,
    level: level === 'gold' || level === 'silver' ? level : undefined,
    q: typeof q === 'string' && q.trim() !== '' ? q.trim().slice(0, 100) : undefined,
    page: typeof page === 'string' && /^\d{1,5}$/.test(page) ? Math.max(1, Number(page)) : 1,
  };
}

/** The query string of the filters (no page), for links and the export URLs. */
export function filterQuery(filters: HonoreeFilters): string {
  const entries = Object.entries({
    year: filters.year?.toString(),
    state: filters.state,
    level: filters.level,
    q: filters.q,
  });
  return new URLSearchParams(entries.filter((e): e is [string, string] => Boolean(e[1]))).toString();
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function publicConditions(filters: HonoreeFilters): SQL[] {
  const conditions: SQL[] = [
    isNotNull(cycles.publishedAt),
    inArray(decisions.level, [...HONOREE_LEVELS]),
    isNotNull(decisions.schoolName),
  ];
  if (filters.year) conditions.push(eq(cycles.year, filters.year));
  if (filters.state) conditions.push(eq(decisions.schoolState, filters.state));
  if (filters.level) conditions.push(eq(decisions.level, filters.level));
  if (filters.q) {
    const pattern = `%${escapeLike(filters.q)}%`;
    const match = or(ilike(decisions.schoolName, pattern), ilike(decisions.schoolCity, pattern));
    if (match) conditions.push(match);
  }
  return conditions;
}

const honoreeColumns = {
  applicationId: decisions.applicationId,
  level: decisions.level,
  slug: decisions.slug,
  citation: decisions.citation,
  year: cycles.year,
  cycleId: cycles.id,
  cycleName: cycles.name,
  publishedAt: cycles.publishedAt,
  programName: programs.name,
  translations: decisions.translations,
  cycleTranslations: cycles.translations,
  programTranslations: programs.translations,
  defaultLanguage: programs.defaultLanguage,
  schoolName: sql<string>`coalesce(${decisions.schoolName}, '')`,
  district: sql<string>`coalesce(${decisions.schoolDistrict}, '')`,
  city: sql<string>`coalesce(${decisions.schoolCity}, '')`,
  state: sql<string>`coalesce(${decisions.schoolState}, '')`,
};

/** Joins a query over decisions to the cycle and program (the school is the decision's copy). */
function withHonoreeJoins<Q extends PgSelect>(query: Q) {
  return query
    .innerJoin(cycles, eq(cycles.id, decisions.cycleId))
    .innerJoin(programs, eq(programs.id, cycles.programId));
}

/**
 * `field` of a row in `language`, and the language those words are really in: the program's
 * default where no translation was written (a page marks such text with its own lang attribute).
 */
export function contentIn(
  row: { translations?: Translations | null; [field: string]: unknown },
  field: string,
  language: string,
  defaultLanguage: string,
): { text: string; language: string } {
  const value = row[field];
  const own = typeof value === 'string' ? value : '';
  const translation = language === defaultLanguage ? undefined : row.translations?.[language]?.[field];
  return translation && translation.trim() !== ''
    ? { text: translation, language }
    : { text: own, language: defaultLanguage };
}

type HonoreeRow = {
  level: DecisionLevel;
  year: number;
  slug: string;
  citation: string;
  cycleName: string;
  programName: string;
  translations: Translations;
  cycleTranslations: Translations;
  programTranslations: Translations;
  defaultLanguage: string;
};

/** A row for a page in `language`: the program's words in it where it has them, and its links. */
function decorate<T extends HonoreeRow>(row: T, language: string) {
  // The translations stay here: a page needs only the words in its language.
  const { translations: _translations, cycleTranslations, programTranslations, ...rest } = row;
  const citation = contentIn(row, 'citation', language, row.defaultLanguage);
  return {
    ...rest,
    citation: citation.text,
    citationLanguage: citation.language,
    cycleName: contentIn(
      { name: row.cycleName, translations: cycleTranslations },
      'name',
      language,
      row.defaultLanguage,
    ).text,
    programName: contentIn(
      { name: row.programName, translations: programTranslations },
      'name',
      language,
      row.defaultLanguage,
    ).text,
    levelLabel: label(language, 'decisionLevel', row.level),
    path: `/honorees/${row.year}/${row.slug}`,
  };
}

/** One page of honorees, newest cycle first, Gold before Silver, then by school name. */
export async function listHonorees(db: Database, filters: HonoreeFilters, page = 1, language = SOURCE_LANGUAGE) {
  const where = and(...publicConditions(filters));
  const [countRow] = await withHonoreeJoins(
    db
      .select({ n: sql<number>`count(*)::int` })
      .from(decisions)
      .$dynamic(),
  ).where(where);
  const total = countRow?.n ?? 0;
  const pageCount = Math.max(1, Math.ceil(total / HONOREES_PAGE_SIZE));
  const rows = await withHonoreeJoins(db.select(honoreeColumns).from(decisions).$dynamic())
    .where(where)
    .orderBy(
      desc(cycles.year),
      sql`case when ${decisions.level} = 'gold' then 0 else 1 end`,
      asc(decisions.schoolName),
      asc(decisions.applicationId),
    )
    .limit(HONOREES_PAGE_SIZE)
    .offset((page - 1) * HONOREES_PAGE_SIZE);
  return { rows: rows.map((row) => decorate(row, language)), total, page, pageCount };
}

/** The years that have published honorees, newest first, for the filter. */
export async function honoreeYears(db: Database): Promise<number[]> {
  const rows = await withHonoreeJoins(db.select({ year: cycles.year }).from(decisions).$dynamic())
    .where(and(...publicConditions({})))
    .groupBy(cycles.year)
    .orderBy(desc(cycles.year));
  return rows.map((r) => r.year);
}

/** One honoree's public page: citation, profile, highlights and the school's facts, in `language`. */
export async function findHonoree(
  db: Database,
  { year, slug, language = SOURCE_LANGUAGE }: { year: number; slug: string; language?: string },
) {
  const [row] = await withHonoreeJoins(
    db
      .select({
        ...honoreeColumns,
        profile: decisions.profile,
        highlights: decisions.highlights,
        updatedAt: decisions.updatedAt,
        level: decisions.level,
        schoolLevel: decisions.schoolLevel,
        website: sql<string>`coalesce(${decisions.schoolWebsite}, '')`,
        enrollment: decisions.schoolEnrollment,
        frlPercent: decisions.schoolFrlPercent,
        iepPercent: decisions.schoolIepPercent,
      })
      .from(decisions)
      .$dynamic(),
  )
    .where(and(...publicConditions({ year }), eq(decisions.slug, slug)))
    .orderBy(asc(programs.id))
    .limit(1);
  if (!row) throw new NotFound(msg('honorees.show.notFound'));
  const profile = contentIn(row, 'profile', language, row.defaultLanguage);
  return {
    ...decorate(row, language),
    // Only web addresses become links; anything else (a "javascript:" typed in) is dropped.
    website: /^https?:\/\//i.test(row.website) ? row.website : '',
    profileLanguage: profile.language,
    paragraphs: profile.text
      .split(/\n\s*\n/)
      .map((p) => p.trim())
      .filter((p) => p !== ''),
  };
}

/**
 * A cycle's criteria for the public page in `language`, once the cycle has opened; before that,
 * not found.
 */
export async function publicCriteria(
  db: Database,
  { cycleId, now, language = SOURCE_LANGUAGE }: { cycleId: number; now: Date; language?: string },
) {
  const [row] = await db
    .select({ cycle: cycles, program: programs })
    .from(cycles)
    .innerJoin(programs, eq(programs.id, cycles.programId))
    .where(and(eq(cycles.id, cycleId), lte(cycles.opensAt, now)));
  if (!row) throw new NotFound(msg('honorees.criteria.notFound'));
  const { program } = row;
  const words = (item: { translations: Translations }, field: string) =>
    contentIn(item, field, language, program.defaultLanguage).text;
  const list = await db.select().from(criteria).where(eq(criteria.cycleId, cycleId)).orderBy(asc(criteria.position));
  const numbered = list.map((c, index) => ({
    ...c,
    title: words(c, 'title'),
    guidance: words(c, 'guidance'),
    evidenceRequested: words(c, 'evidenceRequested'),
    number: index + 1,
  }));
  return {
    cycle: { ...row.cycle, name: words(row.cycle, 'name') },
    programName: words(program, 'name'),
    programDescription: words(program, 'description'),
    required: numbered.filter((c) => c.required),
    optional: numbered.filter((c) => !c.required),
    published: row.cycle.publishedAt !== null,
  };
}

export interface HonoreeExportRow {
  year: number;
  cycle: string;
  program: string;
  level: 'gold' | 'silver';
  school: string;
  district: string;
  city: string;
  state: string;
  /** In the program's default language, `language`. */
  citation: string;
  url: string;
  publishedAt: string;
  /** The program's default language: that of `citation`, and of any citation not translated. */
  language: string;
  /** The citation in every language the portal speaks; the default's text where none was written. */
  citations: Record<string, string>;
  /** The language each of `citations` is really in: its own, or the default where it fell back. */
  citationLanguages: Record<string, string>;
}

/** Every honoree matching the filters, read in batches so an export never loads them all. */
export async function* honoreeExportRows(
  db: Database,
  filters: HonoreeFilters,
  baseUrl: string,
  batchSize = EXPORT_BATCH_SIZE,
): AsyncGenerator<HonoreeExportRow> {
  let after = 0;
  for (;;) {
    const batch = await withHonoreeJoins(db.select(honoreeColumns).from(decisions).$dynamic())
      .where(and(gt(decisions.applicationId, after), ...publicConditions(filters)))
      .orderBy(asc(decisions.applicationId))
      .limit(batchSize);
    for (const r of batch) {
      const citations: Record<string, string> = {};
      const citationLanguages: Record<string, string> = {};
      for (const language of LANGUAGES) {
        const version = contentIn(r, 'citation', language, r.defaultLanguage);
        citations[language] = version.text;
        citationLanguages[language] = version.language;
      }
      yield {
        year: r.year,
        cycle: r.cycleName,
        program: r.programName,
        level: r.level as 'gold' | 'silver',
        school: r.schoolName,
        district: r.district,
        city: r.city,
        state: r.state,
        citation: r.citation,
        url: `${baseUrl}/honorees/${r.year}/${r.slug}`,
        publishedAt: r.publishedAt?.toISOString() ?? '',
        language: r.defaultLanguage,
        citations,
        citationLanguages,
      };
    }
    if (batch.length < batchSize) return;
    after = batch[batch.length - 1]!.applicationId;
  }
}

export const HONOREE_CSV_HEADER = [
  'year',
  'cycle',
  'program',
  'level',
  'school',
  'district',
  'city',
  'state',
  'citation',
  'url',
  'published_at',
  // Added with languages, after the older columns so that readers of those keep working.
  'language',
  ...LANGUAGES.flatMap((language) => [`citation_${language}`, `citation_${language}_language`]),
];

export async function* honoreeCsvRows(
  db: Database,
  filters: HonoreeFilters,
  baseUrl: string,
): AsyncGenerator<CsvValue[]> {
  for await (const r of honoreeExportRows(db, filters, baseUrl)) {
    yield [
      r.year,
      r.cycle,
      r.program,
      r.level,
      r.school,
      r.district,
      r.city,
      r.state,
      r.citation,
      r.url,
      r.publishedAt,
      r.language,
      ...LANGUAGES.flatMap((language) => [r.citations[language] ?? '', r.citationLanguages[language] ?? '']),
    ];
  }
}

/**
 * The published outcome of each of these applications (for "My applications"): nothing for an
 * application whose cycle is not published, whatever was decided.
 */
export async function publishedOutcomes(
  db: Database,
  applicationIds: number[],
): Promise<Map<number, { level: DecisionLevel; label: string; path?: string }>> {
  const outcomes = new Map<number, { level: DecisionLevel; label: string; path?: string }>();
  if (applicationIds.length === 0) return outcomes;
  const rows = await db
    .select({ applicationId: decisions.applicationId, level: decisions.level, slug: decisions.slug, year: cycles.year })
    .from(decisions)
    .innerJoin(cycles, eq(cycles.id, decisions.cycleId))
    .where(and(inArray(decisions.applicationId, applicationIds), isNotNull(cycles.publishedAt)));
  for (const r of rows) {
    outcomes.set(r.applicationId, {
      level: r.level,
      label: DECISION_LEVEL_LABELS[r.level],
      path: HONOREE_LEVELS.includes(r.level) ? `/honorees/${r.year}/${r.slug}` : undefined,
    });
  }
  return outcomes;
}
