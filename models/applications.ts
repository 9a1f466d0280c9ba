// A school's application to one cycle: its eligibility answers, one answer per criterion, and
// evidence files. One per school per cycle.
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { criteria, cycles } from './programs.js';
import { schools } from './schools.js';
import { users } from './users.js';

export const APPLICATION_STATUSES = ['draft', 'submitted', 'withdrawn', 'eligible', 'ineligible'] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];
export const APPLICATION_STATUS_LABELS: Record<ApplicationStatus, string> = {
  draft: 'Draft',
  submitted: 'Submitted',
  withdrawn: 'Withdrawn',
  eligible: 'Eligible — in review',
  ineligible: 'Not eligible',
};

export interface ScreeningFlag {
  ruleId: number;
  message: string;
}

export const applications = pgTable(
  'applications',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    cycleId: bigint('cycle_id', { mode: 'number' })
      .notNull()
      .references(() => cycles.id, { onDelete: 'cascade' }),
    schoolId: bigint('school_id', { mode: 'number' })
      .notNull()
      .references(() => schools.id, { onDelete: 'cascade' }),
    status: text('status').$type<ApplicationStatus>().notNull().default('draft'),
    eligibilityAnswers: jsonb('eligibility_answers').$type<Record<string, string>>().notNull().default({}),
    /** Rules the application failed when it was submitted: it needs an admin's screening. */
    screeningFlags: jsonb('screening_flags').$type<ScreeningFlag[]>().notNull().default([]),
    screeningReason: text('screening_reason'),
    screenedBy: bigint('screened_by', { mode: 'number' }).references(() => users.id, { onDelete: 'set null' }),
    screenedAt: timestamp('screened_at', { withTimezone: true }),
    submittedAt: timestamp('submitted_at', { withTimezone: true }),
    withdrawnAt: timestamp('withdrawn_at', { withTimezone: true }),
    /** A later deadline the staff gave this one school (the reason is in the audit log). */
    deadlineExtendedTo: timestamp('deadline_extended_to', { withTimezone: true }),
    /** The deadline a draft was last reminded of: one reminder per deadline (an extension earns another). */
    draftRemindedFor: timestamp('draft_reminded_for', { withTimezone: true }),
    createdBy: bigint('created_by', { mode: 'number' }).references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('applications_cycle_school_key').on(table.cycleId, table.schoolId),
    index('applications_cycle_status_idx').on(table.cycleId, table.status),
    index('applications_school_idx').on(table.schoolId),
    check(
      'applications_status_known',
      sql`${table.status} in ('draft','submitted','withdrawn','eligible','ineligible')`,
    ),
  ],
);

export const applicationAnswers = pgTable(
  'application_answers',
  {
    applicationId: bigint('application_id', { mode: 'number' })
      .notNull()
      .references(() => applications.id, { onDelete: 'cascade' }),
    criterionId: bigint('criterion_id', { mode: 'number' })
      .notNull()
      .references(() => criteria.id, { onDelete: 'restrict' }),
    /** Optional criteria count only when chosen; required ones are always chosen. */
    chosen: boolean('chosen').notNull().default(false),
    answer: text('answer').notNull().default(''),
    /** The language the answer is written in, as its author said. */
    language: text('language').notNull().default('en'),
    wordCount: integer('word_count').notNull().default(0),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.applicationId, table.criterionId] })],
);

export type Application = typeof applications.$inferSelect;
export type ApplicationAnswer = typeof applicationAnswers.$inferSelect;
