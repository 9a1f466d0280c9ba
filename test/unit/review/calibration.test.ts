// Calibration on numbers worked out by hand: each reviewer's offset against the rest of the
// panel, and what it does to the normalized score (calibratedStats, zScores with priors).
import { expect } from 'chai';
import { calibrate, harshnessOf } from '../../../server/services/review/calibration-math.js';
import {
  calibratedStats,
  normalize,
  reviewerStats,
  zScore,
  zScores,
  type CalibrationPrior,
} from '../../../server/services/decisions/ranking-math.js';

const EPS = 1e-9;
const SCALE = { scoreMin: 1, scoreMax: 5 };

describe('calibration: offsets against the rest of the panel', () => {
  /*
   * Example X: A 2, B 4, C 3.   Example Y: A 1, B 5.   Example Z: D 5 (nobody else).
   * Leave-one-out offsets:
   *   A: X 2 − (4+3)/2 = −1.5, Y 1 − 5 = −4       → −2.75 over 2
   *   B: X 4 − (2+3)/2 = +1.5, Y 5 − 1 = +4       → +2.75 over 2
   *   C: X 3 − (2+4)/2 = 0                         → 0 over 1
   *   D: Z alone                                   → nothing to compare
   */
  const entries = [
    { itemId: 1, reviewerId: 1, score: 2 },
    { itemId: 1, reviewerId: 2, score: 4 },
    { itemId: 1, reviewerId: 3, score: 3 },
    { itemId: 2, reviewerId: 1, score: 1 },
    { itemId: 2, reviewerId: 2, score: 5 },
    { itemId: 3, reviewerId: 4, score: 5 },
  ];
  const { items, reviewers } = calibrate(entries);

  it("compares each reviewer with the others' mean on the same examples, never with themself", () => {
    expect(reviewers.get(1)).to.deep.equal({ reviewerId: 1, scored: 2, compared: 2, offset: -2.75 });
    expect(reviewers.get(2)).to.deep.equal({ reviewerId: 2, scored: 2, compared: 2, offset: 2.75 });
    expect(reviewers.get(3)).to.deep.equal({ reviewerId: 3, scored: 1, compared: 1, offset: 0 });
    expect(reviewers.get(4)).to.deep.equal({ reviewerId: 4, scored: 1, compared: 0, offset: null });
  });

  it("summarizes each example's scores", () => {
    expect(items.get(1)).to.deep.equal({ itemId: 1, n: 3, mean: 3, low: 2, high: 4 });
    expect(items.get(2)).to.deep.equal({ itemId: 2, n: 2, mean: 3, low: 1, high: 5 });
    expect(items.get(3)).to.deep.equal({ itemId: 3, n: 1, mean: 5, low: 5, high: 5 });
    expect(calibrate([]).reviewers.size).to.equal(0);
  });

  it('says harsher or more lenient beyond an eighth of the scale, in line within it', () => {
    expect(harshnessOf(-0.5, SCALE)).to.equal('harsher');
    expect(harshnessOf(-0.49, SCALE)).to.equal('inLine');
    expect(harshnessOf(0.49, SCALE)).to.equal('inLine');
    expect(harshnessOf(0.5, SCALE)).to.equal('lenient');
    expect(harshnessOf(null, SCALE)).to.equal('unknown');
    expect(harshnessOf(-10, { scoreMin: 0, scoreMax: 100 })).to.equal('inLine');
    expect(harshnessOf(-12.5, { scoreMin: 0, scoreMax: 100 })).to.equal('harsher');
  });
});

