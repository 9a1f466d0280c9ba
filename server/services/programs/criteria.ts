// A cycle's rubric criteria. Before the cycle opens everything can change. Once it opens (or
// any school has started an application) applicants answer exactly this set, so only the
// wording (title, guidance, evidence requested) can change and the word limit can only go up;
// adding, removing, reordering, reweighting and switching required/optional are refused.
import { and, asc, eq, max } from 'drizzle-orm';
import { criteria, type Criterion, type Cycle } from '../../../models/schema.js';
import type { Database } from '../../db/client.js';
import { Forbidden, Invalid, NotFound, type FieldErrors } from '../../errors.js';
import {
  checkDecimal,
  checkInteger,
  checkText,
  isForeignKeyViolation,
  text,
  type Fields,
} from '../shared/form-input.js';
import {
  choiceCountProblem,
  countOptionalCriteria,
  findCycle,
  findProgram,
  lockReason,
  structureLock,
} from './programs.js';
import { msg, type Text } from '../../i18n/translate.js';
import { checkRequiredText, readTranslations, type TranslatableFields } from './translations.js';
import type { ServiceContext } from '../../context.js';
import { recordAudit } from '../shared/audit.js';

export type CriterionFieldName =
  | 'title'
  | 'guidance'
  | 'evidenceRequested'
  | 'anchorLow'
  | 'anchorMiddle'
  | 'anchorHigh'
  | 'weight'
  | 'required'
  | 'wordLimit';

/** The score anchors: what the lowest, middle and highest scores look like. */
export const ANCHOR_FIELDS = ['anchorLow', 'anchorMiddle', 'anchorHigh'] as const;

/** The scores the anchors describe on the cycle's scale: 1, 3 and 5 on a 1–5 scale. */
export function anchorScores({ scoreMin, scoreMax }: { scoreMin: number; scoreMax: number }) {
  return { low: scoreMin, middle: Math.round((scoreMin + scoreMax) / 2), high: scoreMax };
}

/** The cycle can have at most this many criteria; the real program has ten. */
export const MAX_CRITERIA = 40;

export async function findCriterion(
  db: Database,
  criterionId: number,
): Promise<{ criterion: Criterion; cycle: Cycle }> {
  const [criterion] = await db.select().from(criteria).where(eq(criteria.id, criterionId));
  if (!criterion) throw new NotFound(msg('criteria.errors.notFound'));
  return { criterion, cycle: await findCycle(db, criterion.cycleId) };
}

export function criterionFormValues(criterion: Criterion): Record<CriterionFieldName, string> {
  return {
    title: criterion.title,
    guidance: criterion.guidance,
    evidenceRequested: criterion.evidenceRequested,
    anchorLow: criterion.anchorLow,
    anchorMiddle: criterion.anchorMiddle,
    anchorHigh: criterion.anchorHigh,
    weight: String(criterion.weight),
    required: criterion.required ? 'required' : 'optional',
    wordLimit: String(criterion.wordLimit),
  };
}

export const NEW_CRITERION_VALUES: Record<CriterionFieldName, string> = {
  title: '',
  guidance: '',
  evidenceRequested: '',
  anchorLow: '',
  anchorMiddle: '',
  anchorHigh: '',
  weight: '1',
  required: 'optional',
  wordLimit: '500',
};

/** A criterion's texts that have translations, checked like their columns. */
export const CRITERION_TRANSLATED: TranslatableFields = {
  title: { max: 200, singleLine: true },
  guidance: { max: 5000 },
  evidenceRequested: { max: 2000 },
  anchorLow: { max: 1000 },
  anchorMiddle: { max: 1000 },
  anchorHigh: { max: 1000 },
};

/** The wording in the program's language and its translations (the posted `<field>__<language>`). */
async function validateWording(
  db: Database,
  errors: FieldErrors,
  input: Fields<CriterionFieldName> & { translations?: Record<string, unknown> },
  cycle: Cycle,
  existing?: Criterion,
) {
  const program = await findProgram(db, cycle.programId);
  return {
    title: checkRequiredText(
      errors,
      'title',
      input.title,
      CRITERION_TRANSLATED.title!,
      msg('criteria.errors.titleRequired'),
    ),
    guidance: checkText(errors, 'guidance', input.guidance, CRITERION_TRANSLATED.guidance!),
    evidenceRequested: checkText(
      errors,
      'evidenceRequested',
      input.evidenceRequested,
      CRITERION_TRANSLATED.evidenceRequested!,
    ),
    anchorLow: checkText(errors, 'anchorLow', input.anchorLow, CRITERION_TRANSLATED.anchorLow!),
    anchorMiddle: checkText(errors, 'anchorMiddle', input.anchorMiddle, CRITERION_TRANSLATED.anchorMiddle!),
    anchorHigh: checkText(errors, 'anchorHigh', input.anchorHigh, CRITERION_TRANSLATED.anchorHigh!),
    translations: readTranslations(
      errors,
      input.translations ?? {},
      CRITERION_TRANSLATED,
      program.defaultLanguage,
      existing?.translations,
    ),
  };
}

