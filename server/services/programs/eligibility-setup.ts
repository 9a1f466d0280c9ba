// A cycle's eligibility questions and the automatic rules over their answers and the school's
// profile. A rule names what it checks as "answer.<question key>" or "school.<field>" (see
// models/programs.ts). Unlike criteria, this stays editable after the cycle opens: failing a
// rule only flags an application for the admins' screening, which they do by hand anyway. The
// one exception is a question's key, under which answers already given are stored.
import { and, asc, eq, ne } from 'drizzle-orm';
import {
  ELIGIBILITY_KINDS,
  RULE_OPERATORS,
  eligibilityQuestions,
  eligibilityRules,
  type RuleOperator,
  type Cycle,
  type EligibilityQuestion,
  type EligibilityRule,
} from '../../../models/schema.js';
import type { Database } from '../../db/client.js';
import { Invalid, NotFound, type FieldErrors } from '../../errors.js';
import { checkText, isUniqueViolation, text, type Fields } from '../shared/form-input.js';
import { cycleTimeZone } from './time-zone.js';
import { dayValue, findCycle, findProgram } from './programs.js';
import { msg, type Message, type Text } from '../../i18n/translate.js';
import {
  checkRequiredText,
  missingLanguageNames,
  otherLanguages,
  readTranslations,
  splitLines,
  translationFieldName,
  type TranslatableFields,
} from './translations.js';
import { checkRuleShape, describeRule, joinValues, splitValues, subjectsFor, type Subject } from './rule-shape.js';
import type { ServiceContext } from '../../context.js';

export { describeRule, splitValues, subjectsFor, type Subject };

export type QuestionFieldName = 'key' | 'prompt' | 'help' | 'kind' | 'options';
export type RuleFieldName = 'subject' | 'operator' | 'values' | 'other' | 'margin' | 'message';

export const MAX_QUESTIONS = 50;
export const MAX_RULES = 50;

async function listQuestions(db: Database, cycleId: number): Promise<EligibilityQuestion[]> {
  return db
    .select()
    .from(eligibilityQuestions)
    .where(eq(eligibilityQuestions.cycleId, cycleId))
    .orderBy(asc(eligibilityQuestions.position), asc(eligibilityQuestions.id));
}

async function listRules(db: Database, cycleId: number): Promise<EligibilityRule[]> {
  return db
    .select()
    .from(eligibilityRules)
    .where(eq(eligibilityRules.cycleId, cycleId))
    .orderBy(asc(eligibilityRules.position), asc(eligibilityRules.id));
}

/** Said on every eligibility page once the cycle is open. */
export async function openedNote(
  context: Pick<ServiceContext, 'db' | 'clock'>,
  cycle: Cycle,
): Promise<Message | undefined> {
  if (context.clock() < cycle.opensAt) return undefined;
  const zone = await cycleTimeZone(context.db, cycle.id);
  return msg('eligibility.index.opened', { date: dayValue(cycle.opensAt, zone) });
}

/** The languages (by name, in `reader`'s) in which a question lacks a translation. */
function questionMissing(question: EligibilityQuestion, defaultLanguage: string, reader: string): string[] {
  const missing = new Set(missingLanguageNames(question, ['prompt', 'help'], defaultLanguage, reader));
  if (question.kind === 'choice') {
    for (const name of missingLanguageNames(
      { options: question.options.join('\n'), translations: question.translations },
      ['options'],
      defaultLanguage,
      reader,
    ))
      missing.add(name);
  }
  return [...missing];
}

/** The eligibility page, its words in `reader`'s language. */
export async function eligibilityOverview(
  context: Pick<ServiceContext, 'db' | 'clock'>,
  cycleId: number,
  reader: string,
) {
  const cycle = await findCycle(context.db, cycleId);
  const program = await findProgram(context.db, cycle.programId);
  const questions = await listQuestions(context.db, cycle.id);
  const subjects = subjectsFor(questions, reader);
  const rules = await listRules(context.db, cycle.id);
  return {
    cycle,
    questions: questions.map((q) => ({ ...q, missing: questionMissing(q, program.defaultLanguage, reader) })),
    rules: rules.map((r) => ({
      ...r,
      description: describeRule(r, subjects, reader),
      missing: missingLanguageNames(r, ['message'], program.defaultLanguage, reader),
    })),
    note: await openedNote(context, cycle),
  };
}

// ---------------------------------------------------------------- questions

