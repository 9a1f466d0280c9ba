// Evidence files: the uploads of an application (per criterion) or of a nomination. Kept apart
// from both tables because a file belongs to either one, and both domains read it.
import { sql } from 'drizzle-orm';
import { bigint, bigserial, check, index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { applications } from './applications.js';
import { nominations } from './nominations.js';
import { criteria } from './programs.js';
import { users } from './users.js';

export const EVIDENCE_KINDS = ['pdf', 'doc', 'docx', 'xls', 'xlsx', 'png', 'jpeg'] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];
/** The kinds a browser shows itself (its PDF viewer, an image); Office files are downloaded. */
export const VIEWABLE_KINDS: readonly EvidenceKind[] = ['pdf', 'png', 'jpeg'];

/**
 * An uploaded file. It lives under UPLOAD_DIR by a random name; it is reached only through an
 * authorized route by its random public id, never by a guessable path.
 */
export const evidenceFiles = pgTable(
  'evidence_files',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    publicId: uuid('public_id').notNull().defaultRandom(),
    applicationId: bigint('application_id', { mode: 'number' }).references(() => applications.id, {
      onDelete: 'cascade',
    }),
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

export type EvidenceFile = typeof evidenceFiles.$inferSelect;
