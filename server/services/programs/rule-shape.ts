// What an eligibility rule can check and whether a rule makes sense: pure functions shared by
// the question and rule forms (a question's change must not break the rules that use it).
import {
  RULE_OPERATORS,
  SCHOOL_LEVELS,
  type EligibilityKind,
  RULE_OPERATOR_LABELS,
  type EligibilityQuestion,
  type EligibilityRule,
} from '../../../models/schema.js';
import type { FieldErrors } from '../../errors.js';

/** Something a rule can check, with the kind of value it holds. */
export interface Subject {
  value: string;
  label: string;
  kind: EligibilityKind;
  options: readonly string[];
}

const SCHOOL_SUBJECTS: Subject[] = [
  {
    value: 'school.frlPercent',
    label: 'School profile: % of students on free or reduced-price lunch',
    kind: 'number',
    options: [],
  },
  { value: 'school.iepPercent', label: 'School profile: % of students with an IEP', kind: 'number', options: [] },
  { value: 'school.enrollment', label: 'School profile: enrollment', kind: 'number', options: [] },
  { value: 'school.level', label: 'School profile: level', kind: 'choice', options: SCHOOL_LEVELS },
];

const YES_NO = ['yes', 'no'] as const;

export function subjectsFor(questions: EligibilityQuestion[]): Subject[] {
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

export function joinValues(values: string[]): string {
  return values.some((v) => v.includes(',')) ? values.join('\n') : values.join(', ');
}

export const NUMBER_PATTERN = /^-?\d{1,9}(\.\d{1,4})?$/;

export function describeRule(rule: EligibilityRule, subjects: Subject[]): string {
  const label = (value: string | null) => subjects.find((s) => s.value === value)?.label ?? value ?? '';
  const operator = RULE_OPERATOR_LABELS[rule.operator] ?? rule.operator;
  if (rule.operator === 'not_below') {
    return `${label(rule.subject)} is not below ${label(rule.other)}${rule.margin ? ` minus ${rule.margin}` : ''}`;
  }
  return `${label(rule.subject)} ${operator} ${rule.values.join(', ')}`;
}

export interface RuleShape {
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
export function checkRuleShape(errors: FieldErrors, subjects: Subject[], shape: RuleShape) {
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
    errors.operator = `“${RULE_OPERATOR_LABELS[operator]}” compares numbers, and the value checked is not a number. Use “is one of” or “equals”.`;
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
    else if (!/^\d{1,6}(\.\d{1,2})?$/.test(shape.margin))
      errors.margin = 'Enter the margin as a number of at least 0, like 2 or 2.5.';
    else result.margin = Number(shape.margin);
    return result;
  }
  const values = shape.values;
  if (values.length === 0) {
    errors.values = operator === 'one_of' ? 'Enter at least one allowed value.' : 'Enter the value to compare with.';
    return result;
  }
  if (operator !== 'one_of' && values.length > 1) {
    errors.values = `“${RULE_OPERATOR_LABELS[operator]}” compares with one value; enter only one.`;
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
// i18n: not yet translated
