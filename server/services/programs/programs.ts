// Programs, and what other admin services need to know about a cycle: whether it exists, its
// phase, and whether its rubric is frozen. Cycle settings, copying and the overview are in
// cycles.ts; reading form fields is in shared/form-input.ts.
//
// "Opened" is decided by the clock: from a cycle's opening date on, applicants may be answering
// its criteria, so the structure of the rubric (and the rule of choice) is frozen. See
// criteria.ts for what stays editable.
import { and, asc, count, desc, eq, max, ne } from 'drizzle-orm';
import { applications, criteria, cycles, programs, type Cycle, type Program } from '../../../models/schema.js';
import type { Database } from '../../db/client.js';
import { Invalid, NotFound, type FieldErrors } from '../../errors.js';
import { checkText, isUniqueViolation, text, type Fields } from '../shared/form-input.js';
import type { ServiceContext } from '../../context.js';
import { withPhases } from './phase.js';
import { DEFAULT_TIME_ZONE, formatDay, isTimeZone } from '../../time.js';
import { cycleTimeZone } from './time-zone.js';
import { forgetSiteIdentity } from './identity.js';

export const PROGRAMS_PAGE_SIZE = 20;

// ---------------------------------------------------------------- programs

const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

type ProgramField = 'name' | 'slug' | 'description' | 'timeZone';

function validateProgram(input: Fields<ProgramField>) {
  const errors: FieldErrors = {};
  const name = checkText(errors, 'name', input.name, {
    max: 120,
    required: 'Enter the program’s name.',
    singleLine: true,
  });
  const slug = checkText(errors, 'slug', input.slug, {
    max: 60,
    required: 'Enter a short name for web addresses, like schools-of-opportunity.',
  });
  if (slug && !SLUG_PATTERN.test(slug)) {
    errors.slug =
      'Use only lowercase letters a–z, digits and single hyphens between them, like schools-of-opportunity.';
  }
  const description = checkText(errors, 'description', input.description, { max: 5000 });
  const timeZone = text(input.timeZone) || DEFAULT_TIME_ZONE;
  if (!isTimeZone(timeZone)) errors.timeZone = 'Choose the program’s time zone from the list, like America/Denver.';
  if (Object.keys(errors).length > 0) throw new Invalid(errors);
  return { name, slug, description, timeZone };
}

const SLUG_TAKEN = 'Another program already uses this short name. Choose a different one.';

async function assertSlugFree(db: Database, slug: string, exceptId?: number) {
  const [taken] = await db
    .select({ id: programs.id })
    .from(programs)
    .where(exceptId ? and(eq(programs.slug, slug), ne(programs.id, exceptId)) : eq(programs.slug, slug));
  if (taken) throw new Invalid({ slug: SLUG_TAKEN });
}

export async function createProgram(db: Database, input: Fields<ProgramField>): Promise<Program> {
  const values = validateProgram(input);
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
  input: { programId: number } & Fields<ProgramField>,
): Promise<Program> {
  await findProgram(db, input.programId);
  const values = validateProgram(input);
  await assertSlugFree(db, values.slug, input.programId);
  try {
    const [program] = await db.update(programs).set(values).where(eq(programs.id, input.programId)).returning();
    if (!program) throw new NotFound('There is no such program.');
    forgetSiteIdentity(db);
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
  if (!cycle) throw new NotFound('There is no such cycle.');
  return cycle;
}

export interface StructureLock {
  locked: boolean;
  reason?: string;
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
  const tail =
    'so criteria can no longer be added, removed, reordered, reweighted or switched between required and optional, ' +
    'and the number of optional criteria to choose stays as it is. The wording (title, guidance, evidence requested) ' +
    'can still change, and word limits can go up.';
  if (context.clock() >= cycle.opensAt) {
    return {
      locked: true,
      reason: `This cycle opened on ${formatDay(cycle.opensAt, await cycleTimeZone(context.db, cycle.id))}: applicants may already be answering these criteria, ${tail}`,
    };
  }
  if (await cycleHasApplications(context.db, cycle.id)) {
    return { locked: true, reason: `Schools have already started applications to this cycle, ${tail}` };
  }
  return { locked: false };
}

/** Reviewers may be scoring once applications close: the scale stays as it was. */
export function scaleLocked(cycle: Cycle, now: Date): boolean {
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
// i18n: not yet translated
