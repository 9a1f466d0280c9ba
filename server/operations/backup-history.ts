// The admins' page of backups (/admin/backups): every run recorded in backup_runs, newest first,
// with its size, contents and age, and the schedule as configured.
import { desc, sql } from 'drizzle-orm';
import { backupRuns, type BackupStatus, type BackupTrigger } from '../../models/schema.js';
import type { BackupSchedule } from '../config.js';
import type { Database } from '../db/client.js';
import { intlLocale } from '../i18n/languages.js';
import { t } from '../i18n/translate.js';
import { formatBytes } from '../storage/evidence-files.js';
import { formatAge } from '../time.js';

export const BACKUP_PAGE_SIZE = 25;

const MINUTE_MS = 60 * 1000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** "Every 6 hours", "Every day", "Every 90 minutes", in `lang`. */
export function describeInterval(ms: number, lang: string): string {
  const [unit, length] =
    ms % DAY_MS === 0 ? ['day', DAY_MS] : ms % HOUR_MS === 0 ? ['hour', HOUR_MS] : ['minute', MINUTE_MS];
  return t(lang, `backups.every.${unit}`, { count: ms / length });
}

/** The schedule in one sentence, or how to turn it on, in `lang`. */
export function describeSchedule(schedule: BackupSchedule | undefined, lang: string): { on: boolean; text: string } {
  if (!schedule) return { on: false, text: t(lang, 'backups.off') };
  return {
    on: true,
    text: t(lang, 'backups.schedule', {
      every: describeInterval(schedule.everyMs, lang),
      dir: schedule.dir,
      keep: schedule.keep,
    }),
  };
}

export interface BackupRunView {
  id: number;
  fileName: string;
  trigger: BackupTrigger;
  status: BackupStatus;
  statusLabel: string;
  instance: string;
  startedAt: Date;
  /** "3 hours ago". */
  age: string;
  /** "12 s", once finished. */
  took: string | undefined;
  size: string | undefined;
  rows: string | undefined;
  files: string | undefined;
  error: string | null;
  /**
   * For a finished scheduled backup, whether retention has removed its file; a requested one is
   * wherever its command put it, and retention leaves it alone.
   */
  kept: 'kept' | 'removed' | 'not-managed' | undefined;
  removedAt: Date | null;
}

/**
 * One page of runs, newest first, keyset-paginated: `before` is the id of the last run of the
 * page before, and the next page starts after its (started_at, id).
 */
export async function listBackupRuns(
  db: Database,
  { before, now, lang }: { before?: number; now: Date; lang: string },
): Promise<{ runs: BackupRunView[]; nextBefore: number | undefined }> {
  const rows = await db
    .select()
    .from(backupRuns)
    .where(
      before === undefined
        ? undefined
        : sql`(${backupRuns.startedAt}, ${backupRuns.id}) <
              (select b.started_at, b.id from ${backupRuns} b where b.id = ${before})`,
    )
    .orderBy(desc(backupRuns.startedAt), desc(backupRuns.id))
    .limit(BACKUP_PAGE_SIZE + 1);
  const page = rows.slice(0, BACKUP_PAGE_SIZE);
  const numbers = new Intl.NumberFormat(intlLocale(lang));
  const runs = page.map((row): BackupRunView => ({
    id: row.id,
    fileName: row.fileName,
    trigger: row.trigger,
    status: row.status,
    statusLabel: t(lang, `backups.status.${row.status}`),
    instance: row.instance,
    startedAt: row.startedAt,
    age: formatAge(row.startedAt, now, lang),
    took: row.finishedAt ? duration(row.finishedAt.getTime() - row.startedAt.getTime()) : undefined,
    size: row.sizeBytes === null ? undefined : formatBytes(row.sizeBytes),
    rows: row.rowCount === null ? undefined : numbers.format(row.rowCount),
    files: row.fileCount === null ? undefined : numbers.format(row.fileCount),
    error: row.error,
    kept:
      row.status !== 'done'
        ? undefined
        : row.trigger === 'requested'
          ? 'not-managed'
          : row.removedAt
            ? 'removed'
            : 'kept',
    removedAt: row.removedAt,
  }));
  return { runs, nextBefore: rows.length > BACKUP_PAGE_SIZE ? page.at(-1)?.id : undefined };
}

/** "850 ms", "12 s", "3 min 5 s". */
function duration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, ms)} ms`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}
