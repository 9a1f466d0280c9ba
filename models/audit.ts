// The audit log of admin acts: who screened, assigned, decided, published, edited what, and when.
import { bigint, bigserial, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { users } from './users.js';

/** Who did what, for the admins: decisions, publishing, criteria edits, assignments. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    actorId: bigint('actor_id', { mode: 'number' }).references(() => users.id, { onDelete: 'set null' }),
    action: text('action').notNull(),
    subjectType: text('subject_type').notNull(),
    subjectId: text('subject_id').notNull(),
    summary: text('summary').notNull(),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    index('audit_log_created_idx').on(table.createdAt),
    index('audit_log_subject_idx').on(table.subjectType, table.subjectId),
    // The log filtered by one kind of act, newest first, and the list of kinds for that filter.
    index('audit_log_action_idx').on(table.action, table.id),
  ],
);

export type AuditEntryRow = typeof auditLog.$inferSelect;