export async function findQuestion(
  db: Database,
  questionId: number,
): Promise<{ question: EligibilityQuestion; cycle: Cycle }> {
  const [question] = await db.select().from(eligibilityQuestions).where(eq(eligibilityQuestions.id, questionId));
  if (!question) throw new NotFound(msg('eligibility.errors.questionNotFound'));
  return { question, cycle: await findCycle(db, question.cycleId) };
}

/** A question's texts that have translations; `options` holds labels, one per line. */
export const QUESTION_TRANSLATED: TranslatableFields = {
  prompt: { max: 500, singleLine: true },
  help: { max: 1000 },
  options: { max: 6000 },
};

export function questionFormValues(question?: EligibilityQuestion): Record<QuestionFieldName, string> {
  return {
    key: question?.key ?? '',
    prompt: question?.prompt ?? '',
    help: question?.help ?? '',
    kind: question?.kind ?? 'choice',
    options: question?.options.join('\n') ?? '',
  };
}

const KEY_PATTERN = /^[a-z][a-z0-9_]{0,39}$/;

type QuestionInput = Fields<QuestionFieldName> & { translations?: Record<string, unknown> };

function validateQuestion(input: QuestionInput, defaultLanguage: string, existing?: EligibilityQuestion) {
  const errors: FieldErrors = {};
  const key = checkRequiredText(errors, 'key', input.key, { max: 40 }, msg('eligibility.errors.keyRequired'));
  if (key && !KEY_PATTERN.test(key)) errors.key = msg('eligibility.errors.keyPattern');
  const prompt = checkRequiredText(
    errors,
    'prompt',
    input.prompt,
    QUESTION_TRANSLATED.prompt!,
    msg('eligibility.errors.promptRequired'),
  );
  const help = checkText(errors, 'help', input.help, QUESTION_TRANSLATED.help!);
  const kindText = text(input.kind);
  const kind = ELIGIBILITY_KINDS.find((k) => k === kindText);
  if (!kind) errors.kind = msg('eligibility.errors.kind');
  let options: string[] = [];
  if (kind === 'choice') {
    const raw = typeof input.options === 'string' ? input.options : '';
    const lines = raw
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l !== '');
    options = [...new Set(lines)];
    if (raw.length > 6000) errors.options = msg('eligibility.errors.optionsTooLong');
    else if (options.length < 2) errors.options = msg('eligibility.errors.optionsTooFew');
    else if (options.length > 50) errors.options = msg('eligibility.errors.optionsTooMany');
    else if (options.some((o) => o.length > 100)) errors.options = msg('eligibility.errors.optionTooLong');
    else if (options.length !== lines.length) errors.options = msg('eligibility.errors.optionRepeated');
  }
  const translations = readTranslations(
    errors,
    input.translations ?? {},
    QUESTION_TRANSLATED,
    defaultLanguage,
    existing?.translations,
  );
  // Option labels: one per option, in order; none for a question without options.
  for (const language of otherLanguages(defaultLanguage)) {
    const labels = translations[language]?.options;
    if (labels === undefined) continue;
    const name = translationFieldName('options', language);
    const lines = splitLines(labels);
    if (kind !== 'choice') delete translations[language]!.options;
    else if (!errors.options && lines.length !== options.length) {
      errors[name] = msg('programs.translations.optionCount', { count: options.length });
    } else if (!errors[name] && lines.some((line) => line.length > 100)) {
      errors[name] = msg('eligibility.errors.optionTooLong');
    } else translations[language]!.options = lines.join('\n');
  }
  if (Object.keys(errors).length > 0) throw new Invalid(errors);
  return { key, prompt, help, kind: kind!, options, translations };
}

const KEY_TAKEN = msg('eligibility.errors.keyTaken');

async function assertKeyFree(db: Database, cycleId: number, key: string, exceptId?: number) {
  const conditions = [eq(eligibilityQuestions.cycleId, cycleId), eq(eligibilityQuestions.key, key)];
  if (exceptId) conditions.push(ne(eligibilityQuestions.id, exceptId));
  const [taken] = await db
    .select({ id: eligibilityQuestions.id })
    .from(eligibilityQuestions)
    .where(and(...conditions));
  if (taken) throw new Invalid({ key: KEY_TAKEN });
}