function checkWordLimit(errors: FieldErrors, value: unknown) {
  return checkInteger(errors, 'wordLimit', value, { min: 10, max: 20000, label: msg('forms.label.wordLimit') });
}

function checkWeight(errors: FieldErrors, value: unknown) {
  return checkDecimal(errors, 'weight', value, {
    min: 0,
    max: 100,
    decimals: 3,
    label: msg('forms.label.weight'),
    minExclusive: true,
  });
}

/** The required/optional radio buttons send "required" or "optional". */
function checkRequired(errors: FieldErrors, value: unknown): boolean | undefined {
  const s = text(value);
  if (s === 'required') return true;
  if (s === 'optional') return false;
  errors.required = msg('criteria.errors.requiredChoice');
  return undefined;
}

async function assertStructureEditable(context: Pick<ServiceContext, 'db' | 'clock'>, cycle: Cycle) {
  const lock = await structureLock(context, cycle);
  if (lock.locked) throw new Forbidden(lockReason(lock));
}

export async function listCriteria(db: Database, cycleId: number): Promise<Criterion[]> {
  return db
    .select()
    .from(criteria)
    .where(eq(criteria.cycleId, cycleId))
    .orderBy(asc(criteria.position), asc(criteria.id));
}

export async function createCriterion(
  context: Pick<ServiceContext, 'db' | 'clock'>,
  input: { cycleId: number; adminId: number; translations?: Record<string, unknown> } & Fields<CriterionFieldName>,
): Promise<Criterion> {
  const cycle = await findCycle(context.db, input.cycleId);
  await assertStructureEditable(context, cycle);
  const errors: FieldErrors = {};
  const wording = await validateWording(context.db, errors, input, cycle);
  const weight = checkWeight(errors, input.weight);
  const required = checkRequired(errors, input.required);
  const wordLimit = checkWordLimit(errors, input.wordLimit);
  if (Object.keys(errors).length > 0) throw new Invalid(errors);
  return context.db.transaction(async (tx) => {
    const existing = await listCriteria(tx, cycle.id);
    if (existing.length >= MAX_CRITERIA) {
      throw new Invalid({ title: msg('criteria.errors.tooMany', { max: MAX_CRITERIA }) });
    }
    const [last] = await tx
      .select({ position: max(criteria.position) })
      .from(criteria)
      .where(eq(criteria.cycleId, cycle.id));
    const [criterion] = await tx
      .insert(criteria)
      .values({
        ...wording,
        weight: weight!,
        required: required!,
        wordLimit: wordLimit!,
        cycleId: cycle.id,
        position: (last?.position ?? 0) + 1,
      })
      .returning();
    if (!criterion) throw new Error('The criterion insert returned no row');
    await recordAudit(tx, context.clock, {
      actorId: input.adminId,
      action: 'criterion.create',
      subjectType: 'criterion',
      subjectId: criterion.id,
      summary: msg('audit.criteria.added', { title: criterion.title, cycle: cycle.name }),
    });
    return criterion;
  });
}

/**
 * Saves a criterion. When the structure is locked, weight and required/optional are not part of
 * the form; if they are sent anyway and differ from what is stored, the edit is refused.
 */
export async function updateCriterion(
  context: Pick<ServiceContext, 'db' | 'clock'>,
  input: { criterionId: number; adminId: number; translations?: Record<string, unknown> } & Fields<CriterionFieldName>,
): Promise<Criterion> {
  const { criterion, cycle } = await findCriterion(context.db, input.criterionId);
  const lock = await structureLock(context, cycle);
  const errors: FieldErrors = {};
  const wording = await validateWording(context.db, errors, input, cycle, criterion);
  const wordLimit = checkWordLimit(errors, input.wordLimit);
  let weight = criterion.weight;
  let required = criterion.required;
  if (lock.locked) {
    if (wordLimit !== undefined && wordLimit < criterion.wordLimit) {
      errors.wordLimit = msg('criteria.errors.wordLimitDown', { limit: criterion.wordLimit });
    }
    if (text(input.weight) !== '' && Number(text(input.weight)) !== criterion.weight) {
      errors.weight = lockReason(lock, 'weight');
    }
    if (text(input.required) !== '' && (text(input.required) === 'required') !== criterion.required) {
      errors.required = lockReason(lock, 'required');
    }
  } else {
    weight = checkWeight(errors, input.weight) ?? weight;
    required = checkRequired(errors, input.required) ?? required;
    if (criterion.required === false && required && !errors.required) {
      const optional = await countOptionalCriteria(context.db, cycle.id);
      const problem = choiceCountProblem(cycle.optionalChoiceCount, optional - 1);
      if (problem) {
        errors.required = msg('criteria.errors.requiredShortfall', {
          choose: cycle.optionalChoiceCount,
          left: optional - 1,
        });
      }
    }
  }
  if (Object.keys(errors).length > 0) throw new Invalid(errors);
  return context.db.transaction(async (tx) => {
    const [saved] = await tx
      .update(criteria)
      .set({ ...wording, wordLimit: wordLimit!, weight, required })
      .where(eq(criteria.id, criterion.id))
      .returning();
    if (!saved) throw new NotFound(msg('criteria.errors.notFound'));
    await recordAudit(tx, context.clock, {
      actorId: input.adminId,
      action: 'criterion.edit',
      subjectType: 'criterion',
      subjectId: criterion.id,
      summary: msg('audit.criteria.edited', { title: saved.title, cycle: cycle.name }),
      details: { before: criterionFormValues(criterion), after: criterionFormValues(saved) },
    });
    return saved;
  });
}

