// Automatic eligibility rules. A failed rule never blocks submission: it becomes a screening
// flag that an admin confirms or overrides with a reason.
import type { ScreeningFlag } from '../../../models/applications.js';
import type { RuleOperator } from '../../../models/programs.js';

export interface RuleDefinition {
  id: number;
  subject: string;
  operator: RuleOperator;
  values: string[];
  other: string | null;
  margin: number | null;
  message: string;
}

export interface EligibilityFacts {
  answers: Record<string, string>;
  school: { frlPercent: number | null; iepPercent: number | null; enrollment: number | null; level: string };
}

/** The value a rule names: "answer.<key>" or "school.<field>"; undefined when unknown or blank. */
export function factValue(facts: EligibilityFacts, name: string | null): string | undefined {
  if (!name) return undefined;
  const [source, field] = name.split('.', 2) as [string, string | undefined];
  if (!field) return undefined;
  let value: unknown;
  if (source === 'answer') value = Object.hasOwn(facts.answers, field) ? facts.answers[field] : undefined;
  else if (source === 'school')
    value = Object.hasOwn(facts.school, field) ? facts.school[field as keyof EligibilityFacts['school']] : undefined;
  if (value === null || value === undefined || String(value).trim() === '') return undefined;
  return String(value).trim();
}

function asNumber(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

export function rulePasses(rule: RuleDefinition, facts: EligibilityFacts): boolean {
  const value = factValue(facts, rule.subject);
  if (value === undefined) return false;
  const [first = ''] = rule.values;
  switch (rule.operator) {
    case 'one_of':
      return rule.values.map((v) => v.toLowerCase()).includes(value.toLowerCase());
    case 'equals':
      return value.toLowerCase() === first.toLowerCase();
    case 'at_least': {
      const n = asNumber(value);
      return n !== undefined && n >= Number(first);
    }
    case 'at_most': {
      const n = asNumber(value);
      return n !== undefined && n <= Number(first);
    }
    case 'not_below': {
      const n = asNumber(value);
      const other = asNumber(factValue(facts, rule.other));
      return n !== undefined && other !== undefined && n >= other - (rule.margin ?? 0);
    }
  }
}

export function evaluateEligibility(rules: RuleDefinition[], facts: EligibilityFacts): ScreeningFlag[] {
  return rules.filter((rule) => !rulePasses(rule, facts)).map((rule) => ({ ruleId: rule.id, message: rule.message }));
}