export async function createQuestion(
  context: Pick<ServiceContext, 'db' | 'clock'>,
  input: { cycleId: number } & QuestionInput,
): Promise<EligibilityQuestion> {
  const cycle = await findCycle(context.db, input.cycleId);
  const program = await findProgram(context.db, cycle.programId);
  const values = validateQuestion(input, program.defaultLanguage);
  await assertKeyFree(context.db, cycle.id, values.key);
  try {
    return await context.db.transaction(async (tx) => {
      const existing = await listQuestions(tx, cycle.id);
      if (existing.length >= MAX_QUESTIONS) {
        throw new Invalid({ prompt: msg('eligibility.errors.tooManyQuestions', { max: MAX_QUESTIONS }) });
      }
      const position = Math.max(0, ...existing.map((q) => q.position)) + 1;
      const [question] = await tx
        .insert(eligibilityQuestions)
        .values({ ...values, cycleId: cycle.id, position })
        .returning();
      if (!question) throw new Error('The question insert returned no row');
      return question;
    });
  } catch (error) {
    if (isUniqueViolation(error, 'eligibility_questions_cycle_key')) throw new Invalid({ key: KEY_TAKEN });
    throw error;
  }
}

function rulesUsing(rules: EligibilityRule[], subject: string): EligibilityRule[] {
  return rules.filter((r) => r.subject === subject || r.other === subject);
}

/**
 * Saves a question. Rules that use it are checked against the new kind and options, and follow
 * a change of key.
 */
export async function updateQuestion(
  context: Pick<ServiceContext, 'db' | 'clock'>,
  input: { questionId: number } & QuestionInput,
): Promise<EligibilityQuestion> {
  const { question, cycle } = await findQuestion(context.db, input.questionId);
  const program = await findProgram(context.db, cycle.programId);
  const values = validateQuestion(input, program.defaultLanguage, question);
  if (values.key !== question.key && context.clock() >= cycle.opensAt) {
    throw new Invalid({ key: msg('eligibility.errors.keyLocked', { key: question.key }) });
  }
  await assertKeyFree(context.db, cycle.id, values.key, question.id);

  const questions = (await listQuestions(context.db, cycle.id)).map((q) =>
    q.id === question.id ? { ...q, ...values } : q,
  );
  const subjects = subjectsFor(questions);
  const oldSubject = `answer.${question.key}`;
  const newSubject = `answer.${values.key}`;
  const affected = rulesUsing(await listRules(context.db, cycle.id), oldSubject).map((r) => ({
    ...r,
    subject: r.subject === oldSubject ? newSubject : r.subject,
    other: r.other === oldSubject ? newSubject : r.other,
  }));
  for (const rule of affected) {
    const problems: FieldErrors = {};
    checkRuleShape(problems, subjects, {
      subject: rule.subject,
      operator: rule.operator,
      values: rule.values,
      other: rule.other ?? '',
      margin: rule.margin === null ? '' : String(rule.margin),
    });
    const problem = Object.values(problems)[0];
    if (problem) {
      const field = values.kind !== question.kind ? 'kind' : 'options';
      // The rule's own problem is a Message inside this one: t() puts it into words with the outer one.
      throw new Invalid({ [field]: msg('eligibility.errors.breaksRule', { rule: rule.message, problem }) });
    }
  }

  try {
    return await context.db.transaction(async (tx) => {
      const [saved] = await tx
        .update(eligibilityQuestions)
        .set(values)
        .where(eq(eligibilityQuestions.id, question.id))
        .returning();
      if (!saved) throw new NotFound(msg('eligibility.errors.questionNotFound'));
      for (const rule of affected) {
        await tx
          .update(eligibilityRules)
          .set({ subject: rule.subject, other: rule.other })
          .where(eq(eligibilityRules.id, rule.id));
      }
      return saved;
    });
  } catch (error) {
    if (isUniqueViolation(error, 'eligibility_questions_cycle_key')) throw new Invalid({ key: KEY_TAKEN });
    throw error;
  }
}

/** Why this question cannot be deleted, if it cannot: rules that use it. */
export async function questionDeletionProblem(db: Database, question: EligibilityQuestion): Promise<Text | undefined> {
  const using = rulesUsing(await listRules(db, question.cycleId), `answer.${question.key}`);
  if (using.length === 0) return undefined;
  const names = using.map((r) => `“${r.message}”`).join(', ');
  return msg('eligibility.errors.usedByRules', { count: using.length, names });
}

export async function deleteQuestion(
  context: Pick<ServiceContext, 'db' | 'clock'>,
  input: { questionId: number },
): Promise<Cycle> {
  const { question, cycle } = await findQuestion(context.db, input.questionId);
  const problem = await questionDeletionProblem(context.db, question);
  if (problem) throw new Invalid({ question: problem });
  await context.db.delete(eligibilityQuestions).where(eq(eligibilityQuestions.id, question.id));
  return cycle;
}

// ---------------------------------------------------------------- rules

