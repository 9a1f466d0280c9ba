// Files in UPLOAD_DIR that nothing will ever use: temp files of uploads cut off by a crash, and
// stored files whose evidence_files row never committed (the process died between moving the
// file into place and the commit, see storeUpload) or whose row was deleted just before a crash.
// The portal removes them at start-up, before it listens.
//
// Who else may be writing decides what is safe to remove. The embedded database belongs to one
// process (server/db/lock.ts), so at its start-up nothing is in flight and every leftover can go.
// On PostgreSQL other instances may share UPLOAD_DIR and be in the middle of an upload, so only
// files untouched for an hour go.
import { opendir, rm, lstat } from 'node:fs/promises';
import path from 'node:path';
import { inArray } from 'drizzle-orm';
import { evidenceFiles } from '../../models/schema.js';
import type { Database, DatabaseKind } from '../db/client.js';
import { deleteStored, PARTIAL_SUFFIX } from './evidence-files.js';

export const SHARED_UPLOAD_DIR_GRACE_MS = 60 * 60 * 1000;

export interface SweepPolicy {
  /** Only files last written before this are removed; undefined removes them whatever their age. */
  olderThan?: Date;
}

export function sweepPolicyFor(kind: DatabaseKind, now: Date): SweepPolicy {
  return kind === 'pglite' ? {} : { olderThan: new Date(now.getTime() - SHARED_UPLOAD_DIR_GRACE_MS) };
}

/** Removes the temp files of uploads in UPLOAD_DIR/tmp; returns how many went. */
export async function sweepTempUploads(tmpDir: string, policy: SweepPolicy): Promise<number> {
  let removed = 0;
  for await (const name of filesIn(tmpDir)) {
    if (await removeIfOldEnough(path.join(tmpDir, name), policy)) removed += 1;
  }
  return removed;
}

const SHARD = /^[0-9a-f]{2}$/;

/**
 * Removes stored evidence files that no evidence_files row names, and copies left half-written
 * (see storeUpload's PARTIAL_SUFFIX). Names are read from the directories as a stream and checked
 * against the table in batches, so memory stays bounded whatever the number of files. A file a
 * row names is never removed; a name the portal could not have made is left alone.
 */
export async function sweepOrphanEvidence(
  db: Database,
  uploadDir: string,
  policy: SweepPolicy,
  { batchSize = 500 }: { batchSize?: number } = {},
): Promise<number> {
  let removed = 0;
  let batch: string[] = [];
  const removeUnreferenced = async () => {
    const referenced = new Set(
      (
        await db
          .select({ storedName: evidenceFiles.storedName })
          .from(evidenceFiles)
          .where(inArray(evidenceFiles.storedName, batch))
      ).map((row) => row.storedName),
    );
    for (const storedName of batch) {
      if (!referenced.has(storedName) && (await removeIfOldEnough(path.join(uploadDir, storedName), policy)))
        removed += 1;
    }
    batch = [];
  };

  for await (const shard of directoriesIn(uploadDir)) {
    if (!SHARD.test(shard)) continue;
    const storedName = new RegExp(`^${shard}[0-9a-f]{30}$`);
    for await (const name of filesIn(path.join(uploadDir, shard))) {
      if (name.endsWith(PARTIAL_SUFFIX) && storedName.test(name.slice(0, -PARTIAL_SUFFIX.length))) {
        if (await removeIfOldEnough(path.join(uploadDir, shard, name), policy)) removed += 1;
        continue;
      }
      if (!storedName.test(name)) continue;
      batch.push(`${shard}/${name}`);
      if (batch.length >= batchSize) await removeUnreferenced();
    }
  }
  if (batch.length > 0) await removeUnreferenced();
  return removed;
}

async function removeIfOldEnough(filePath: string, policy: SweepPolicy): Promise<boolean> {
  try {
    const stats = await lstat(filePath);
    if (!stats.isFile()) return false;
    if (policy.olderThan && stats.mtimeMs >= policy.olderThan.getTime()) return false;
    await rm(filePath, { force: true });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

async function* entriesIn(dir: string, wanted: 'file' | 'directory'): AsyncGenerator<string> {
  let handle;
  try {
    handle = await opendir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  for await (const entry of handle) {
    if (wanted === 'file' ? entry.isFile() : entry.isDirectory()) yield entry.name;
  }
}

const filesIn = (dir: string) => entriesIn(dir, 'file');
const directoriesIn = (dir: string) => entriesIn(dir, 'directory');

/**
 * After a failed save: removes those of `storedNames` that no row names. A commit whose answer
 * was lost (the connection dropped during COMMIT) may have kept the rows, so each name is checked
 * rather than assumed orphaned; when even that check fails the files stay for the next sweep.
 */
export async function discardUnreferenced(db: Database, uploadDir: string, storedNames: string[]): Promise<void> {
  if (storedNames.length === 0) return;
  let referenced: Set<string>;
  try {
    const rows = await db
      .select({ storedName: evidenceFiles.storedName })
      .from(evidenceFiles)
      .where(inArray(evidenceFiles.storedName, storedNames));
    referenced = new Set(rows.map((row) => row.storedName));
  } catch {
    return;
  }
  await Promise.all(storedNames.filter((name) => !referenced.has(name)).map((name) => deleteStored(uploadDir, name)));
}
