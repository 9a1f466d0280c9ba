// A cycle's eligibility questions and the automatic rules over their answers and the school's
// profile. A rule names what it checks as "answer.<question key>" or "school.<field>" (see
// models/programs.ts). Unlike criteria, this stays editable after the cycle opens: failing a
// rule only flags an application for the admins' screening, which they do by hand anyway. The
// one exception is a question's key, under which answers already given are stored.
import { and, asc, eq, ne } from 'drizzle-orm';
import {
  ELIGIBILITY_KINDS,
  RULE_OPERATORS,
  SCHOOL_LEVELS,
  eligibilityQuestions,
  eligibilityRules,
  type EligibilityKind,
  type RuleOperator,
} from '../../models/schema.js';
import type { Database } from '../db/client.js';
import { Invalid, NotFound, type FieldErrors } from '../errors.js';
import { checkText, formatDay, isUniqueViolation, text, type Fields } from './form-input.js';
import { findCycle, type AdminContext, type Cycle } from './programs-admin.js';

export type Question = typeof eligibilityQuestions.$inferSelect;
export type Rule = typeof eligibilityRules.$inferSelect;
export type QuestionFieldName = 'key' | 'prompt' | 'help' | 'kind' | 'options';
export type RuleFieldName = 'subject' | 'operator' | 'values' | 'other' | 'margin' | 'message';

export const MAX_QUESTIONS = 50;
export const MAX_RULES = 50;

export const KIND_LABELS: Record<EligibilityKind, string> = {
  choice: 'Choice from a list',
  number: 'Number',
  yes_no: 'Yes or no',
};

export const OPERATOR_LABELS: Record<RuleOperator, string> = {
  one_of: 'is one of',
  at_least: 'is at least',
  at_most: 'is at most',
  equals: 'equals',
  not_below: 'is not below another value, minus a margin',
};

/** Something a rule can check, with the kind of value it holds. */
export interface Subject {
  value: string;
  label: string;
  kind: EligibilityKind;
  options: readonly string[];
}

const SCHOOL_SUBJECTS: Subject[] = [
  { value: 'school.frlPercent', label: 'School profile: % of students on free or reduced-price lunch', kind: 'number', options: [] },
  { value: 'school.iepPercent', label: 'School profile: % of students with an IEP', kind: 'number', options: [] },
  { value: 'school.enrollment', label: 'School profile: enrollment', kind: 'number', options: [] },
  { value: 'school.level', label: 'School profile: level', kind: 'choice', options: SCHOOL_LEVELS },
];

const YES_NO = ['yes', 'no'] as const;

export function subjectsFor(questions: Question[]): Subject[] {
  return [
    ...questions.map((q) => ({
      value: `answer.${q.key}`,
      label: `Answer: ${q.prompt.length > 80 ? `${q.prompt.slice(0, 77)}…` : q.prompt} (${q.key})`,
      kind: q.kind,
      options: q.kind === 'yes_no' ? YES_NO : q.options,
    })),
    ...SCHOOL_SUBJECTS,
  ];
}

/** One per line when there are several lines; otherwise separated by commas. */
export function splitValues(raw: string): string[] {
  const parts = raw.includes('\n') ? raw.split(/\r?\n/) : raw.split(',');
  return [...new Set(parts.map((p) => p.trim()).filter((p) => p !== ''))];
}

function joinValues(values: string[]): string {
  return values.some((v) => v.includes(',')) ? values.join('\n') : values.join(', ');
}

const NUMBER_PATTERN = /^-?\d{1,9}(\.\d{1,4})?$/;

async function listQuestions(db: Database, cycleId: number): Promise<Question[]> {
  return db.select().from(eligibilityQuestions).where(eq(eligibilityQuestions.cycleId, cycleId)).orderBy(asc(eligibilityQuestions.position), asc(eligibilityQuestions.id));
}

async function listRules(db: Database, cycleId: number): Promise<Rule[]> {
  return db.select().from(eligibilityRules).where(eq(eligibilityRules.cycleId, cycleId)).orderBy(asc(eligibilityRules.position), asc(eligibilityRules.id));
}

/** Said on every eligibility page once the cycle is open. */
export function openedNote(context: AdminContext, cycle: Cycle): string | undefined {
  if (context.clock() < cycle.opensAt) return undefined;
  return (
    `This cycle opened on ${formatDay(cycle.opensAt)}. Questions and rules can still change, but applications ` +
    'submitted before a change keep the answers and screening flags they were submitted with: check those by hand ' +
    'when screening. Question keys cannot change any more, because answers are stored under them.'
  );
}

export function describeRule(rule: Rule, subjects: Subject[]): string {
  const label = (value: string | null) => subjects.find((s) => s.value === value)?.label ?? value ?? '';
  const operator = OPERATOR_LABELS[rule.operator] ?? rule.operator;
  if (rule.operator === 'not_below') {
    return `${label(rule.subject)} is not below ${label(rule.other)}${rule.margin ? ` minus ${rule.margin}` : ''}`;
  }
  return `${label(rule.subject)} ${operator} ${rule.values.join(', ')}`;
}

