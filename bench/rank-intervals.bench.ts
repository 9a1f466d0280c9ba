// Times the rank intervals of a national round: 10,000 applications × 3 reviews from 300
// reviewers with their own leniency, 400 bootstrap samples, in memory (no database). Prints the
// time, the process's peak RSS and the longest stall of the event loop meanwhile. No assertions;
// run with `npx tsx bench/rank-intervals.bench.ts [applications] [samples]`.
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import {
  mulberry32,
  rankIntervals,
  rankIntervalsSync,
  suggestMoreReviews,
  type ApplicationScores,
} from '../server/services/decisions/rank-intervals.js';

const [applicationCount = 10_000, samples = 400] = process.argv.slice(2).map(Number);
const REVIEWERS = 300;
const K = 3;
const LINES = [100, 400]; // 100 Gold, 300 Silver

// Scores on 1–5 as the weighted mean of six criteria scored 1–5: a school's quality, the
// reviewer's leniency (−1 to +1) and noise, each criterion rounded and clamped.
const random = mulberry32(42);
const leniency = Array.from({ length: REVIEWERS }, () => random() * 2 - 1);
const apps: ApplicationScores[] = Array.from({ length: applicationCount }, (_, a) => {
  const quality = 3 + (random() - 0.5) * 2;
  const scores = Array.from({ length: K }, (_, j) => {
    const reviewer = (a * K + j) % REVIEWERS;
    let total = 0;
    for (let c = 0; c < 6; c++) {
      const raw = quality + leniency[reviewer]! + (random() - 0.5) * 3;
      total += Math.min(5, Math.max(1, Math.round(raw)));
    }
    return total / 6;
  });
  return { applicationId: a + 1, scores };
});

const stalls = monitorEventLoopDelay({ resolution: 1 });
stalls.enable();
const started = performance.now();
const results = await rankIntervals(apps, { lines: LINES, samples });
const seconds = (performance.now() - started) / 1000;
stalls.disable();

const fragile = results.filter((r) => r.fragile).length;
const widths = results.flatMap((r) => (r.rank === null ? [] : [r.high - r.low])).sort((x, y) => x - y);
console.log(`${applicationCount} applications × ${K} reviews, ${samples} samples, lines ${LINES.join(', ')}`);
console.log(`rankIntervals: ${seconds.toFixed(2)} s`);
console.log(
  `longest event-loop stall: ${(stalls.max / 1e6).toFixed(1)} ms (p99 ${(stalls.percentile(99) / 1e6).toFixed(1)} ms)`,
);
console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
console.log(
  `fragile: ${fragile}; median interval width: ${widths[widths.length >> 1]} ranks; ` +
    `suggested first: ${suggestMoreReviews(results, 5)
      .map((r) => `#${r.applicationId} (rank ${r.rank}, ${r.low}–${r.high}, gain ${r.gain.toFixed(3)})`)
      .join(', ')}`,
);

const syncStarted = performance.now();
rankIntervalsSync(apps, { lines: LINES, samples });
console.log(
  `rankIntervalsSync, for comparison (blocks throughout): ${((performance.now() - syncStarted) / 1000).toFixed(2)} s`,
);
