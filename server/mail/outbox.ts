// Putting a message in the outbox is part of the caller's transaction: if the change is rolled
// back, no e-mail goes out; if it commits, the worker will send it.
import { randomUUID } from 'node:crypto';
import { outbox } from '../../models/schema.js';
import type { Clock } from '../clock.js';
import type { Database } from '../db/client.js';
import { renderMail } from './templates.js';

export interface MailSettings {
  baseUrl: string;
  mailFrom: string;
  /**
   * The worker decides what is due by its clock, so a new row must be due by that same clock,
   * not by the database's now() (a test clock, or a database server whose time drifts).
   */
  clock?: Clock;
}

export async function enqueueMail(
  db: Database,
  settings: MailSettings,
  { to, template, data }: { to: string; template: string; data: Record<string, unknown> },
): Promise<number> {
  const rendered = renderMail(template, { ...data, baseUrl: settings.baseUrl });
  const domain = new URL(settings.baseUrl).hostname || 'localhost';
  const now = settings.clock?.();
  const [row] = await db
    .insert(outbox)
    .values({
      template,
      toAddress: to,
      subject: rendered.subject,
      textBody: rendered.text,
      htmlBody: rendered.html,
      messageId: `<${randomUUID()}@${domain}>`,
      ...(now ? { nextAttemptAt: now, createdAt: now } : {}),
    })
    .returning({ id: outbox.id });
  if (!row) throw new Error('The outbox insert returned no row');
  return row.id;
}
