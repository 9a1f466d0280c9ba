// A program (for example "Schools of Opportunity") runs one cycle a year; each cycle has its
// dates, its score scale and its rubric criteria. See ../shared/DOMAIN.md.
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  check,
  index,
  integer,
  numeric,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

export const programs = pgTable(
  'programs',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [uniqueIndex('programs_slug_key').on(table.slug)],
);

export const cycles = pgTable(
  'cycles',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    programId: bigint('program_id', { mode: 'number' })
      .notNull()
      .references(() => programs.id, { onDelete: 'cascade' }),
    year: integer('year').notNull(),
    name: text('name').notNull(),
    opensAt: timestamp('opens_at', { withTimezone: true }).notNull(),
    nominationsCloseAt: timestamp('nominations_close_at', { withTimezone: true }).notNull(),
    applicationsCloseAt: timestamp('applications_close_at', { withTimezone: true }).notNull(),
    reviewsDueAt: timestamp('reviews_due_at', { withTimezone: true }).notNull(),
    announcementAt: timestamp('announcement_at', { withTimezone: true }).notNull(),
    scoreMin: integer('score_min').notNull().default(1),
    scoreMax: integer('score_max').notNull().default(5),
    blindReview: boolean('blind_review').notNull().default(false),
    /** How many of the optional criteria an applicant must choose (the real program: 4 of 8). */
    optionalChoiceCount: integer('optional_choice_count').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('cycles_program_year_key').on(table.programId, table.year),
    check('cycles_score_scale', sql`${table.scoreMin} < ${table.scoreMax}`),
    check(
      'cycles_dates_in_order',
      sql`${table.opensAt} <= ${table.applicationsCloseAt} and ${table.applicationsCloseAt} <= ${table.reviewsDueAt}`,
    ),
  ],
);

export const criteria = pgTable(
  'criteria',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    cycleId: bigint('cycle_id', { mode: 'number' })
      .notNull()
      .references(() => cycles.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    title: text('title').notNull(),
    guidance: text('guidance').notNull().default(''),
    evidenceRequested: text('evidence_requested').notNull().default(''),
    weight: numeric('weight', { precision: 6, scale: 3, mode: 'number' }).notNull().default(1),
    required: boolean('required').notNull().default(false),
    wordLimit: integer('word_limit').notNull().default(500),
  },
  (table) => [
    index('criteria_cycle_idx').on(table.cycleId, table.position),
    check('criteria_weight_positive', sql`${table.weight} > 0`),
  ],
);
