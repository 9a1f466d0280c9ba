// Programs, and what other admin services need to know about a cycle: whether it exists, its
// phase, and whether its rubric is frozen. Cycle settings, copying and the overview are in
// cycles.ts; reading form fields is in shared/form-input.ts.
//
// "Opened" is decided by the clock: from a cycle's opening date on, applicants may be answering
// its criteria, so the structure of the rubric (and the rule of choice) is frozen. See
// criteria.ts for what stays editable.
import { and, asc, count, desc, eq, max, ne } from 'drizzle-orm';
import {
  applications,
  calibrationItems,
  calibrationScores,
  criteria,
  cycles,
  programs,
  type Cycle,
  type Program,
} from '../../../models/schema.js';
import type { Database } from '../../db/client.js';
import { Invalid, NotFound, type FieldErrors } from '../../errors.js';
import { isLanguage } from '../../i18n/languages.js';
import { msg, type Message } from '../../i18n/translate.js';
import { checkText, isUniqueViolation, text, type Fields } from '../shared/form-input.js';
import type { ServiceContext } from '../../context.js';
import { withPhases } from './phase.js';
import { DEFAULT_TIME_ZONE, isTimeZone, localDay } from '../../time.js';
import { cycleTimeZone } from './time-zone.js';
import { forgetSiteIdentity } from './identity.js';
import { checkRequiredText, readTranslations, type TranslatableFields } from './translations.js';
import { swapDefaultLanguage } from './default-language.js';

export const PROGRAMS_PAGE_SIZE = 20;

// ---------------------------------------------------------------- programs

const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

type ProgramField = 'name' | 'slug' | 'description' | 'timeZone' | 'defaultLanguage';

/** The program form's texts that have translations, checked like their columns. */
export const PROGRAM_TRANSLATED: TranslatableFields = {
  name: { max: 120, singleLine: true },
  description: { max: 5000 },
};

function validateProgram(input: Fields<ProgramField>, body: Record<string, unknown>, existing?: Program) {
  const errors: FieldErrors = {};
  const name = checkRequiredText(
    errors,
    'name',
    input.name,
    { max: 120, singleLine: true },
    msg('programs.errors.nameRequired'),
  );
  const slug = checkRequiredText(errors, 'slug', input.slug, { max: 60 }, msg('programs.errors.slugRequired'));
  if (slug && !SLUG_PATTERN.test(slug)) {
    errors.slug = msg('programs.errors.slugPattern');
  }
  const description = checkText(errors, 'description', input.description, { max: 5000 });
  const timeZone = text(input.timeZone) || DEFAULT_TIME_ZONE;
  if (!isTimeZone(timeZone)) errors.timeZone = msg('programs.errors.timeZone');
  const languageText = text(input.defaultLanguage) || existing?.defaultLanguage || 'en';
  const defaultLanguage = isLanguage(languageText) ? languageText : undefined;
  if (!defaultLanguage) errors.defaultLanguage = msg('programs.errors.language');
  // Translations are read against the language the texts were in when the form was opened.
  const formLanguage = existing?.defaultLanguage ?? defaultLanguage ?? 'en';
  const translations = readTranslations(errors, body, PROGRAM_TRANSLATED, formLanguage, existing?.translations);
  if (Object.keys(errors).length > 0) throw new Invalid(errors);
  return { name, slug, description, timeZone, defaultLanguage: defaultLanguage!, translations };
}

const SLUG_TAKEN = msg('programs.errors.slugTaken');

async function assertSlugFree(db: Database, slug: string, exceptId?: number) {
  const [taken] = await db
    .select({ id: programs.id })
    .from(programs)
    .where(exceptId ? and(eq(programs.slug, slug), ne(programs.id, exceptId)) : eq(programs.slug, slug));
  if (taken) throw new Invalid({ slug: SLUG_TAKEN });
}

/** `translations` is the posted form: its `<field>__<language>` entries (translations.ts). */
export async function createProgram(
  db: Database,
  input: Fields<ProgramField> & { translations?: Record<string, unknown> },
): Promise<Program> {
  const values = validateProgram(input, input.translations ?? {});
  await assertSlugFree(db, values.slug);
  try {
    const [program] = await db.insert(programs).values(values).returning();
    if (!program) throw new Error('The program insert returned no row');
    forgetSiteIdentity(db);
    return program;
  } catch (error) {
    if (isUniqueViolation(error, 'programs_slug_key')) throw new Invalid({ slug: SLUG_TAKEN });
    throw error;
  }
}

export async function updateProgram(
  db: Database,
  input: { programId: number; translations?: Record<string, unknown> } & Fields<ProgramField>,
): Promise<Program> {
  const existing = await findProgram(db, input.programId);
  const values = validateProgram(input, input.translations ?? {}, existing);
  await assertSlugFree(db, values.slug, input.programId);
  try {
    const program = await db.transaction(async (tx) => {
      const [saved] = await tx.update(programs).set(values).where(eq(programs.id, input.programId)).returning();
      if (!saved) throw new NotFound(msg('programs.errors.notFound'));
      if (saved.defaultLanguage === existing.defaultLanguage) return saved;
      return swapDefaultLanguage(tx, saved, existing.defaultLanguage);
    });
    forgetSiteIdentity(db);
    return program;
  } catch (error) {
    if (isUniqueViolation(error, 'programs_slug_key')) throw new Invalid({ slug: SLUG_TAKEN });
    throw error;
  }
}