export async function findRule(db: Database, ruleId: number): Promise<{ rule: EligibilityRule; cycle: Cycle }> {
  const [rule] = await db.select().from(eligibilityRules).where(eq(eligibilityRules.id, ruleId));
  if (!rule) throw new NotFound(msg('eligibility.errors.ruleNotFound'));
  return { rule, cycle: await findCycle(db, rule.cycleId) };
}

export function ruleFormValues(rule?: EligibilityRule): Record<RuleFieldName, string> {
  return {
    subject: rule?.subject ?? '',
    operator: rule?.operator ?? 'one_of',
    values: rule ? joinValues(rule.values) : '',
    other: rule?.other ?? '',
    margin: rule?.margin === null || rule?.margin === undefined ? '' : String(rule.margin),
    message: rule?.message ?? '',
  };
}

/** The subjects a rule form offers, labelled in `reader`'s language; the operators are labels.json's. */
export async function ruleFormChoices(db: Database, cycleId: number, reader: string) {
  const subjects = subjectsFor(await listQuestions(db, cycleId), reader);
  return {
    subjects,
    numericSubjects: subjects.filter((s) => s.kind === 'number'),
    operatorValues: RULE_OPERATORS,
  };
}

/** A rule's texts that have translations: its message. */
export const RULE_TRANSLATED: TranslatableFields = { message: { max: 500 } };

type RuleInput = Fields<RuleFieldName> & { translations?: Record<string, unknown> };

async function validateRule(db: Database, cycle: Cycle, input: RuleInput, existing?: EligibilityRule) {
  const errors: FieldErrors = {};
  const cycleId = cycle.id;
  const program = await findProgram(db, cycle.programId);
  const subjects = subjectsFor(await listQuestions(db, cycleId));
  const message = checkRequiredText(
    errors,
    'message',
    input.message,
    RULE_TRANSLATED.message!,
    msg('eligibility.errors.messageRequired'),
  );
  const translations = readTranslations(
    errors,
    input.translations ?? {},
    RULE_TRANSLATED,
    program.defaultLanguage,
    existing?.translations,
  );
  const subject = text(input.subject);
  const rawValues = typeof input.values === 'string' ? input.values : '';
  if (!subject) errors.subject = msg('eligibility.errors.subjectRequired');
  if (!text(input.operator)) errors.operator = msg('eligibility.errors.operatorRequired');
  if (rawValues.length > 6000) errors.values = msg('eligibility.errors.valuesTooLong');
  const operator = text(input.operator);
  const shape =
    subject && operator && !errors.values
      ? checkRuleShape(errors, subjects, {
          subject,
          operator,
          values: splitValues(rawValues),
          other: text(input.other),
          margin: text(input.margin),
        })
      : undefined;
  if (Object.keys(errors).length > 0 || !shape) throw new Invalid(errors);
  return { subject, operator: operator as RuleOperator, message, translations, ...shape };
}

export async function createRule(
  context: Pick<ServiceContext, 'db' | 'clock'>,
  input: { cycleId: number } & RuleInput,
): Promise<EligibilityRule> {
  const cycle = await findCycle(context.db, input.cycleId);
  const values = await validateRule(context.db, cycle, input);
  return context.db.transaction(async (tx) => {
    const existing = await listRules(tx, cycle.id);
    if (existing.length >= MAX_RULES)
      throw new Invalid({ subject: msg('eligibility.errors.tooManyRules', { max: MAX_RULES }) });
    const position = Math.max(0, ...existing.map((r) => r.position)) + 1;
    const [rule] = await tx
      .insert(eligibilityRules)
      .values({ ...values, cycleId: cycle.id, position })
      .returning();
    if (!rule) throw new Error('The rule insert returned no row');
    return rule;
  });
}

export async function updateRule(
  context: Pick<ServiceContext, 'db' | 'clock'>,
  input: { ruleId: number } & RuleInput,
): Promise<EligibilityRule> {
  const { rule, cycle } = await findRule(context.db, input.ruleId);
  const values = await validateRule(context.db, cycle, input, rule);
  const [saved] = await context.db
    .update(eligibilityRules)
    .set(values)
    .where(eq(eligibilityRules.id, rule.id))
    .returning();
  if (!saved) throw new NotFound(msg('eligibility.errors.ruleNotFound'));
  return saved;
}

export async function deleteRule(
  context: Pick<ServiceContext, 'db' | 'clock'>,
  input: { ruleId: number },
): Promise<Cycle> {
  const { rule, cycle } = await findRule(context.db, input.ruleId);
  await context.db.delete(eligibilityRules).where(eq(eligibilityRules.id, rule.id));
  return cycle;
}
