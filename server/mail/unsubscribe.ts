// Unsubscribe links: the address and an HMAC of it, so a link works without a session and
// cannot be forged for someone else's address.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { mailSuppressions } from '../../models/schema.js';
import type { Database } from '../db/client.js';
import type { MailTemplate } from './registry.js';

/**
 * Messages sent even after unsubscribing: those a person asks for at that moment, and the work
 * a reviewer agreed to do (their assignments and reminders of them).
 */
export const REQUESTED_TEMPLATES: ReadonlySet<MailTemplate> = new Set<MailTemplate>([
  'verify-email',
  'password-reset',
  'account-exists',
  'nomination-confirm',
  'review-assignments',
  'review-reminder',
]);

function signature(secret: string, email: string): string {
  return createHmac('sha256', secret).update(`unsubscribe:${email}`).digest('base64url');
}

export function unsubscribeUrl(baseUrl: string, secret: string, email: string): string {
  const e = Buffer.from(email).toString('base64url');
  return `${baseUrl}/unsubscribe?e=${e}&t=${signature(secret, email)}`;
}

/** The address a link is for, or undefined when the link was altered. */
export function verifyUnsubscribe(secret: string, e: unknown, t: unknown): string | undefined {
  if (typeof e !== 'string' || typeof t !== 'string' || e.length > 400 || t.length > 100) return undefined;
  const email = Buffer.from(e, 'base64url').toString('utf8');
  const expected = Buffer.from(signature(secret, email));
  const given = Buffer.from(t);
  return expected.length === given.length && timingSafeEqual(expected, given) ? email : undefined;
}

export async function suppress(db: Database, email: string): Promise<void> {
  await db.insert(mailSuppressions).values({ email }).onConflictDoNothing();
}

export async function isSuppressed(db: Database, email: string): Promise<boolean> {
  const [row] = await db
    .select({ email: mailSuppressions.email })
    .from(mailSuppressions)
    .where(eq(mailSuppressions.email, email));
  return Boolean(row);
}
