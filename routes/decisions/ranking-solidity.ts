// The "how solid is this ranking" part of the ranking page: the lines asked for in the query
// (?gold=&silver=, a "what if" before any decision), and the page's words, possible ranks and
// chart from server/services/decisions/rank-solidity.ts.
import type { FieldErrors } from '../../server/errors.js';
import { msg, t } from '../../server/i18n/translate.js';
import { DEFAULT_CONFIDENCE, DEFAULT_SAMPLES } from '../../server/services/decisions/rank-intervals.js';
import { linePositions, type RankSolidity } from '../../server/services/decisions/rank-solidity.js';
import { rankIntervalSvg } from '../../server/services/decisions/interval-chart.js';

const MAX_LINE = 100_000;

/** The lines drawn by hand, when both are given as whole numbers; field messages otherwise. */
export function chosenLines(query: Record<string, unknown>): {
  chosen?: { gold: number; silver: number };
  errors: FieldErrors;
  values: { gold: string; silver: string };
} {
  const raw = (name: 'gold' | 'silver') => (typeof query[name] === 'string' ? (query[name] as string).trim() : '');
  const values = { gold: raw('gold'), silver: raw('silver') };
  const errors: FieldErrors = {};
  if (values.gold === '' && values.silver === '') return { errors, values };
  const parse = (name: 'gold' | 'silver') => {
    const text = values[name] || '0';
    if (!/^\d{1,6}$/.test(text) || Number(text) > MAX_LINE) {
      errors[name] = msg('decisions.solidity.errors.count', { max: MAX_LINE });
      return 0;
    }
    return Number(text);
  };
  const gold = parse('gold');
  const silver = parse('silver');
  return Object.keys(errors).length > 0 ? { errors, values } : { chosen: { gold, silver }, errors, values };
}

interface ShownRow {
  applicationId: number;
  schoolName: string;
}

/** The page's locals for the section and for the column of possible ranks. */
export function solidityLocals(
  lang: string,
  solidity: RankSolidity,
  { shown, names }: { shown: readonly ShownRow[]; names: ReadonlyMap<number, string> },
) {
  const { lines, intervals } = solidity;
  const positions = linePositions(lines);
  const nameOf = (id: number) => names.get(id) ?? t(lang, 'reviews.review.applicationNo', { id: String(id) });
  const linesText =
    lines.source === 'decisions'
      ? t(lang, 'decisions.solidity.linesDecisions', { gold: lines.gold, silver: lines.silver })
      : lines.source === 'chosen'
        ? t(lang, 'decisions.solidity.linesChosen', { gold: lines.gold, silver: lines.silver })
        : t(lang, 'decisions.solidity.linesNone');
  const cell = (id: number) => {
    const interval = intervals?.get(id);
    if (!interval) return undefined;
    if (interval.rank === null) return { text: t(lang, 'decisions.solidity.notRanked'), fragile: false };
    return {
      text: t(lang, 'decisions.solidity.range', { low: interval.low, high: interval.high }),
      fragile: interval.fragile,
    };
  };
  const ranked = intervals ? [...intervals.values()].filter((i) => i.rank !== null).length : 0;
  const chartRows = shown.flatMap((row) => {
    const interval = intervals?.get(row.applicationId);
    return interval && interval.rank !== null
      ? [
          {
            label: row.schoolName,
            rank: interval.rank,
            low: interval.low,
            high: interval.high,
            fragile: interval.fragile,
          },
        ]
      : [];
  });
  return {
    pending: !intervals,
    intro: t(lang, 'decisions.solidity.intro', {
      samples: DEFAULT_SAMPLES,
      share: Math.round(DEFAULT_CONFIDENCE * 100),
    }),
    linesText,
    fragileText: intervals ? t(lang, 'decisions.solidity.fragileCount', { count: solidity.fragileCount }) : '',
    cells: new Map(shown.map((row) => [row.applicationId, cell(row.applicationId)])),
    suggestions: solidity.suggestions.map((s) => {
      // The line it is least sure of: the one whose chance is closest to even.
      let line = 0;
      for (let i = 1; i < s.pAbove.length; i++) {
        if (Math.abs(s.pAbove[i]! - 0.5) < Math.abs(s.pAbove[line]! - 0.5)) line = i;
      }
      return t(lang, 'decisions.solidity.suggestion', {
        school: nameOf(s.applicationId),
        number: String(s.applicationId),
        low: s.low,
        high: s.high,
        reviews: s.reviews,
        chance: s.pAbove[line] ?? 0,
        line: positions[line] === lines.gold ? 'gold' : 'silver',
      });
    }),
    chartSvg:
      chartRows.length > 0
        ? rankIntervalSvg({ id: 'rank-intervals', rows: chartRows, ranked, lines: positions, language: lang })
        : '',
  };
}
