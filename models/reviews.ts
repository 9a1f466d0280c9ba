// The review panel: reviewer profiles and invitations, declared conflicts, review rounds with
// their applications and reviewers, assignments, and the reviews themselves.
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  check,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { applications } from './applications.js';
import { criteria, cycles } from './programs.js';
import { schools } from './schools.js';
import { users } from './users.js';

export const GRADE_LEVELS = ['elementary', 'middle', 'high'] as const;
export type GradeLevel = (typeof GRADE_LEVELS)[number];
export const GRADE_LEVEL_LABELS: Record<GradeLevel, string> = {
  elementary: 'Elementary',
  middle: 'Middle',
  high: 'High school',
};

/** What a reviewer tells the program about themself; matched against schools when assigning. */
export const reviewerProfiles = pgTable('reviewer_profiles', {
  userId: bigint('user_id', { mode: 'number' })
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  affiliation: text('affiliation').notNull().default(''),
  /** The school district the reviewer works in or for, if any: a conflict with its schools. */
  district: text('district').notNull().default(''),
  state: text('state'),
  expertise: text('expertise')
    .array()
    .notNull()
    .default(sql`'{}'::text[]`),
  gradeLevels: text('grade_levels')
    .array()
    .notNull()
    .default(sql`'{}'::text[]`),
  /** The languages the reviewer reads; automatic assignment gives them only answers in these. */
  languagesRead: text('languages_read')
    .array()
    .notNull()
    .default(sql`'{en}'::text[]`),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** A reviewer's place on one cycle's panel, with how many applications they will read. */
export const cycleReviewers = pgTable(
  'cycle_reviewers',
  {
    cycleId: bigint('cycle_id', { mode: 'number' })
      .notNull()
      .references(() => cycles.id, { onDelete: 'cascade' }),
    userId: bigint('user_id', { mode: 'number' })
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    maxLoad: integer('max_load').notNull().default(8),
    joinedAt: timestamp('joined_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.cycleId, table.userId] }),
    index('cycle_reviewers_user_idx').on(table.userId),
    check('cycle_reviewers_load', sql`${table.maxLoad} between 0 and 1000`),
  ],
);

export const reviewerInvitations = pgTable(
  'reviewer_invitations',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    cycleId: bigint('cycle_id', { mode: 'number' })
      .notNull()
      .references(() => cycles.id, { onDelete: 'cascade' }),
    email: text('email').notNull(),
    tokenHash: text('token_hash').notNull(),
    invitedBy: bigint('invited_by', { mode: 'number' }).references(() => users.id, { onDelete: 'set null' }),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    acceptedAt: timestamp('accepted_at', { withTimezone: true }),
    acceptedBy: bigint('accepted_by', { mode: 'number' }).references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('reviewer_invitations_cycle_email_key').on(table.cycleId, table.email),
    uniqueIndex('reviewer_invitations_token_key').on(table.tokenHash),
  ],
);

export const CONFLICT_SOURCES = ['declared', 'admin'] as const;
export type ConflictSource = (typeof CONFLICT_SOURCES)[number];

/**
 * Conflicts stated by the reviewer or added by an admin. Detected ones (the reviewer is a contact
 * of the school, works in its district, or shares an e-mail domain with its contacts) are
 * computed when asked, so they follow the data as it changes.
 */
export const reviewerConflicts = pgTable(
  'reviewer_conflicts',
  {
    reviewerId: bigint('reviewer_id', { mode: 'number' })
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    schoolId: bigint('school_id', { mode: 'number' })
      .notNull()
      .references(() => schools.id, { onDelete: 'cascade' }),
    source: text('source').$type<ConflictSource>().notNull(),
    reason: text('reason').notNull(),
    createdBy: bigint('created_by', { mode: 'number' }).references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.reviewerId, table.schoolId] }),
    index('reviewer_conflicts_school_idx').on(table.schoolId),
    check('reviewer_conflicts_source_known', sql`${table.source} in ('declared','admin')`),
  ],
);

export const reviewRounds = pgTable(
  'review_rounds',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    cycleId: bigint('cycle_id', { mode: 'number' })
      .notNull()
      .references(() => cycles.id, { onDelete: 'cascade' }),
    number: integer('number').notNull(),
    name: text('name').notNull(),
    /** k: how many reviewers read each application of the round. */
    reviewersPerApplication: integer('reviewers_per_application').notNull().default(3),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    /** Reminders go out this many days before dueAt to reviewers with unfinished reviews. */
    reminderDaysBefore: integer('reminder_days_before').notNull().default(3),
    reminderSentAt: timestamp('reminder_sent_at', { withTimezone: true }),
    /** Finalist rounds record site-visit notes with each review. */
    siteVisit: boolean('site_visit').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('review_rounds_cycle_number_key').on(table.cycleId, table.number),
    check('review_rounds_k', sql`${table.reviewersPerApplication} between 1 and 20`),
    check('review_rounds_reminder', sql`${table.reminderDaysBefore} between 0 and 60`),
  ],
);