export async function eligibilityOverview(context: AdminContext, cycleId: number) {
  const cycle = await findCycle(context.db, cycleId);
  const questions = await listQuestions(context.db, cycle.id);
  const subjects = subjectsFor(questions);
  const rules = await listRules(context.db, cycle.id);
  return {
    cycle,
    questions: questions.map((q) => ({ ...q, kindLabel: KIND_LABELS[q.kind] })),
    rules: rules.map((r) => ({ ...r, description: describeRule(r, subjects) })),
    note: openedNote(context, cycle),
  };
}

// ---------------------------------------------------------------- questions

export async function findQuestion(db: Database, questionId: number): Promise<{ question: Question; cycle: Cycle }> {
  const [question] = await db.select().from(eligibilityQuestions).where(eq(eligibilityQuestions.id, questionId));
  if (!question) throw new NotFound('There is no such eligibility question.');
  return { question, cycle: await findCycle(db, question.cycleId) };
}

export function questionFormValues(question?: Question): Record<QuestionFieldName, string> {
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
  const prompt = checkText(errors, 'prompt', input.prompt, { max: 500, required: 'Enter the question as applicants will read it.' });
  const help = checkText(errors, 'help', input.help, { max: 1000 });
  const kindText = text(input.kind);
  const kind = ELIGIBILITY_KINDS.find((k) => k === kindText);
  if (!kind) errors.kind = 'Choose the kind of answer: a choice from a list, a number, or yes or no.';
  let options: string[] = [];
  if (kind === 'choice') {
    const raw = typeof input.options === 'string' ? input.options : '';
    const lines = raw.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
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
  const [taken] = await db.select({ id: eligibilityQuestions.id }).from(eligibilityQuestions).where(and(...conditions));
  if (taken) throw new Invalid({ key: KEY_TAKEN });
}

export async function createQuestion(
  context: AdminContext,
  input: { cycleId: number } & Fields<QuestionFieldName>,
): Promise<Question> {
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

function rulesUsing(rules: Rule[], subject: string): Rule[] {
  return rules.filter((r) => r.subject === subject || r.other === subject);
}

/**
 * Saves a question. Rules that use it are checked against the new kind and options, and follow
 * a change of key.
 */
export async function updateQuestion(
  context: AdminContext,
  input: { questionId: number } & Fields<QuestionFieldName>,
): Promise<Question> {
  const { question, cycle } = await findQuestion(context.db, input.questionId);
  const values = validateQuestion(input);
  if (values.key !== question.key && context.clock() >= cycle.opensAt) {
    throw new Invalid({ key: `The key cannot change after the cycle opened: answers already given are stored under “${question.key}”.` });
  }
  await assertKeyFree(context.db, cycle.id, values.key, question.id);

  const questions = (await listQuestions(context.db, cycle.id)).map((q) => (q.id === question.id ? { ...q, ...values } : q));
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
      throw new Invalid({ [field]: `The rule “${rule.message}” uses this question and would no longer work: ${problem} Change or delete that rule first.` });
    }
  }

  try {
    return await context.db.transaction(async (tx) => {
      const [saved] = await tx.update(eligibilityQuestions).set(values).where(eq(eligibilityQuestions.id, question.id)).returning();
      if (!saved) throw new NotFound('There is no such eligibility question.');
      for (const rule of affected) {
        await tx.update(eligibilityRules).set({ subject: rule.subject, other: rule.other }).where(eq(eligibilityRules.id, rule.id));
      }
      return saved;
    });
  } catch (error) {
    if (isUniqueViolation(error, 'eligibility_questions_cycle_key')) throw new Invalid({ key: KEY_TAKEN });
    throw error;
  }
}

/** Why this question cannot be deleted, if it cannot: rules that use it. */
export async function questionDeletionProblem(db: Database, question: Question): Promise<string | undefined> {
  const using = rulesUsing(await listRules(db, question.cycleId), `answer.${question.key}`);
  if (using.length === 0) return undefined;
  const names = using.map((r) => `“${r.message}”`).join(', ');
  return `${using.length === 1 ? 'A rule uses' : `${using.length} rules use`} this question (${names}). Change or delete ${using.length === 1 ? 'it' : 'them'} first.`;
}

export async function deleteQuestion(context: AdminContext, input: { questionId: number }): Promise<Cycle> {
  const { question, cycle } = await findQuestion(context.db, input.questionId);
  const problem = await questionDeletionProblem(context.db, question);
  if (problem) throw new Invalid({ question: problem });
  await context.db.delete(eligibilityQuestions).where(eq(eligibilityQuestions.id, question.id));
  return cycle;
}

// ---------------------------------------------------------------- rules

export async function findRule(db: Database, ruleId: number): Promise<{ rule: Rule; cycle: Cycle }> {
  const [rule] = await db.select().from(eligibilityRules).where(eq(eligibilityRules.id, ruleId));
  if (!rule) throw new NotFound('There is no such eligibility rule.');
  return { rule, cycle: await findCycle(db, rule.cycleId) };
}

