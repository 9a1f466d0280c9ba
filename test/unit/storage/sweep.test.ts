// The start-up sweeps of UPLOAD_DIR, on a real migrated database and real files: leftovers go,
// a file a row names never does, and on a shared UPLOAD_DIR (PostgreSQL) young files are spared.
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { applications, evidenceFiles, schools } from '../../../models/schema.js';
import type { DatabaseHandle } from '../../../server/db/client.js';
import { DiskStore, PARTIAL_SUFFIX, storedPath } from '../../../server/storage/disk-store.js';
import {
  SHARED_UPLOAD_DIR_GRACE_MS,
  StoreNotThisDatabase,
  sweepOrphanEvidence,
  sweepPolicyFor,
  sweepTempUploads,
} from '../../../server/storage/sweep.js';
import { createTestDatabase } from '../../helpers/database.js';
import { createCycle2027 } from '../../helpers/factories.js';

const HOUR = 60 * 60 * 1000;

function newStoredName(): string {
  const random = randomBytes(16).toString('hex');
  return `${random.slice(0, 2)}/${random}`;
}

/** Writes a file and dates its last change `ageMs` ago. */
function writeAged(file: string, ageMs = 0): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, 'evidence');
  const when = new Date(Date.now() - ageMs);
  utimesSync(file, when, when);
  return file;
}

/** Every file under `dir`, as paths relative to it. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();
}

describe('sweepPolicyFor', () => {
  it('removes everything on the embedded database, and only what is an hour old on PostgreSQL', () => {
    const now = new Date('2026-11-22T12:00:00Z');
    expect(sweepPolicyFor('pglite', now)).to.deep.equal({});
    expect(sweepPolicyFor('postgresql', now)).to.deep.equal({ olderThan: new Date('2026-11-22T11:00:00Z') });
    expect(SHARED_UPLOAD_DIR_GRACE_MS).to.equal(HOUR);
  });
});

describe('sweepTempUploads', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'laurel-sweep-tmp-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('removes every temp file when nothing else can be uploading', async () => {
    writeAged(path.join(dir, 'a'.repeat(32)));
    writeAged(path.join(dir, 'b'.repeat(32)), 2 * HOUR);
    expect(await sweepTempUploads(dir, {})).to.equal(2);
    expect(readdirSync(dir)).to.deep.equal([]);
  });

  it('spares the temp files written in the last hour when other instances may be uploading', async () => {
    writeAged(path.join(dir, 'young'), HOUR - 60_000);
    writeAged(path.join(dir, 'old'), HOUR + 60_000);
    expect(await sweepTempUploads(dir, sweepPolicyFor('postgresql', new Date()))).to.equal(1);
    expect(readdirSync(dir)).to.deep.equal(['young']);
  });

  it('does not mind a temp directory that was never made', async () => {
    expect(await sweepTempUploads(path.join(dir, 'missing'), {})).to.equal(0);
  });
});

describe('sweepOrphanEvidence', function () {
  this.timeout(60_000);
  let database: DatabaseHandle;
  let applicationId: number;
  let uploadDir: string;

  before(async () => {
    database = await createTestDatabase();
    const { cycle } = await createCycle2027(database.db, 'sweep');
    const [school] = await database.db
      .insert(schools)
      .values({
        name: 'Lincoln High School',
        city: 'Portland',
        state: 'OR',
        level: 'high',
        matchKey: 'lincoln high school|portland|or',
      })
      .returning();
    const [application] = await database.db
      .insert(applications)
      .values({ cycleId: cycle.id, schoolId: school!.id })
      .returning();
    applicationId = application!.id;
  });
  after(() => database.close());
  beforeEach(async () => {
    uploadDir = mkdtempSync(path.join(tmpdir(), 'laurel-sweep-store-'));
    await database.db.delete(evidenceFiles);
  });
  afterEach(() => rmSync(uploadDir, { recursive: true, force: true }));

  async function referenced(count: number, ageMs = 0): Promise<string[]> {
    const names = Array.from({ length: count }, newStoredName);
    for (const storedName of names) {
      writeAged(storedPath(uploadDir, storedName), ageMs);
      await database.db.insert(evidenceFiles).values({
        applicationId,
        originalName: 'plan.pdf',
        storedName,
        kind: 'pdf',
        contentType: 'application/pdf',
        sizeBytes: 8,
        sha256: '0'.repeat(64),
      });
    }
    return names;
  }

  function orphans(count: number, ageMs = 0): string[] {
    return Array.from({ length: count }, () => {
      const storedName = newStoredName();
      writeAged(storedPath(uploadDir, storedName), ageMs);
      return storedName;
    });
  }

  it('removes stored files no row names and keeps every one a row names, checking in batches', async () => {
    const kept = await referenced(7);
    orphans(6);
    // A batch of 4 makes several round trips, and shards share batches.
    expect(await sweepOrphanEvidence(database.db, new DiskStore(uploadDir), {}, { batchSize: 4 })).to.equal(6);
    expect(filesUnder(uploadDir)).to.deep.equal(kept.sort());
  });

  it('removes copies left half-written, and leaves alone what the portal could not have made', async () => {
    const [kept] = await referenced(1);
    const partial = `${storedPath(uploadDir, newStoredName())}${PARTIAL_SUFFIX}`;
    writeAged(partial);
    const strangers = [
      'README.txt',
      'tmp/0123456789abcdef0123456789abcdef',
      'ab/notes.txt',
      'zz/zz0123456789abcdef0123456789ab',
      'ab/cd0123456789abcdef0123456789ab',
    ];
    for (const name of strangers) writeAged(path.join(uploadDir, name));

    expect(await sweepOrphanEvidence(database.db, new DiskStore(uploadDir), {})).to.equal(1);
    expect(existsSync(partial)).to.equal(false);
    expect(filesUnder(uploadDir)).to.deep.equal([kept!, ...strangers].sort());
  });

  it('on a shared UPLOAD_DIR spares unnamed files of the last hour: their row may be about to commit', async () => {
    const kept = await referenced(2, 3 * HOUR);
    const [young] = orphans(1, HOUR - 60_000);
    orphans(2, HOUR + 60_000);
    const youngPartial = `${storedPath(uploadDir, newStoredName())}${PARTIAL_SUFFIX}`;
    writeAged(youngPartial);

    expect(
      await sweepOrphanEvidence(database.db, new DiskStore(uploadDir), sweepPolicyFor('postgresql', new Date())),
    ).to.equal(2);
    expect(filesUnder(uploadDir)).to.deep.equal([...kept, young!, path.relative(uploadDir, youngPartial)].sort());
  });

  it('removes nothing when most files belong to no row: a store and a database that do not belong together', async () => {
    const kept = await referenced(5);
    const strangers = orphans(25);
    let refused: unknown;
    await sweepOrphanEvidence(database.db, new DiskStore(uploadDir), {}).catch((error: unknown) => (refused = error));
    expect(refused).to.be.instanceOf(StoreNotThisDatabase);
    expect((refused as Error).message)
      .to.match(/25 of the 30 evidence files/)
      .and.to.contain('DATABASE_URL');
    expect(filesUnder(uploadDir)).to.deep.equal([...kept, ...strangers].sort());
  });

  it('does not mind an upload directory that was never made', async () => {
    expect(await sweepOrphanEvidence(database.db, new DiskStore(path.join(uploadDir, 'missing')), {})).to.equal(0);
  });
});
