// The record of backups: each archive the portal wrote on its schedule (BACKUP_DIR) or was asked
// for (`npm run backup`), whether it finished, how large it is, and whether retention has since
// removed its file. It describes files beside the database, not the database's content, so
// backups leave this table out (server/operations/schema-inventory.ts, NOT_BACKED_UP).
import { sql } from 'drizzle-orm';
import { bigint, bigserial, check, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export const BACKUP_TRIGGERS = ['scheduled', 'requested'] as const;
export type BackupTrigger = (typeof BACKUP_TRIGGERS)[number];

export const BACKUP_STATUSES = ['running', 'done', 'failed'] as const;
export type BackupStatus = (typeof BACKUP_STATUSES)[number];

export const backupRuns = pgTable(
  'backup_runs',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** A scheduled backup's name in BACKUP_DIR; a requested one's path as the command was given it. */
    fileName: text('file_name').notNull(),
    trigger: text('trigger').$type<BackupTrigger>().notNull(),
    status: text('status').$type<BackupStatus>().notNull().default('running'),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    /** The archive's size on disk, once written. */
    sizeBytes: bigint('size_bytes', { mode: 'number' }),
    /** Rows of every table, and evidence files, the archive holds. */
    rowCount: bigint('row_count', { mode: 'number' }),
    fileCount: bigint('file_count', { mode: 'number' }),
    /** Why a run failed, in plain words; never a connection string or a key. */
    error: text('error'),
    /** When retention deleted the file; null while it is kept. */
    removedAt: timestamp('removed_at', { withTimezone: true }),
    /** The host and process that wrote it: with several instances, where the file is. */
    instance: text('instance').notNull(),
  },
  (table) => [
    // Read backwards for the page's newest-first list (drizzle's .desc() would add NULLS LAST,
    // which ORDER BY ... DESC cannot use).
    index('backup_runs_started_idx').on(table.startedAt, table.id),
    check('backup_runs_trigger_known', sql`${table.trigger} in ('scheduled','requested')`),
    check('backup_runs_status_known', sql`${table.status} in ('running','done','failed')`),
  ],
);

export type BackupRunRow = typeof backupRuns.$inferSelect;
