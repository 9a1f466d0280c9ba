// Blind review: the school's name, district and city are taken out of the text reviewers read.
// Matching is case-insensitive and on whole words, so "Lincoln's" loses its "Lincoln" but
// "Lincolnshire" keeps it. A school is often called by its name without "High School" ("at
// Lincoln we…"), and a district by its place name ("Portland schools"): those shorter forms are
// redacted too. Redacting a word too many is acceptable; leaking the school is not.

export interface RedactedSchool {
  name: string;
  district: string;
  city: string;
}

export const REDACTION_LABELS = { school: '[school]', district: '[district]', city: '[city]' } as const;
type Label = (typeof REDACTION_LABELS)[keyof typeof REDACTION_LABELS];

const SCHOOL_SUFFIXES = [/\s+(?:senior\s+)?high\s+school$/iu, /\s+h\.?\s?s\.?$/iu, /\s+high$/iu, /\s+school$/iu];
/** After a school's short name, any of its usual suffixes belongs to the match: "Lincoln HS". */
const SCHOOL_SUFFIX_PATTERN = String.raw`(?:\s+(?:senior\s+)?high(?:\s+school)?|\s+(?:h\.\s?s\.|hs)|\s+school)?`;
const DISTRICT_SUFFIXES = [
  /\s+(?:unified|independent|consolidated|union|city|county|community|public|central)?\s*school\s+district(?:\s+no\.?\s*\d+)?$/iu,
  /\s+(?:public|county|city|community|area)\s+schools$/iu,
  /\s+schools$/iu,
  /\s+(?:usd|isd|csd|sd)(?:\s*\d+)?$/iu,
  /\s+district$/iu,
];
/** Shorter forms this short, or these words, would blank out ordinary prose. */
const TOO_COMMON = new Set([
  'the',
  'school',
  'high',
  'public',
  'city',
  'county',
  'district',
  'schools',
  'saint',
  'st',
  'st.',
]);

function collapse(value: string): string {
  return value.normalize('NFC').replace(/\s+/gu, ' ').trim();
}

function stripOne(value: string, suffixes: RegExp[]): string | undefined {
  for (const suffix of suffixes) {
    const stripped = collapse(value.replace(suffix, ''));
    if (stripped !== collapse(value)) return stripped;
  }
  return undefined;
}

/** The name without its suffix: "Lincoln High School" → "Lincoln"; none when too short or too common. */
function shorterForm(value: string, suffixes: RegExp[]): string | undefined {
  const stripped = stripOne(value, suffixes);
  return stripped && stripped.length >= 3 && !TOO_COMMON.has(stripped.toLowerCase()) ? stripped : undefined;
}

function escapeForRegExp(value: string): string {
  return value
    .replace(/[.*+?^${}()|[\]\\]/gu, '\\$&')
    .replace(/['’‘]/gu, "['’‘]")
    .replace(/\s+/gu, '\\s+')
    .replace(/-/gu, '[-‐–\\s]?');
}

/** Terms with their label, full names before shorter forms, the longer of two first. */
export interface RedactionTerm {
  term: string;
  label: Label;
  /** A school's short name also takes the suffix that follows it in the text. */
  withSuffix?: boolean;
}

export function redactionTerms(school: RedactedSchool): RedactionTerm[] {
  const full: RedactionTerm[] = [];
  const short: RedactionTerm[] = [];
  const name = collapse(school.name);
  const district = collapse(school.district);
  const city = collapse(school.city);
  if (name) full.push({ term: name, label: REDACTION_LABELS.school });
  if (district) full.push({ term: district, label: REDACTION_LABELS.district });
  if (city) full.push({ term: city, label: REDACTION_LABELS.city });
  const shortName = shorterForm(name, SCHOOL_SUFFIXES);
  if (shortName) short.push({ term: shortName, label: REDACTION_LABELS.school, withSuffix: true });
  const shortDistrict = shorterForm(district, DISTRICT_SUFFIXES);
  if (shortDistrict) short.push({ term: shortDistrict, label: REDACTION_LABELS.district });
  const seen = new Set<string>();
  const terms: RedactionTerm[] = [];
  // A district shortened to its city's name is the city: the first label found for a term wins.
  for (const entry of [...full, ...short]) {
    const key = entry.term.toLowerCase();
    if (entry.term.length < 2 || seen.has(key)) continue;
    seen.add(key);
    terms.push(entry);
  }
  return terms.sort((a, b) => b.term.length - a.term.length);
}

export type Redactor = (text: string) => string;

/** A function that redacts this school from any text; the identity when there is nothing to redact. */
export function createRedactor(school: RedactedSchool): Redactor {
  const terms = redactionTerms(school);
  if (terms.length === 0) return (text) => text;
  const alternatives = terms
    .map((t) => `(${escapeForRegExp(t.term)}${t.withSuffix ? SCHOOL_SUFFIX_PATTERN : ''})`)
    .join('|');
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternatives})(?![\\p{L}\\p{N}])`, 'giu');
  return (text) =>
    text.normalize('NFC').replace(pattern, (...groups: unknown[]) => {
      const index = groups.slice(1, terms.length + 1).findIndex((g) => g !== undefined);
      return terms[index]?.label ?? REDACTION_LABELS.school;
    });
}
