// Accounts, the single-use tokens e-mailed to them, and the failed-login counters that slow
// down password guessing. Queries over these tables live in server/services and server/auth.
import { sql } from 'drizzle-orm';
import { bigint, bigserial, check, index, integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

export const ROLES = ['admin', 'reviewer', 'applicant'] as const;
export type Role = (typeof ROLES)[number];

export const users = pgTable(
  'users',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** Stored lower-cased and trimmed; the unique index makes one account per address. */
    email: text('email').notNull(),
    name: text('name').notNull(),
    passwordHash: text('password_hash').notNull(),
    roles: text('roles')
      .array()
      .$type<Role[]>()
      .notNull()
      .default(sql`'{}'::text[]`),
    emailVerifiedAt: timestamp('email_verified_at', { withTimezone: true }),
    /** The language the person chose for pages and e-mail (server/i18n); null: the browser's. */
    language: text('language'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('users_email_key').on(table.email),
    index('users_roles_idx').using('gin', table.roles),
    // Conflict detection compares e-mail domains of reviewers and school contacts.
    index('users_email_domain_idx').on(sql`split_part(${table.email}, '@', 2)`),
    check('users_email_lowercase', sql`${table.email} = lower(${table.email})`),
    check('users_roles_known', sql`${table.roles} <@ array['admin','reviewer','applicant']::text[]`),
  ],
);

export const TOKEN_PURPOSES = ['verify_email', 'reset_password'] as const;
export type TokenPurpose = (typeof TOKEN_PURPOSES)[number];

/** Only the SHA-256 of a token is stored: a copy of the database does not let anyone in. */
export const userTokens = pgTable(
  'user_tokens',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    userId: bigint('user_id', { mode: 'number' })
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    purpose: text('purpose').$type<TokenPurpose>().notNull(),
    tokenHash: text('token_hash').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('user_tokens_hash_key').on(table.tokenHash),
    index('user_tokens_user_idx').on(table.userId, table.purpose),
    check('user_tokens_purpose_known', sql`${table.purpose} in ('verify_email','reset_password')`),
  ],
);

/**
 * Failed sign-ins per key ("account:<email>" or "address:<ip>"). Kept in the database so the
 * limit holds across several app instances.
 */
export const loginFailures = pgTable('login_failures', {
  key: text('key').primaryKey(),
  failures: integer('failures').notNull(),
  windowStartedAt: timestamp('window_started_at', { withTimezone: true }).notNull(),
  lockedUntil: timestamp('locked_until', { withTimezone: true }),
});

/** Fixed-window counters for rate limits that must hold across app instances. */
export const rateCounters = pgTable(
  'rate_counters',
  {
    key: text('key').primaryKey(),
    count: integer('count').notNull(),
    windowStartedAt: timestamp('window_started_at', { withTimezone: true }).notNull(),
  },
  (table) => [index('rate_counters_window_idx').on(table.windowStartedAt)],
);
