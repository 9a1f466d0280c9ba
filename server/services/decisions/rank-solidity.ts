// How solid a round's ranking is, for the ranking page: each application's interval of possible
// ranks, the decision lines that run through it, and which applications one more review would
// settle best (the arithmetic is rank-intervals.ts).
//
// The lines are where the decisions so far put them: the number of Gold decisions among the
// round's applications, then Gold and Silver together. Before any decision an admin may draw
// them by hand (the page's "what if" form), and until then the page shows intervals alone.
//
// The work (about a second and a half at 10,000 applications) runs in the background, yielding
// to other requests, and is kept for as long as the round's submitted scores do not change: it is
// keyed by a digest of them, so a draft saved while reviewing goes on does not start it again.
// A few rounds and a few sets of lines are kept, the oldest forgotten first. A view that finds the
// work still under way says so rather than wait.
import { createHash } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { setTimeout as wait } from 'node:timers/promises';
import { decisions, roundApplications } from '../../../models/schema.js';
import type { Database } from '../../db/client.js';
import { rankIntervals, suggestMoreReviews, type RankInterval, type RankedInterval } from './rank-intervals.js';
import { roundReviews, type RoundReviews } from './round-reviews.js';

/** Where the lines are: the Gold line after `gold` applications, the Silver line after `gold + silver`. */
export interface DecisionLines {
  gold: number;
  silver: number;
  /** From the decisions made, or drawn by the admin for this view. */
  source: 'decisions' | 'chosen' | 'none';
}

export interface RankSolidity {
  lines: DecisionLines;
  /** By application id; absent while the work is under way. */
  intervals?: ReadonlyMap<number, RankInterval>;
  fragileCount: number;
  /** The fragile applications one more review would settle best, most first. */
  suggestions: RankedInterval[];
}

/** How long a view waits for the work before saying it is under way. */
const WAIT_MS = 400;
const SUGGESTIONS = 10;

/** Sets of scores kept, and sets of lines kept for each. */
const SCORES_KEPT = 8;
const LINES_KEPT = 8;
const work = new Map<string, Map<string, Promise<RankInterval[]>>>();
const digests = new WeakMap<RoundReviews, string>();

/** A digest of the scores the intervals are drawn from, the same whatever their order. */
function scoresDigest(summary: RoundReviews): string {
  let digest = digests.get(summary);
  if (!digest) {
    const hash = createHash('sha256');
    for (const id of [...summary.byApplication.keys()].sort((a, b) => a - b)) {
      hash.update(`${id}:${[...summary.byApplication.get(id)!.scores].sort((a, b) => a - b).join(',')};`);
    }
    digest = hash.digest('hex');
    digests.set(summary, digest);
  }
  return digest;
}

/** Keeps `key` last in `map`, forgetting the oldest beyond `limit`. */
function remember<V>(map: Map<string, V>, key: string, value: V, limit: number): V {
  map.delete(key);
  map.set(key, value);
  if (map.size > limit) map.delete(map.keys().next().value!);
  return value;
}

/** The Gold and Silver decisions among the round's applications. */
async function decidedLines(db: Database, roundId: number): Promise<DecisionLines> {
  const [row] = await db
    .select({
      gold: sql<number>`count(*) filter (where ${decisions.level} = 'gold')::int`,
      silver: sql<number>`count(*) filter (where ${decisions.level} = 'silver')::int`,
    })
    .from(decisions)
    .innerJoin(
      roundApplications,
      and(eq(roundApplications.applicationId, decisions.applicationId), eq(roundApplications.roundId, roundId)),
    );
  const gold = row?.gold ?? 0;
  const silver = row?.silver ?? 0;
  return { gold, silver, source: gold + silver > 0 ? 'decisions' : 'none' };
}

/** The lines as rank positions, without empty or repeated ones. */
export function linePositions({ gold, silver }: DecisionLines): number[] {
  return [...new Set([gold, gold + silver].filter((line) => line > 0))];
}

function intervalsOf(summary: RoundReviews, lines: number[]): Promise<RankInterval[]> {
  const digest = scoresDigest(summary);
  const byLines = remember(work, digest, work.get(digest) ?? new Map<string, Promise<RankInterval[]>>(), SCORES_KEPT);
  const key = lines.join(',');
  let found = byLines.get(key);
  if (!found) {
    const apps = [...summary.byApplication].map(([applicationId, e]) => ({ applicationId, scores: e.scores }));
    found = rankIntervals(apps, { lines });
    // A failure is not kept: the next view tries again.
    found.catch(() => byLines.delete(key));
  }
  return remember(byLines, key, found, LINES_KEPT);
}

/**
 * The round's rank intervals with the lines of its decisions, or the lines given (`chosen`);
 * without `intervals` when the work is still under way.
 */
export async function rankSolidity(
  db: Database,
  roundId: number,
  { chosen, waitMs = WAIT_MS }: { chosen?: { gold: number; silver: number }; waitMs?: number } = {},
): Promise<RankSolidity> {
  const [summary, decided] = await Promise.all([roundReviews(db, roundId), decidedLines(db, roundId)]);
  const lines: DecisionLines = chosen ? { ...chosen, source: 'chosen' } : decided;
  const pending = intervalsOf(summary, linePositions(lines));
  const done = await Promise.race([pending, wait(waitMs, undefined, { ref: false })]);
  if (!done) return { lines, fragileCount: 0, suggestions: [] };
  return {
    lines,
    intervals: new Map(done.map((interval) => [interval.applicationId, interval])),
    fragileCount: done.filter((interval) => interval.fragile).length,
    suggestions: suggestMoreReviews(done, SUGGESTIONS),
  };
}
