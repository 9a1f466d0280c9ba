// Charts drawn on the server as SVG, so the ranking page needs no script. Each chart is an image
// to assistive technology (role="img" with a <title> and a <desc> that states what it shows);
// the page puts a table with the same numbers beside it. Only SVG presentation attributes
// (fill, stroke, font-size): the CSP forbids style attributes.
import type { Scale } from '../../../models/schema.js';
import { SOURCE_LANGUAGE } from '../../i18n/languages.js';
import { t } from '../../i18n/translate.js';

export const INK = '#1b1b1b';
export const MUTED = '#595959';
const BAR = '#2e6b3f';
export const DOT = '#1f4a2b';
export const REFERENCE = '#b50909';
const FONT = 'font-family="system-ui, sans-serif"';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

export interface HistogramBin {
  from: number;
  to: number;
  count: number;
}

/** Half-point bins on small scales (1–5: eight bins), twenty bins on wide ones; the last bin includes the top. */
export function histogram(values: readonly number[], { scoreMin, scoreMax }: Scale): HistogramBin[] {
  const range = scoreMax - scoreMin;
  const binCount = range <= 10 ? range * 2 : 20;
  const width = range / binCount;
  const bins = Array.from({ length: binCount }, (_, i) => ({
    from: scoreMin + i * width,
    to: scoreMin + (i + 1) * width,
    count: 0,
  }));
  for (const v of values) {
    const index = Math.min(binCount - 1, Math.max(0, Math.floor((v - scoreMin) / width + 1e-9)));
    bins[index]!.count++;
  }
  return bins;
}

/** Two decimals, as everywhere on the ranking page. */
export function formatScore(value: number | null): string {
  return value === null ? '—' : value.toFixed(2);
}

/** A trimmed label: long names would run into the plot. */
function label(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export function opening({
  id,
  width,
  height,
  title,
  desc,
}: {
  id: string;
  width: number;
  height: number;
  title: string;
  desc: string;
}): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" ` +
    `role="img" aria-labelledby="${id}-title ${id}-desc" ${FONT} font-size="12">` +
    `<title id="${id}-title">${escapeXml(title)}</title><desc id="${id}-desc">${escapeXml(desc)}</desc>`
  );
}

/** Where a chart draws: its size and the margins around the plot; the axis runs along the bottom margin. */
export interface Frame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/**
 * The horizontal axis: its line, a label under each tick (with a light grid line up the plot
 * when `grid`), and its title centred below.
 */
export function xAxis(
  frame: Frame,
  ticks: ReadonlyArray<{ x: number; text: string | number }>,
  title: string,
  { grid = false }: { grid?: boolean } = {},
): string[] {
  const { width, height, left, right, top, bottom } = frame;
  const baseY = height - bottom;
  const parts = [
    `<line x1="${left}" y1="${baseY}" x2="${width - right}" y2="${baseY}" stroke="${MUTED}" stroke-width="1"/>`,
  ];
  for (const tick of ticks) {
    const tx = tick.x.toFixed(1);
    if (grid)
      parts.push(`<line x1="${tx}" y1="${top - 6}" x2="${tx}" y2="${baseY}" stroke="#e1e5dd" stroke-width="1"/>`);
    parts.push(`<text x="${tx}" y="${baseY + 16}" text-anchor="middle" fill="${MUTED}">${tick.text}</text>`);
  }
  parts.push(
    `<text x="${left + (width - left - right) / 2}" y="${height - 6}" text-anchor="middle" fill="${INK}">${escapeXml(title)}</text>`,
  );
  return parts;
}

/** A row's name at the left of a row chart, trimmed to fit. */
export function rowLabel(frame: Frame, y: number, text: string): string {
  return `<text x="${frame.left - 8}" y="${y + 4}" text-anchor="end" fill="${INK}">${escapeXml(label(text, 30))}</text>`;
}

/** A dashed red line from the top of the plot to the axis: a reference (a mean, a decision line). */
export function referenceLine(frame: Frame, x: string): string {
  return `<line x1="${x}" y1="${frame.top - 6}" x2="${x}" y2="${frame.height - frame.bottom}" stroke="${REFERENCE}" stroke-width="2" stroke-dasharray="6 4"/>`;
}

/** Ticks at whole points on small scales, at tenths of the range on wide ones. */
function ticks({ scoreMin, scoreMax }: Scale): number[] {
  const step = scoreMax - scoreMin <= 10 ? 1 : (scoreMax - scoreMin) / 10;
  const values: number[] = [];
  for (let v = scoreMin; v <= scoreMax + 1e-9; v += step) values.push(Math.round(v * 100) / 100);
  return values;
}

const binLabel = (bin: HistogramBin) => `${bin.from.toFixed(1)}–${bin.to.toFixed(1)}`;

