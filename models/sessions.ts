import { sql } from 'drizzle-orm';
import { index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** express-session rows: only signed-in people (or people mid-way through a form) have one. */
export const sessions = pgTable(
  'sessions',
  {
    sid: text('sid').primaryKey(),
    data: jsonb('data').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (table) => [
    index('sessions_expires_idx').on(table.expiresAt),
    // Signing someone out everywhere (after a password reset) finds their sessions by user id.
    index('sessions_user_idx').on(sql`(${table.data} -> 'passport' ->> 'user')`),
  ],
);
