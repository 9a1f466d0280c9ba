// Sends what the outbox holds. Each row is claimed by one worker with FOR UPDATE SKIP LOCKED,
// so several app instances can run workers side by side without sending a message twice.
// A failed send waits longer each time (30 s, 1 min, 2 min ... up to 1 h) and gives up after
// MAX_ATTEMPTS; the row keeps the last error for the admin's outbox page. Once a message is sent
// or given up, the same update hides its secret links (secret-links.ts): the recipient has them.
//
// A claim goes stale after STALE_CLAIM_MS, so a message held by a process that died mid-send is
// sent within about a minute. The invariant that keeps a slow but living send from being taken
// back and sent twice: every SMTP wait ends within SMTP_TIMEOUTS (at most 20 s of silence, a third
// of the stale time), and while a send is under way its worker renews the claim every
// CLAIM_RENEW_MS (a quarter of it). Instances must keep their clocks within seconds of each other
// (NTP), since one instance's claim time is judged by another's clock.
import { and, eq, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { outbox } from '../../models/schema.js';
import type { Clock } from '../clock.js';
import type { Database } from '../db/client.js';
import { withSecretsHidden } from './secret-links.js';
import { withSenderName } from './headers.js';
import type { MailTransport, OutgoingMessage } from './transport.js';

export const MAX_ATTEMPTS = 10;
/** A row left in 'sending' this long belongs to a worker that died mid-send. */
export const STALE_CLAIM_MS = 60 * 1000;
/** How often a worker that is still sending renews its claim. */
export const CLAIM_RENEW_MS = 15 * 1000;

export function retryDelayMs(attempts: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 60 * 60 * 1000);
}

export interface OutboxWorkerOptions {
  db: Database;
  transport: MailTransport;
  mailFrom: string;
  clock: Clock;
  logger?: Logger;
  /** Tests shorten it to watch a renewal happen. */
  claimRenewMs?: number;
}

async function claimNext(db: Database, now: Date) {
  const [row] = await db
    .update(outbox)
    .set({ status: 'sending', claimedAt: now, attempts: sql`${outbox.attempts} + 1` })
    .where(
      sql`${outbox.id} = (
        select id from outbox
        where status = 'pending' and next_attempt_at <= ${now.toISOString()}::timestamptz
        order by next_attempt_at, id
        limit 1
        for update skip locked)`,
    )
    .returning();
  return row;
}

async function releaseStaleClaims(db: Database, now: Date): Promise<void> {
  const staleBefore = new Date(now.getTime() - STALE_CLAIM_MS).toISOString();
  await db
    .update(outbox)
    .set({ status: 'pending', nextAttemptAt: now })
    .where(sql`${outbox.status} = 'sending' and ${outbox.claimedAt} < ${staleBefore}::timestamptz`);
}

/** Sends the message, renewing the row's claim while the send takes its time. */
async function sendKeepingClaim(options: OutboxWorkerOptions, message: OutgoingMessage): Promise<void> {
  const { db, clock, logger } = options;
  let renewal: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    renewal = db
      .update(outbox)
      .set({ claimedAt: clock() })
      .where(and(eq(outbox.id, message.outboxId), eq(outbox.status, 'sending')))
      .catch((error: unknown) =>
        logger?.warn({ err: error, outboxId: message.outboxId }, 'could not renew the claim on a message'),
      );
  }, options.claimRenewMs ?? CLAIM_RENEW_MS);
  try {
    await options.transport.send(message);
  } finally {
    clearInterval(timer);
    await renewal;
  }
}

/** Sends every message that is due, at most `limit`; returns how many were sent. */
export async function processOutboxOnce(options: OutboxWorkerOptions, limit = 50): Promise<number> {
  const { db, mailFrom, clock, logger } = options;
  await releaseStaleClaims(db, clock());
  let sent = 0;
  for (let i = 0; i < limit; i += 1) {
    const row = await claimNext(db, clock());
    if (!row) break;
    try {
      await sendKeepingClaim(options, {
        outboxId: row.id,
        from: row.fromName ? withSenderName(mailFrom, row.fromName) : mailFrom,
        to: row.toAddress,
        subject: row.subject,
        text: row.textBody,
        html: row.htmlBody,
        messageId: row.messageId,
        unsubscribeUrl: row.unsubscribeUrl,
      });
      const { textBody, htmlBody, unsubscribeUrl } = withSecretsHidden(row);
      await db
        .update(outbox)
        .set({ status: 'sent', sentAt: clock(), lastError: null, textBody, htmlBody, unsubscribeUrl })
        .where(eq(outbox.id, row.id));
      sent += 1;
      logger?.info({ outboxId: row.id, template: row.template }, 'mail sent');
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const giveUp = row.attempts >= MAX_ATTEMPTS;
      // A message given up is never sent: its links would only be a secret kept for nobody.
      const hidden = giveUp ? withSecretsHidden(row) : undefined;
      await db
        .update(outbox)
        .set({
          status: giveUp ? 'failed' : 'pending',
          lastError: message.slice(0, 1000),
          nextAttemptAt: new Date(clock().getTime() + retryDelayMs(row.attempts)),
          ...(hidden
            ? { textBody: hidden.textBody, htmlBody: hidden.htmlBody, unsubscribeUrl: hidden.unsubscribeUrl }
            : {}),
        })
        .where(eq(outbox.id, row.id));
      logger?.warn(
        { outboxId: row.id, attempts: row.attempts, err: message },
        giveUp ? 'mail failed for good' : 'mail send failed; will retry',
      );
      // The server is probably down: leave the rest for the next round rather than fail them all.
      break;
    }
  }
  return sent;
}

export interface OutboxWorker {
  /** Runs a round now (after a message was queued) instead of waiting for the timer. */
  wake(): void;
  stop(): Promise<void>;
}

export function startOutboxWorker(options: OutboxWorkerOptions, intervalMs = 5_000): OutboxWorker {
  let stopped = false;
  let running: Promise<void> | undefined;
  let again = false;
  const round = () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = processOutboxOnce(options)
      .then(() => undefined)
      .catch((error: unknown) => options.logger?.error({ err: error }, 'outbox round failed'))
      .finally(() => {
        running = undefined;
        if (again) {
          again = false;
          round();
        }
      });
  };
  const timer = setInterval(round, intervalMs);
  timer.unref();
  round();
  return {
    wake: round,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