/** Deleting an optional criterion must leave enough of them for the rule of choice. */
async function optionalShortfall(
  context: Pick<ServiceContext, 'db' | 'clock'>,
  criterion: Criterion,
  cycle: Cycle,
): Promise<Text | undefined> {
  if (criterion.required) return undefined;
  const optional = await countOptionalCriteria(context.db, cycle.id);
  if (!choiceCountProblem(cycle.optionalChoiceCount, optional - 1)) return undefined;
  return msg('criteria.errors.deleteShortfall', { choose: cycle.optionalChoiceCount, left: optional - 1 });
}

/** Why this criterion cannot be deleted now, if it cannot: for the confirmation page. */
export async function deletionProblem(
  context: Pick<ServiceContext, 'db' | 'clock'>,
  criterion: Criterion,
  cycle: Cycle,
): Promise<Text | undefined> {
  const lock = await structureLock(context, cycle);
  return lock.reason ?? (await optionalShortfall(context, criterion, cycle));
}

export async function deleteCriterion(
  context: Pick<ServiceContext, 'db' | 'clock'>,
  input: { criterionId: number; adminId: number },
): Promise<Cycle> {
  const { criterion, cycle } = await findCriterion(context.db, input.criterionId);
  await assertStructureEditable(context, cycle);
  const problem = await optionalShortfall(context, criterion, cycle);
  if (problem) throw new Invalid({ criterion: problem });
  try {
    await context.db.transaction(async (tx) => {
      await tx.delete(criteria).where(eq(criteria.id, criterion.id));
      await renumber(tx, cycle.id);
      await recordAudit(tx, context.clock, {
        actorId: input.adminId,
        action: 'criterion.delete',
        subjectType: 'criterion',
        subjectId: criterion.id,
        summary: msg('audit.criteria.deleted', { title: criterion.title, cycle: cycle.name }),
      });
    });
  } catch (error) {
    // Answers and evidence point at criteria; the lock should have caught it, the database makes sure.
    if (isForeignKeyViolation(error)) throw new Invalid({ criterion: msg('criteria.errors.inUse') });
    throw error;
  }
  return cycle;
}

async function renumber(db: Database, cycleId: number, order?: Criterion[]) {
  const rows = order ?? (await listCriteria(db, cycleId));
  for (const [index, row] of rows.entries()) {
    if (row.position !== index + 1) {
      await db
        .update(criteria)
        .set({ position: index + 1 })
        .where(and(eq(criteria.id, row.id), eq(criteria.cycleId, cycleId)));
    }
  }
}

/** Moves a criterion one place up or down; a move past either end changes nothing. */
export async function moveCriterion(
  context: Pick<ServiceContext, 'db' | 'clock'>,
  input: { criterionId: number; direction: unknown; adminId: number },
): Promise<{ cycle: Cycle; moved: boolean }> {
  const direction = text(input.direction);
  if (direction !== 'up' && direction !== 'down') throw new Invalid({ direction: msg('criteria.errors.direction') });
  const { criterion, cycle } = await findCriterion(context.db, input.criterionId);
  await assertStructureEditable(context, cycle);
  const moved = await context.db.transaction(async (tx) => {
    const rows = await listCriteria(tx, cycle.id);
    const index = rows.findIndex((r) => r.id === criterion.id);
    const target = direction === 'up' ? index - 1 : index + 1;
    if (index < 0 || target < 0 || target >= rows.length) return false;
    [rows[index], rows[target]] = [rows[target]!, rows[index]!];
    await renumber(tx, cycle.id, rows);
    await recordAudit(tx, context.clock, {
      actorId: input.adminId,
      action: 'criterion.move',
      subjectType: 'criterion',
      subjectId: criterion.id,
      summary: msg('audit.criteria.moved', { cycle: cycle.name, direction }),
    });
    return true;
  });
  return { cycle, moved };
}
