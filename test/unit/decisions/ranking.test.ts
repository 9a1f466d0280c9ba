// The scoring definitions checked against numbers worked out by hand. test/http/decisions/ranking.test.ts
// puts the same reviews in the database and expects the same numbers on the page.
import { expect } from 'chai';
import {
  isFlagged,
  normalize,
  reviewerStats,
  reviewScore,
  sortRanking,
  spread,
  zScore,
  zScores,
  type RankedApplication,
} from '../../../server/services/decisions/ranking.js';
import {
  escapeXml,
  histogram,
  reviewerSpreadSvg,
  scoreHistogramSvg,
} from '../../../server/services/decisions/charts.js';

const EPS = 1e-9;
const SCALE = { scoreMin: 1, scoreMax: 5 };

/*
 * Three criteria weighted 2, 1, 1, so a review's score is (2·c1 + c2 + c3) / 4.
 *
 *            c1 c2 c3   review score            recommendation
 * R1 on A:    5  5  5   20/4 = 5.00             gold
 * R1 on B:    4  3  3   14/4 = 3.50             silver
 * R1 on C:    2  4  4   12/4 = 3.00 (unweighted mean would be 3.33)   not recommended
 * R1 on D:    3  4  4   14/4 = 3.50             silver
 * R2 on A:    4  2  2   12/4 = 3.00 (unweighted 2.67)                 silver
 * R2 on B:    5  4  4   18/4 = 4.50             gold
 * R2 on C:    1  1  1    4/4 = 1.00             not recommended
 * R2 on D:    2  3  3   10/4 = 2.50             not recommended
 * R3 on B:    4  5  5   18/4 = 4.50             gold
 * R3 on C:    3  4  4   14/4 = 3.50             silver
 * (R3 also has a draft on D scored 1 1 1: drafts do not count.)
 *
 * Reviewers (population sd):
 * R1: 5, 3.5, 3, 3.5   mean 15/4 = 3.75; deviations 1.25, −.25, −.75, −.25; squares sum 2.25;
 *     variance 2.25/4 = .5625; sd .75. z: A 5/3, B −1/3, C −1, D −1/3.           (lenient)
 * R2: 3, 4.5, 1, 2.5   mean 11/4 = 2.75; deviations .25, 1.75, −1.75, −.25; squares sum 6.25;
 *     variance 1.5625; sd 1.25. z: A .2, B 1.4, C −1.4, D −.2.                    (harsh)
 * R3: 4.5, 3.5         mean 4; sd .5. z: B 1, C −1.
 * Round mean of the ten review scores: 34/10 = 3.4.
 *
 * Applications (scale 1–5: normalized = 3 + mean z × 4/4; threshold 1.5):
 * A: 5, 3         mean 4;          mean z (5/3 + 1/5)/2 = 14/15;       normalized 59/15;  spread 2   flagged
 * B: 3.5, 4.5, 4.5 mean 12.5/3;    mean z (−1/3 + 7/5 + 1)/3 = 31/45; normalized 166/45; spread 1
 * C: 3, 1, 3.5    mean 7.5/3 = 2.5; mean z (−1 − 7/5 − 1)/3 = −17/15;  normalized 28/15;  spread 2.5 flagged
 * D: 3.5, 2.5     mean 3;          mean z (−1/3 − 1/5)/2 = −4/15;     normalized 41/15;  spread 1
 * By mean B > A > D > C; normalized A > B > D > C: R1's leniency lifted B less than R2's
 * harshness held A down.
 */
const w = (c1: number, c2: number, c3: number) => [
  { score: c1, weight: 2 },
  { score: c2, weight: 1 },
  { score: c3, weight: 1 },
];
const REVIEWS = [
  { reviewerId: 1, app: 'A', criteria: w(5, 5, 5) },
  { reviewerId: 1, app: 'B', criteria: w(4, 3, 3) },
  { reviewerId: 1, app: 'C', criteria: w(2, 4, 4) },
  { reviewerId: 1, app: 'D', criteria: w(3, 4, 4) },
  { reviewerId: 2, app: 'A', criteria: w(4, 2, 2) },
  { reviewerId: 2, app: 'B', criteria: w(5, 4, 4) },
  { reviewerId: 2, app: 'C', criteria: w(1, 1, 1) },
  { reviewerId: 2, app: 'D', criteria: w(2, 3, 3) },
  { reviewerId: 3, app: 'B', criteria: w(4, 5, 5) },
  { reviewerId: 3, app: 'C', criteria: w(3, 4, 4) },
];

