// Writes a backup archive (archive-format.ts) while the portal keeps serving: the database is
// read in one snapshot into temporary files, then those and every evidence file the snapshot
// names are packed. Evidence files never change once stored, so files read after the snapshot
// are the ones it names; one deleted in between is listed as missing in the manifest.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdtemp, open, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import tar from 'tar-stream';
import type { Database, DatabaseKind } from '../db/client.js';
import type { EvidenceStore } from '../storage/evidence-store.js';
import { MissingStoredFile } from '../storage/evidence-store.js';
import {
  DATABASE_PREFIX,
  FILES_PREFIX,
  FORMAT,
  FORMAT_VERSION,
  laurelVersion,
  MANIFEST_ENTRY,
  type BackupManifest,
  type FileRecord,
} from './archive-format.js';
import { dumpToFolder } from './table-dump.js';

export interface BackupSource {
  db: Database;
  databaseKind: DatabaseKind;
  store: EvidenceStore;
  now?: () => Date;
}

/** Writes the archive to `file` (through file.partial, renamed when whole) and returns its manifest. */
export async function writeBackup(source: BackupSource, file: string): Promise<BackupManifest> {
  if (existsSync(file)) throw new Error(`${file} already exists; a backup never overwrites a file`);
  const started = Date.now();
  const now = source.now ?? (() => new Date());
  const workDir = await mkdtemp(path.join(tmpdir(), 'laurel-backup-'));
  const partial = `${file}.partial`;
  let pack: tar.Pack | undefined;
  try {
    const dump = await dumpToFolder(source.db, workDir);
    const snapshotMs = Date.now() - started;
    const evidenceDump = dump.files.find((f) => f.endsWith('-evidence_files.jsonl'));
    const evidence = evidenceDump ? await fileRecordsIn(evidenceDump) : [];

    pack = tar.pack();
    const written = pipeline(pack, createGzip(), createWriteStream(partial, { mode: 0o600 }));
    // A failure of the output (a full disk) must not leave the packing below waiting forever.
    written.catch(() => pack?.destroy());
    const tables = [];
    for (const [index, table] of dump.tables.entries()) {
      const local = dump.files[index]!;
      const entry = `${DATABASE_PREFIX}${path.basename(local)}`;
      await addEntry(pack, entry, (await stat(local)).size, createReadStream(local));
      tables.push({ ...table, entry });
    }
    const stored: FileRecord[] = [];
    const missing: string[] = [];
    for (const record of evidence) {
      let body;
      try {
        body = await source.store.read(record.storedName);
      } catch (error) {
        if (!(error instanceof MissingStoredFile)) throw error;
        missing.push(record.storedName);
        continue;
      }
      const sha256 = await addEntry(pack, `${FILES_PREFIX}${record.storedName}`, record.sizeBytes, body);
      if (sha256 !== record.sha256) {
        throw new Error(
          `The stored evidence file ${record.storedName} no longer matches the checksum recorded when it was uploaded; ` +
            'the backup stopped so that it does not pass a damaged file off as whole.',
        );
      }
      stored.push(record);
    }
    const manifest: BackupManifest = {
      format: FORMAT,
      version: FORMAT_VERSION,
      createdAt: now().toISOString(),
      laurelVersion: laurelVersion(),
      source: { database: source.databaseKind, storage: source.store.kind },
      migration: dump.migration,
      tables,
      sequences: dump.sequences,
      files: {
        count: stored.length,
        bytes: stored.reduce((sum, f) => sum + f.sizeBytes, 0),
        entries: stored,
        missing,
      },
      timings: { snapshotMs, totalMs: 0 },
    };
    manifest.timings.totalMs = Date.now() - started;
    const manifestText = Buffer.from(JSON.stringify(manifest, null, 1));
    await addEntry(pack, MANIFEST_ENTRY, manifestText.length, [manifestText]);
    pack.finalize();
    await written;
    await flush(partial);
    await rename(partial, file);
    return manifest;
  } catch (error) {
    // Closes the archive being written, so the half-written file is not held open.
    pack?.destroy();
    await rm(partial, { force: true });
    throw error;
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

/** Adds one entry of a known size; resolves with the SHA-256 of what went in. */
async function addEntry(
  pack: tar.Pack,
  name: string,
  size: number,
  body: NodeJS.ReadableStream | Iterable<Buffer>,
): Promise<string> {
  const hash = createHash('sha256');
  const hashing = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  const entry = pack.entry({ name, size, mode: 0o600, mtime: new Date(0) });
  await pipeline(body as NodeJS.ReadableStream, hashing, entry);
  return hash.digest('hex');
}

/** The evidence files a dumped evidence_files table names. */
async function fileRecordsIn(file: string): Promise<FileRecord[]> {
  const records: FileRecord[] = [];
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line === '') continue;
    const row = JSON.parse(line) as { stored_name: string; size_bytes: number | string; sha256: string };
    records.push({ storedName: row.stored_name, sizeBytes: Number(row.size_bytes), sha256: row.sha256 });
  }
  return records;
}

async function flush(file: string): Promise<void> {
  const handle = await open(file, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
