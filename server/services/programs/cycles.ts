// A cycle's settings form (create and edit), copying a cycle into the next year, and the cycle
// overview page. Which settings stay editable once the cycle opens is decided by structureLock
// in programs.ts; the rating scale is frozen separately, once applications close.
import { and, asc, count, eq, ne } from 'drizzle-orm';
import {
  criteria,
  cycles,
  eligibilityQuestions,
  eligibilityRules,
  reviewRounds,
  type Cycle,
  type Program,
} from '../../../models/schema.js';
import type { Database } from '../../db/client.js';
import { Invalid, NotFound, type FieldErrors } from '../../errors.js';
import {
  MB,
  checkbox,
  checkDecimal,
  checkInteger,
  checkText,
  isUniqueViolation,
  text,
  type Fields,
} from '../shared/form-input.js';
import { localDay, localTime, startOfLocalDay, zonedTime } from '../../time.js';
import { msg } from '../../i18n/translate.js';
import { readTranslations, type TranslatableFields } from './translations.js';
import {
  choiceCountProblem,
  countOptionalCriteria,
  dayValue,
  findCycle,
  findProgram,
  scaleCalibrated,
  scaleLocked,
  structureLock,
  type StructureLock,
} from './programs.js';
import type { ServiceContext } from '../../context.js';
import { withPhases } from './phase.js';

/** A cycle's dates, in the order they must come; messages name them by field (cycles.json). */
export const DATE_FIELDS = [
  { field: 'opensAt' },
  { field: 'nominationsCloseAt' },
  { field: 'applicationsCloseAt' },
  { field: 'reviewsDueAt' },
  { field: 'announcementAt' },
] as const;
type DateField = (typeof DATE_FIELDS)[number]['field'];

/** The cycle's texts that have translations: its name. */
export const CYCLE_TRANSLATED: TranslatableFields = { name: { max: 160, singleLine: true } };

export type CycleFieldName =
  | 'year'
  | 'name'
  | DateField
  | 'applicationsCloseTime'
  | 'scoreMin'
  | 'scoreMax'
  | 'blindReview'
  | 'optionalChoiceCount'
  | 'maxFileMb'
  | 'maxApplicationMb'
  | 'maxFilesPerCriterion'
  | 'draftReminderDays';

/** A stored cycle as the strings its edit form shows. */
export function cycleFormValues(cycle: Cycle, zone: string): Record<CycleFieldName, string> {
  const mb = (bytes: number) => String(Math.round((bytes / MB) * 100) / 100);
  return {
    year: String(cycle.year),
    name: cycle.name,
    opensAt: localDay(cycle.opensAt, zone),
    nominationsCloseAt: localDay(cycle.nominationsCloseAt, zone),
    applicationsCloseAt: localDay(cycle.applicationsCloseAt, zone),
    applicationsCloseTime: localTime(cycle.applicationsCloseAt, zone),
    reviewsDueAt: localDay(cycle.reviewsDueAt, zone),
    announcementAt: localDay(cycle.announcementAt, zone),
    scoreMin: String(cycle.scoreMin),
    scoreMax: String(cycle.scoreMax),
    blindReview: cycle.blindReview ? 'on' : '',
    optionalChoiceCount: String(cycle.optionalChoiceCount),
    maxFileMb: mb(cycle.maxFileBytes),
    maxApplicationMb: mb(cycle.maxApplicationBytes),
    maxFilesPerCriterion: String(cycle.maxFilesPerCriterion),
    draftReminderDays: cycle.draftReminderDays === null ? '' : String(cycle.draftReminderDays),
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
    applicationsCloseTime: '23:59',
    reviewsDueAt: `${year}-05-01`,
    announcementAt: `${year}-06-01`,
    scoreMin: '1',
    scoreMax: '5',
    blindReview: '',
    optionalChoiceCount: '0',
    maxFileMb: '20',
    maxApplicationMb: '100',
    maxFilesPerCriterion: '10',
    draftReminderDays: '',
  };
}

type CycleValues = Omit<typeof cycles.$inferInsert, 'id' | 'programId' | 'createdAt'>;

/**
 * Validates a cycle form. On an existing cycle, locked settings are taken from the stored row
 * (the form shows them as text), and evidence limits can only go up once the structure is locked.
 */
