// The admin's view of the mail outbox: every message with its delivery state, newest first.
// Admins read messages with their secret links hidden, whether or not they are sent yet: a reset
// or invitation link works for whoever opens it, and only the recipient should have it.
import { desc, eq, lt, sql } from 'drizzle-orm';
import { outbox } from '../../models/schema.js';
import type { Database } from '../db/client.js';
import { hideMailSecrets, withSecretsHidden } from './secret-links.js';

export const OUTBOX_PAGE_SIZE = 50;

/** Keyset pagination by id: page N costs the same as page 1 with 100,000 messages. */
export async function listOutbox(db: Database, { before }: { before?: number }) {
  const rows = await db
    .select({
      id: outbox.id,
      toAddress: outbox.toAddress,
      subject: outbox.subject,
      template: outbox.template,
      status: outbox.status,
      attempts: outbox.attempts,
      createdAt: outbox.createdAt,
      sentAt: outbox.sentAt,
      nextAttemptAt: outbox.nextAttemptAt,
      lastError: outbox.lastError,
    })
    .from(outbox)
    .where(before ? lt(outbox.id, before) : undefined)
    .orderBy(desc(outbox.id))
    .limit(OUTBOX_PAGE_SIZE + 1);
  const hasMore = rows.length > OUTBOX_PAGE_SIZE;
  const page = rows.slice(0, OUTBOX_PAGE_SIZE).map((row) => ({
    ...row,
    subject: hideMailSecrets(row.subject),
    lastError: row.lastError === null ? null : hideMailSecrets(row.lastError),
  }));
  return { messages: page, nextBefore: hasMore ? page[page.length - 1]?.id : undefined };
}

export async function outboxCounts(db: Database) {
  const rows = await db
    .select({ status: outbox.status, count: sql<number>`count(*)::int` })
    .from(outbox)
    .groupBy(outbox.status);
  return Object.fromEntries(rows.map((r) => [r.status, r.count])) as Record<string, number>;
}

export async function findOutboxMessage(db: Database, id: number) {
  const [row] = await db.select().from(outbox).where(eq(outbox.id, id));
  return row ? withSecretsHidden(row) : undefined;
}
