// Stored files that nothing will ever use: temp files of uploads cut off by a crash, and stored
// files whose evidence_files row never committed (the process died between storing the file and
// the commit) or whose row was deleted just before a crash. The portal removes them at start-up,
// before it listens (and temp files hourly too).
//
// Who else may be writing decides what is safe to remove. The embedded database belongs to one
// process (server/db/lock.ts), so at its start-up nothing is in flight and every leftover can go.
// On PostgreSQL other instances may share the store and be in the middle of an upload, so only
// files untouched for an hour go.
import path from 'node:path';
import { inArray } from 'drizzle-orm';
import { evidenceFiles } from '../../models/schema.js';
import type { Database, DatabaseKind } from '../db/client.js';
import { entriesIn, removeIfOlder } from './disk-store.js';
import type { EvidenceStore } from './evidence-store.js';

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
  for await (const name of entriesIn(tmpDir, 'file')) {
    if (await removeIfOlder(path.join(tmpDir, name), policy.olderThan)) removed += 1;
  }
  return removed;
}

/**
 * The store holds many files no row names, more than half of what it holds: more likely the
 * portal was pointed at the wrong database (a new, empty one; another program's) than that
 * uploads were lost in crashes. Removing them would destroy evidence, so nothing is removed.
 */
export class StoreNotThisDatabase extends Error {
  constructor(
    public readonly unreferenced: number,
    public readonly listed: number,
  ) {
    super(
      `${unreferenced} of the ${listed} evidence files in storage belong to no row of this database. ` +
        'That looks like a database and a store that do not belong together (check DATABASE_URL, DATA_DIR, ' +
        'UPLOAD_DIR and STORAGE_URL), so the sweep removed none of them.',
    );
    this.name = 'StoreNotThisDatabase';
  }
}

/** Below this many, files no row names are always treated as crash leftovers. */
const MANY_UNREFERENCED = 20;

/**
 * Removes stored evidence files that no evidence_files row names, and what interrupted writes
 * left. Names are read from the store as a stream and checked against the table in batches; a
 * file a row names is never removed. When most files belong to no row (StoreNotThisDatabase)
 * none is removed.
 */
export async function sweepOrphanEvidence(
  db: Database,
  store: EvidenceStore,
  policy: SweepPolicy,
  { batchSize = 500 }: { batchSize?: number } = {},
): Promise<number> {
  let removed = await store.removeLeftovers(policy.olderThan);
  const unreferenced: string[] = [];
  let listed = 0;
  let batch: string[] = [];
  const checkBatch = async () => {
    const referenced = new Set(
      (
        await db
          .select({ storedName: evidenceFiles.storedName })
          .from(evidenceFiles)
          .where(inArray(evidenceFiles.storedName, batch))
      ).map((row) => row.storedName),
    );
    unreferenced.push(...batch.filter((storedName) => !referenced.has(storedName)));
    batch = [];
  };

  for await (const entry of store.list()) {
    listed += 1;
    if (policy.olderThan && entry.modifiedAt.getTime() >= policy.olderThan.getTime()) continue;
    batch.push(entry.storedName);
    if (batch.length >= batchSize) await checkBatch();
  }
  if (batch.length > 0) await checkBatch();
  if (unreferenced.length >= MANY_UNREFERENCED && unreferenced.length * 2 > listed) {
    throw new StoreNotThisDatabase(unreferenced.length, listed);
  }
  for (const storedName of unreferenced) {
    await store.remove(storedName);
    removed += 1;
  }
  return removed;
}

/**
 * After a failed save: removes those of `storedNames` that no row names. A commit whose answer
 * was lost (the connection dropped during COMMIT) may have kept the rows, so each name is checked
 * rather than assumed orphaned; when even that check fails the files stay for the next sweep.
 */
export async function discardUnreferenced(db: Database, store: EvidenceStore, storedNames: string[]): Promise<void> {
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
  await Promise.all(storedNames.filter((name) => !referenced.has(name)).map((name) => store.remove(name)));
}
