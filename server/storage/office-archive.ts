// Word (.docx) and Excel (.xlsx) files are zip archives of XML. A few kilobytes of zip can
// claim, or really hold, gigabytes of XML that whoever opens the file (a reviewer's Word, an
// indexer) would have to inflate. The archive's directory is read entry by entry and each entry
// is then inflated as a stream and counted, so the check never holds more than a chunk in memory
// and a lie in the directory is caught (yauzl stops an entry that outgrows its stated size).
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';

export interface OfficeArchiveLimits {
  /** Real documents have tens of parts, big workbooks a few hundred. */
  maxEntries: number;
  /** All parts together, once unpacked. */
  maxUnpackedBytes: number;
  /** XML packs about 5–20 times; a zip bomb's part packs about a thousand times. */
  maxRatio: number;
  /** Small parts may pack as tightly as they like. */
  ratioCheckedFromBytes: number;
}

export const OFFICE_ARCHIVE_LIMITS: Readonly<OfficeArchiveLimits> = {
  maxEntries: 2000,
  maxUnpackedBytes: 100 * 1024 * 1024,
  maxRatio: 200,
  ratioCheckedFromBytes: 1024 * 1024,
};

export type OfficeArchiveProblem =
  | { problem: 'damaged' }
  | { problem: 'too many parts' }
  | { problem: 'too large unpacked' }
  | { problem: 'packed too tightly' };

/** What is wrong with the archive at `filePath`, or undefined when it is within the limits. */
export async function officeArchiveProblem(
  filePath: string,
  limits: Readonly<OfficeArchiveLimits> = OFFICE_ARCHIVE_LIMITS,
): Promise<OfficeArchiveProblem | undefined> {
  let zip: yauzl.ZipFile;
  try {
    zip = await openZip(filePath);
  } catch {
    return { problem: 'damaged' };
  }
  try {
    if (zip.entryCount > limits.maxEntries) return { problem: 'too many parts' };
    let unpacked = 0;
    for (let entry = await nextEntry(zip); entry; entry = await nextEntry(zip)) {
      unpacked += entry.uncompressedSize;
      if (unpacked > limits.maxUnpackedBytes) return { problem: 'too large unpacked' };
      const { uncompressedSize, compressedSize } = entry;
      if (
        uncompressedSize >= limits.ratioCheckedFromBytes &&
        uncompressedSize > limits.maxRatio * Math.max(compressedSize, 1)
      ) {
        return { problem: 'packed too tightly' };
      }
      if (!entry.canDecodeFileData()) return { problem: 'damaged' };
      await drain(await openEntry(zip, entry));
    }
    return undefined;
  } catch {
    // A broken directory, bad deflate data, or an entry larger or smaller than it claims.
    return { problem: 'damaged' };
  } finally {
    zip.close();
  }
}

function openZip(filePath: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(filePath, { lazyEntries: true, autoClose: false, validateEntrySizes: true }, (error, zip) =>
      error ? reject(error) : resolve(zip),
    );
  });
}

/** The next entry of a lazyEntries archive, or undefined at its end. */
function nextEntry(zip: yauzl.ZipFile): Promise<yauzl.Entry | undefined> {
  return new Promise((resolve, reject) => {
    const cleanUp = () => {
      zip.off('entry', onEntry);
      zip.off('end', onEnd);
      zip.off('error', onError);
    };
    const onEntry = (entry: yauzl.Entry) => (cleanUp(), resolve(entry));
    const onEnd = () => (cleanUp(), resolve(undefined));
    const onError = (error: Error) => (cleanUp(), reject(error));
    zip.on('entry', onEntry);
    zip.on('end', onEnd);
    zip.on('error', onError);
    zip.readEntry();
  });
}

function openEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Readable> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (error, stream) => (error ? reject(error) : resolve(stream)));
  });
}

async function drain(stream: Readable): Promise<void> {
  for await (const chunk of stream) void chunk;
}