/** The applications a round reviews: all eligible ones for round 1, a chosen few later. */
export const roundApplications = pgTable(
  'round_applications',
  {
    roundId: bigint('round_id', { mode: 'number' })
      .notNull()
      .references(() => reviewRounds.id, { onDelete: 'cascade' }),
    applicationId: bigint('application_id', { mode: 'number' })
      .notNull()
      .references(() => applications.id, { onDelete: 'cascade' }),
  },
  (table) => [
    primaryKey({ columns: [table.roundId, table.applicationId] }),
    index('round_applications_app_idx').on(table.applicationId),
  ],
);

/** The reviewers of a round (a finalist round has its own), with their load limit in it. */
export const roundReviewers = pgTable(
  'round_reviewers',
  {
    roundId: bigint('round_id', { mode: 'number' })
      .notNull()
      .references(() => reviewRounds.id, { onDelete: 'cascade' }),
    userId: bigint('user_id', { mode: 'number' })
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    maxLoad: integer('max_load').notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.roundId, table.userId] }),
    index('round_reviewers_user_idx').on(table.userId),
  ],
);

export const ASSIGNMENT_STATUSES = ['assigned', 'draft', 'submitted'] as const;
export type AssignmentStatus = (typeof ASSIGNMENT_STATUSES)[number];
export const ASSIGNMENT_STATUS_LABELS: Record<AssignmentStatus, string> = {
  assigned: 'Not started',
  draft: 'Draft saved',
  submitted: 'Submitted',
};
export const RECOMMENDATIONS = ['gold', 'silver', 'not_recommended'] as const;
export type Recommendation = (typeof RECOMMENDATIONS)[number];
export const RECOMMENDATION_LABELS: Record<Recommendation, string> = {
  gold: 'Gold',
  silver: 'Silver',
  not_recommended: 'Not recommended',
};

/** One reviewer reading one application in one round, and their review of it. */
export const assignments = pgTable(
  'assignments',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    roundId: bigint('round_id', { mode: 'number' })
      .notNull()
      .references(() => reviewRounds.id, { onDelete: 'cascade' }),
    applicationId: bigint('application_id', { mode: 'number' })
      .notNull()
      .references(() => applications.id, { onDelete: 'cascade' }),
    reviewerId: bigint('reviewer_id', { mode: 'number' })
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    status: text('status').$type<AssignmentStatus>().notNull().default('assigned'),
    assignedBy: bigint('assigned_by', { mode: 'number' }).references(() => users.id, { onDelete: 'set null' }),
    assignedAt: timestamp('assigned_at', { withTimezone: true }).notNull().defaultNow(),
    /** When the reviewer was e-mailed about it (their list goes out after the admin confirms). */
    notifiedAt: timestamp('notified_at', { withTimezone: true }),
    recommendation: text('recommendation').$type<Recommendation>(),
    confidentialNote: text('confidential_note').notNull().default(''),
    siteVisitNotes: text('site_visit_notes').notNull().default(''),
    submittedAt: timestamp('submitted_at', { withTimezone: true }),
    /** Counts saves; the review form carries it, so a save from a stale page is caught, not lost. */
    version: integer('version').notNull().default(0),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('assignments_round_app_reviewer_key').on(table.roundId, table.applicationId, table.reviewerId),
    index('assignments_reviewer_idx').on(table.reviewerId, table.roundId),
    index('assignments_application_idx').on(table.applicationId),
    check('assignments_status_known', sql`${table.status} in ('assigned','draft','submitted')`),
    check(
      'assignments_recommendation_known',
      sql`${table.recommendation} is null or ${table.recommendation} in ('gold','silver','not_recommended')`,
    ),
  ],
);

/** A score (on the cycle's scale) and comment for one criterion of one review. */
export const reviewScores = pgTable(
  'review_scores',
  {
    assignmentId: bigint('assignment_id', { mode: 'number' })
      .notNull()
      .references(() => assignments.id, { onDelete: 'cascade' }),
    criterionId: bigint('criterion_id', { mode: 'number' })
      .notNull()
      .references(() => criteria.id, { onDelete: 'restrict' }),
    score: integer('score'),
    comment: text('comment').notNull().default(''),
  },
  (table) => [
    primaryKey({ columns: [table.assignmentId, table.criterionId] }),
    index('review_scores_criterion_idx').on(table.criterionId),
  ],
);

export type ReviewRound = typeof reviewRounds.$inferSelect;
export type Assignment = typeof assignments.$inferSelect;
export type ReviewScore = typeof reviewScores.$inferSelect;
