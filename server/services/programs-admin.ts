// Programs and their yearly cycles, as the admin sets them up. Form fields arrive untrusted
// (strings, arrays or nothing); every problem ends in an Invalid with one message per field.
//
// "Opened" is decided by the clock: from a cycle's opening date on, applicants may be answering
// its criteria, so the structure of the rubric (and the rule of choice) is frozen. See
// criteria-admin.ts for what stays editable.
import { and, asc, count, desc, eq, max, ne } from 'drizzle-orm';
import {
  applications,
  criteria,
  cycles,
  eligibilityQuestions,
  eligibilityRules,
  programs,
} from '../../models/schema.js';
import type { Clock } from '../clock.js';
import type { Database } from '../db/client.js';
import { Invalid, NotFound, type FieldErrors } from '../errors.js';

export interface AdminContext {
  db: Database;
  clock: Clock;
}

export type Fields<K extends string> = Partial<Record<K, unknown>>;
export type Cycle = typeof cycles.$inferSelect;
export type Program = typeof programs.$inferSelect;

export const PROGRAMS_PAGE_SIZE = 20;
const MB = 1024 * 1024;
const DAY_MS = 24 * 60 * 60 * 1000;
/** Applications close at the end of the chosen day, UTC. */
const END_OF_DAY_MS = DAY_MS - 1000;

// ---------------------------------------------------------------- small parsing helpers

/** A trimmed string, or '' for anything that is not a string (a repeated field, nothing). */
export function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

/** Checks presence and length; returns the value, or records a message and returns ''. */
export function checkText(
  errors: FieldErrors,
  field: string,
  value: unknown,
  rule: { max: number; required?: string },
): string {
  const s = text(value);
  if (s === '' && rule.required) errors[field] = rule.required;
  else if (s.length > rule.max) errors[field] = `Use at most ${rule.max} characters (this has ${s.length}).`;
  return s.length > rule.max ? '' : s;
}

/** A whole number within bounds, or a message in `errors`. */
export function checkInteger(
  errors: FieldErrors,
  field: string,
  value: unknown,
  rule: { min: number; max: number; label: string },
): number | undefined {
  const s = text(value);
  if (s === '') {
    errors[field] = `Enter ${rule.label}.`;
    return undefined;
  }
  if (!/^-?\d{1,9}$/.test(s)) {
    errors[field] = `Enter ${rule.label} as a whole number, like ${rule.min}.`;
    return undefined;
  }
  const n = Number(s);
  if (n < rule.min || n > rule.max) {
    errors[field] = `Enter ${rule.label} between ${rule.min} and ${rule.max}.`;
    return undefined;
  }
  return n;
}

/** A decimal number with at most `decimals` places, within bounds. */
export function checkDecimal(
  errors: FieldErrors,
  field: string,
  value: unknown,
  rule: { min: number; max: number; decimals: number; label: string; minExclusive?: boolean },
): number | undefined {
  const s = text(value);
  if (s === '') {
    errors[field] = `Enter ${rule.label}.`;
    return undefined;
  }
  const pattern = new RegExp(`^-?\\d{1,9}(\\.\\d{1,${rule.decimals}})?$`);
  if (!pattern.test(s)) {
    errors[field] = `Enter ${rule.label} as a number with at most ${rule.decimals} decimal places, like 1.5.`;
    return undefined;
  }
  const n = Number(s);
  const tooLow = rule.minExclusive ? n <= rule.min : n < rule.min;
  if (tooLow || n > rule.max) {
    errors[field] = rule.minExclusive
      ? `Enter ${rule.label} greater than ${rule.min} and at most ${rule.max}.`
      : `Enter ${rule.label} between ${rule.min} and ${rule.max}.`;
    return undefined;
  }
  return n;
}

/** Checkboxes send "on" when ticked and nothing otherwise. */
export function checkbox(value: unknown): boolean {
  return typeof value === 'string' && ['on', 'true', 'yes', '1'].includes(value);
}

