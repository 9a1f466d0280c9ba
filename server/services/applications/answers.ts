// Saving the parts of a draft: eligibility answers, the choice of optional criteria, the answer
// to one criterion. Valid parts are always saved; problems come back as field messages, and the
// route shows the form again with everything that was typed.
import { and, eq, sql } from 'drizzle-orm';
import { applicationAnswers, applications, criteria, eligibilityQuestions } from '../../../models/schema.js';
import { cannotEditApplication, type ApplicationAccess } from '../permissions.js';
import type { Database } from '../../db/client.js';
import { Forbidden, NotFound, type FieldErrors } from '../../errors.js';
import { isLanguage } from '../../i18n/languages.js';
import { msg } from '../../i18n/translate.js';
import { countWords } from './applications.js';
import type { ServiceContext } from '../../context.js';

/** Far above any word limit; it only stops a pasted novel from filling the database. */
export const ANSWER_MAX_CHARS = 60_000;

function assertEditable(access: ApplicationAccess, now: Date) {
  const reason = cannotEditApplication(access, now);
  if (reason) throw new Forbidden(reason);
}

export async function saveEligibilityAnswers(
  { db, clock }: Pick<ServiceContext, 'db' | 'clock'>,
  { access, input }: { access: ApplicationAccess; input: Record<string, unknown> },
): Promise<FieldErrors> {
  const now = clock();
  assertEditable(access, now);
  const questions = await db
    .select()
    .from(eligibilityQuestions)
    .where(eq(eligibilityQuestions.cycleId, access.cycle.id));
  const answers: Record<string, string> = { ...access.application.eligibilityAnswers };
  const errors: FieldErrors = {};
  for (const question of questions) {
    const raw = input[`q_${question.key}`];
    const value = typeof raw === 'string' ? raw.trim() : '';
    if (value === '') {
      delete answers[question.key];
      continue;
    }
    if (question.kind === 'choice' && !question.options.includes(value)) {
      errors[`q_${question.key}`] = msg('applications.eligibility.errors.choose');
    } else if (question.kind === 'yes_no' && value !== 'yes' && value !== 'no') {
      errors[`q_${question.key}`] = msg('applications.eligibility.errors.yesNo');
    } else if (question.kind === 'number' && !/^\d{1,9}(\.\d{1,2})?$/.test(value.replace(/%$/, ''))) {
      errors[`q_${question.key}`] = msg('applications.eligibility.errors.number');
    } else {
      answers[question.key] = value.replace(/%$/, '');
    }
  }
  await db
    .update(applications)
    .set({ eligibilityAnswers: answers, updatedAt: now })
    .where(eq(applications.id, access.application.id));
  return errors;
}

/** Records which optional criteria the school answers; required ones are always answered. */
export async function saveCriteriaChoice(
  { db, clock }: Pick<ServiceContext, 'db' | 'clock'>,
  { access, chosenIds }: { access: ApplicationAccess; chosenIds: unknown },
): Promise<FieldErrors> {
  const now = clock();
  assertEditable(access, now);
  const ids = new Set(
    ([] as unknown[])
      .concat(chosenIds ?? [])
      .filter((v): v is string => typeof v === 'string' && /^\d{1,15}$/.test(v))
      .map(Number),
  );
  const optional = await db
    .select({ id: criteria.id })
    .from(criteria)
    .where(and(eq(criteria.cycleId, access.cycle.id), eq(criteria.required, false)));
  const chosen = optional.filter((c) => ids.has(c.id));
  const limit = access.cycle.optionalChoiceCount;
  if (chosen.length > limit) {
    return { chosen: msg('applications.criteria.tooMany', { limit, count: chosen.length }) };
  }
  if (optional.length === 0) return {};
  await db.transaction(async (tx) => {
    await tx
      .insert(applicationAnswers)
      .values(
        optional.map((c) => ({
          applicationId: access.application.id,
          criterionId: c.id,
          chosen: ids.has(c.id),
          updatedAt: now,
        })),
      )
      .onConflictDoUpdate({
        target: [applicationAnswers.applicationId, applicationAnswers.criterionId],
        set: { chosen: sql`excluded.chosen`, updatedAt: now },
      });
    await tx.update(applications).set({ updatedAt: now }).where(eq(applications.id, access.application.id));
  });
  return {};
}

export async function findCriterion(
  db: Database,
  { access, criterionId }: { access: ApplicationAccess; criterionId: number },
) {
  const [criterion] = await db
    .select()
    .from(criteria)
    .where(and(eq(criteria.id, criterionId), eq(criteria.cycleId, access.cycle.id)));
  if (!criterion) throw new NotFound(msg('applications.criterion.notFound'));
  return criterion;
}

/**
 * Saves one criterion's answer and the language it is written in. An answer over the word limit
 * is still saved (nothing typed is lost) and reported; submission refuses it until it is
 * shortened. An unknown language saves nothing: the form comes back with the answer as typed.
 */
export async function saveCriterionAnswer(
  { db, clock }: Pick<ServiceContext, 'db' | 'clock'>,
  {
    access,
    criterionId,
    answer,
    language,
  }: { access: ApplicationAccess; criterionId: number; answer: unknown; language?: unknown },
): Promise<FieldErrors> {
  const now = clock();
  assertEditable(access, now);
  const criterion = await findCriterion(db, { access, criterionId });
  const text = typeof answer === 'string' ? answer.replace(/\r\n/g, '\n') : '';
  if (language !== undefined && !isLanguage(language)) {
    return { language: msg('applications.criterion.errors.language') };
  }
  if (text.length > ANSWER_MAX_CHARS) {
    return {
      answer: msg('applications.criterion.errors.tooLong', { length: text.length, limit: criterion.wordLimit }),
    };
  }
  const wordCount = countWords(text);
  const written = language === undefined ? {} : { language };
  await db
    .insert(applicationAnswers)
    .values({
      applicationId: access.application.id,
      criterionId,
      chosen: criterion.required,
      answer: text,
      wordCount,
      ...written,
      updatedAt: now,
    })
    .onConflictDoUpdate({
      target: [applicationAnswers.applicationId, applicationAnswers.criterionId],
      set: { answer: text, wordCount, ...written, updatedAt: now },
    });
  await db.update(applications).set({ updatedAt: now }).where(eq(applications.id, access.application.id));
  return wordCount > criterion.wordLimit
    ? { answer: msg('applications.criterion.errors.overLimit', { words: wordCount, limit: criterion.wordLimit }) }
    : {};
}
