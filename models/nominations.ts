// Nominations by community members and the invitations they trigger. See docs/DOMAIN.md:
// submitted → confirmed → school invited → applied.
import { sql } from 'drizzle-orm';
import { bigint, bigserial, check, index, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { applications } from './applications.js';
import { cycles } from './programs.js';
import { schools } from './schools.js';
import { users } from './users.js';

export const NOMINATION_STATUSES = ['unconfirmed', 'confirmed', 'spam'] as const;
export type NominationStatus = (typeof NOMINATION_STATUSES)[number];
export const NOMINATION_STATUS_LABELS: Record<NominationStatus, string> = {
  confirmed: 'Confirmed',
  unconfirmed: 'Not confirmed yet',
  spam: 'Spam',
};

export const RELATIONSHIPS = [
  'parent',
  'student',
  'teacher',
  'school_staff',
  'district_staff',
  'community',
  'other',
] as const;
export type Relationship = (typeof RELATIONSHIPS)[number];
export const RELATIONSHIP_LABELS: Record<Relationship, string> = {
  parent: 'Parent or guardian',
  student: 'Student or former student',
  teacher: 'Teacher at the school',
  school_staff: 'Other school staff',
  district_staff: 'District staff',
  community: 'Community member',
  other: 'Other',
};

export const nominations = pgTable(
  'nominations',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    cycleId: bigint('cycle_id', { mode: 'number' })
      .notNull()
      .references(() => cycles.id, { onDelete: 'cascade' }),
    /** The school profile, when the nominator picked one or the school has since joined. */
    schoolId: bigint('school_id', { mode: 'number' }).references(() => schools.id, { onDelete: 'set null' }),
    schoolName: text('school_name').notNull(),
    district: text('district').notNull().default(''),
    city: text('city').notNull(),
    state: text('state').notNull(),
    /** Groups nominations of one school: the profile's key, or the typed name, city and state folded. */
    matchKey: text('match_key').notNull(),
    nominatorName: text('nominator_name').notNull(),
    nominatorEmail: text('nominator_email').notNull(),
    relationship: text('relationship').$type<Relationship>().notNull(),
    contactEmail: text('contact_email'),
    reason: text('reason').notNull(),
    /** The language the nominator wrote in; their e-mail comes in it too. */
    language: text('language').notNull().default('en'),
    /** Ids of the criteria the nominator says the school shows. */
    criterionIds: bigint('criterion_ids', { mode: 'number' })
      .array()
      .notNull()
      .default(sql`'{}'::bigint[]`),
    status: text('status').$type<NominationStatus>().notNull().default('unconfirmed'),
    confirmTokenHash: text('confirm_token_hash').notNull(),
    confirmExpiresAt: timestamp('confirm_expires_at', { withTimezone: true }).notNull(),
    confirmedAt: timestamp('confirmed_at', { withTimezone: true }),
    applicationId: bigint('application_id', { mode: 'number' }).references(() => applications.id, {
      onDelete: 'set null',
    }),
    appliedNoticeSentAt: timestamp('applied_notice_sent_at', { withTimezone: true }),
    resultNoticeSentAt: timestamp('result_notice_sent_at', { withTimezone: true }),
    /**
     * A random key the form carries, so a double-clicked or re-sent form stores one nomination.
     * Null for nominations made before the key existed.
     */
    submissionKey: text('submission_key'),
    markedSpamBy: bigint('marked_spam_by', { mode: 'number' }).references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('nominations_confirm_token_key').on(table.confirmTokenHash),
    uniqueIndex('nominations_submission_key').on(table.submissionKey),
    index('nominations_cycle_group_idx').on(table.cycleId, table.matchKey),
    index('nominations_cycle_status_idx').on(table.cycleId, table.status, table.state),
    index('nominations_school_idx').on(table.schoolId),
    index('nominations_application_idx').on(table.applicationId),
    index('nominations_nominator_idx').on(table.nominatorEmail, table.createdAt),
    check('nominations_status_known', sql`${table.status} in ('unconfirmed','confirmed','spam')`),
    check('nominations_state_code', sql`${table.state} ~ '^[A-Z]{2}$'`),
  ],
);

/** One invitation to apply per school per cycle, however many nominations arrive. */
export const schoolInvitations = pgTable(
  'school_invitations',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    cycleId: bigint('cycle_id', { mode: 'number' })
      .notNull()
      .references(() => cycles.id, { onDelete: 'cascade' }),
    matchKey: text('match_key').notNull(),
    schoolId: bigint('school_id', { mode: 'number' }).references(() => schools.id, { onDelete: 'set null' }),
    email: text('email').notNull(),
    /** As the inviter named the school, to fill in its profile when it has none yet. */
    schoolName: text('school_name').notNull().default(''),
    city: text('city').notNull().default(''),
    state: text('state').notNull().default(''),
    tokenHash: text('token_hash').notNull(),
    invitedBy: bigint('invited_by', { mode: 'number' }).references(() => users.id, { onDelete: 'set null' }),
    acceptedBy: bigint('accepted_by', { mode: 'number' }).references(() => users.id, { onDelete: 'set null' }),
    acceptedAt: timestamp('accepted_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('school_invitations_cycle_school_key').on(table.cycleId, table.matchKey),
    uniqueIndex('school_invitations_token_key').on(table.tokenHash),
  ],
);

export type Nomination = typeof nominations.$inferSelect;
export type SchoolInvitation = typeof schoolInvitations.$inferSelect;