function validateCycle(
  input: Fields<CycleFieldName>,
  ctx: {
    program: Program;
    existing?: Cycle;
    lock: StructureLock;
    optionalCount: number;
    now: Date;
    body?: Record<string, unknown>;
    /** Reviewers have scored calibration examples on the cycle's scale. */
    calibrated?: boolean;
  },
): CycleValues {
  const { existing, lock, now } = ctx;
  const errors: FieldErrors = {};
  const year = checkInteger(errors, 'year', input.year, { min: 2000, max: 2200, label: msg('forms.label.year') });
  let name = checkText(errors, 'name', input.name, { max: 160, singleLine: true });
  if (!name && year !== undefined && !errors.name) name = `${ctx.program.name} ${year}–${year + 1}`;

  const zone = ctx.program.timeZone;
  // The deadline is exact to the minute, in the program's zone: the whole minute shown counts.
  const closeTime = text(input.applicationsCloseTime) || '23:59';
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(closeTime)) {
    errors.applicationsCloseTime = msg('cycles.errors.closeTime');
  }
  const dates: Partial<Record<DateField, Date>> = {};
  for (const { field } of DATE_FIELDS) {
    if (field === 'opensAt' && existing && lock.locked) {
      dates.opensAt = existing.opensAt;
      continue;
    }
    const raw = text(input[field]);
    const year = Number(raw.slice(0, 4));
    const day = raw === '' ? undefined : zonedTime(raw, '00:00', zone);
    if (raw === '') errors[field] = msg('cycles.errors.dateMissing', { field });
    else if (!day || year < 2000 || year > 2200) {
      errors[field] = msg('cycles.errors.dateInvalid', { field });
    } else if (
      existing &&
      localDay(existing[field], zone) === raw &&
      (field !== 'applicationsCloseAt' || localTime(existing[field], zone) === closeTime)
    ) {
      // An unchanged day keeps its stored instant (seeded cycles may use other times of day).
      dates[field] = existing[field];
    } else if (field === 'applicationsCloseAt') {
      if (!errors.applicationsCloseTime) dates[field] = zonedTime(raw, `${closeTime}:59`, zone);
    } else if (field === 'nominationsCloseAt') dates[field] = zonedTime(raw, '23:59:59', zone);
    else dates[field] = day;
  }
  let previous: { date: Date; field: DateField } | undefined;
  for (const { field } of DATE_FIELDS) {
    const date = dates[field];
    if (!date) continue;
    if (previous && date < previous.date && !errors[field]) {
      errors[field] =
        field === 'reviewsDueAt' && previous.field === 'applicationsCloseAt'
          ? msg('cycles.errors.reviewsAfterClose', {
              date: dayValue(previous.date, zone),
              time: localTime(previous.date, zone),
              zone,
            })
          : msg('cycles.errors.dateOrder', { field, previous: previous.field, date: dayValue(previous.date, zone) });
    }
    previous = { date, field };
  }
  const today = startOfLocalDay(now, zone);
  if (!existing && dates.opensAt && dates.opensAt < today) {
    errors.opensAt = msg('cycles.errors.openingPassed', { today: dayValue(now, zone) });
  }
  if (
    existing &&
    !lock.locked &&
    dates.opensAt &&
    dates.opensAt < today &&
    dates.opensAt.getTime() !== existing.opensAt.getTime()
  ) {
    errors.opensAt = msg('cycles.errors.openingIntoPast', { today: dayValue(now, zone) });
  }
  if (
    existing &&
    lock.locked &&
    dates.applicationsCloseAt &&
    dates.applicationsCloseAt.getTime() !== existing.applicationsCloseAt.getTime() &&
    dates.applicationsCloseAt < now
  ) {
    errors.applicationsCloseAt = msg('cycles.errors.deadlineIntoPast');
  }

  let scoreMin: number | undefined;
  let scoreMax: number | undefined;
  if (existing && (scaleLocked(existing, now) || ctx.calibrated)) {
    scoreMin = existing.scoreMin;
    scoreMax = existing.scoreMax;
  } else {
    scoreMin = checkInteger(errors, 'scoreMin', input.scoreMin, {
      min: 0,
      max: 100,
      label: msg('forms.label.scoreMin'),
    });
    scoreMax = checkInteger(errors, 'scoreMax', input.scoreMax, {
      min: 0,
      max: 100,
      label: msg('forms.label.scoreMax'),
    });
    if (scoreMin !== undefined && scoreMax !== undefined && scoreMin >= scoreMax) {
      errors.scoreMax = msg('cycles.errors.scaleOrder', { min: scoreMin });
    }
  }

  let optionalChoiceCount: number | undefined;
  if (!existing) optionalChoiceCount = 0;
  else if (lock.locked) optionalChoiceCount = existing.optionalChoiceCount;
  else {
    optionalChoiceCount = checkInteger(errors, 'optionalChoiceCount', input.optionalChoiceCount, {
      min: 0,
      max: 100,
      label: msg('forms.label.optionalChoiceCount'),
    });
    const problem =
      optionalChoiceCount === undefined ? undefined : choiceCountProblem(optionalChoiceCount, ctx.optionalCount);
    if (problem) errors.optionalChoiceCount = problem;
  }

  const fileMb = checkDecimal(errors, 'maxFileMb', input.maxFileMb, {
    min: 0.1,
    max: 2048,
    decimals: 2,
    label: msg('forms.label.maxFileMb'),
  });
  const applicationMb = checkDecimal(errors, 'maxApplicationMb', input.maxApplicationMb, {
    min: 0.1,
    max: 20480,
    decimals: 2,
    label: msg('forms.label.maxApplicationMb'),
  });
  const maxFilesPerCriterion = checkInteger(errors, 'maxFilesPerCriterion', input.maxFilesPerCriterion, {
    min: 1,
    max: 100,
    label: msg('forms.label.maxFilesPerCriterion'),
  });
  const maxFileBytes = fileMb === undefined ? undefined : Math.round(fileMb * MB);
  const maxApplicationBytes = applicationMb === undefined ? undefined : Math.round(applicationMb * MB);
  if (maxFileBytes !== undefined && maxApplicationBytes !== undefined && maxApplicationBytes < maxFileBytes) {
    errors.maxApplicationMb = msg('cycles.errors.totalBelowFile');
  }
  if (existing && lock.locked) {
    const asMb = (bytes: number) => Math.round((bytes / MB) * 100) / 100;
    if (maxFileBytes !== undefined && maxFileBytes < existing.maxFileBytes && !errors.maxFileMb) {
      errors.maxFileMb = msg('cycles.errors.fileLowered', { mb: asMb(existing.maxFileBytes) });
    }
    if (
      maxApplicationBytes !== undefined &&
      maxApplicationBytes < existing.maxApplicationBytes &&
      !errors.maxApplicationMb
    ) {
      errors.maxApplicationMb = msg('cycles.errors.totalLowered', { mb: asMb(existing.maxApplicationBytes) });
    }
    if (
      maxFilesPerCriterion !== undefined &&
      maxFilesPerCriterion < existing.maxFilesPerCriterion &&
      !errors.maxFilesPerCriterion
    ) {
      errors.maxFilesPerCriterion = msg('cycles.errors.filesLowered', { count: existing.maxFilesPerCriterion });
    }
  }

  // Reminders of unfinished drafts are off unless a number of days is given.
  const draftReminderDays =
    text(input.draftReminderDays) === ''
      ? null
      : checkInteger(errors, 'draftReminderDays', input.draftReminderDays, {
          min: 1,
          max: 60,
          label: msg('forms.label.draftReminderDays'),
        });

  const translations = readTranslations(
    errors,
    ctx.body ?? {},
    CYCLE_TRANSLATED,
    ctx.program.defaultLanguage,
    existing?.translations,
  );
  if (Object.keys(errors).length > 0) throw new Invalid(errors);
  return {
    year: year!,
    name,
    translations,
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
    draftReminderDays: draftReminderDays ?? null,
  };
}

