// Text rules shared by every layer: what a one-line value (a name, a title, a subject) may hold.

// Control characters (C0, DEL, C1: CR, LF, tab, NUL, NEL ...) and the Unicode line and paragraph
// separators, which mail programs and JavaScript also treat as line ends. Nobody types one into a
// one-line field on purpose (they arrive pasted or forged), and one in a name breaks the e-mail
// subjects, CSV rows and page titles it is put in.
const LINE_BREAKING = /[\p{Cc}\u2028\u2029]+/gu;

/** One line: every control character or line separator becomes a space, runs of spaces one space. */
export function oneLine(value: string): string {
  return value.replace(LINE_BREAKING, ' ').replace(/\s+/g, ' ').trim();
}

const PLURAL_RULES = new Intl.PluralRules('en-US');
const NUMBERS = new Intl.NumberFormat('en-US');

/** A number as people read it in `locale` (an Intl locale, like "es-US"). */
export function formatNumber(value: number, locale = 'en-US'): string {
  return new Intl.NumberFormat(locale).format(value);
}

/** A score or a difference of scores: at most two decimals, '' for none; `signed` writes +0.5. */
export function formatPoints(value: number | null, locale = 'en-US', { signed = false } = {}): string {
  if (value === null) return '';
  return value.toLocaleString(locale, { maximumFractionDigits: 2, signDisplay: signed ? 'exceptZero' : 'auto' });
}

/**
 * A count with its noun: "1 application", "2,417 applications", never "application(s)".
 * `one` and `other` are whole phrases, so a verb can agree: counted(n, 'review is', 'reviews are').
 */
export function counted(count: number, one: string, other: string): string {
  return `${NUMBERS.format(count)} ${PLURAL_RULES.select(count) === 'one' ? one : other}`;
}
