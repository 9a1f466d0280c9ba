// A program (for example "Schools of Opportunity") runs one cycle a year; each cycle has its
// dates, its score scale and its rubric criteria. See docs/DOMAIN.md.
import { sql } from 'drizzle-orm';
import {
  customType,
  bigint,
  bigserial,
  boolean,
  check,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

/**
 * A content row's words in other languages than the program's own: language, then field, then
 * text, like { es: { title: "…", guidance: "…" } }. The columns hold the program's default
 * language; a field missing here falls back to them (server/i18n/content.ts).
 */
export type Translations = Record<string, Record<string, string>>;
const translations = () => jsonb('translations').$type<Translations>().notNull().default({});

/** Bytes as PostgreSQL stores them; both drivers hand back a Uint8Array or a Buffer. */
const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType() {
    return 'bytea';
  },
});

export const programs = pgTable(
  'programs',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    /** IANA zone its dates are entered and written in, like America/Denver. */
    timeZone: text('time_zone').notNull().default('UTC'),
    /** The language its own texts are written in first; a missing translation shows this one. */
    defaultLanguage: text('default_language').notNull().default('en'),
    translations: translations(),
    // The program's identity, edited by its admins; empty means Laurel's default.
    shortName: text('short_name').notNull().default(''),
    /** A colour like #2e6b3f, accepted only with AA contrast against white. */
    primaryColor: text('primary_color').notNull().default(''),
    contactEmail: text('contact_email').notNull().default(''),
    postalAddress: text('postal_address').notNull().default(''),
    privacyNotice: text('privacy_notice').notNull().default(''),
    accessibilityStatement: text('accessibility_statement').notNull().default(''),
    /** The name e-mails come from; the program's name when empty. */
    mailSenderName: text('mail_sender_name').notNull().default(''),
    /** The logo as a PNG, checked and resized when uploaded. */
    logoPng: bytea('logo_png'),
    logoUpdatedAt: timestamp('logo_updated_at', { withTimezone: true }),
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
    translations: translations(),
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
    /** Evidence limits, per file and for all of one application's files together. */
    maxFileBytes: bigint('max_file_bytes', { mode: 'number' })
      .notNull()
      .default(20 * 1024 * 1024),
    maxApplicationBytes: bigint('max_application_bytes', { mode: 'number' })
      .notNull()
      .default(100 * 1024 * 1024),
    maxFilesPerCriterion: integer('max_files_per_criterion').notNull().default(10),
    /** Reviewers disagree when the spread of their scores for an application exceeds this. */
    disagreementThreshold: numeric('disagreement_threshold', { precision: 6, scale: 2, mode: 'number' })
      .notNull()
      .default(1.5),
    /** Whether decision e-mails to applicants include the reviewers' comments. */
    shareReviewComments: boolean('share_review_comments').notNull().default(false),
    /** Unfinished drafts are reminded this many days before the deadline; null: no reminder. */
    draftReminderDays: integer('draft_reminder_days'),
    /**
     * When applications (and nominations) were closed before their deadline, by an admin's act
     * or by publishing; the deadline itself stays as it was announced.
     */
    closedAt: timestamp('closed_at', { withTimezone: true }),
    /** Set by the explicit act of publishing; before it nothing about decisions is public. */
    publishedAt: timestamp('published_at', { withTimezone: true }),
    publishedBy: bigint('published_by', { mode: 'number' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('cycles_program_year_key').on(table.programId, table.year),
    check('cycles_score_scale', sql`${table.scoreMin} < ${table.scoreMax}`),
    check('cycles_draft_reminder_days', sql`${table.draftReminderDays} between 1 and 60`),
    check(
      'cycles_limits_positive',
      sql`${table.maxFileBytes} > 0 and ${table.maxApplicationBytes} >= ${table.maxFileBytes} and ${table.maxFilesPerCriterion} > 0`,
    ),
    check(
      'cycles_dates_in_order',
      // Reviews are due after applications close: the deadline, or an earlier close by the staff.
      sql`${table.opensAt} <= ${table.applicationsCloseAt} and least(${table.applicationsCloseAt}, ${table.closedAt}) <= ${table.reviewsDueAt}`,
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
    /**
     * Score anchors, what the lowest, the middle and the highest score of the cycle's scale look
     * like for this criterion: reviewers read them beside the scores.
     */
    anchorLow: text('anchor_low').notNull().default(''),
    anchorMiddle: text('anchor_middle').notNull().default(''),
    anchorHigh: text('anchor_high').notNull().default(''),
    translations: translations(),
    weight: numeric('weight', { precision: 6, scale: 3, mode: 'number' }).notNull().default(1),
    required: boolean('required').notNull().default(false),
    wordLimit: integer('word_limit').notNull().default(500),
  },
  (table) => [
    index('criteria_cycle_idx').on(table.cycleId, table.position),
    check('criteria_weight_positive', sql`${table.weight} > 0`),
  ],
);

export const ELIGIBILITY_KINDS = ['choice', 'number', 'yes_no'] as const;
export type EligibilityKind = (typeof ELIGIBILITY_KINDS)[number];
export const ELIGIBILITY_KIND_LABELS: Record<EligibilityKind, string> = {
  choice: 'Choice from a list',
  number: 'Number',
  yes_no: 'Yes or no',
};

/** A question of a cycle's eligibility section; `key` names its answer in rules. */
export const eligibilityQuestions = pgTable(
  'eligibility_questions',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    cycleId: bigint('cycle_id', { mode: 'number' })
      .notNull()
      .references(() => cycles.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    key: text('key').notNull(),
    prompt: text('prompt').notNull(),
    help: text('help').notNull().default(''),
    translations: translations(),
    kind: text('kind').$type<EligibilityKind>().notNull(),
    /** For 'choice' questions. */
    options: text('options')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
  },
  (table) => [
    uniqueIndex('eligibility_questions_cycle_key').on(table.cycleId, table.key),
    check('eligibility_questions_kind_known', sql`${table.kind} in ('choice','number','yes_no')`),
  ],
);

export const RULE_OPERATORS = ['one_of', 'at_least', 'at_most', 'equals', 'not_below'] as const;
export type RuleOperator = (typeof RULE_OPERATORS)[number];
export const RULE_OPERATOR_LABELS: Record<RuleOperator, string> = {
  one_of: 'is one of',
  at_least: 'is at least',
  at_most: 'is at most',
  equals: 'equals',
  not_below: 'is not below another value, minus a margin',
};

/**
 * An automatic eligibility rule. `subject` and `other` name a value: "answer.<key>" for an
 * eligibility answer, "school.<field>" for a school profile fact (frlPercent, iepPercent, level,
 * enrollment). Failing a rule does not block submission; it marks the application for screening.
 */
export const eligibilityRules = pgTable(
  'eligibility_rules',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    cycleId: bigint('cycle_id', { mode: 'number' })
      .notNull()
      .references(() => cycles.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    subject: text('subject').notNull(),
    operator: text('operator').$type<RuleOperator>().notNull(),
    /** one_of: allowed values; equals: one value; at_least/at_most: one number. */
    values: text('values')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    /** not_below: subject >= other - margin. */
    other: text('other'),
    margin: numeric('margin', { precision: 8, scale: 2, mode: 'number' }),
    message: text('message').notNull(),
    translations: translations(),
  },
  (table) => [
    index('eligibility_rules_cycle_idx').on(table.cycleId, table.position),
    check(
      'eligibility_rules_operator_known',
      sql`${table.operator} in ('one_of','at_least','at_most','equals','not_below')`,
    ),
  ],
);

export type Program = typeof programs.$inferSelect;
export type Cycle = typeof cycles.$inferSelect;
export type Criterion = typeof criteria.$inferSelect;
export type EligibilityQuestion = typeof eligibilityQuestions.$inferSelect;
export type EligibilityRule = typeof eligibilityRules.$inferSelect;
/** A cycle's score scale, which is all the ranking needs of it. */
export type Scale = Pick<Cycle, 'scoreMin' | 'scoreMax'>;