function yearTaken(year: number): Invalid {
  return new Invalid({ year: msg('cycles.errors.yearTaken', { year }) });
}

async function assertYearFree(db: Database, programId: number, year: number, exceptId?: number) {
  const conditions = [eq(cycles.programId, programId), eq(cycles.year, year)];
  if (exceptId) conditions.push(ne(cycles.id, exceptId));
  const [taken] = await db
    .select({ id: cycles.id })
    .from(cycles)
    .where(and(...conditions));
  if (taken) throw yearTaken(year);
}

export async function createCycle(
  context: Pick<ServiceContext, 'db' | 'clock'>,
  input: { programId: number; translations?: Record<string, unknown> } & Fields<CycleFieldName>,
): Promise<Cycle> {
  const program = await findProgram(context.db, input.programId);
  const values = validateCycle(input, {
    program,
    lock: { locked: false },
    optionalCount: 0,
    now: context.clock(),
    body: input.translations,
  });
  await assertYearFree(context.db, program.id, values.year);
  try {
    const [cycle] = await context.db
      .insert(cycles)
      .values({ ...values, programId: program.id })
      .returning();
    if (!cycle) throw new Error('The cycle insert returned no row');
    return cycle;
  } catch (error) {
    if (isUniqueViolation(error, 'cycles_program_year_key')) throw yearTaken(values.year);
    throw error;
  }
}