export function ruleFormValues(rule?: Rule): Record<RuleFieldName, string> {
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
    operators: RULE_OPERATORS.map((value) => ({ value, label: OPERATOR_LABELS[value] })),
  };
}

interface RuleShape {
  subject: string;
  operator: string;
  values: string[];
  other: string;
  margin: string;
}

/**
 * Checks that a rule makes sense for what it checks: numbers compared as numbers, choices among
 * the question's options. Returns the stored form of values, other and margin.
 */
function checkRuleShape(errors: FieldErrors, subjects: Subject[], shape: RuleShape) {
  const result = { values: [] as string[], other: null as string | null, margin: null as number | null };
  const subject = subjects.find((s) => s.value === shape.subject);
  if (!subject) {
    errors.subject = shape.subject.startsWith('answer.')
      ? `This cycle has no eligibility question with the key “${shape.subject.slice('answer.'.length).slice(0, 40)}”.`
      : 'Choose what the rule checks from the list.';
    return result;
  }
  const operator = RULE_OPERATORS.find((o) => o === shape.operator);
  if (!operator) {
    errors.operator = 'Choose how the rule compares, from the list.';
    return result;
  }
  const numeric = subject.kind === 'number';
  if (['at_least', 'at_most', 'not_below'].includes(operator) && !numeric) {
    errors.operator = `“${OPERATOR_LABELS[operator]}” compares numbers, and the value checked is not a number. Use “is one of” or “equals”.`;
    return result;
  }
  if (operator === 'not_below') {
    const other = subjects.find((s) => s.value === shape.other);
    if (!shape.other) errors.other = 'Choose the value to compare with, like the district’s share.';
    else if (!other) errors.other = 'Choose the value to compare with from the list.';
    else if (other.kind !== 'number') errors.other = 'Choose a number to compare with.';
    else if (other.value === subject.value) errors.other = 'Compare with a different value than the one checked.';
    else result.other = other.value;
    if (shape.margin === '') result.margin = 0;
    else if (!/^\d{1,6}(\.\d{1,2})?$/.test(shape.margin)) errors.margin = 'Enter the margin as a number of at least 0, like 2 or 2.5.';
    else result.margin = Number(shape.margin);
    return result;
  }
  const values = shape.values;
  if (values.length === 0) {
    errors.values = operator === 'one_of' ? 'Enter at least one allowed value.' : 'Enter the value to compare with.';
    return result;
  }
  if (operator !== 'one_of' && values.length > 1) {
    errors.values = `“${OPERATOR_LABELS[operator]}” compares with one value; enter only one.`;
    return result;
  }
  if (values.length > 50) errors.values = 'Use at most 50 values.';
  else if (values.some((v) => v.length > 100)) errors.values = 'Keep each value to at most 100 characters.';
  else if (numeric) {
    const bad = values.find((v) => !NUMBER_PATTERN.test(v));
    if (bad !== undefined) errors.values = `“${bad.slice(0, 40)}” is not a number. Enter numbers like 10 or 12.5.`;
  } else {
    const bad = values.find((v) => !subject.options.includes(v));
    if (bad !== undefined) {
      errors.values = `“${bad.slice(0, 40)}” is not one of the possible answers: ${subject.options.join(', ')}.`;
    }
  }
  result.values = values;
  return result;
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

export async function createRule(context: AdminContext, input: { cycleId: number } & Fields<RuleFieldName>): Promise<Rule> {
  const cycle = await findCycle(context.db, input.cycleId);
  const values = await validateRule(context.db, cycle.id, input);
  return context.db.transaction(async (tx) => {
    const existing = await listRules(tx, cycle.id);
    if (existing.length >= MAX_RULES) throw new Invalid({ subject: `A cycle can have at most ${MAX_RULES} rules.` });
    const position = Math.max(0, ...existing.map((r) => r.position)) + 1;
    const [rule] = await tx.insert(eligibilityRules).values({ ...values, cycleId: cycle.id, position }).returning();
    if (!rule) throw new Error('The rule insert returned no row');
    return rule;
  });
}

export async function updateRule(context: AdminContext, input: { ruleId: number } & Fields<RuleFieldName>): Promise<Rule> {
  const { rule, cycle } = await findRule(context.db, input.ruleId);
  const values = await validateRule(context.db, cycle.id, input);
  const [saved] = await context.db.update(eligibilityRules).set(values).where(eq(eligibilityRules.id, rule.id)).returning();
  if (!saved) throw new NotFound('There is no such eligibility rule.');
  return saved;
}

export async function deleteRule(context: AdminContext, input: { ruleId: number }): Promise<Cycle> {
  const { rule, cycle } = await findRule(context.db, input.ruleId);
  await context.db.delete(eligibilityRules).where(eq(eligibilityRules.id, rule.id));
  return cycle;
}
