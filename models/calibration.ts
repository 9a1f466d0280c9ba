// Calibration: a few example applications (written by staff, or copied from a past cycle's) that
// every reviewer of a cycle scores before their assignments open. How each reviewer scores them
// against the rest of the panel is their harshness, shown to admins and fed to the
// normalization of the cycle's rankings (server/services/decisions/ranking-math.ts).
import { sql } from 'drizzle-orm';
import { bigint, bigserial, check, index, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { applications } from './applications.js';
import { cycles } from './programs.js';
import { users } from './users.js';

/** One example application of a cycle's calibration set. */
export const calibrationItems = pgTable(
  'calibration_items',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    cycleId: bigint('cycle_id', { mode: 'number' })
      .notNull()
      .references(() => cycles.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    /** The example as reviewers read it. */
    body: text('body').notNull(),
    /** The past application it was copied from, if any (for staff; reviewers never see it). */
    sourceApplicationId: bigint('source_application_id', { mode: 'number' }).references(() => applications.id, {
      onDelete: 'set null',
    }),
    createdBy: bigint('created_by', { mode: 'number' }).references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index('calibration_items_cycle_idx').on(table.cycleId, table.id)],
);

/** A reviewer's score of one example, on the cycle's scale, with an optional comment. */
export const calibrationScores = pgTable(
  'calibration_scores',
  {
    itemId: bigint('item_id', { mode: 'number' })
      .notNull()
      .references(() => calibrationItems.id, { onDelete: 'cascade' }),
    reviewerId: bigint('reviewer_id', { mode: 'number' })
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    score: integer('score').notNull(),
    comment: text('comment').notNull().default(''),
    submittedAt: timestamp('submitted_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.itemId, table.reviewerId] }),
    index('calibration_scores_reviewer_idx').on(table.reviewerId),
    check('calibration_scores_comment_length', sql`length(${table.comment}) <= 5000`),
  ],
);

export type CalibrationItem = typeof calibrationItems.$inferSelect;
export type CalibrationScore = typeof calibrationScores.$inferSelect;
