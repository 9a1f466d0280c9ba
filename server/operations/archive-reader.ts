// Reads a backup archive entry by entry, as a stream: nothing is held in memory but the entry
// being read, whatever the archive's size.
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import { ArchiveProblem } from './archive-format.js';

export interface ArchiveEntry {
  name: string;
  size: number;
  body: Readable;
}

/** Each entry of the archive in order; an entry's body must be read (or drained) before the next. */
export async function* archiveEntries(file: string): AsyncGenerator<ArchiveEntry> {
  const extract = tar.extract();
  const reading = pipeline(createReadStream(file), createGunzip(), extract);
  let failed: unknown;
  reading.catch((error: unknown) => {
    failed = error;
  });
  try {
    for await (const entry of extract) {
      // tar-stream's entries are streamx streams; consumers such as the S3 client want Node's own.
      const body = Readable.from(entry as AsyncIterable<Buffer>, { objectMode: false });
      yield { name: entry.header.name, size: entry.header.size ?? 0, body };
      entry.resume();
    }
    await reading;
  } catch (error) {
    throw unreadable(failed ?? error);
  } finally {
    // A reader that stops early (an error while loading) closes the file.
    extract.destroy();
  }
}

/** A read error as the reason the archive cannot be restored. */
export function unreadable(error: unknown): Error {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new ArchiveProblem('there is no such file');
  if (code === 'EISDIR') return new ArchiveProblem('that is a folder, not a backup file');
  if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR' || code === 'ERR_STREAM_PREMATURE_CLOSE') {
    return new ArchiveProblem('the file is damaged or cut short (it does not decompress)');
  }
  if (error instanceof ArchiveProblem) return error;
  return new ArchiveProblem(`the file could not be read as a backup (${(error as Error).message})`);
}
