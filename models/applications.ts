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
  uuid,
} from 'drizzle-orm/pg-core';
import { nominations } from './nominations.js';
import { criteria, cycles } from './programs.js';
import { schools } from './schools.js';
import { users } from './users.js';

export const APPLICATION_STATUSES = ['draft', 'submitted', 'withdrawn', 'eligible', 'ineligible'] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];

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
    createdBy: bigint('created_by', { mode: 'number' }).references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('applications_cycle_school_key').on(table.cycleId, table.schoolId),
    index('applications_cycle_status_idx').on(table.cycleId, table.status),
    index('applications_school_idx').on(table.schoolId),
    check('applications_status_known', sql`${table.status} in ('draft','submitted','withdrawn','eligible','ineligible')`),
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
    wordCount: integer('word_count').notNull().default(0),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.applicationId, table.criterionId] })],
);

export const EVIDENCE_KINDS = ['pdf', 'doc', 'docx', 'xls', 'xlsx', 'png', 'jpeg'] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

/**
 * An uploaded file. It lives under UPLOAD_DIR by a random name; it is reached only through an
 * authorized route by its random public id, never by a guessable path.
 */
export const evidenceFiles = pgTable(
  'evidence_files',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    publicId: uuid('public_id').notNull().defaultRandom(),
    applicationId: bigint('application_id', { mode: 'number' }).references(() => applications.id, { onDelete: 'cascade' }),
    /** Set instead of applicationId for a file sent with a nomination. */
    nominationId: bigint('nomination_id', { mode: 'number' }).references(() => nominations.id, { onDelete: 'cascade' }),
    criterionId: bigint('criterion_id', { mode: 'number' }).references(() => criteria.id, { onDelete: 'restrict' }),
    originalName: text('original_name').notNull(),
    storedName: text('stored_name').notNull(),
    kind: text('kind').$type<EvidenceKind>().notNull(),
    contentType: text('content_type').notNull(),
    sizeBytes: bigint('size_bytes', { mode: 'number' }).notNull(),
    sha256: text('sha256').notNull(),
    uploadedBy: bigint('uploaded_by', { mode: 'number' }).references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('evidence_files_public_id_key').on(table.publicId),
    // The crash sweeps and failed saves ask "does a row name this file?" by stored name.
    index('evidence_files_stored_name_idx').on(table.storedName),
    index('evidence_files_application_idx').on(table.applicationId, table.criterionId),
    index('evidence_files_nomination_idx').on(table.nominationId),
    check('evidence_files_one_owner', sql`(${table.applicationId} is null) <> (${table.nominationId} is null)`),
    check('evidence_files_kind_known', sql`${table.kind} in ('pdf','doc','docx','xls','xlsx','png','jpeg')`),
    check('evidence_files_size_positive', sql`${table.sizeBytes} > 0`),
  ],
);
