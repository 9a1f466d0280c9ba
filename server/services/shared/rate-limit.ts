// Fixed-window rate limits kept in the database, so they hold across app instances.
import { sql } from 'drizzle-orm';
import { rateCounters } from '../../../models/schema.js';
import type { Clock } from '../../clock.js';
import type { Database } from '../../db/client.js';

export interface RateLimitOptions {
  key: string;
  limit: number;
  windowMs: number;
  clock: Clock;
}

/**
 * Counts one hit for `key`. Says whether the window still had room for it, and how long until
 * the window ends (for a `Retry-After` header when it did not).
 */
export async function takeRateLimitSlot(
  db: Database,
  { key, limit, windowMs, clock }: RateLimitOptions,
): Promise<{ allowed: boolean; retryAfterSeconds: number }> {
  const now = clock();
  // A window ends exactly windowMs after it began, as Retry-After says.
  const windowStart = new Date(now.getTime() - windowMs).toISOString();
  const nowIso = now.toISOString();
  const [row] = await db
    .insert(rateCounters)
    .values({ key, count: 1, windowStartedAt: now })
    .onConflictDoUpdate({
      target: rateCounters.key,
      set: {
        count: sql`case when ${rateCounters.windowStartedAt} <= ${windowStart}::timestamptz then 1 else ${rateCounters.count} + 1 end`,
        windowStartedAt: sql`case when ${rateCounters.windowStartedAt} <= ${windowStart}::timestamptz then ${nowIso}::timestamptz else ${rateCounters.windowStartedAt} end`,
      },
    })
    .returning({ count: rateCounters.count, windowStartedAt: rateCounters.windowStartedAt });
  const windowEndsMs = (row?.windowStartedAt ?? now).getTime() + windowMs;
  return {
    allowed: (row?.count ?? 0) <= limit,
    retryAfterSeconds: Math.max(1, Math.ceil((windowEndsMs - now.getTime()) / 1000)),
  };
}

/** Counts one hit for `key`; returns false when the window already had `limit` hits. */
export async function takeRateLimit(db: Database, options: RateLimitOptions): Promise<boolean> {
  return (await takeRateLimitSlot(db, options)).allowed;
}

/** Drops counters whose window ended long ago; the server calls it now and then. */
export async function pruneRateCounters(db: Database, olderThan: Date): Promise<void> {
  await db.delete(rateCounters).where(sql`${rateCounters.windowStartedAt} < ${olderThan.toISOString()}::timestamptz`);
}
