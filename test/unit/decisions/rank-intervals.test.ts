// The rank intervals on constructed rounds whose answer is known without the bootstrap: a winner
// far ahead, two applications tied across the Gold line, one review against four, no reviews.
import { expect } from 'chai';
import {
  rankIntervals,
  rankIntervalsSync,
  suggestMoreReviews,
  type ApplicationScores,
  type RankInterval,
  type RankedInterval,
} from '../../../server/services/decisions/rank-intervals.js';

const ranked = (results: RankInterval[], applicationId: number): RankedInterval => {
  const found = results.find((r) => r.applicationId === applicationId);
  if (!found || found.rank === null) throw new Error(`application ${applicationId} is not ranked`);
  return found;
};

/** Applications 1…count with means 2, 2.25, 2.5 … and three reviews a point apart. */
const field = (count: number, firstId = 1): ApplicationScores[] =>
  Array.from({ length: count }, (_, j) => {
    const m = 2 + j * 0.25;
    return { applicationId: firstId + j, scores: [m - 1, m, m + 1] };
  });

describe('rank intervals: how solid the ranking is', () => {
  it('gives a clear winner the interval [1, 1], above every line, not fragile', () => {
    const apps = [{ applicationId: 100, scores: [9.5, 10, 9.8, 10] }, ...field(10)];
    const winner = ranked(rankIntervalsSync(apps, { lines: [1, 3] }), 100);
    expect(winner).to.deep.equal({
      applicationId: 100,
      reviews: 4,
      rank: 1,
      low: 1,
      high: 1,
      pAbove: [1, 1],
      fragile: false,
      gain: 0,
    });
  });

  it('flags two applications tied across the Gold line, each above it about half the time, and suggests both', () => {
    const apps = [
      { applicationId: 7, scores: [6, 8, 10] },
      { applicationId: 3, scores: [7, 8, 9] },
      { applicationId: 20, scores: [2, 3, 4] },
      { applicationId: 21, scores: [1, 3, 5] },
      { applicationId: 22, scores: [3, 3.5, 2.5] },
    ];
    const results = rankIntervalsSync(apps, { lines: [1] });
    for (const id of [3, 7]) {
      const r = ranked(results, id);
      expect(r.rank, `${id} rank`).to.equal(1); // tied: both take the better rank
      expect([r.low, r.high], `${id} interval`).to.deep.equal([1, 2]);
      expect(r.fragile, `${id} fragile`).to.equal(true);
      expect(r.pAbove[0], `${id} above Gold`).to.be.within(0.35, 0.65);
      expect(r.gain, `${id} gain`).to.equal(Math.min(r.pAbove[0]!, 1 - r.pAbove[0]!) / 4);
    }
    for (const id of [20, 21, 22]) expect(ranked(results, id).fragile, `${id} fragile`).to.equal(false);
    expect(suggestMoreReviews(results, 10).map((r) => r.applicationId)).to.have.members([3, 7]);
  });

  it('gives an application with one review a wider interval than one with four and the same mean', () => {
    const apps = [
      ...field(20),
      { applicationId: 100, scores: [4.5] },
      { applicationId: 101, scores: [3.5, 5.5, 4, 5] },
    ];
    const results = rankIntervalsSync(apps, { lines: [5, 10] });
    const one = ranked(results, 100);
    const four = ranked(results, 101);
    expect(one.rank).to.equal(four.rank);
    expect(four.high - four.low).to.be.greaterThan(0);
    expect(one.high - one.low).to.be.greaterThan(four.high - four.low);
  });

  it('gives the same output for the same seed, whatever the order of the input, and another for another seed', () => {
    const apps = [...field(15), { applicationId: 50, scores: [4] }];
    const options = { lines: [3, 8], seed: 12345 };
    const first = rankIntervalsSync(apps, options);
    expect(rankIntervalsSync(apps, options)).to.deep.equal(first);
    const reversed = apps.map((a) => ({ ...a, scores: [...a.scores].reverse() })).reverse();
    expect(rankIntervalsSync(reversed, options).reverse()).to.deep.equal(first);
    expect(rankIntervalsSync(apps, { ...options, seed: 54321 })).not.to.deep.equal(first);
  });

  it('ties the same reviews listed in another order (0.1 + 0.2 + 0.3 is not 0.3 + 0.2 + 0.1)', () => {
    const apps = [
      { applicationId: 1, scores: [0.1, 0.2, 0.3] },
      { applicationId: 2, scores: [0.3, 0.2, 0.1] },
    ];
    expect(rankIntervalsSync(apps, { lines: [1] }).map((r) => r.rank)).to.deep.equal([1, 1]);
  });

  it('returns applications with no review unranked, and they push no one down', () => {
    const apps = field(5);
    const withEmpty = [{ applicationId: 99, scores: [] }, ...apps];
    const results = rankIntervalsSync(withEmpty, { lines: [2] });
    expect(results[0]).to.deep.equal({
      applicationId: 99,
      reviews: 0,
      rank: null,
      low: null,
      high: null,
      pAbove: null,
      fragile: false,
      gain: 0,
    });
    expect(results.slice(1)).to.deep.equal(rankIntervalsSync(apps, { lines: [2] }));
    expect(suggestMoreReviews(results, 10).map((r) => r.applicationId)).not.to.include(99);
  });

  it('puts the point rank inside every interval of a plain round', () => {
    const results = rankIntervalsSync(field(30), { lines: [5, 15] });
    expect(results.filter((r) => r.high !== null && r.high > r.low!)).to.have.length.greaterThan(20);
    for (const r of results) {
      expect(r.low, `${r.applicationId}`).to.be.at.most(r.rank!);
      expect(r.high, `${r.applicationId}`).to.be.at.least(r.rank!);
    }
    // Means rise with the id: the best has the highest id.
    expect(ranked(results, 30).rank).to.equal(1);
    expect(ranked(results, 1).rank).to.equal(30);
  });

  it('gives every application its point rank when no application has two reviews', () => {
    const apps = [
      { applicationId: 1, scores: [5] },
      { applicationId: 2, scores: [4] },
      { applicationId: 3, scores: [4] },
      { applicationId: 4, scores: [3] },
    ];
    const results = rankIntervalsSync(apps, { lines: [2] });
    expect(results.map((r) => [r.rank, r.low, r.high, r.pAbove, r.fragile])).to.deep.equal([
      [1, 1, 1, [1], false],
      [2, 2, 2, [1], false],
      [2, 2, 2, [1], false],
      [4, 4, 4, [0], false],
    ]);
  });

  it('gives the same result asynchronously, letting other work run meanwhile', async () => {
    const apps = [...field(40), { applicationId: 100, scores: [3] }, { applicationId: 101, scores: [] }];
    const options = { lines: [10, 25], samples: 50 };
    let turns = 0;
    const ticking = setInterval(() => turns++, 0);
    const pending = rankIntervals(apps, options, { yieldEvery: 1 });
    const result = await pending;
    clearInterval(ticking);
    expect(result).to.deep.equal(rankIntervalsSync(apps, options));
    expect(turns).to.be.greaterThan(0);
  });

  it('suggests the fragile applications by gain, then by id, up to the limit', () => {
    const result = (applicationId: number, fragile: boolean, gain: number): RankInterval => ({
      applicationId,
      reviews: 2,
      rank: 1,
      low: 1,
      high: fragile ? 2 : 1,
      pAbove: [0.5],
      fragile,
      gain,
    });
    const results = [result(4, true, 0.1), result(2, false, 0), result(9, true, 0.2), result(1, true, 0.1)];
    expect(suggestMoreReviews(results, 10).map((r) => r.applicationId)).to.deep.equal([9, 1, 4]);
    expect(suggestMoreReviews(results, 2).map((r) => r.applicationId)).to.deep.equal([9, 1]);
    expect(suggestMoreReviews(results, 0)).to.deep.equal([]);
  });

  it('refuses options it cannot honour', () => {
    const apps = field(3);
    expect(() => rankIntervalsSync(apps, { lines: [1], samples: 0 })).to.throw(RangeError);
    expect(() => rankIntervalsSync(apps, { lines: [1], confidence: 1 })).to.throw(RangeError);
    expect(() => rankIntervalsSync(apps, { lines: [Number.NaN] })).to.throw(RangeError);
    expect(() => rankIntervalsSync([...apps, { applicationId: 1, scores: [3] }], { lines: [1] })).to.throw(RangeError);
    expect(() => rankIntervalsSync([{ applicationId: 1, scores: [Infinity] }], { lines: [1] })).to.throw(RangeError);
  });
});