/** Bars counting applications by weighted mean score, one per bin; its words in `language`. */
export function scoreHistogramSvg({
  id,
  bins,
  language = SOURCE_LANGUAGE,
  title = t(language, 'decisions.charts.histogramTitle'),
}: {
  id: string;
  bins: readonly HistogramBin[];
  language?: string;
  title?: string;
}): string {
  const width = 640;
  const height = 260;
  const left = 44;
  const right = 12;
  const top = 24;
  const bottom = 44;
  const plotWidth = width - left - right;
  const plotHeight = height - top - bottom;
  const total = bins.reduce((sum, b) => sum + b.count, 0);
  const maxCount = Math.max(1, ...bins.map((b) => b.count));
  const barWidth = plotWidth / Math.max(1, bins.length);
  const desc = t(language, 'decisions.charts.histogramDesc', {
    count: total,
    bins: bins.map((b) => `${binLabel(b)}: ${b.count}`).join('; '),
  });
  const frame = { width, height, left, right, top, bottom };
  const parts = [opening({ id, width, height, title, desc })];
  const baseY = top + plotHeight;
  const axis = xAxis(
    frame,
    [
      ...bins.map((bin, i) => ({ x: left + i * barWidth, text: bin.from.toFixed(1) })),
      ...bins.slice(-1).map((bin) => ({ x: width - right, text: bin.to.toFixed(1) })),
    ],
    t(language, 'decisions.charts.histogramAxis'),
  );
  parts.push(axis[0]!);
  parts.push(
    `<text x="${left - 8}" y="${top - 8}" fill="${INK}">${escapeXml(t(language, 'decisions.charts.histogramCount'))}</text>`,
  );
  bins.forEach((bin, i) => {
    const x = left + i * barWidth;
    const h = (bin.count / maxCount) * plotHeight;
    if (bin.count > 0) {
      parts.push(
        `<rect x="${(x + 2).toFixed(1)}" y="${(baseY - h).toFixed(1)}" width="${(barWidth - 4).toFixed(1)}" height="${h.toFixed(1)}" fill="${BAR}"/>`,
      );
    }
    parts.push(
      `<text x="${(x + barWidth / 2).toFixed(1)}" y="${(baseY - h - 4).toFixed(1)}" text-anchor="middle" fill="${INK}">${bin.count}</text>`,
    );
  });
  parts.push(...axis.slice(1), '</svg>');
  return parts.join('');
}

export interface ReviewerPoint {
  name: string;
  n: number;
  mean: number;
  sd: number;
}

/**
 * One row per reviewer, harshest (lowest mean) first: a dot at their mean review score and a
 * whisker of one standard deviation either side, against a dashed line at the round's mean.
 */
export function reviewerSpreadSvg({
  id,
  reviewers,
  roundMean,
  scale,
  language = SOURCE_LANGUAGE,
}: {
  id: string;
  reviewers: readonly ReviewerPoint[];
  roundMean: number | null;
  scale: Scale;
  language?: string;
}): string {
  const sorted = [...reviewers].sort((a, b) => a.mean - b.mean);
  const width = 640;
  const rowHeight = 22;
  const left = 210;
  const right = 20;
  const top = 30;
  const bottom = 40;
  const height = top + bottom + Math.max(1, sorted.length) * rowHeight;
  const plotWidth = width - left - right;
  const x = (v: number) =>
    left +
    ((Math.min(scale.scoreMax, Math.max(scale.scoreMin, v)) - scale.scoreMin) / (scale.scoreMax - scale.scoreMin)) *
      plotWidth;
  const harshest = sorted[0];
  const mostLenient = sorted[sorted.length - 1];
  const desc =
    sorted.length === 0
      ? t(language, 'decisions.charts.reviewersNone')
      : t(language, 'decisions.charts.reviewersDesc', {
          count: sorted.length,
          hasMean: roundMean === null ? 'no' : 'yes',
          mean: formatScore(roundMean),
          harshest: harshest!.name,
          harshestMean: formatScore(harshest!.mean),
          lenient: mostLenient!.name,
          lenientMean: formatScore(mostLenient!.mean),
        });
  const title = t(language, 'decisions.charts.reviewersTitle');
  const frame = { width, height, left, right, top, bottom };
  const parts = [opening({ id, width, height, title, desc })];
  parts.push(
    ...xAxis(
      frame,
      ticks(scale).map((tick) => ({ x: x(tick), text: tick })),
      t(language, 'decisions.charts.reviewersAxis'),
      { grid: true },
    ),
  );
  sorted.forEach((r, i) => {
    const y = top + i * rowHeight + rowHeight / 2;
    const low = x(r.mean - r.sd).toFixed(1);
    const high = x(r.mean + r.sd).toFixed(1);
    parts.push(rowLabel(frame, y, `${r.name} (${r.n})`));
    parts.push(`<line x1="${low}" y1="${y}" x2="${high}" y2="${y}" stroke="${DOT}" stroke-width="2"/>`);
    parts.push(`<line x1="${low}" y1="${y - 5}" x2="${low}" y2="${y + 5}" stroke="${DOT}" stroke-width="2"/>`);
    parts.push(`<line x1="${high}" y1="${y - 5}" x2="${high}" y2="${y + 5}" stroke="${DOT}" stroke-width="2"/>`);
    parts.push(`<circle cx="${x(r.mean).toFixed(1)}" cy="${y}" r="5" fill="${DOT}"/>`);
  });
  if (roundMean !== null) {
    const rx = x(roundMean).toFixed(1);
    parts.push(referenceLine(frame, rx));
    parts.push(
      `<text x="${rx}" y="${top - 12}" text-anchor="middle" fill="${REFERENCE}">${escapeXml(t(language, 'decisions.charts.roundMean', { mean: formatScore(roundMean) }))}</text>`,
    );
  }
  parts.push('</svg>');
  return parts.join('');
}