export async function findProgram(db: Database, programId: number): Promise<Program> {
  const [program] = await db.select().from(programs).where(eq(programs.id, programId));
  if (!program) throw new NotFound(msg('programs.errors.notFound'));
  return program;
}

/** Programs by name, a page at a time, each with its number of cycles and newest year. */
export async function listPrograms(db: Database, { page }: { page: number }) {
  const rows = await db
    .select({
      id: programs.id,
      name: programs.name,
      slug: programs.slug,
      cycleCount: count(cycles.id),
      latestYear: max(cycles.year),
    })
    .from(programs)
    .leftJoin(cycles, eq(cycles.programId, programs.id))
    .groupBy(programs.id)
    .orderBy(asc(programs.name), asc(programs.id))
    .limit(PROGRAMS_PAGE_SIZE + 1)
    .offset((page - 1) * PROGRAMS_PAGE_SIZE);
  return {
    programs: rows.slice(0, PROGRAMS_PAGE_SIZE),
    page,
    previousPage: page > 1 ? page - 1 : undefined,
    nextPage: rows.length > PROGRAMS_PAGE_SIZE ? page + 1 : undefined,
    hasPages: page > 1 || rows.length > PROGRAMS_PAGE_SIZE,
  };
}

export async function programWithCycles(context: Pick<ServiceContext, 'db' | 'clock'>, programId: number) {
  const program = await findProgram(context.db, programId);
  const rows = await context.db.select().from(cycles).where(eq(cycles.programId, programId)).orderBy(desc(cycles.year));
  return { program, cycles: await withPhases(context.db, rows, context.clock()) };
}

// ---------------------------------------------------------------- cycles

/** Every cycle, newest first, for the filters of the admin's lists. */
export async function cycleChoices(db: Database) {
  return db.select({ id: cycles.id, name: cycles.name }).from(cycles).orderBy(desc(cycles.year), desc(cycles.id));
}

export async function findCycle(db: Database, cycleId: number): Promise<Cycle> {
  const [cycle] = await db.select().from(cycles).where(eq(cycles.id, cycleId));
  if (!cycle) throw new NotFound(msg('cycles.errors.notFound'));
  return cycle;
}

export interface StructureLock {
  locked: boolean;
  /** Why, as `prefix` none; lockReason gives the same words after another field's refusal. */
  reason?: Message;
  /** What the reason's message needs, to say it after "The weight cannot change." */
  why?: { kind: 'opened' | 'applications'; date?: Date };
}

/** The lock's reason, after a refusal of one field ('weight', 'required') or alone ('none'). */
export function lockReason(lock: StructureLock, prefix: 'weight' | 'required' | 'none' = 'none'): Message {
  return msg('cycles.errors.locked', { prefix, kind: lock.why?.kind ?? 'applications', date: lock.why?.date });
}

/**
 * A day in the program's zone as a Date a message can format with {date, date, long} in any
 * zone the server runs in: noon UTC of that day.
 */
export function dayValue(date: Date, zone: string): Date {
  const [y, m, d] = localDay(date, zone).split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d, 12));
}

async function cycleHasApplications(db: Database, cycleId: number): Promise<boolean> {
  const [row] = await db
    .select({ id: applications.id })
    .from(applications)
    .where(eq(applications.cycleId, cycleId))
    .limit(1);
  return Boolean(row);
}

/**
 * Whether the set of criteria (and the rule of choice) is frozen: from the opening date on, or
 * as soon as any application exists, since applicants answer exactly this set.
 */
export async function structureLock(
  context: Pick<ServiceContext, 'db' | 'clock'>,
  cycle: Cycle,
): Promise<StructureLock> {
  if (context.clock() >= cycle.opensAt) {
    const why = {
      kind: 'opened' as const,
      date: dayValue(cycle.opensAt, await cycleTimeZone(context.db, cycle.id)),
    };
    return { locked: true, why, reason: lockReason({ locked: true, why }) };
  }
  if (await cycleHasApplications(context.db, cycle.id)) {
    const why = { kind: 'applications' as const };
    return { locked: true, why, reason: lockReason({ locked: true, why }) };
  }
  return { locked: false };
}

/** Reviewers may be scoring once applications close: the scale stays as it was. */
export function scaleLocked(cycle: Cycle, now: Date): boolean {
  return now > cycle.applicationsCloseAt;
}

/**
 * Reviewers have scored the cycle's calibration examples on its scale: their offsets are in its
 * points, so the scale stays as it was.
 */
export async function scaleCalibrated(db: Database, cycleId: number): Promise<boolean> {
  const [row] = await db
    .select({ itemId: calibrationScores.itemId })
    .from(calibrationScores)
    .innerJoin(calibrationItems, eq(calibrationItems.id, calibrationScores.itemId))
    .where(eq(calibrationItems.cycleId, cycleId))
    .limit(1);
  return row !== undefined;
}

export async function countOptionalCriteria(db: Database, cycleId: number): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(criteria)
    .where(and(eq(criteria.cycleId, cycleId), eq(criteria.required, false)));
  return row?.n ?? 0;
}

export function choiceCountProblem(choose: number, optional: number): Message | undefined {
  if (choose <= optional) return undefined;
  return optional === 0 ? msg('cycles.errors.noOptional') : msg('cycles.errors.tooFewOptional', { optional });
}
