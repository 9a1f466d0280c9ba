// What the public may read of decisions: only Gold and Silver honorees of cycles that have been
// published. Every query here is filtered by publicConditions(), so an unpublished cycle, or a
// school that was not selected, can never leak through a filter, a page or an export. The school
// is shown as it stood at publishing (the decision's school_* copy, see snapshotHonoreeSchools),
// never the live profile, which its contacts may edit.
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
import type { Database } from '../../db/client.js';
import { NotFound } from '../../errors.js';
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

function decorate<T extends { level: DecisionLevel; year: number; slug: string }>(row: T) {
  return { ...row, levelLabel: DECISION_LEVEL_LABELS[row.level], path: `/honorees/${row.year}/${row.slug}` };
}

/** One page of honorees, newest cycle first, Gold before Silver, then by school name. */
export async function listHonorees(db: Database, filters: HonoreeFilters, page = 1) {
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
  return { rows: rows.map(decorate), total, page, pageCount };
}

/** The years that have published honorees, newest first, for the filter. */
export async function honoreeYears(db: Database): Promise<number[]> {
  const rows = await withHonoreeJoins(db.select({ year: cycles.year }).from(decisions).$dynamic())
    .where(and(...publicConditions({})))
    .groupBy(cycles.year)
    .orderBy(desc(cycles.year));
  return rows.map((r) => r.year);
}

/** One honoree's public page: citation, profile, highlights and the school's facts. */
export async function findHonoree(db: Database, { year, slug }: { year: number; slug: string }) {
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
  if (!row) throw new NotFound('We could not find that honoree.');
  return {
    ...decorate(row),
    // Only web addresses become links; anything else (a "javascript:" typed in) is dropped.
    website: /^https?:\/\//i.test(row.website) ? row.website : '',
    paragraphs: row.profile
      .split(/\n\s*\n/)
      .map((p) => p.trim())
      .filter((p) => p !== ''),
  };
}

/** A cycle's criteria for the public page, once the cycle has opened; before that, not found. */
export async function publicCriteria(db: Database, { cycleId, now }: { cycleId: number; now: Date }) {
  const [row] = await db
    .select({ cycle: cycles, programName: programs.name, programDescription: programs.description })
    .from(cycles)
    .innerJoin(programs, eq(programs.id, cycles.programId))
    .where(and(eq(cycles.id, cycleId), lte(cycles.opensAt, now)));
  if (!row) throw new NotFound('We could not find the criteria of that cycle.');
  const list = await db.select().from(criteria).where(eq(criteria.cycleId, cycleId)).orderBy(asc(criteria.position));
  const numbered = list.map((c, index) => ({ ...c, number: index + 1 }));
  return {
    ...row,
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
  citation: string;
  url: string;
  publishedAt: string;
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
// i18n: not yet translated