describe('calibration changes normalized scores as designed', () => {
  /*
   * H is harsh (offset −1 on 2 examples), L lenient (+1 on 2). H read only P and gave it 3;
   * L read only Q and gave it 4. Round: mean 3.5, population sd 0.5.
   * Without calibration each reviewer has one review, so both z are 0: P and Q tie at 3.
   * With it, H counts two pseudo-reviews centred on 3.5 − 1 = 2.5 with the round's sd 0.5:
   *   mean (1 × 3 + 2 × 2.5) / 3 = 8/3;
   *   variance (1 × (0 + (3 − 8/3)²) + 2 × (0.25 + (2.5 − 8/3)²)) / 3 = (1/9 + 2 × (1/4 + 1/36)) / 3 = 2/9;
   *   z(P) = (3 − 8/3) / √(2/9) = 1/√2, normalized 3 + 1/√2.
   * L likewise around 4.5: mean 13/3, variance 2/9, z(Q) = −1/√2, normalized 3 − 1/√2.
   * The harsh reviewer's 3 now ranks above the lenient reviewer's 4.
   */
  const H = 1;
  const L = 2;
  const reviews = [
    { reviewerId: H, score: 3 },
    { reviewerId: L, score: 4 },
  ];
  const priors = new Map<number, CalibrationPrior>([
    [H, { offset: -1, weight: 2 }],
    [L, { offset: 1, weight: 2 }],
  ]);

  it('leaves the ranking as it was without calibration', () => {
    const plain = zScores(reviews);
    expect(plain.z).to.deep.equal([0, 0]);
    expect(zScores(reviews, new Map()).z).to.deep.equal(plain.z);
    expect(calibratedStats(reviewerStats([3, 4]), undefined, { mean: 3.5, sd: 0.5 })).to.deep.equal(
      reviewerStats([3, 4]),
    );
  });

  it("lifts a harsh reviewer's scores and lowers a lenient one's, by the formula", () => {
    const { z, reviewers, normalizing } = zScores(reviews, priors);
    expect(normalizing.get(H)!.mean).to.be.closeTo(8 / 3, EPS);
    expect(normalizing.get(H)!.sd).to.be.closeTo(Math.sqrt(2 / 9), EPS);
    expect(normalizing.get(L)!.mean).to.be.closeTo(13 / 3, EPS);
    expect(z[0]).to.be.closeTo(1 / Math.SQRT2, EPS);
    expect(z[1]).to.be.closeTo(-1 / Math.SQRT2, EPS);
    expect(normalize(z[0]!, SCALE)).to.be.closeTo(3 + 1 / Math.SQRT2, EPS);
    expect(normalize(z[1]!, SCALE)).to.be.closeTo(3 - 1 / Math.SQRT2, EPS);
    // What the page shows of a reviewer stays their own reviews.
    expect(reviewers.get(H)).to.deep.equal({ n: 1, mean: 3, sd: 0 });
  });

  it('weighs the calibration less as a reviewer writes more reviews', () => {
    // R: 8 reviews, mean 3.5 and sd 0.5 of their own; offset −1 on 2 examples. The round is R's
    // reviews and one of 2 by S: mean 30/9 = 10/3, sd 2/3 (squared deviations: four 3s 1/9 each,
    // four 4s 4/9 each, the 2 16/9: 36/9 = 4 in all, variance 4/9).
    // Centre 10/3 − 1 = 7/3; mean (8 × 3.5 + 2 × 7/3) / 10 = 98/30;
    // variance (8 × (1/4 + (7/30)²) + 2 × (4/9 + (28/30)²)) / 10 = (8 × 274 + 2 × 1184) / 9000.
    const own = [3, 4, 3, 4, 3, 4, 3, 4];
    const mixed = [...own.map((score) => ({ reviewerId: 7, score })), { reviewerId: 8, score: 2 }];
    const { normalizing } = zScores(mixed, new Map([[7, { offset: -1, weight: 2 }]]));
    expect(normalizing.get(7)!.mean).to.be.closeTo(98 / 30, EPS);
    expect(normalizing.get(7)!.sd).to.be.closeTo(Math.sqrt(4560 / 9000), EPS);
    // A reviewer without calibration keeps their own stats, and z = 0 for a single review.
    expect(normalizing.get(8)).to.deep.equal({ n: 1, mean: 2, sd: 0 });
    const few = zScores([{ reviewerId: 7, score: 3 }, ...mixed.slice(8)], new Map([[7, { offset: -1, weight: 2 }]]));
    const many = zScores(mixed, new Map([[7, { offset: -1, weight: 2 }]]));
    const shift = (stats: { mean: number }, ownMean: number) => Math.abs(stats.mean - ownMean);
    expect(shift(few.normalizing.get(7)!, 3)).to.be.greaterThan(shift(many.normalizing.get(7)!, 3.5));
  });

  it('keeps two close reviews from throwing their z-scores to the ends of the scale', () => {
    // 3.0 and 3.2 (sd 0.1) by a reviewer 1 point harsh on 5 examples, round mean 3.5, sd 0.5.
    // Their own sd around the moved mean would give z of +3.3 and +5.3; the pooled spread keeps
    // them near 1: mean 18.7/7, variance (2 × (0.01 + 0.4286²) + 5 × (0.25 + 0.1714²)) / 7 ≈ 0.255.
    const stats = calibratedStats(reviewerStats([3, 3.2]), { offset: -1, weight: 5 }, { mean: 3.5, sd: 0.5 });
    expect(stats.mean).to.be.closeTo(18.7 / 7, EPS);
    const variance = (2 * (0.01 + (3.1 - 18.7 / 7) ** 2) + 5 * (0.25 + (2.5 - 18.7 / 7) ** 2)) / 7;
    expect(stats.sd).to.be.closeTo(Math.sqrt(variance), EPS);
    for (const score of [3, 3.2]) expect(Math.abs(zScore(score, stats))).to.be.lessThan(1.2);
  });
});