export async function updateCycle(
  context: Pick<ServiceContext, 'db' | 'clock'>,
  input: { cycleId: number; translations?: Record<string, unknown> } & Fields<CycleFieldName>,
): Promise<Cycle> {
  const existing = await findCycle(context.db, input.cycleId);
  const program = await findProgram(context.db, existing.programId);
  const lock = await structureLock(context, existing);
  const optionalCount = await countOptionalCriteria(context.db, existing.id);
  // Once review round 1 exists, its due date is the cycle's: it is changed on the round.
  if (await firstRoundId(context.db, existing.id))
    input = { ...input, reviewsDueAt: localDay(existing.reviewsDueAt, program.timeZone) };
  const values = validateCycle(input, {
    program,
    existing,
    lock,
    optionalCount,
    now: context.clock(),
    body: input.translations,
    calibrated: await scaleCalibrated(context.db, existing.id),
  });
  await assertYearFree(context.db, program.id, values.year, existing.id);
  try {
    const [cycle] = await context.db.update(cycles).set(values).where(eq(cycles.id, existing.id)).returning();
    if (!cycle) throw new NotFound(msg('cycles.errors.notFound'));
    return cycle;
  } catch (error) {
    if (isUniqueViolation(error, 'cycles_program_year_key')) throw yearTaken(values.year);
    throw error;
  }
}

async function firstRoundId(db: Database, cycleId: number): Promise<number | undefined> {
  const [row] = await db
    .select({ id: reviewRounds.id })
    .from(reviewRounds)
    .where(and(eq(reviewRounds.cycleId, cycleId), eq(reviewRounds.number, 1)));
  return row?.id;
}

/** What the cycle form needs besides values: which settings are locked, and why. */
export async function cycleFormState(context: Pick<ServiceContext, 'db' | 'clock'>, cycle: Cycle) {
  const lock = await structureLock(context, cycle);
  return {
    lock,
    firstRoundId: await firstRoundId(context.db, cycle.id),
    scaleLocked: scaleLocked(cycle, context.clock()),
    scaleCalibrated: await scaleCalibrated(context.db, cycle.id),
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
export async function copyCycleToNextYear(
  context: Pick<ServiceContext, 'db' | 'clock'>,
  input: { cycleId: number },
): Promise<Cycle> {
  const source = await findCycle(context.db, input.cycleId);
  const year = source.year + 1;
  const refused = () => new Invalid({ year: msg('cycles.errors.copyYearTaken', { year }) });
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
          translations: Object.fromEntries(
            Object.entries(source.translations).map(([language, texts]) => [
              language,
              texts.name ? { ...texts, name: shiftYearsInName(texts.name, source.year) } : texts,
            ]),
          ),
          opensAt: nextYear(source.opensAt),
          nominationsCloseAt: nextYear(source.nominationsCloseAt),
          applicationsCloseAt: nextYear(source.applicationsCloseAt),
          reviewsDueAt: nextYear(source.reviewsDueAt),
          announcementAt: nextYear(source.announcementAt),
          // A new year starts unpublished and open at its own dates, whatever became of this one.
          closedAt: null,
          publishedAt: null,
          publishedBy: null,
        })
        .returning();
      if (!copy) throw new Error('The cycle insert returned no row');

      const sourceCriteria = await tx
        .select()
        .from(criteria)
        .where(eq(criteria.cycleId, source.id))
        .orderBy(asc(criteria.position));
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
export async function cycleOverview(context: Pick<ServiceContext, 'db' | 'clock'>, cycleId: number) {
  const cycle = await findCycle(context.db, cycleId);
  const program = await findProgram(context.db, cycle.programId);
  const rows = await context.db
    .select()
    .from(criteria)
    .where(eq(criteria.cycleId, cycle.id))
    .orderBy(asc(criteria.position), asc(criteria.id));
  const [questionCount] = await context.db
    .select({ n: count() })
    .from(eligibilityQuestions)
    .where(eq(eligibilityQuestions.cycleId, cycle.id));
  const [ruleCount] = await context.db
    .select({ n: count() })
    .from(eligibilityRules)
    .where(eq(eligibilityRules.cycleId, cycle.id));
  const lock = await structureLock(context, cycle);
  const list = rows.map((c, index) => ({
    ...c,
    number: index + 1,
    isFirst: index === 0,
    isLast: index === rows.length - 1,
  }));
  const required = list.filter((c) => c.required).length;
  const now = context.clock();
  return {
    program,
    cycle: {
      ...cycle,
      ...(await withPhases(context.db, [cycle], now))[0]!,
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
  const [row] = await db
    .select({ id: cycles.id })
    .from(cycles)
    .where(and(eq(cycles.programId, programId), eq(cycles.year, year)));
  return row?.id;
}
