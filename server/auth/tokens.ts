// Single-use tokens sent by e-mail (address verification, password reset). The token travels
// in the link; only its SHA-256 is stored, so the table alone cannot be used to take over accounts.
// A token that can no longer be used (used, or retired because another link replaced it) keeps
// its row with `used_at` set, so an old link says "no longer valid" rather than "not valid".
import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gt, isNull } from 'drizzle-orm';
import { userTokens, type TokenPurpose } from '../../models/schema.js';
import type { Clock } from '../clock.js';
import type { Database } from '../db/client.js';

export const TOKEN_LIFETIMES_MS: Record<TokenPurpose, number> = {
  verify_email: 7 * 24 * 60 * 60 * 1000,
  reset_password: 60 * 60 * 1000,
};

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A fresh random token for a link, and the hash that is stored in its place. */
export function newToken(): { token: string; tokenHash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, tokenHash: hashToken(token) };
}

export async function issueToken(
  db: Database,
  { userId, purpose, clock }: { userId: number; purpose: TokenPurpose; clock: Clock },
): Promise<string> {
  const { token, tokenHash } = newToken();
  await db.insert(userTokens).values({
    userId,
    purpose,
    tokenHash,
    createdAt: clock(),
    expiresAt: new Date(clock().getTime() + TOKEN_LIFETIMES_MS[purpose]),
  });
  return token;
}

/**
 * Makes the account's unused links of this purpose unusable: an old link lying in a mailbox
 * should not outlive a newer one, nor the change it was sent for.
 */
export async function retireTokens(
  db: Database,
  { userId, purpose, clock }: { userId: number; purpose: TokenPurpose; clock: Clock },
): Promise<void> {
  await db
    .update(userTokens)
    .set({ usedAt: clock() })
    .where(and(eq(userTokens.userId, userId), eq(userTokens.purpose, purpose), isNull(userTokens.usedAt)));
}

export type TokenCheck =
  { ok: true; userId: number; tokenId: number } | { ok: false; reason: 'unknown' | 'used' | 'expired' };

/** Looks a token up without using it (to show the reset form). */
export async function checkToken(
  db: Database,
  { token, purpose, clock }: { token: string; purpose: TokenPurpose; clock: Clock },
): Promise<TokenCheck> {
  if (typeof token !== 'string' || token.length === 0 || token.length > 200) {
    return { ok: false, reason: 'unknown' };
  }
  const [row] = await db
    .select()
    .from(userTokens)
    .where(and(eq(userTokens.tokenHash, hashToken(token)), eq(userTokens.purpose, purpose)));
  if (!row) return { ok: false, reason: 'unknown' };
  if (row.usedAt) return { ok: false, reason: 'used' };
  if (row.expiresAt.getTime() <= clock().getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, userId: row.userId, tokenId: row.id };
}

/**
 * Marks the token used and retires the account's other links of the same purpose; the
 * conditional update makes a second, concurrent use fail. Call it inside the transaction that
 * does the token's work.
 */
export async function consumeToken(
  db: Database,
  { token, purpose, clock }: { token: string; purpose: TokenPurpose; clock: Clock },
): Promise<TokenCheck> {
  const check = await checkToken(db, { token, purpose, clock });
  if (!check.ok) return check;
  const now = clock();
  const updated = await db
    .update(userTokens)
    .set({ usedAt: now })
    .where(and(eq(userTokens.id, check.tokenId), isNull(userTokens.usedAt), gt(userTokens.expiresAt, now)))
    .returning({ id: userTokens.id });
  if (updated.length !== 1) return { ok: false, reason: 'used' };
  await retireTokens(db, { userId: check.userId, purpose, clock });
  return check;
}
