// The record of backups (backup_runs): a run is recorded when it starts and again when it ends,
// with its archive's size and contents or, in plain words, why it failed. Scheduled runs
// (backup-schedule.ts) and the ones asked for with `npm run backup` are recorded alike, so the
// admins' page lists both.
import { stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { and, eq, lt } from 'drizzle-orm';
import { backupRuns, type BackupTrigger } from '../../models/schema.js';
import type { Clock } from '../clock.js';
import type { Database } from '../db/client.js';
import type { BackupManifest } from './archive-format.js';

/** The error of a run its process never finished. */
export const INTERRUPTED = 'interrupted: the process writing it stopped before it finished';

const MAX_ERROR_LENGTH = 500;

/** The host and process, recorded with each run: with several instances, where its file is. */
export function thisInstance(): string {
  return `${hostname()} (pid ${process.pid})`;
}

/**
 * An error as a line for the admins' page: its message only (no stack), the password of any
 * address in it hidden, and not longer than a line of a table should be.
 */
export function plainMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const line = (message.split('\n').find((l) => l.trim() !== '') ?? 'unknown error').trim();
  const hidden = line.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^\s/@]*@/gi, '$1…@');
  return hidden.length > MAX_ERROR_LENGTH ? `${hidden.slice(0, MAX_ERROR_LENGTH - 1)}…` : hidden;
}

export interface BackupRunResult {
  sizeBytes: number;
  rows: number;
  files: number;
}

/** What a manifest and the archive's size say, as a run records it. */
export function resultOf(manifest: BackupManifest, sizeBytes: number): BackupRunResult {
  return {
    sizeBytes,
    rows: manifest.tables.reduce((sum, table) => sum + table.rows, 0),
    files: manifest.files.count,
  };
}

/** Records a run that is starting; `now` is its start. */
export async function startBackupRun(
  db: Database,
  { trigger, fileName, instance, now }: { trigger: BackupTrigger; fileName: string; instance: string; now: Date },
): Promise<number> {
  const [row] = await db
    .insert(backupRuns)
    .values({ trigger, fileName, instance, startedAt: now, status: 'running' })
    .returning({ id: backupRuns.id });
  return row!.id;
}

/**
 * Records how a run ended: its archive's size and contents, or why it failed. A run already
 * marked interrupted (its process was presumed gone) stays so.
 */
export async function finishBackupRun(
  db: Database,
  id: number,
  outcome: BackupRunResult | { error: unknown },
  finishedAt: Date = new Date(),
): Promise<void> {
  const values =
    'error' in outcome
      ? { status: 'failed' as const, error: plainMessage(outcome.error) }
      : {
          status: 'done' as const,
          sizeBytes: outcome.sizeBytes,
          rowCount: outcome.rows,
          fileCount: outcome.files,
        };
  await db
    .update(backupRuns)
    .set({ ...values, finishedAt })
    .where(and(eq(backupRuns.id, id), eq(backupRuns.status, 'running')));
}

/**
 * A backup asked for (the CLI's `npm run backup -- FILE`), recorded around `write`, which writes
 * the archive to `file` and returns its manifest. A failure is recorded and thrown again.
 */
export async function recordRequestedBackup(
  db: Database,
  { file, instance = thisInstance(), clock = () => new Date() }: { file: string; instance?: string; clock?: Clock },
  write: () => Promise<BackupManifest>,
): Promise<BackupManifest> {
  const id = await startBackupRun(db, { trigger: 'requested', fileName: file, instance, now: clock() });
  let manifest: BackupManifest;
  try {
    manifest = await write();
  } catch (error) {
    await finishBackupRun(db, id, { error }, clock());
    throw error;
  }
  await finishBackupRun(db, id, resultOf(manifest, (await stat(file)).size), clock());
  return manifest;
}

/**
 * Marks runs whose process is gone as failed ('interrupted'): those started before `startedBefore`,
 * or every running one when `startedBefore` is undefined (the embedded database on start-up: its
 * one process is this one); only `instance`'s if given. Returns the runs marked.
 */
export async function markInterruptedRuns(
  db: Database,
  { now, startedBefore, instance }: { now: Date; startedBefore: Date | undefined; instance?: string },
): Promise<Array<{ fileName: string; trigger: BackupTrigger }>> {
  return db
    .update(backupRuns)
    .set({ status: 'failed', error: INTERRUPTED, finishedAt: now })
    .where(
      and(
        eq(backupRuns.status, 'running'),
        startedBefore ? lt(backupRuns.startedAt, startedBefore) : undefined,
        instance === undefined ? undefined : eq(backupRuns.instance, instance),
      ),
    )
    .returning({ fileName: backupRuns.fileName, trigger: backupRuns.trigger });
}