/** Postgres unique violations on a named constraint, whichever driver (and Drizzle wrapper) raised them. */
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  for (let e = error as { code?: string; constraint?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e.code === '23505') return e.constraint === undefined || e.constraint === constraint;
  }
  return false;
}

export function isForeignKeyViolation(error: unknown): boolean {
  for (let e = error as { code?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e.code === '23503') return true;
  }
  return false;
}

const dayFormat = new Intl.DateTimeFormat('en-US', { dateStyle: 'long', timeZone: 'UTC' });
export function formatDay(date: Date): string {
  return dayFormat.format(date);
}

/** "2027-03-01" → that day at 00:00 UTC; undefined for anything else, including 2027-02-30. */
export function parseDay(value: string): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return date;
}

export function dayString(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function startOfDay(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
}

// ---------------------------------------------------------------- programs

const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

function validateProgram(input: Fields<'name' | 'slug' | 'description'>) {
  const errors: FieldErrors = {};
  const name = checkText(errors, 'name', input.name, { max: 120, required: 'Enter the program’s name.' });
  const slug = checkText(errors, 'slug', input.slug, { max: 60, required: 'Enter a short name for web addresses, like schools-of-opportunity.' });
  if (slug && !SLUG_PATTERN.test(slug)) {
    errors.slug = 'Use only lowercase letters a–z, digits and single hyphens between them, like schools-of-opportunity.';
  }
  const description = checkText(errors, 'description', input.description, { max: 5000 });
  if (Object.keys(errors).length > 0) throw new Invalid(errors);
  return { name, slug, description };
}

const SLUG_TAKEN = 'Another program already uses this short name. Choose a different one.';

async function assertSlugFree(db: Database, slug: string, exceptId?: number) {
  const [taken] = await db
    .select({ id: programs.id })
    .from(programs)
    .where(exceptId ? and(eq(programs.slug, slug), ne(programs.id, exceptId)) : eq(programs.slug, slug));
  if (taken) throw new Invalid({ slug: SLUG_TAKEN });
}

export async function createProgram(db: Database, input: Fields<'name' | 'slug' | 'description'>): Promise<Program> {
  const values = validateProgram(input);
  await assertSlugFree(db, values.slug);
  try {
    const [program] = await db.insert(programs).values(values).returning();
    if (!program) throw new Error('The program insert returned no row');
    return program;
  } catch (error) {
    if (isUniqueViolation(error, 'programs_slug_key')) throw new Invalid({ slug: SLUG_TAKEN });
    throw error;
  }
}

export async function updateProgram(
  db: Database,
  input: { programId: number } & Fields<'name' | 'slug' | 'description'>,
): Promise<Program> {
  await findProgram(db, input.programId);
  const values = validateProgram(input);
  await assertSlugFree(db, values.slug, input.programId);
  try {
    const [program] = await db.update(programs).set(values).where(eq(programs.id, input.programId)).returning();
    if (!program) throw new NotFound('There is no such program.');
    return program;
  } catch (error) {
    if (isUniqueViolation(error, 'programs_slug_key')) throw new Invalid({ slug: SLUG_TAKEN });
    throw error;
  }
}

export async function findProgram(db: Database, programId: number): Promise<Program> {
  const [program] = await db.select().from(programs).where(eq(programs.id, programId));
  if (!program) throw new NotFound('There is no such program.');
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

export async function programWithCycles(context: AdminContext, programId: number) {
  const program = await findProgram(context.db, programId);
  const rows = await context.db.select().from(cycles).where(eq(cycles.programId, programId)).orderBy(desc(cycles.year));
  const now = context.clock();
  return { program, cycles: rows.map((cycle) => ({ ...cycle, phase: cyclePhaseLabel(cycle, now) })) };
}

// ---------------------------------------------------------------- cycles

export async function findCycle(db: Database, cycleId: number): Promise<Cycle> {
  const [cycle] = await db.select().from(cycles).where(eq(cycles.id, cycleId));
  if (!cycle) throw new NotFound('There is no such cycle.');
  return cycle;
}

export function cyclePhaseLabel(cycle: Cycle, now: Date): string {
  if (now < cycle.opensAt) return 'Not open yet';
  if (now <= cycle.applicationsCloseAt) return 'Open for applications';
  if (now < cycle.announcementAt) return 'Closed, in review';
  return 'Announced';
}

export interface StructureLock {
  locked: boolean;
  reason?: string;
}

async function cycleHasApplications(db: Database, cycleId: number): Promise<boolean> {
  const [row] = await db.select({ id: applications.id }).from(applications).where(eq(applications.cycleId, cycleId)).limit(1);
  return Boolean(row);
}

/**
 * Whether the set of criteria (and the rule of choice) is frozen: from the opening date on, or
 * as soon as any application exists, since applicants answer exactly this set.
 */
export async function structureLock(context: AdminContext, cycle: Cycle): Promise<StructureLock> {
  const tail =
    'so criteria can no longer be added, removed, reordered, reweighted or switched between required and optional, ' +
    'and the number of optional criteria to choose stays as it is. The wording (title, guidance, evidence requested) ' +
    'can still change, and word limits can go up.';
  if (context.clock() >= cycle.opensAt) {
    return { locked: true, reason: `This cycle opened on ${formatDay(cycle.opensAt)}: applicants may already be answering these criteria, ${tail}` };
  }
  if (await cycleHasApplications(context.db, cycle.id)) {
    return { locked: true, reason: `Schools have already started applications to this cycle, ${tail}` };
  }
  return { locked: false };
}

/** Reviewers may be scoring once applications close: the scale stays as it was. */
function scaleLocked(cycle: Cycle, now: Date): boolean {
  return now > cycle.applicationsCloseAt;
}

export async function countOptionalCriteria(db: Database, cycleId: number): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(criteria)
    .where(and(eq(criteria.cycleId, cycleId), eq(criteria.required, false)));
  return row?.n ?? 0;
}

export function choiceCountProblem(choose: number, optional: number): string | undefined {
  if (choose <= optional) return undefined;
  return optional === 0
    ? `This cycle has no optional criteria yet, so applicants cannot choose any: enter 0, or add optional criteria first.`
    : `This cycle has ${optional} optional ${optional === 1 ? 'criterion' : 'criteria'}, so applicants can choose at most ${optional}.`;
}

export const DATE_FIELDS = [
  { field: 'opensAt', label: 'Applications open' },
  { field: 'nominationsCloseAt', label: 'Nominations close' },
  { field: 'applicationsCloseAt', label: 'Applications close' },
  { field: 'reviewsDueAt', label: 'Reviews due' },
  { field: 'announcementAt', label: 'Honorees announced' },
] as const;
type DateField = (typeof DATE_FIELDS)[number]['field'];

export type CycleFieldName =
  | 'year'
  | 'name'
  | DateField
  | 'scoreMin'
  | 'scoreMax'
  | 'blindReview'
  | 'optionalChoiceCount'
  | 'maxFileMb'
  | 'maxApplicationMb'
  | 'maxFilesPerCriterion';

/** A stored cycle as the strings its edit form shows. */
export function cycleFormValues(cycle: Cycle): Record<CycleFieldName, string> {
  const mb = (bytes: number) => String(Math.round((bytes / MB) * 100) / 100);
  return {
    year: String(cycle.year),
    name: cycle.name,
    opensAt: dayString(cycle.opensAt),
    nominationsCloseAt: dayString(cycle.nominationsCloseAt),
    applicationsCloseAt: dayString(cycle.applicationsCloseAt),
    reviewsDueAt: dayString(cycle.reviewsDueAt),
    announcementAt: dayString(cycle.announcementAt),
    scoreMin: String(cycle.scoreMin),
    scoreMax: String(cycle.scoreMax),
    blindReview: cycle.blindReview ? 'on' : '',
    optionalChoiceCount: String(cycle.optionalChoiceCount),
    maxFileMb: mb(cycle.maxFileBytes),
    maxApplicationMb: mb(cycle.maxApplicationBytes),
    maxFilesPerCriterion: String(cycle.maxFilesPerCriterion),
  };
}

/** Sensible starting values for a new cycle of a program. */
export function newCycleFormValues(now: Date): Record<CycleFieldName, string> {
  const year = now.getUTCFullYear() + 1;
  return {
    year: String(year),
    name: '',
    opensAt: `${year}-01-15`,
    nominationsCloseAt: `${year}-02-15`,
    applicationsCloseAt: `${year}-03-15`,
    reviewsDueAt: `${year}-05-01`,
    announcementAt: `${year}-06-01`,
    scoreMin: '1',
    scoreMax: '5',
    blindReview: '',
    optionalChoiceCount: '0',
    maxFileMb: '20',
    maxApplicationMb: '100',
    maxFilesPerCriterion: '10',
  };
}

type CycleValues = Omit<typeof cycles.$inferInsert, 'id' | 'programId' | 'createdAt'>;

/**
 * Validates a cycle form. On an existing cycle, locked settings are taken from the stored row
 * (the form shows them as text), and evidence limits can only go up once the structure is locked.
 */
function validateCycle(
  input: Fields<CycleFieldName>,
  ctx: { program: Program; existing?: Cycle; lock: StructureLock; optionalCount: number; now: Date },
): CycleValues {
  const { existing, lock, now } = ctx;
  const errors: FieldErrors = {};
  const year = checkInteger(errors, 'year', input.year, { min: 2000, max: 2200, label: 'the year' });
  let name = checkText(errors, 'name', input.name, { max: 160 });
  if (!name && year !== undefined && !errors.name) name = `${ctx.program.name} ${year}–${year + 1}`;

  const dates: Partial<Record<DateField, Date>> = {};
  for (const { field, label } of DATE_FIELDS) {
    if (field === 'opensAt' && existing && lock.locked) {
      dates.opensAt = existing.opensAt;
      continue;
    }
    const raw = text(input[field]);
    const day = raw === '' ? undefined : parseDay(raw);
    if (raw === '') errors[field] = `Enter a date for “${label}”.`;
    else if (!day || day.getUTCFullYear() < 2000 || day.getUTCFullYear() > 2200) {
      errors[field] = `Enter a real date for “${label}”, like 2027-03-15.`;
    } else if (existing && dayString(existing[field]) === raw) {
      // An unchanged day keeps its stored instant (seeded cycles may use other times of day).
      dates[field] = existing[field];
    } else dates[field] = field === 'applicationsCloseAt' ? new Date(day.getTime() + END_OF_DAY_MS) : day;
  }
  let previous: { date: Date; label: string } | undefined;
  for (const { field, label } of DATE_FIELDS) {
    const date = dates[field];
    if (!date) continue;
    if (previous && date < previous.date && !errors[field]) {
      errors[field] =
        field === 'reviewsDueAt' && previous.label === 'Applications close'
          ? `Reviews are due after applications close at the end of ${formatDay(previous.date)}: choose a later day.`
          : `“${label}” cannot come before “${previous.label}” (${formatDay(previous.date)}).`;
    }
    previous = { date, label };
  }
  if (!existing && dates.opensAt && dates.opensAt < startOfDay(now)) {
    errors.opensAt = `The opening date has passed. A cycle opens with its criteria in place, so choose today (${formatDay(now)}) or later.`;
  }
  if (existing && !lock.locked && dates.opensAt && dates.opensAt < startOfDay(now) && dates.opensAt.getTime() !== existing.opensAt.getTime()) {
    errors.opensAt = `Moving the opening date into the past would open the cycle at once. Choose today (${formatDay(now)}) or later.`;
  }
  if (
    existing &&
    lock.locked &&
    dates.applicationsCloseAt &&
    dates.applicationsCloseAt.getTime() !== existing.applicationsCloseAt.getTime() &&
    dates.applicationsCloseAt < now
  ) {
    errors.applicationsCloseAt = 'The cycle is open: a deadline in the past would close applications retroactively. Choose today or a later day.';
  }

  let scoreMin: number | undefined;
  let scoreMax: number | undefined;
  if (existing && scaleLocked(existing, now)) {
    scoreMin = existing.scoreMin;
    scoreMax = existing.scoreMax;
  } else {
    scoreMin = checkInteger(errors, 'scoreMin', input.scoreMin, { min: 0, max: 100, label: 'the lowest score' });
    scoreMax = checkInteger(errors, 'scoreMax', input.scoreMax, { min: 0, max: 100, label: 'the highest score' });
    if (scoreMin !== undefined && scoreMax !== undefined && scoreMin >= scoreMax) {
      errors.scoreMax = `The highest score must be greater than the lowest (${scoreMin}).`;
    }
  }

  let optionalChoiceCount: number | undefined;
  if (!existing) optionalChoiceCount = 0;
  else if (lock.locked) optionalChoiceCount = existing.optionalChoiceCount;
  else {
    optionalChoiceCount = checkInteger(errors, 'optionalChoiceCount', input.optionalChoiceCount, {
      min: 0,
      max: 100,
      label: 'how many optional criteria applicants choose',
    });
    const problem = optionalChoiceCount === undefined ? undefined : choiceCountProblem(optionalChoiceCount, ctx.optionalCount);
    if (problem) errors.optionalChoiceCount = problem;
  }

  const fileMb = checkDecimal(errors, 'maxFileMb', input.maxFileMb, { min: 0.1, max: 2048, decimals: 2, label: 'the largest file size in MB' });
  const applicationMb = checkDecimal(errors, 'maxApplicationMb', input.maxApplicationMb, {
    min: 0.1,
    max: 20480,
    decimals: 2,
    label: 'the total size in MB',
  });
  const maxFilesPerCriterion = checkInteger(errors, 'maxFilesPerCriterion', input.maxFilesPerCriterion, {
    min: 1,
    max: 100,
    label: 'the number of files per criterion',
  });
  const maxFileBytes = fileMb === undefined ? undefined : Math.round(fileMb * MB);
  const maxApplicationBytes = applicationMb === undefined ? undefined : Math.round(applicationMb * MB);
  if (maxFileBytes !== undefined && maxApplicationBytes !== undefined && maxApplicationBytes < maxFileBytes) {
    errors.maxApplicationMb = 'The total for one application cannot be smaller than the largest single file.';
  }
  if (existing && lock.locked) {
    const lowered = 'can only go up once the cycle has opened: applicants may already have uploaded that much';
    const asMb = (bytes: number) => Math.round((bytes / MB) * 100) / 100;
    if (maxFileBytes !== undefined && maxFileBytes < existing.maxFileBytes && !errors.maxFileMb) {
      errors.maxFileMb = `The largest file size ${lowered} (it is ${asMb(existing.maxFileBytes)} MB).`;
    }
    if (maxApplicationBytes !== undefined && maxApplicationBytes < existing.maxApplicationBytes && !errors.maxApplicationMb) {
      errors.maxApplicationMb = `The total size ${lowered} (it is ${asMb(existing.maxApplicationBytes)} MB).`;
    }
    if (maxFilesPerCriterion !== undefined && maxFilesPerCriterion < existing.maxFilesPerCriterion && !errors.maxFilesPerCriterion) {
      errors.maxFilesPerCriterion = `The number of files per criterion ${lowered} (it is ${existing.maxFilesPerCriterion}).`;
    }
  }

  if (Object.keys(errors).length > 0) throw new Invalid(errors);
  return {
    year: year!,
    name,
    opensAt: dates.opensAt!,
    nominationsCloseAt: dates.nominationsCloseAt!,
    applicationsCloseAt: dates.applicationsCloseAt!,
    reviewsDueAt: dates.reviewsDueAt!,
    announcementAt: dates.announcementAt!,
    scoreMin: scoreMin!,
    scoreMax: scoreMax!,
    blindReview: checkbox(input.blindReview),
    optionalChoiceCount: optionalChoiceCount!,
    maxFileBytes: maxFileBytes!,
    maxApplicationBytes: maxApplicationBytes!,
    maxFilesPerCriterion: maxFilesPerCriterion!,
  };
}

function yearTaken(year: number): Invalid {
  return new Invalid({ year: `This program already has a ${year} cycle. Choose another year, or edit that cycle.` });
}

async function assertYearFree(db: Database, programId: number, year: number, exceptId?: number) {
  const conditions = [eq(cycles.programId, programId), eq(cycles.year, year)];
  if (exceptId) conditions.push(ne(cycles.id, exceptId));
  const [taken] = await db.select({ id: cycles.id }).from(cycles).where(and(...conditions));
  if (taken) throw yearTaken(year);
}

export async function createCycle(
  context: AdminContext,
  input: { programId: number } & Fields<CycleFieldName>,
): Promise<Cycle> {
  const program = await findProgram(context.db, input.programId);
  const values = validateCycle(input, { program, lock: { locked: false }, optionalCount: 0, now: context.clock() });
  await assertYearFree(context.db, program.id, values.year);
  try {
    const [cycle] = await context.db.insert(cycles).values({ ...values, programId: program.id }).returning();
    if (!cycle) throw new Error('The cycle insert returned no row');
    return cycle;
  } catch (error) {
    if (isUniqueViolation(error, 'cycles_program_year_key')) throw yearTaken(values.year);
    throw error;
  }
}

export async function updateCycle(
  context: AdminContext,
  input: { cycleId: number } & Fields<CycleFieldName>,
): Promise<Cycle> {
  const existing = await findCycle(context.db, input.cycleId);
  const program = await findProgram(context.db, existing.programId);
  const lock = await structureLock(context, existing);
  const optionalCount = await countOptionalCriteria(context.db, existing.id);
  const values = validateCycle(input, { program, existing, lock, optionalCount, now: context.clock() });
  await assertYearFree(context.db, program.id, values.year, existing.id);
  try {
    const [cycle] = await context.db.update(cycles).set(values).where(eq(cycles.id, existing.id)).returning();
    if (!cycle) throw new NotFound('There is no such cycle.');
    return cycle;
  } catch (error) {
    if (isUniqueViolation(error, 'cycles_program_year_key')) throw yearTaken(values.year);
    throw error;
  }
}

/** What the cycle form needs besides values: which settings are locked, and why. */
export async function cycleFormState(context: AdminContext, cycle: Cycle) {
  const lock = await structureLock(context, cycle);
  return {
    lock,
    scaleLocked: scaleLocked(cycle, context.clock()),
    optionalCount: await countOptionalCriteria(context.db, cycle.id),
  };
}

/** The same day one year later (29 February becomes 1 March). */
function nextYear(date: Date): Date {
  const d = new Date(date);
  d.setUTCFullYear(d.getUTCFullYear() + 1);
  return d;
}

/** "Schools of Opportunity 2026–2027" → "Schools of Opportunity 2027–2028". */
function shiftYearsInName(name: string, year: number): string {
  return name.replace(/\b(\d{4})\b/g, (match) => {
    const n = Number(match);
    return n === year || n === year + 1 ? String(n + 1) : match;
  });
}

/**
 * Creates next year's cycle with the same settings, dates one year later, and copies of the
 * criteria, eligibility questions and rules. Refused when that year already exists.
 */
export async function copyCycleToNextYear(context: AdminContext, input: { cycleId: number }): Promise<Cycle> {
  const source = await findCycle(context.db, input.cycleId);
  const year = source.year + 1;
  const refused = () =>
    new Invalid({ year: `The program already has a ${year} cycle, so this one cannot be copied into it. Edit that cycle instead.` });
  try {
    return await context.db.transaction(async (tx) => {
      const [existing] = await tx
        .select({ id: cycles.id })
        .from(cycles)
        .where(and(eq(cycles.programId, source.programId), eq(cycles.year, year)));
      if (existing) throw refused();
      const { id: _id, createdAt: _createdAt, ...settings } = source;
      const [copy] = await tx
        .insert(cycles)
        .values({
          ...settings,
          year,
          name: shiftYearsInName(source.name, source.year),
          opensAt: nextYear(source.opensAt),
          nominationsCloseAt: nextYear(source.nominationsCloseAt),
          applicationsCloseAt: nextYear(source.applicationsCloseAt),
          reviewsDueAt: nextYear(source.reviewsDueAt),
          announcementAt: nextYear(source.announcementAt),
        })
        .returning();
      if (!copy) throw new Error('The cycle insert returned no row');

      const sourceCriteria = await tx.select().from(criteria).where(eq(criteria.cycleId, source.id)).orderBy(asc(criteria.position));
      if (sourceCriteria.length > 0) {
        await tx.insert(criteria).values(sourceCriteria.map(({ id: _c, ...c }) => ({ ...c, cycleId: copy.id })));
      }
      const questions = await tx.select().from(eligibilityQuestions).where(eq(eligibilityQuestions.cycleId, source.id));
      if (questions.length > 0) {
        await tx.insert(eligibilityQuestions).values(questions.map(({ id: _q, ...q }) => ({ ...q, cycleId: copy.id })));
      }
      const rules = await tx.select().from(eligibilityRules).where(eq(eligibilityRules.cycleId, source.id));
      if (rules.length > 0) {
        await tx.insert(eligibilityRules).values(rules.map(({ id: _r, ...r }) => ({ ...r, cycleId: copy.id })));
      }
      return copy;
    });
  } catch (error) {
    if (isUniqueViolation(error, 'cycles_program_year_key')) throw refused();
    throw error;
  }
}

/** Everything the cycle overview shows. */
export async function cycleOverview(context: AdminContext, cycleId: number) {
  const cycle = await findCycle(context.db, cycleId);
  const program = await findProgram(context.db, cycle.programId);
  const rows = await context.db.select().from(criteria).where(eq(criteria.cycleId, cycle.id)).orderBy(asc(criteria.position), asc(criteria.id));
  const [questionCount] = await context.db.select({ n: count() }).from(eligibilityQuestions).where(eq(eligibilityQuestions.cycleId, cycle.id));
  const [ruleCount] = await context.db.select({ n: count() }).from(eligibilityRules).where(eq(eligibilityRules.cycleId, cycle.id));
  const lock = await structureLock(context, cycle);
  const list = rows.map((c, index) => ({ ...c, number: index + 1, isFirst: index === 0, isLast: index === rows.length - 1 }));
  const required = list.filter((c) => c.required).length;
  const now = context.clock();
  return {
    program,
    cycle: {
      ...cycle,
      phase: cyclePhaseLabel(cycle, now),
      maxFileMb: Math.round((cycle.maxFileBytes / MB) * 100) / 100,
      maxApplicationMb: Math.round((cycle.maxApplicationBytes / MB) * 100) / 100,
    },
    criteria: list,
    requiredCount: required,
    optionalCount: list.length - required,
    eligibilityCounts: { questions: questionCount?.n ?? 0, rules: ruleCount?.n ?? 0 },
    lock,
    nextYearCycleId: await cycleIdForYear(context.db, cycle.programId, cycle.year + 1),
  };
}

async function cycleIdForYear(db: Database, programId: number, year: number): Promise<number | undefined> {
  const [row] = await db.select({ id: cycles.id }).from(cycles).where(and(eq(cycles.programId, programId), eq(cycles.year, year)));
  return row?.id;
}
