// Backups the portal makes on its own: every BACKUP_EVERY an archive (backup-writer.ts) named
// laurel-backup-YYYYMMDD-HHMMSS.tar.gz (UTC) goes into BACKUP_DIR, and the newest BACKUP_KEEP of
// those stay. Every run, scheduled or asked for with `npm run backup`, is recorded in backup_runs
// (backup-runs.ts) for the admins' page.
//
// Several instances may share one PostgreSQL database, and each checks every minute. Whether a
// backup is due is decided, and the run recorded, in one transaction under an advisory lock, so
// one instance makes the period's backup and the others find it recorded (or the lock taken).
// The archive is written after that transaction commits: the lock is never held for minutes.
import { lstat, mkdir, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { and, eq, gt, inArray, isNull, ne, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { backupRuns, type BackupTrigger } from '../../models/schema.js';
import type { Clock } from '../clock.js';
import { rowsOf, type Database, type DatabaseKind } from '../db/client.js';
import type { Metrics } from '../middleware/metrics.js';
import { formatBytes } from '../storage/evidence-files.js';
import type { EvidenceStore } from '../storage/evidence-store.js';
import {
  finishBackupRun,
  markInterruptedRuns,
  plainMessage,
  resultOf,
  startBackupRun,
  type BackupRunResult,
} from './backup-runs.js';
import { writeBackup } from './backup-writer.js';

/**
 * The advisory lock of the due check. Any fixed number not taken for something else in the same
 * database: 0x6c617562 is "laub" in ASCII (migrations take "laur", db/client.ts).
 */
export const BACKUP_LOCK_KEY = 0x6c617562;

/** The names scheduled backups get; retention removes nothing else. */
export const BACKUP_FILE_PATTERN = /^laurel-backup-\d{8}-\d{6}\.tar\.gz$/;

/**
 * A run still 'running' after this long was left by a process that stopped (a crash, a machine
 * that went down): no backup of a school portal's size takes hours.
 */
export const STALE_RUN_MS = 6 * 60 * 60 * 1000;

/** After a failure, the next attempt waits this long (or BACKUP_EVERY, if shorter), not a minute. */
export const RETRY_AFTER_FAILURE_MS = 15 * 60 * 1000;

/** How often each instance asks whether a backup is due. */
export const BACKUP_CHECK_INTERVAL_MS = 60 * 1000;

/** The first check, soon after start: a portal that was down when one fell due catches up. */
export const FIRST_BACKUP_CHECK_AFTER_MS = 5 * 1000;

/** On shutdown, how long a backup being written may take to finish before it is abandoned. */
export const BACKUP_STOP_WAIT_MS = 5 * 1000;

/** "laurel-backup-20261122-120000.tar.gz" for 2026-11-22T12:00:00Z. */
export function backupFileName(date: Date): string {
  const [day = '', time = ''] = date.toISOString().replace(/[-:]/g, '').split('T');
  return `laurel-backup-${day}-${time.slice(0, 6)}.tar.gz`;
}

export interface ScheduledBackupOptions {
  db: Database;
  databaseKind: DatabaseKind;
  store: EvidenceStore;
  /** BACKUP_DIR, absolute. */
  dir: string;
  /** BACKUP_EVERY, in milliseconds. */
  every: number;
  /** BACKUP_KEEP. */
  keep: number;
  now: Clock;
  instance: string;
}

export type BackupOutcome =
  | { status: 'not-due' }
  | {
      status: 'done';
      id: number;
      file: string;
      result: BackupRunResult;
      /** Older backups retention removed from BACKUP_DIR. */
      removed: string[];
      /** Why retention could not remove one, if it could not; the backup itself is whole. */
      retentionError?: string;
    }
  | { status: 'failed'; id: number; file: string; error: string };

/**
 * Writes the scheduled backup if one is due: none started within `every` that has not failed
 * (and none failed within RETRY_AFTER_FAILURE_MS). Then keeps the newest `keep` in `dir`.
 */
export async function runDueBackup(options: ScheduledBackupOptions): Promise<BackupOutcome> {
  const { db, dir, now } = options;
  const claim = await claimDueRun(options);
  await removePartials(dir, claim.interrupted);
  if (!claim.run) return { status: 'not-due' };
  const { id, fileName } = claim.run;
  const file = path.join(dir, fileName);
  let result: BackupRunResult;
  try {
    await mkdir(dir, { recursive: true });
    // Two runs in one second, or a clock set back: never write over a backup.
    if (await exists(file)) throw new Error(`${fileName} already exists in the backup folder`);
    const manifest = await writeBackup({ db, databaseKind: options.databaseKind, store: options.store, now }, file);
    const { missing } = manifest.files;
    if (missing.length > 0) {
      // Storage pointed at the wrong folder or bucket looks just like this. The archive is kept
      // (its rows are worth having) but counts as failed, so older, whole backups stay.
      throw new Error(
        `${missing.length} evidence files named by the database were missing from storage; ` +
          `${fileName} was kept without them, and no older backup was removed`,
      );
    }
    result = resultOf(manifest, (await stat(file)).size);
  } catch (error) {
    await finishBackupRun(db, id, { error }, now());
    return { status: 'failed', id, file, error: plainMessage(error) };
  }
  await finishBackupRun(db, id, result, now());
  try {
    return { status: 'done', id, file, result, removed: await applyRetention(db, dir, options.keep, now()) };
  } catch (error) {
    return { status: 'done', id, file, result, removed: [], retentionError: plainMessage(error) };
  }
}

/** In one transaction under the lock: interrupted runs marked, the due check, and our run recorded. */
async function claimDueRun({ db, every, now, instance }: ScheduledBackupOptions) {
  return db.transaction(async (tx) => {
    const [lock] = rowsOf<{ locked: boolean }>(
      await tx.execute(sql`select pg_try_advisory_xact_lock(${BACKUP_LOCK_KEY}) as locked`),
    );
    // Another instance is deciding right now; if it finds a backup due, it makes it.
    if (!lock?.locked) return { interrupted: [], run: undefined };
    const at = now();
    const ago = (ms: number) => new Date(at.getTime() - ms);
    const interrupted = await markInterruptedRuns(tx as unknown as Database, {
      now: at,
      startedBefore: ago(STALE_RUN_MS),
    });
    const scheduled = eq(backupRuns.trigger, 'scheduled');
    const [recent] = await tx
      .select({ id: backupRuns.id })
      .from(backupRuns)
      .where(and(scheduled, ne(backupRuns.status, 'failed'), gt(backupRuns.startedAt, ago(every))))
      .limit(1);
    const [failed] = await tx
      .select({ id: backupRuns.id })
      .from(backupRuns)
      .where(
        and(
          scheduled,
          eq(backupRuns.status, 'failed'),
          gt(backupRuns.startedAt, ago(Math.min(every, RETRY_AFTER_FAILURE_MS))),
        ),
      )
      .limit(1);
    if (recent || failed) return { interrupted, run: undefined };
    const fileName = backupFileName(at);
    const id = await startBackupRun(tx as unknown as Database, { trigger: 'scheduled', fileName, instance, now: at });
    return { interrupted, run: { id, fileName } };
  });
}

/**
 * Keeps the newest `keep` backups in `dir` and removes the older ones: files named like ours
 * only (a name holds its UTC time, so the names sort in time order), never anything else there.
 * A backup asked for into `dir` under such a name counts too. Returns the names removed.
 */
export async function applyRetention(db: Database, dir: string, keep: number, now: Date): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const ours = entries
    .filter((entry) => entry.isFile() && BACKUP_FILE_PATTERN.test(entry.name))
    .map((entry) => entry.name)
    .sort()
    .reverse();
  const removed: string[] = [];
  try {
    for (const name of ours.slice(keep)) {
      await rm(path.join(dir, name), { force: true });
      removed.push(name);
    }
  } finally {
    // What was removed is recorded even when a later removal failed.
    if (removed.length > 0) {
      const names = [...removed, ...removed.map((name) => path.join(dir, name))];
      await db
        .update(backupRuns)
        .set({ removedAt: now })
        .where(and(inArray(backupRuns.fileName, names), eq(backupRuns.status, 'done'), isNull(backupRuns.removedAt)));
    }
  }
  return removed;
}

/**
 * What interrupted scheduled runs left in `dir`: their .partial files (never a finished archive).
 * A requested run's file is wherever its command put it, and left alone.
 */
async function removePartials(dir: string, runs: Array<{ fileName: string; trigger: BackupTrigger }>): Promise<void> {
  for (const { fileName, trigger } of runs) {
    if (trigger === 'scheduled' && BACKUP_FILE_PATTERN.test(fileName)) {
      await rm(path.join(dir, `${fileName}.partial`), { force: true });
    }
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await lstat(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/**
 * On start-up: runs this process cannot finish are marked interrupted (every running one on the
 * embedded database, which no other process can be writing; those older than STALE_RUN_MS on
 * PostgreSQL, where another instance may be writing one now), and their .partial files removed.
 */
export async function recoverInterruptedBackups({
  db,
  databaseKind,
  dir,
  now,
}: {
  db: Database;
  databaseKind: DatabaseKind;
  dir: string | undefined;
  now: Date;
}): Promise<number> {
  const startedBefore = databaseKind === 'pglite' ? undefined : new Date(now.getTime() - STALE_RUN_MS);
  const interrupted = await markInterruptedRuns(db, { now, startedBefore });
  if (dir) await removePartials(dir, interrupted);
  return interrupted.length;
}

export interface BackupScheduler {
  /** Stops checking; waits BACKUP_STOP_WAIT_MS at most for a backup being written, then abandons it. */
  stop(): Promise<void>;
}

/**
 * Checks FIRST_BACKUP_CHECK_AFTER_MS after start, then every BACKUP_CHECK_INTERVAL_MS, whether a
 * backup is due and writes it; one at a time in this process (a check while one is being
 * written is skipped).
 */
export function startBackupSchedule(
  options: ScheduledBackupOptions & {
    logger: Logger;
    metrics: Pick<Metrics, 'jobRan'>;
    /** The constants above, unless a test is in a hurry. */
    intervalMs?: number;
    firstCheckMs?: number;
    stopWaitMs?: number;
  },
): BackupScheduler {
  const {
    logger,
    metrics,
    intervalMs = BACKUP_CHECK_INTERVAL_MS,
    firstCheckMs = FIRST_BACKUP_CHECK_AFTER_MS,
    stopWaitMs = BACKUP_STOP_WAIT_MS,
  } = options;
  let running: Promise<void> | undefined;
  const check = () => {
    if (running) return;
    running = runDueBackup(options)
      .then((outcome) => {
        if (outcome.status === 'not-due') return;
        metrics.jobRan('backup', outcome.status === 'done' ? 'ok' : 'failed');
        if (outcome.status === 'failed') {
          logger.error({ file: outcome.file, error: outcome.error }, 'scheduled backup failed');
          return;
        }
        const { sizeBytes, rows, files } = outcome.result;
        logger.info(
          { file: outcome.file, size: formatBytes(sizeBytes), sizeBytes, rows, files, removed: outcome.removed },
          'scheduled backup written',
        );
        if (outcome.retentionError) {
          logger.warn({ error: outcome.retentionError }, 'could not remove an old backup');
        }
      })
      .catch((error: unknown) => {
        metrics.jobRan('backup', 'failed');
        logger.error({ err: error }, 'scheduled backup failed');
      })
      .finally(() => {
        running = undefined;
      });
  };
  const first = setTimeout(check, firstCheckMs);
  first.unref();
  const timer = setInterval(check, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearTimeout(first);
      clearInterval(timer);
      const current = running;
      if (!current) return;
      const finished = await Promise.race([current.then(() => true), sleep(stopWaitMs, false, { ref: false })]);
      if (finished) return;
      // Recorded as interrupted now, while the database is open; removing the .partial file
      // makes the writer fail at its rename, if it gets that far before the process ends.
      const abandoned = await markInterruptedRuns(options.db, {
        now: options.now(),
        startedBefore: undefined,
        instance: options.instance,
      });
      await removePartials(options.dir, abandoned);
      logger.warn({ files: abandoned.map((run) => run.fileName) }, 'shutting down: abandoned the backup being written');
    },
  };
}