describe('scoring: the definitions on numbers worked out by hand', () => {
  const scored = REVIEWS.map((r) => ({ ...r, score: reviewScore(r.criteria)! }));
  const { z, reviewers } = zScores(scored);
  const perApp = (app: string) => scored.map((r, i) => ({ ...r, z: z[i]! })).filter((r) => r.app === app);
  const meanOf = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

  it('scores a review as the weighted mean of its criterion scores, skipping unscored criteria', () => {
    expect(scored.map((r) => r.score)).to.deep.equal([5, 3.5, 3, 3.5, 3, 4.5, 1, 2.5, 4.5, 3.5]);
    expect(
      reviewScore([
        { score: 4, weight: 2 },
        { score: null, weight: 1 },
        { score: 1, weight: 1 },
      ]),
    ).to.be.closeTo(9 / 3, EPS);
    expect(reviewScore([{ score: null, weight: 1 }])).to.equal(null);
    expect(reviewScore([])).to.equal(null);
  });

  it("computes each reviewer's n, mean and population standard deviation", () => {
    expect(reviewers.get(1)).to.deep.equal({ n: 4, mean: 3.75, sd: 0.75 });
    expect(reviewers.get(2)).to.deep.equal({ n: 4, mean: 2.75, sd: 1.25 });
    expect(reviewers.get(3)).to.deep.equal({ n: 2, mean: 4, sd: 0.5 });
  });

  it("turns each review into a z-score within its reviewer's reviews", () => {
    const expected = [5 / 3, -1 / 3, -1, -1 / 3, 0.2, 1.4, -1.4, -0.2, 1, -1];
    expected.forEach((value, i) => expect(z[i], `review ${i}`).to.be.closeTo(value, EPS));
  });

  it('gives z = 0 to a reviewer who scored one application or gave equal scores', () => {
    expect(zScore(4, reviewerStats([4]))).to.equal(0);
    // 0.1 × 3 is not exactly 0.3 in floating point; the sd of equal scores must still be 0.
    const equal = reviewerStats([0.1 + 0.2, 0.3, 0.3]);
    expect(equal.sd).to.equal(0);
    expect(zScore(0.3, equal)).to.equal(0);
    expect(zScores([{ reviewerId: 9, score: 2 }]).z).to.deep.equal([0]);
    expect(reviewerStats([])).to.deep.equal({ n: 0, mean: 0, sd: 0 });
  });

  it('averages and normalizes per application, with spread and flag', () => {
    const expected = {
      A: { mean: 4, meanZ: 14 / 15, normalized: 59 / 15, spread: 2, flagged: true },
      B: { mean: 12.5 / 3, meanZ: 31 / 45, normalized: 166 / 45, spread: 1, flagged: false },
      C: { mean: 2.5, meanZ: -17 / 15, normalized: 28 / 15, spread: 2.5, flagged: true },
      D: { mean: 3, meanZ: -4 / 15, normalized: 41 / 15, spread: 1, flagged: false },
    };
    for (const [app, want] of Object.entries(expected)) {
      const reviews = perApp(app);
      const meanZ = meanOf(reviews.map((r) => r.z));
      const appSpread = spread(reviews.map((r) => r.score));
      expect(meanOf(reviews.map((r) => r.score)), `${app} mean`).to.be.closeTo(want.mean, EPS);
      expect(meanZ, `${app} mean z`).to.be.closeTo(want.meanZ, EPS);
      expect(normalize(meanZ, SCALE), `${app} normalized`).to.be.closeTo(want.normalized, EPS);
      expect(appSpread, `${app} spread`).to.be.closeTo(want.spread, EPS);
      expect(isFlagged(appSpread, 1.5), `${app} flag`).to.equal(want.flagged);
    }
  });

  it('maps z onto the scale as midpoint + z × range/4, clamped', () => {
    expect(normalize(0, SCALE)).to.equal(3);
    expect(normalize(1, SCALE)).to.equal(4);
    expect(normalize(-2, SCALE)).to.equal(1);
    expect(normalize(3, SCALE)).to.equal(5);
    expect(normalize(-9, SCALE)).to.equal(1);
    expect(normalize(0.5, { scoreMin: 0, scoreMax: 100 })).to.equal(62.5);
  });

  it('flags only a spread beyond the threshold, ignoring rounding noise', () => {
    expect(spread([])).to.equal(null);
    expect(spread([3])).to.equal(0);
    expect(isFlagged(null, 1.5)).to.equal(false);
    expect(isFlagged(1.5, 1.5)).to.equal(false);
    expect(isFlagged(10 / 3 - 11 / 6, 1.5)).to.equal(false); // 1.5000000000000002 in floating point
    expect(isFlagged(1.51, 1.5)).to.equal(true);
  });

  it('counts scores in half-point bins, the top of the scale in the last bin', () => {
    const bins = histogram([4, 12.5 / 3, 2.5, 3, 1, 5], SCALE);
    expect(bins.map((b) => b.from)).to.deep.equal([1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5]);
    expect(bins.map((b) => b.count)).to.deep.equal([1, 0, 0, 1, 1, 0, 2, 1]);
    expect(histogram([50], { scoreMin: 0, scoreMax: 100 })).to.have.length(20);
  });

  it('sorts with empty values last either way and ties by name', () => {
    const row = (applicationId: number, schoolName: string, mean: number | null) =>
      ({ applicationId, schoolName, mean, normalized: null, spread: null, reviewsIn: 0 }) as RankedApplication;
    const rows = [row(1, 'Cedar', 3), row(2, 'Alder', null), row(3, 'Birch', 3), row(4, 'Dogwood', 4)];
    expect(sortRanking([...rows], 'mean', 'desc').map((r) => r.schoolName)).to.deep.equal([
      'Dogwood',
      'Birch',
      'Cedar',
      'Alder',
    ]);
    expect(sortRanking([...rows], 'mean', 'asc').map((r) => r.schoolName)).to.deep.equal([
      'Birch',
      'Cedar',
      'Dogwood',
      'Alder',
    ]);
    expect(sortRanking([...rows], 'name', 'desc').map((r) => r.schoolName)).to.deep.equal([
      'Dogwood',
      'Cedar',
      'Birch',
      'Alder',
    ]);
  });
});

