// Decisions, and the honoree profiles that publishing makes public.
import { sql } from 'drizzle-orm';
import {
  bigint,
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
import { applications } from './applications.js';
import { cycles, type Translations } from './programs.js';
import { users } from './users.js';

export const DECISION_LEVELS = ['gold', 'silver', 'not_selected'] as const;
export type DecisionLevel = (typeof DECISION_LEVELS)[number];
export const DECISION_LEVEL_LABELS: Record<DecisionLevel, string> = {
  gold: 'Gold',
  silver: 'Silver',
  not_selected: 'Not selected',
};

export interface CriterionHighlight {
  criterionId: number;
  title: string;
  text: string;
}

/** The program's decision on an application; for honorees, the public citation and profile. */
export const decisions = pgTable(
  'decisions',
  {
    applicationId: bigint('application_id', { mode: 'number' })
      .primaryKey()
      .references(() => applications.id, { onDelete: 'cascade' }),
    cycleId: bigint('cycle_id', { mode: 'number' })
      .notNull()
      .references(() => cycles.id, { onDelete: 'cascade' }),
    level: text('level').$type<DecisionLevel>().notNull(),
    decidedBy: bigint('decided_by', { mode: 'number' }).references(() => users.id, { onDelete: 'set null' }),
    decidedAt: timestamp('decided_at', { withTimezone: true }).notNull(),
    /** URL part of the public page: /honorees/<year>/<slug>. */
    slug: text('slug').notNull(),
    citation: text('citation').notNull().default(''),
    /**
     * The citation and profile were drafted by the portal from the application and no admin has
     * edited or approved them yet: the preview and the decisions page mark them as drafts.
     */
    textsDrafted: boolean('texts_drafted').notNull().default(false),
    /**
     * Why this decision stands although the application has fewer submitted reviews than its
     * round asked for; required then, shown in the publish preview.
     */
    overrideReason: text('override_reason'),
    profile: text('profile').notNull().default(''),
    /** The citation and profile in other languages (see Translations in programs.ts). */
    translations: jsonb('translations').$type<Translations>().notNull().default({}),
    highlights: jsonb('highlights').$type<CriterionHighlight[]>().notNull().default([]),
    // The school as it stood when the cycle was published: public pages show these, so a later
    // edit of the live profile (by anyone who became a contact since) never changes a published
    // honoree. Set by publishing, refreshed by republishing; null until then.
    schoolName: text('school_name'),
    schoolDistrict: text('school_district'),
    schoolCity: text('school_city'),
    schoolState: text('school_state'),
    schoolLevel: text('school_level'),
    schoolWebsite: text('school_website'),
    schoolEnrollment: integer('school_enrollment'),
    schoolFrlPercent: numeric('school_frl_percent', { precision: 5, scale: 2, mode: 'number' }),
    schoolIepPercent: numeric('school_iep_percent', { precision: 5, scale: 2, mode: 'number' }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('decisions_cycle_slug_key').on(table.cycleId, table.slug),
    index('decisions_cycle_level_idx').on(table.cycleId, table.level),
    check('decisions_level_known', sql`${table.level} in ('gold','silver','not_selected')`),
  ],
);

export type Decision = typeof decisions.$inferSelect;
