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
  ELIGIBILITY_KIND_LABELS,
  RULE_OPERATOR_LABELS,
  type Cycle,
  type EligibilityQuestion,
  type EligibilityRule,
} from '../../../models/schema.js';
import type { Database } from '../../db/client.js';
import { Invalid, NotFound, type FieldErrors } from '../../errors.js';
import { checkText, isUniqueViolation, text, type Fields } from '../shared/form-input.js';
import { formatDay } from '../../time.js';
import { cycleTimeZone } from './time-zone.js';
import { findCycle } from './programs.js';
import { checkRuleShape, describeRule, joinValues, splitValues, subjectsFor, type Subject } from './rule-shape.js';
import type { ServiceContext } from '../../context.js';

export { RULE_OPERATOR_LABELS, describeRule, splitValues, subjectsFor, type Subject };

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
): Promise<string | undefined> {
  if (context.clock() < cycle.opensAt) return undefined;
  const zone = await cycleTimeZone(context.db, cycle.id);
  return (
    `This cycle opened on ${formatDay(cycle.opensAt, zone)}. Questions and rules can still change, but applications ` +
    'submitted before a change keep the answers and screening flags they were submitted with: check those by hand ' +
    'when screening. Question keys cannot change any more, because answers are stored under them.'
  );
}

export async function eligibilityOverview(context: Pick<ServiceContext, 'db' | 'clock'>, cycleId: number) {
  const cycle = await findCycle(context.db, cycleId);
  const questions = await listQuestions(context.db, cycle.id);
  const subjects = subjectsFor(questions);
  const rules = await listRules(context.db, cycle.id);
  return {
    cycle,
    questions: questions.map((q) => ({ ...q, kindLabel: ELIGIBILITY_KIND_LABELS[q.kind] })),
    rules: rules.map((r) => ({ ...r, description: describeRule(r, subjects) })),
    note: await openedNote(context, cycle),
  };
}

// ---------------------------------------------------------------- questions

export async function findQuestion(
  db: Database,
  questionId: number,
): Promise<{ question: EligibilityQuestion; cycle: Cycle }> {
  const [question] = await db.select().from(eligibilityQuestions).where(eq(eligibilityQuestions.id, questionId));
  if (!question) throw new NotFound('There is no such eligibility question.');
  return { question, cycle: await findCycle(db, question.cycleId) };
}

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

function validateQuestion(input: Fields<QuestionFieldName>) {
  const errors: FieldErrors = {};
  const key = checkText(errors, 'key', input.key, { max: 40, required: 'Enter a key, like school_type.' });
  if (key && !KEY_PATTERN.test(key)) {
    errors.key = 'Use lowercase letters a–z, digits and underscores, starting with a letter, like school_type.';
  }
  const prompt = checkText(errors, 'prompt', input.prompt, {
    max: 500,
    required: 'Enter the question as applicants will read it.',
    singleLine: true,
  });
  const help = checkText(errors, 'help', input.help, { max: 1000 });
  const kindText = text(input.kind);
  const kind = ELIGIBILITY_KINDS.find((k) => k === kindText);
  if (!kind) errors.kind = 'Choose the kind of answer: a choice from a list, a number, or yes or no.';
  let options: string[] = [];
  if (kind === 'choice') {
    const raw = typeof input.options === 'string' ? input.options : '';
    const lines = raw
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l !== '');
    options = [...new Set(lines)];
    if (raw.length > 6000) errors.options = 'The options are too long: use at most 6000 characters in all.';
    else if (options.length < 2) errors.options = 'Enter at least two options, one per line.';
    else if (options.length > 50) errors.options = 'Use at most 50 options.';
    else if (options.some((o) => o.length > 100)) errors.options = 'Keep each option to at most 100 characters.';
    else if (options.length !== lines.length) errors.options = 'Each option may appear only once.';
  }
  if (Object.keys(errors).length > 0) throw new Invalid(errors);
  return { key, prompt, help, kind: kind!, options };
}

