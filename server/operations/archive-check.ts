// The first pass of a restore: reads the whole archive and checks every entry against the
// manifest (sizes, SHA-256 sums, every table and file present), so a damaged or cut-short backup
// is refused before anything is touched.
import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  ArchiveProblem,
  DATABASE_PREFIX,
  FILES_PREFIX,
  MANIFEST_ENTRY,
  parseManifest,
  type BackupManifest,
} from './archive-format.js';
import { archiveEntries, unreadable } from './archive-reader.js';

export async function checkArchive(file: string): Promise<BackupManifest> {
  let read;
  try {
    read = await entrySums(file);
  } catch (error) {
    throw unreadable(error);
  }
  const { sums, manifestText } = read;
  if (manifestText === undefined) throw new ArchiveProblem('it has no manifest (the file is probably cut short)');
  const manifest = parseManifest(manifestText);
  return checkAgainst(manifest, sums);
}

async function entrySums(file: string) {
  const sums = new Map<string, { sha256: string; size: number }>();
  let manifestText: string | undefined;
  for await (const entry of archiveEntries(file)) {
    if (entry.name === MANIFEST_ENTRY) {
      const chunks: Buffer[] = [];
      for await (const chunk of entry.body) chunks.push(chunk as Buffer);
      manifestText = Buffer.concat(chunks).toString('utf8');
      continue;
    }
    if (!entry.name.startsWith(DATABASE_PREFIX) && !entry.name.startsWith(FILES_PREFIX)) {
      throw new ArchiveProblem(`it holds an entry a Laurel backup never has (${JSON.stringify(entry.name)})`);
    }
    const hash = createHash('sha256');
    let size = 0;
    await pipeline(
      entry.body,
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          hash.update(chunk);
          size += chunk.length;
          done();
        },
      }),
    );
    sums.set(entry.name, { sha256: hash.digest('hex'), size });
  }
  return { sums, manifestText };
}

function checkAgainst(manifest: BackupManifest, sums: Map<string, { sha256: string; size: number }>): BackupManifest {
  for (const table of manifest.tables) {
    const found = sums.get(table.entry);
    if (!found) throw new ArchiveProblem(`the rows of table ${table.name} are missing from it`);
    if (found.sha256 !== table.sha256 || found.size !== table.bytes) {
      throw new ArchiveProblem(`the rows of table ${table.name} do not match their checksum`);
    }
  }
  for (const record of manifest.files.entries) {
    const found = sums.get(`${FILES_PREFIX}${record.storedName}`);
    if (!found) throw new ArchiveProblem(`the evidence file ${record.storedName} is missing from it`);
    if (found.sha256 !== record.sha256 || found.size !== record.sizeBytes) {
      throw new ArchiveProblem(`the evidence file ${record.storedName} does not match its checksum`);
    }
  }
  return manifest;
}
