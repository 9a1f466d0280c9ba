// Schools and the people who speak for them. A school profile outlives cycles; its contacts
// share its applications.
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  check,
  index,
  integer,
  numeric,
  pgTable,
  primaryKey,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';
import { users } from './users.js';

/** The states, districts and territories a school's address may be in (two-letter postal codes). */
export const US_STATES = [
  'AL',
  'AK',
  'AZ',
  'AR',
  'CA',
  'CO',
  'CT',
  'DE',
  'DC',
  'FL',
  'GA',
  'HI',
  'ID',
  'IL',
  'IN',
  'IA',
  'KS',
  'KY',
  'LA',
  'ME',
  'MD',
  'MA',
  'MI',
  'MN',
  'MS',
  'MO',
  'MT',
  'NE',
  'NV',
  'NH',
  'NJ',
  'NM',
  'NY',
  'NC',
  'ND',
  'OH',
  'OK',
  'OR',
  'PA',
  'RI',
  'SC',
  'SD',
  'TN',
  'TX',
  'UT',
  'VT',
  'VA',
  'WA',
  'WV',
  'WI',
  'WY',
  'AS',
  'GU',
  'MP',
  'PR',
  'VI',
] as const;
export type UsState = (typeof US_STATES)[number];

export const SCHOOL_LEVELS = ['high', 'middle', 'elementary', 'k12', 'other'] as const;
export type SchoolLevel = (typeof SCHOOL_LEVELS)[number];
/** The kind of school in a sentence ("Lincoln is a high school in Portland"), for drafted profiles. */
export const SCHOOL_LEVEL_PHRASES: Record<SchoolLevel, string> = {
  high: 'a high school',
  middle: 'a middle school',
  elementary: 'an elementary school',
  k12: 'a K–12 school',
  other: 'a school',
};

export const SCHOOL_LEVEL_LABELS: Record<SchoolLevel, string> = {
  high: 'High school',
  middle: 'Middle school',
  elementary: 'Elementary school',
  k12: 'K–12 school',
  other: 'Other',
};

export const schools = pgTable(
  'schools',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    name: text('name').notNull(),
    district: text('district').notNull().default(''),
    city: text('city').notNull(),
    /** Two-letter postal code. */
    state: text('state').notNull(),
    level: text('level').$type<SchoolLevel>().notNull(),
    website: text('website').notNull().default(''),
    enrollment: integer('enrollment'),
    /** Share of students eligible for free or reduced-price lunch, in percent. */
    frlPercent: numeric('frl_percent', { precision: 5, scale: 2, mode: 'number' }),
    /** Share of students with an IEP, in percent. */
    iepPercent: numeric('iep_percent', { precision: 5, scale: 2, mode: 'number' }),
    /** Name, city and state folded (case, punctuation, "High School"/"HS"): finds duplicates. */
    matchKey: text('match_key').notNull(),
    createdBy: bigint('created_by', { mode: 'number' }).references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    index('schools_match_key_idx').on(table.matchKey),
    index('schools_state_idx').on(table.state),
    index('schools_name_search_idx').on(sql`lower(${table.name})`),
    // The admins' list of schools, a page at a time in name order.
    index('schools_name_idx').on(table.name, table.id),
    check('schools_level_known', sql`${table.level} in ('high','middle','elementary','k12','other')`),
    check('schools_state_code', sql`${table.state} ~ '^[A-Z]{2}$'`),
    check(
      'schools_percents',
      sql`(${table.frlPercent} is null or ${table.frlPercent} between 0 and 100) and (${table.iepPercent} is null or ${table.iepPercent} between 0 and 100)`,
    ),
    check('schools_enrollment', sql`${table.enrollment} is null or ${table.enrollment} >= 0`),
  ],
);

/**
 * active: acts for the school. pending: asked to join, waiting for a contact or an admin.
 * declined / revoked: asked and was refused, or was removed by an admin; kept so that asking
 * again, the web-domain rule or an old invitation cannot bring the person back unseen. Only an
 * admin can reinstate them.
 */
export const CONTACT_STATUSES = ['active', 'pending', 'declined', 'revoked'] as const;
export type ContactStatus = (typeof CONTACT_STATUSES)[number];

/**
 * A person who may act for a school. Creating a school makes you its active contact. Asking to
 * join an existing one (from "find your school" or from an invitation a nomination caused) makes
 * a pending request that one of its active contacts or an admin approves, unless your e-mail
 * domain is the school website's. Only active contacts act for the school or count as its
 * people anywhere else (conflicts of interest included).
 */
export const schoolContacts = pgTable(
  'school_contacts',
  {
    schoolId: bigint('school_id', { mode: 'number' })
      .notNull()
      .references(() => schools.id, { onDelete: 'cascade' }),
    userId: bigint('user_id', { mode: 'number' })
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    status: text('status').$type<ContactStatus>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    approvedAt: timestamp('approved_at', { withTimezone: true }),
    /** Who approved the request: a contact of the school or an admin; null when granted by rule. */
    approvedBy: bigint('approved_by', { mode: 'number' }).references(() => users.id, { onDelete: 'set null' }),
  },
  (table) => [
    primaryKey({ columns: [table.schoolId, table.userId] }),
    index('school_contacts_user_idx').on(table.userId),
    index('school_contacts_pending_idx')
      .on(table.createdAt)
      .where(sql`${table.status} = 'pending'`),
    check('school_contacts_status_known', sql`${table.status} in ('active','pending','declined','revoked')`),
  ],
);

export type School = typeof schools.$inferSelect;
export type SchoolContact = typeof schoolContacts.$inferSelect;
