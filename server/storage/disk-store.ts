// Evidence in a folder on this machine (UPLOAD_DIR/ab/ab…32 hex), the default store. Several
// instances may share it only when the folder itself is shared (a network file system); a
// cluster on separate machines uses a bucket (s3-store.ts).
import { createHash } from 'node:crypto';
import { constants as fsConstants, createWriteStream } from 'node:fs';
import { chmod, copyFile, lstat, mkdir, open, opendir, rename, rm, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  assertStoredName,
  DiskFull,
  MissingStoredFile,
  newStoredName,
  type EvidenceStore,
  type StoredEntry,
  type StoredFile,
} from './evidence-store.js';

/** Suffix of a copy still being written; never a stored name, so the sweep removes it. */
export const PARTIAL_SUFFIX = '.partial';

const DISK_FULL = new Set(['ENOSPC', 'EDQUOT']);

/** Where a stored file lives. Refuses any name the portal could not have made. */
export function storedPath(uploadDir: string, storedName: string): string {
  assertStoredName(storedName);
  const [shard, name] = storedName.split('/') as [string, string];
  return path.join(uploadDir, shard, name);
}

export class DiskStore implements EvidenceStore {
  readonly kind = 'disk' as const;
  readonly description: string;

  constructor(readonly uploadDir: string) {
    this.description = `folder ${uploadDir}`;
  }

  /**
   * The file's bytes are flushed to disk before it gets its stored name (a rename, which is
   * atomic), and the directory entry is flushed after. A crash before the caller's commit leaves
   * at worst a file no row names, which the sweep removes at the next start.
   */
  async put(tempPath: string): Promise<StoredFile> {
    try {
      const { sha256, sizeBytes } = await hashAndFlush(tempPath);
      const storedName = newStoredName();
      const target = storedPath(this.uploadDir, storedName);
      await mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
      await moveFile(tempPath, target);
      await chmod(target, 0o600);
      await flushDirectory(path.dirname(target));
      return { storedName, sha256, sizeBytes };
    } catch (error) {
      throw diskFullOr(error);
    }
  }

  async putAs(storedName: string, source: Readable): Promise<void> {
    const target = storedPath(this.uploadDir, storedName);
    const partial = target + PARTIAL_SUFFIX;
    try {
      await mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
      await pipeline(source, createWriteStream(partial, { mode: 0o600 }));
      const handle = await open(partial, 'r+');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(partial, target);
      await flushDirectory(path.dirname(target));
    } catch (error) {
      await rm(partial, { force: true });
      throw diskFullOr(error);
    }
  }

  async read(storedName: string): Promise<Readable> {
    const handle = await open(storedPath(this.uploadDir, storedName), 'r').catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new MissingStoredFile(storedName);
      throw error;
    });
    return handle.createReadStream();
  }

  async remove(storedName: string): Promise<void> {
    await rm(storedPath(this.uploadDir, storedName), { force: true });
  }

  async *list(): AsyncIterable<StoredEntry> {
    for await (const shard of entriesIn(this.uploadDir, 'directory')) {
      if (!SHARD.test(shard)) continue;
      const storedName = new RegExp(`^${shard}[0-9a-f]{30}$`);
      for await (const name of entriesIn(path.join(this.uploadDir, shard), 'file')) {
        if (!storedName.test(name)) continue;
        const modifiedAt = await modifiedAtOf(path.join(this.uploadDir, shard, name));
        if (modifiedAt) yield { storedName: `${shard}/${name}`, modifiedAt };
      }
    }
  }

  /** Copies left half-written by a crash (see moveFile and putAs). */
  async removeLeftovers(olderThan: Date | undefined): Promise<number> {
    let removed = 0;
    for await (const shard of entriesIn(this.uploadDir, 'directory')) {
      if (!SHARD.test(shard)) continue;
      const storedName = new RegExp(`^${shard}[0-9a-f]{30}$`);
      for await (const name of entriesIn(path.join(this.uploadDir, shard), 'file')) {
        if (!name.endsWith(PARTIAL_SUFFIX) || !storedName.test(name.slice(0, -PARTIAL_SUFFIX.length))) continue;
        if (await removeIfOlder(path.join(this.uploadDir, shard, name), olderThan)) removed += 1;
      }
    }
    return removed;
  }

  async checkWritable(): Promise<void> {
    const dir = path.join(this.uploadDir, 'tmp');
    await mkdir(dir, { recursive: true });
    const probe = path.join(dir, `readyz-${newStoredName().slice(3)}`);
    await writeFile(probe, 'ok');
    await unlink(probe);
  }
}

const SHARD = /^[0-9a-f]{2}$/;

function diskFullOr(error: unknown): unknown {
  return DISK_FULL.has((error as NodeJS.ErrnoException).code ?? '') ? new DiskFull() : error;
}

async function modifiedAtOf(filePath: string): Promise<Date | undefined> {
  try {
    const stats = await lstat(filePath);
    return stats.isFile() ? stats.mtime : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Removes a file last written before `olderThan` (any file when undefined); false when it stays. */
export async function removeIfOlder(filePath: string, olderThan: Date | undefined): Promise<boolean> {
  const modifiedAt = await modifiedAtOf(filePath);
  if (!modifiedAt) return false;
  if (olderThan && modifiedAt.getTime() >= olderThan.getTime()) return false;
  await rm(filePath, { force: true });
  return true;
}

/** Names of the files or folders in a folder, as a stream; none when the folder is missing. */
export async function* entriesIn(dir: string, wanted: 'file' | 'directory'): AsyncGenerator<string> {
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

/** The file's SHA-256 and size, read through the descriptor that then flushes it to disk. */
async function hashAndFlush(filePath: string): Promise<{ sha256: string; sizeBytes: number }> {
  const handle = await open(filePath, 'r+');
  try {
    const hash = createHash('sha256');
    let sizeBytes = 0;
    for await (const chunk of handle.createReadStream({ autoClose: false })) {
      hash.update(chunk as Buffer);
      sizeBytes += (chunk as Buffer).length;
    }
    await handle.sync();
    return { sha256: hash.digest('hex'), sizeBytes };
  } finally {
    await handle.close();
  }
}

/** Codes of file systems that cannot flush a directory; the file's own bytes are flushed already. */
const NO_DIRECTORY_SYNC = new Set(['EINVAL', 'EISDIR', 'EPERM', 'ENOTSUP', 'EBADF']);

async function flushDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch (error) {
    if (!NO_DIRECTORY_SYNC.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
  } finally {
    await handle.close();
  }
}

async function moveFile(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
    return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
  }
  // The temp directory is on another file system: copy beside the target, flush, then rename, so
  // the stored name never points at half a file.
  const partial = to + PARTIAL_SUFFIX;
  try {
    await copyFile(from, partial, fsConstants.COPYFILE_EXCL);
    const copy = await open(partial, 'r+');
    try {
      await copy.sync();
    } finally {
      await copy.close();
    }
    await rename(partial, to);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  await unlink(from);
}
