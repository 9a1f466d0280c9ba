import { sql } from 'drizzle-orm';
import { bigint, bigserial, check, index, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

export const OUTBOX_STATUSES = ['pending', 'sending', 'sent', 'failed'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

/**
 * Every e-mail is rendered and stored here in the same transaction as the change that caused
 * it; the worker sends it later. A row is claimed by exactly one worker (FOR UPDATE SKIP LOCKED).
 */
export const outbox = pgTable(
  'outbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    template: text('template').notNull(),
    toAddress: text('to_address').notNull(),
    subject: text('subject').notNull(),
    /** The display name of the sender (the program's), with the configured address. */
    fromName: text('from_name'),
    /** The language the message was written in: its recipient's. */
    language: text('language').notNull().default('en'),
    textBody: text('text_body').notNull(),
    htmlBody: text('html_body').notNull(),
    /** Fixed when the row is created, so a retried message carries the same Message-ID. */
    messageId: text('message_id').notNull(),
    /** For the List-Unsubscribe header (RFC 8058 one-click). */
    unsubscribeUrl: text('unsubscribe_url'),
    /** The staff's message to a group this e-mail is one copy of (see messages.ts). */
    programMessageId: bigint('program_message_id', { mode: 'number' }),
    status: text('status').$type<OutboxStatus>().notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    claimedAt: timestamp('claimed_at', { withTimezone: true }),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    index('outbox_due_idx')
      .on(table.nextAttemptAt)
      .where(sql`${table.status} = 'pending'`),
    index('outbox_created_idx').on(table.createdAt),
    index('outbox_program_message_idx')
      .on(table.programMessageId)
      .where(sql`${table.programMessageId} is not null`),
    check('outbox_status_known', sql`${table.status} in ('pending','sending','sent','failed')`),
  ],
);

/** Addresses that followed an unsubscribe link. */
export const mailSuppressions = pgTable('mail_suppressions', {
  email: text('email').primaryKey(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * A message's words as the admins edited them: a subject and a plain-text body in Handlebars
 * over the message's fields. The HTML part is made from the text (escaped, paragraphs, links),
 * so an edit cannot inject markup or break the layout. No row: the message as shipped.
 */
export const mailTemplates = pgTable(
  'mail_templates',
  {
    template: text('template').notNull(),
    /** One edit per language; a language without one gets the message as shipped in it. */
    language: text('language').notNull().default('en'),
    subject: text('subject').notNull(),
    body: text('body').notNull(),
    updatedBy: bigint('updated_by', { mode: 'number' }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.template, table.language] })],
);
