// Messages the staff write to a group of people in a cycle (applicants with unfinished drafts,
// reviewers with unfinished reviews...). Each is sent through the outbox, one e-mail a person;
// the outbox rows point back here, so the log says what was sent to whom.
import { sql } from 'drizzle-orm';
import { bigint, bigserial, check, index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { cycles } from './programs.js';
import { users } from './users.js';

export const MESSAGE_SEGMENTS = [
  'drafts',
  'submitted',
  'unfinished_reviews',
  'nominators_not_applied',
  'reviewers',
] as const;
export type MessageSegment = (typeof MESSAGE_SEGMENTS)[number];

export const MESSAGE_SEGMENT_LABELS: Record<MessageSegment, string> = {
  drafts: 'Contacts of schools with an unfinished draft',
  submitted: 'Contacts of schools that submitted',
  unfinished_reviews: 'Reviewers with unfinished reviews',
  nominators_not_applied: 'Nominators of schools that did not apply',
  reviewers: 'All reviewers of the panel',
};

export const programMessages = pgTable(
  'program_messages',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    cycleId: bigint('cycle_id', { mode: 'number' })
      .notNull()
      .references(() => cycles.id, { onDelete: 'cascade' }),
    segment: text('segment').$type<MessageSegment>().notNull(),
    subject: text('subject').notNull(),
    body: text('body').notNull(),
    sentBy: bigint('sent_by', { mode: 'number' }).references(() => users.id, { onDelete: 'set null' }),
    sentAt: timestamp('sent_at', { withTimezone: true }).notNull(),
    /** People in the group when it was sent; those who unsubscribed got nothing. */
    recipients: integer('recipients').notNull(),
  },
  (table) => [
    index('program_messages_cycle_idx').on(table.cycleId, table.sentAt),
    check(
      'program_messages_segment_known',
      sql`${table.segment} in ('drafts','submitted','unfinished_reviews','nominators_not_applied','reviewers')`,
    ),
  ],
);

export type ProgramMessage = typeof programMessages.$inferSelect;
