// What an eligibility rule can check and whether a rule makes sense: pure functions shared by
// the question and rule forms (a question's change must not break the rules that use it).
import {
  RULE_OPERATORS,
  SCHOOL_LEVELS,
  type EligibilityKind,
  type EligibilityQuestion,
  type EligibilityRule,
} from '../../../models/schema.js';
import type { FieldErrors } from '../../errors.js';
import { SOURCE_LANGUAGE } from '../../i18n/languages.js';
import { label as labelOf, msg, t } from '../../i18n/translate.js';

/** Something a rule can check, with the kind of value it holds. */
export interface Subject {
  value: string;
  label: string;
  kind: EligibilityKind;
  options: readonly string[];
}

/** The school profile's facts a rule can check; their labels are eligibility.subjects.<field>. */
const SCHOOL_SUBJECTS: Array<Omit<Subject, 'label'> & { field: string }> = [
  { value: 'school.frlPercent', field: 'frlPercent', kind: 'number', options: [] },
  { value: 'school.iepPercent', field: 'iepPercent', kind: 'number', options: [] },
  { value: 'school.enrollment', field: 'enrollment', kind: 'number', options: [] },
  { value: 'school.level', field: 'level', kind: 'choice', options: SCHOOL_LEVELS },
];

const YES_NO = ['yes', 'no'] as const;

/** What a rule of these questions' cycle can check, labelled in `language` (for the admin's lists). */
export function subjectsFor(questions: EligibilityQuestion[], language: string = SOURCE_LANGUAGE): Subject[] {
  return [
    ...questions.map((q) => ({
      value: `answer.${q.key}`,
      label: t(language, 'eligibility.subjects.answer', {
        prompt: q.prompt.length > 80 ? `${q.prompt.slice(0, 77)}…` : q.prompt,
        key: q.key,
      }),
      kind: q.kind,
      options: q.kind === 'yes_no' ? YES_NO : q.options,
    })),
    ...SCHOOL_SUBJECTS.map(({ field, ...subject }) => ({
      ...subject,
      label: t(language, `eligibility.subjects.${field}`),
    })),
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

/** A rule in words, in `language`, with subjects labelled in it (subjectsFor). */
export function describeRule(rule: EligibilityRule, subjects: Subject[], language: string = SOURCE_LANGUAGE): string {
  const label = (value: string | null) => subjects.find((s) => s.value === value)?.label ?? value ?? '';
  if (rule.operator === 'not_below') {
    return rule.margin
      ? t(language, 'eligibility.describe.notBelowMargin', {
          subject: label(rule.subject),
          other: label(rule.other),
          margin: rule.margin,
        })
      : t(language, 'eligibility.describe.notBelow', { subject: label(rule.subject), other: label(rule.other) });
  }
  const operator = RULE_OPERATORS.includes(rule.operator)
    ? labelOf(language, 'ruleOperator', rule.operator)
    : rule.operator;
  return t(language, 'eligibility.describe.compare', {
    subject: label(rule.subject),
    operator,
    values: rule.values.join(', '),
  });
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
      ? msg('eligibility.errors.noSuchQuestion', { key: shape.subject.slice('answer.'.length).slice(0, 40) })
      : msg('eligibility.errors.subjectFromList');
    return result;
  }
  const operator = RULE_OPERATORS.find((o) => o === shape.operator);
  if (!operator) {
    errors.operator = msg('eligibility.errors.operatorFromList');
    return result;
  }
  const numeric = subject.kind === 'number';
  if (['at_least', 'at_most', 'not_below'].includes(operator) && !numeric) {
    errors.operator = msg('eligibility.errors.notNumeric', { operator });
    return result;
  }
  if (operator === 'not_below') {
    const other = subjects.find((s) => s.value === shape.other);
    if (!shape.other) errors.other = msg('eligibility.errors.otherRequired');
    else if (!other) errors.other = msg('eligibility.errors.otherFromList');
    else if (other.kind !== 'number') errors.other = msg('eligibility.errors.otherNotNumber');
    else if (other.value === subject.value) errors.other = msg('eligibility.errors.otherSame');
    else result.other = other.value;
    if (shape.margin === '') result.margin = 0;
    else if (!/^\d{1,6}(\.\d{1,2})?$/.test(shape.margin)) errors.margin = msg('eligibility.errors.margin');
    else result.margin = Number(shape.margin);
    return result;
  }
  const values = shape.values;
  if (values.length === 0) {
    errors.values = operator === 'one_of' ? msg('eligibility.errors.oneOfEmpty') : msg('eligibility.errors.valueEmpty');
    return result;
  }
  if (operator !== 'one_of' && values.length > 1) {
    errors.values = msg('eligibility.errors.oneValue', { operator });
    return result;
  }
  if (values.length > 50) errors.values = msg('eligibility.errors.tooManyValues');
  else if (values.some((v) => v.length > 100)) errors.values = msg('eligibility.errors.valueTooLong');
  else if (numeric) {
    const bad = values.find((v) => !NUMBER_PATTERN.test(v));
    if (bad !== undefined) errors.values = msg('eligibility.errors.notANumber', { value: bad.slice(0, 40) });
  } else {
    const bad = values.find((v) => !subject.options.includes(v));
    if (bad !== undefined) {
      errors.values = msg('eligibility.errors.notAnOption', {
        value: bad.slice(0, 40),
        options: subject.options.join(', '),
      });
    }
  }
  result.values = values;
  return result;
}
