// The possible ranks of the applications on a ranking page, drawn as SVG (see charts.ts for the
// rules every chart here keeps): one row per application, a bar from its best to its worst
// possible rank, a dot at its rank, and the decision lines dashed across. Fragile rows are red.
import { SOURCE_LANGUAGE } from '../../i18n/languages.js';
import { t } from '../../i18n/translate.js';
import { DOT, opening, REFERENCE, referenceLine, rowLabel, xAxis } from './charts.js';

export interface IntervalRow {
  label: string;
  rank: number;
  low: number;
  high: number;
  fragile: boolean;
}

/** At most this many rows: a page of 100 would make a chart nobody reads. */
export const INTERVAL_CHART_ROWS = 40;

export function rankIntervalSvg({
  id,
  rows,
  ranked,
  lines,
  language = SOURCE_LANGUAGE,
}: {
  id: string;
  rows: readonly IntervalRow[];
  /** How many applications are ranked: the axis runs from 1 to it. */
  ranked: number;
  /** Rank positions of the decision lines (rank ≤ line is above it). */
  lines: readonly number[];
  language?: string;
}): string {
  const shown = rows.slice(0, INTERVAL_CHART_ROWS);
  const width = 640;
  const rowHeight = 20;
  const left = 210;
  const right = 20;
  const top = 24;
  const bottom = 40;
  const height = top + bottom + Math.max(1, shown.length) * rowHeight;
  const plotWidth = width - left - right;
  const last = Math.max(2, ranked);
  const x = (rank: number) => left + ((Math.min(last, Math.max(1, rank)) - 1) / (last - 1)) * plotWidth;
  const title = t(language, 'decisions.solidity.chartTitle');
  const desc = t(language, 'decisions.solidity.chartDesc', {
    fragile: shown.filter((r) => r.fragile).length,
    count: shown.length,
  });
  const frame = { width, height, left, right, top, bottom };
  const parts = [opening({ id, width, height, title, desc })];
  parts.push(
    ...xAxis(
      frame,
      [1, Math.round((1 + last) / 2), last].map((tick) => ({ x: x(tick), text: tick })),
      t(language, 'decisions.solidity.chartAxis'),
    ),
  );
  for (const line of lines) parts.push(referenceLine(frame, x(line + 0.5).toFixed(1)));
  shown.forEach((row, i) => {
    const y = top + i * rowHeight + rowHeight / 2;
    const color = row.fragile ? REFERENCE : DOT;
    parts.push(rowLabel(frame, y, row.label));
    parts.push(
      `<line x1="${x(row.low).toFixed(1)}" y1="${y}" x2="${x(row.high).toFixed(1)}" y2="${y}" stroke="${color}" stroke-width="3"/>`,
    );
    parts.push(`<circle cx="${x(row.rank).toFixed(1)}" cy="${y}" r="4" fill="${color}"/>`);
  });
  parts.push('</svg>');
  return parts.join('');
}
