// Fixed-window rate limits kept in the database, so they hold across app instances.
import { sql } from 'drizzle-orm';
import { rateCounters } from '../../models/schema.js';
import type { Clock } from '../clock.js';
import type { Database } from '../db/client.js';

/** Counts one hit for `key`; returns false when the window already had `limit` hits. */
export async function takeRateLimit(
  db: Database,
  { key, limit, windowMs, clock }: { key: string; limit: number; windowMs: number; clock: Clock },
): Promise<boolean> {
  const now = clock();
  const windowStart = new Date(now.getTime() - windowMs).toISOString();
  const nowIso = now.toISOString();
  const [row] = await db
    .insert(rateCounters)
    .values({ key, count: 1, windowStartedAt: now })
    .onConflictDoUpdate({
      target: rateCounters.key,
      set: {
        count: sql`case when ${rateCounters.windowStartedAt} < ${windowStart}::timestamptz then 1 else ${rateCounters.count} + 1 end`,
        windowStartedAt: sql`case when ${rateCounters.windowStartedAt} < ${windowStart}::timestamptz then ${nowIso}::timestamptz else ${rateCounters.windowStartedAt} end`,
      },
    })
    .returning({ count: rateCounters.count });
  return (row?.count ?? 0) <= limit;
}

/** Drops counters whose window ended long ago; the server calls it now and then. */
export async function pruneRateCounters(db: Database, olderThan: Date): Promise<void> {
  await db.delete(rateCounters).where(sql`${rateCounters.windowStartedAt} < ${olderThan.toISOString()}::timestamptz`);
}
