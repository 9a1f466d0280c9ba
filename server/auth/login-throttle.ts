// Slows down and then pauses password guessing. Failures are counted per account and per
// network address in the database, so the limits hold across several app instances.
// An address gets a much higher limit than an account: a whole school may sit behind one.
import { eq, sql } from 'drizzle-orm';
import { loginFailures } from '../../models/schema.js';
import type { Clock } from '../clock.js';
import type { Database } from '../db/client.js';
import { TooManyRequests } from '../errors.js';
import { msg } from '../i18n/translate.js';

export interface ThrottlePolicy {
  windowMs: number;
  /** Failures after which every further attempt waits a little longer. */
  slowAfter: number;
  delayStepMs: number;
  maxDelayMs: number;
  lockAfterPerAccount: number;
  lockAfterPerAddress: number;
  lockMs: number;
}

export const DEFAULT_THROTTLE: ThrottlePolicy = {
  windowMs: 15 * 60 * 1000,
  slowAfter: 3,
  delayStepMs: 500,
  maxDelayMs: 4_000,
  lockAfterPerAccount: 10,
  lockAfterPerAddress: 100,
  lockMs: 15 * 60 * 1000,
};

const accountKey = (email: string) => `account:${email}`;
const addressKey = (address: string) => `address:${address}`;

function minutesUntil(until: Date, now: Date): number {
  return Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 60_000));
}

/**
 * Throws TooManyRequests while the account or address is paused; otherwise returns how long
 * to wait before checking the password.
 */
export async function throttleBeforeLogin(
  db: Database,
  { email, address, policy, clock }: { email: string; address: string; policy: ThrottlePolicy; clock: Clock },
): Promise<number> {
  const now = clock();
  const rows = await db
    .select()
    .from(loginFailures)
    .where(sql`${loginFailures.key} in (${accountKey(email)}, ${addressKey(address)})`);
  let failures = 0;
  for (const row of rows) {
    if (row.lockedUntil && row.lockedUntil > now) {
      const minutes = minutesUntil(row.lockedUntil, now);
      const paused = row.key.startsWith('account:') ? 'accounts.login.pausedAccount' : 'accounts.login.pausedNetwork';
      throw new TooManyRequests(msg(paused, { minutes }), minutes * 60);
    }
    const inWindow = now.getTime() - row.windowStartedAt.getTime() < policy.windowMs;
    if (inWindow && row.key.startsWith('account:')) failures = row.failures;
  }
  if (failures < policy.slowAfter) return 0;
  return Math.min(policy.delayStepMs * (failures - policy.slowAfter + 1), policy.maxDelayMs);
}

async function countFailure(db: Database, key: string, lockAfter: number, policy: ThrottlePolicy, now: Date) {
  const windowStart = new Date(now.getTime() - policy.windowMs).toISOString();
  const lockedUntil = new Date(now.getTime() + policy.lockMs).toISOString();
  const nowIso = now.toISOString();
  // One statement, so concurrent failures cannot overwrite each other's count.
  await db
    .insert(loginFailures)
    .values({ key, failures: 1, windowStartedAt: now, lockedUntil: lockAfter <= 1 ? new Date(lockedUntil) : null })
    .onConflictDoUpdate({
      target: loginFailures.key,
      set: {
        failures: sql`case when ${loginFailures.windowStartedAt} < ${windowStart}::timestamptz then 1 else ${loginFailures.failures} + 1 end`,
        windowStartedAt: sql`case when ${loginFailures.windowStartedAt} < ${windowStart}::timestamptz then ${nowIso}::timestamptz else ${loginFailures.windowStartedAt} end`,
        lockedUntil: sql`case when ${loginFailures.windowStartedAt} >= ${windowStart}::timestamptz and ${loginFailures.failures} + 1 >= ${lockAfter} then ${lockedUntil}::timestamptz else ${loginFailures.lockedUntil} end`,
      },
    });
}

export async function recordLoginFailure(
  db: Database,
  { email, address, policy, clock }: { email: string; address: string; policy: ThrottlePolicy; clock: Clock },
): Promise<void> {
  const now = clock();
  await countFailure(db, accountKey(email), policy.lockAfterPerAccount, policy, now);
  await countFailure(db, addressKey(address), policy.lockAfterPerAddress, policy, now);
}

export async function clearLoginFailures(db: Database, email: string): Promise<void> {
  await db.delete(loginFailures).where(eq(loginFailures.key, accountKey(email)));
}