const KEY_TAKEN = 'Another question of this cycle already uses this key. Choose a different one.';

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
  input: { cycleId: number } & Fields<QuestionFieldName>,
): Promise<EligibilityQuestion> {
  const cycle = await findCycle(context.db, input.cycleId);
  const values = validateQuestion(input);
  await assertKeyFree(context.db, cycle.id, values.key);
  try {
    return await context.db.transaction(async (tx) => {
      const existing = await listQuestions(tx, cycle.id);
      if (existing.length >= MAX_QUESTIONS) {
        throw new Invalid({ prompt: `A cycle can have at most ${MAX_QUESTIONS} eligibility questions.` });
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
  input: { questionId: number } & Fields<QuestionFieldName>,
): Promise<EligibilityQuestion> {
  const { question, cycle } = await findQuestion(context.db, input.questionId);
  const values = validateQuestion(input);
  if (values.key !== question.key && context.clock() >= cycle.opensAt) {
    throw new Invalid({
      key: `The key cannot change after the cycle opened: answers already given are stored under “${question.key}”.`,
    });
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
      throw new Invalid({
        [field]: `The rule “${rule.message}” uses this question and would no longer work: ${problem} Change or delete that rule first.`,
      });
    }
  }

  try {
    return await context.db.transaction(async (tx) => {
      const [saved] = await tx
        .update(eligibilityQuestions)
        .set(values)
        .where(eq(eligibilityQuestions.id, question.id))
        .returning();
      if (!saved) throw new NotFound('There is no such eligibility question.');
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
export async function questionDeletionProblem(
  db: Database,
  question: EligibilityQuestion,
): Promise<string | undefined> {
  const using = rulesUsing(await listRules(db, question.cycleId), `answer.${question.key}`);
  if (using.length === 0) return undefined;
  const names = using.map((r) => `“${r.message}”`).join(', ');
  return `${using.length === 1 ? 'A rule uses' : `${using.length} rules use`} this question (${names}). Change or delete ${using.length === 1 ? 'it' : 'them'} first.`;
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
  if (!rule) throw new NotFound('There is no such eligibility rule.');
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

/** The subjects and operators a rule form offers. */
export async function ruleFormChoices(db: Database, cycleId: number) {
  const subjects = subjectsFor(await listQuestions(db, cycleId));
  return {
    subjects,
    numericSubjects: subjects.filter((s) => s.kind === 'number'),
    operators: RULE_OPERATORS.map((value) => ({ value, label: RULE_OPERATOR_LABELS[value] })),
  };
}

async function validateRule(db: Database, cycleId: number, input: Fields<RuleFieldName>) {
  const errors: FieldErrors = {};
  const subjects = subjectsFor(await listQuestions(db, cycleId));
  const message = checkText(errors, 'message', input.message, {
    max: 500,
    required: 'Enter the message admins see when a school fails this rule.',
  });
  const subject = text(input.subject);
  const rawValues = typeof input.values === 'string' ? input.values : '';
  if (!subject) errors.subject = 'Choose what the rule checks.';
  if (!text(input.operator)) errors.operator = 'Choose how the rule compares.';
  if (rawValues.length > 6000) errors.values = 'The values are too long: use at most 6000 characters in all.';
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
  return { subject, operator: operator as RuleOperator, message, ...shape };
}

export async function createRule(
  context: Pick<ServiceContext, 'db' | 'clock'>,
  input: { cycleId: number } & Fields<RuleFieldName>,
): Promise<EligibilityRule> {
  const cycle = await findCycle(context.db, input.cycleId);
  const values = await validateRule(context.db, cycle.id, input);
  return context.db.transaction(async (tx) => {
    const existing = await listRules(tx, cycle.id);
    if (existing.length >= MAX_RULES) throw new Invalid({ subject: `A cycle can have at most ${MAX_RULES} rules.` });
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
  input: { ruleId: number } & Fields<RuleFieldName>,
): Promise<EligibilityRule> {
  const { rule, cycle } = await findRule(context.db, input.ruleId);
  const values = await validateRule(context.db, cycle.id, input);
  const [saved] = await context.db
    .update(eligibilityRules)
    .set(values)
    .where(eq(eligibilityRules.id, rule.id))
    .returning();
  if (!saved) throw new NotFound('There is no such eligibility rule.');
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
// i18n: not yet translated