describe('charts: accessible server-rendered SVG', () => {
  it('draws the histogram with a title, a description stating every bin, and no style attribute', () => {
    const svg = scoreHistogramSvg({ id: 'h', bins: histogram([4, 4.2, 2.5, 3], SCALE) });
    expect(svg).to.match(/^<svg [^>]*role="img" aria-labelledby="h-title h-desc"/);
    expect(svg).to.contain('<title id="h-title">Distribution of weighted mean scores</title>');
    expect(svg).to.contain('4 applications with scores, counted by weighted mean score: 1.0–1.5: 0;');
    expect(svg).to.contain('4.0–4.5: 2; 4.5–5.0: 0.</desc>');
    expect(svg.match(/<rect /g)).to.have.length(3);
    expect(svg).not.to.contain('style=');
  });

  it('draws reviewers harshest first around the round mean, escaping names', () => {
    const svg = reviewerSpreadSvg({
      id: 'r',
      scale: SCALE,
      roundMean: 3.4,
      reviewers: [
        { name: 'Rae <Lenient>', n: 4, mean: 3.75, sd: 0.75 },
        { name: 'Hal Harsh', n: 4, mean: 2.75, sd: 1.25 },
      ],
    });
    expect(svg).to.contain('Harshest: Hal Harsh, mean 2.75; most lenient: Rae &lt;Lenient&gt;, mean 3.75.');
    expect(svg.indexOf('Hal Harsh (4)')).to.be.lessThan(svg.indexOf('Rae &lt;Lenient&gt; (4)'));
    expect(svg).to.contain('Round mean 3.40');
    expect(svg).to.contain('stroke-dasharray="6 4"');
    expect(svg).not.to.contain('<Lenient>');
    expect(escapeXml(`"a" & 'b'`)).to.equal('&quot;a&quot; &amp; &apos;b&apos;');
    expect(reviewerSpreadSvg({ id: 'e', scale: SCALE, roundMean: null, reviewers: [] })).to.contain(
      'No reviewer has submitted',
    );
  });
});
