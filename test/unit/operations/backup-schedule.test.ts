// Scheduled backups on a real database into a real folder: made when due and not before, the
// newest BACKUP_KEEP kept and nothing else in the folder touched, one backup per period however
// many instances ask at once, failures and interrupted runs recorded in plain words.
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { Readable } from 'node:stream';
import { asc, sql } from 'drizzle-orm';
import { backupRuns, evidenceFiles, nominations, type BackupRunRow } from '../../../models/schema.js';
import { postgresHandle, type Database, type DatabaseHandle } from '../../../server/db/client.js';
import { createLogger } from '../../../server/logging.js';
import { checkArchive } from '../../../server/operations/archive-check.js';
import { INTERRUPTED, recordRequestedBackup, startBackupRun } from '../../../server/operations/backup-runs.js';
import {
  applyRetention,
  BACKUP_LOCK_KEY,
  backupFileName,
  recoverInterruptedBackups,
  runDueBackup,
  startBackupSchedule,
  type BackupOutcome,
  type ScheduledBackupOptions,
} from '../../../server/operations/backup-schedule.js';
import { writeBackup } from '../../../server/operations/backup-writer.js';
import { DiskStore, storedPath } from '../../../server/storage/disk-store.js';
import { MissingStoredFile } from '../../../server/storage/evidence-store.js';
import { createCycle2027, createUser } from '../../helpers/factories.js';
import { createEmptyPostgresDatabase, createTestDatabase } from '../../helpers/database.js';
import { createTestClock } from '../../helpers/harness.js';

const START = new Date('2026-11-22T12:00:00Z');
const MINUTE = 60 * 1000;
const HOUR = 60 * MINUTE;
const SIX_HOURS = 6 * HOUR;

/**
 * Two handles on one database: two pools on one PostgreSQL database (two instances), or the
 * one embedded database, which a single process owns.
 */
async function openTwoHandles(): Promise<{ first: DatabaseHandle; second: DatabaseHandle; close(): Promise<void> }> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    const handle = await createTestDatabase();
    return { first: handle, second: handle, close: () => handle.close() };
  }
  const empty = await createEmptyPostgresDatabase(serverUrl);
  const first = postgresHandle(empty.url, 3);
  const second = postgresHandle(empty.url, 3);
  await first.migrate();
  return {
    first,
    second,
    close: async () => {
      await first.close();
      await second.close();
      await empty.drop();
    },
  };
}

/** The disk store, with reads that can be made to fail or to wait. */
class UnreliableStore extends DiskStore {
  failReads: Error | undefined;
  /** While set, reads wait for it to settle. */
  gate: Promise<Readable> | undefined;
  waiting = 0;

  override read(storedName: string): Promise<Readable> {
    if (this.failReads) return Promise.reject(this.failReads);
    if (this.gate) {
      this.waiting += 1;
      return this.gate;
    }
    return super.read(storedName);
  }
}

async function runs(db: Database): Promise<BackupRunRow[]> {
  return db.select().from(backupRuns).orderBy(asc(backupRuns.id));
}

describe('scheduled backups', function () {
  this.timeout(120_000);
  let databases: Awaited<ReturnType<typeof openTwoHandles>>;
  let db: Database;
  let work: string;
  let dir: string;
  let store: UnreliableStore;
  const clock = createTestClock(START);

  const options = (changes: Partial<ScheduledBackupOptions> = {}): ScheduledBackupOptions => ({
    db,
    databaseKind: databases.first.kind,
    store,
    dir,
    every: SIX_HOURS,
    keep: 7,
    now: clock,
    instance: 'portal-1 (pid 100)',
    ...changes,
  });
  const filesIn = (folder: string) => readdirSync(folder).sort();

  /** An evidence file the database names, so a backup asks the store for it. */
  async function addEvidenceRow(): Promise<void> {
    const { cycle } = await createCycle2027(db, `program-${Date.now()}`);
    const [nomination] = await db
      .insert(nominations)
      .values({
        cycleId: cycle.id,
        schoolName: 'Madison High School',
        city: 'Portland',
        state: 'OR',
        matchKey: 'madison high school|portland|or',
        nominatorName: 'Ana Reyes',
        nominatorEmail: 'ana@example.org',
        relationship: 'parent',
        reason: 'Open classes.',
        confirmTokenHash: `token-${Math.random()}`,
        confirmExpiresAt: START,
      })
      .returning();
    // The file is there too, as a backup finds it when storage is right.
    const storedName = 'ab/ab0123456789abcdef0123456789abcd';
    mkdirSync(path.dirname(storedPath(store.uploadDir, storedName)), { recursive: true });
    writeFileSync(storedPath(store.uploadDir, storedName), 'plan!');
    await db.insert(evidenceFiles).values({
      nominationId: nomination!.id,
      originalName: 'plan.pdf',
      storedName,
      kind: 'pdf',
      contentType: 'application/pdf',
      sizeBytes: 5,
      sha256: createHash('sha256').update('plan!').digest('hex'),
    });
  }

  before(async () => {
    databases = await openTwoHandles();
    db = databases.first.db;
    work = mkdtempSync(path.join(tmpdir(), 'laurel-backup-schedule-'));
    store = new UnreliableStore(path.join(work, 'uploads'));
    await createUser(db, { email: 'admin@laurel.test', roles: ['admin'] });
  });
  after(async () => {
    await databases?.close();
    rmSync(work, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await db.delete(backupRuns);
    dir = path.join(work, `backups-${Date.now()}`);
    clock.set(START);
    store.failReads = undefined;
    store.gate = undefined;
    store.waiting = 0;
  });

  it('writes a backup when none was made within BACKUP_EVERY, and the next one when the period has passed', async () => {
    const first = await runDueBackup(options());
    expect(first.status).to.equal('done');
    const name = 'laurel-backup-20261122-120000.tar.gz';
    expect(filesIn(dir)).to.deep.equal([name]);
    const manifest = await checkArchive(path.join(dir, name));
    const [run] = await runs(db);
    expect(run).to.deep.include({
      fileName: name,
      trigger: 'scheduled',
      status: 'done',
      sizeBytes: statSync(path.join(dir, name)).size,
      rowCount: manifest.tables.reduce((sum, t) => sum + t.rows, 0),
      fileCount: 0,
      error: null,
      removedAt: null,
      instance: 'portal-1 (pid 100)',
    });
    expect(run!.rowCount).to.be.greaterThan(0);
    expect(run!.startedAt.toISOString()).to.equal(START.toISOString());
    expect(run!.finishedAt?.toISOString()).to.equal(START.toISOString());
    expect(
      manifest.tables.map((t) => t.name),
      'the record of backups is not in them',
    ).not.to.include('backup_runs');

    clock.advance(SIX_HOURS - MINUTE);
    expect(await runDueBackup(options())).to.deep.equal({ status: 'not-due' });
    clock.advance(MINUTE);
    expect((await runDueBackup(options())).status).to.equal('done');
    expect(filesIn(dir)).to.deep.equal([name, 'laurel-backup-20261122-180000.tar.gz']);
    expect((await runs(db)).map((r) => r.status)).to.deep.equal(['done', 'done']);
  });

  it('names files by their UTC start, to the second', () => {
    expect(backupFileName(new Date('2027-01-05T03:04:05.678Z'))).to.equal('laurel-backup-20270105-030405.tar.gz');
  });

  it('does not count a backup asked for with npm run backup as the scheduled one', async () => {
    const requested = path.join(work, 'requested.tar.gz');
    await recordRequestedBackup(db, { file: requested, instance: 'cli', clock }, () =>
      writeBackup({ db, databaseKind: databases.first.kind, store }, requested),
    );
    const [run] = await runs(db);
    expect(run).to.deep.include({ fileName: requested, trigger: 'requested', status: 'done', instance: 'cli' });
    expect(run!.sizeBytes).to.equal(statSync(requested).size);
    expect((await runDueBackup(options())).status).to.equal('done');
    rmSync(requested);
  });

  it('records a requested backup that failed, and throws its error again', async () => {
    const problem = new Error('ENOSPC: no space left on device, write');
    let thrown: unknown;
    await recordRequestedBackup(db, { file: '/tmp/x.tar.gz', instance: 'cli', clock }, () =>
      Promise.reject(problem),
    ).catch((error: unknown) => (thrown = error));
    expect(thrown).to.equal(problem);
    const [run] = await runs(db);
    expect(run).to.deep.include({ status: 'failed', error: 'ENOSPC: no space left on device, write' });
  });

  it('keeps exactly the newest BACKUP_KEEP backups and never touches another file in the folder', async () => {
    mkdirSync(dir, { recursive: true });
    const others = [
      'notes.txt',
      'laurel-backup-2019.tar.gz',
      'laurel-backup-20190101-000000.tar.gz.bak',
      'laurel-backup-20190101-000000.tar.gz.partial',
      'LAUREL-BACKUP-20190101-000000.TAR.GZ',
    ];
    for (const other of others) writeFileSync(path.join(dir, other), 'not ours');
    // A folder with our name is not a backup either.
    mkdirSync(path.join(dir, 'laurel-backup-20190101-000001.tar.gz'));

    const made: string[] = [];
    for (let period = 0; period < 5; period += 1) {
      const outcome = await runDueBackup(options({ keep: 3 }));
      expect(outcome.status).to.equal('done');
      made.push(path.basename((outcome as Extract<BackupOutcome, { status: 'done' }>).file));
      if (period === 3) expect((outcome as { removed: string[] }).removed).to.deep.equal([made[0]]);
      clock.advance(SIX_HOURS);
    }
    expect(filesIn(dir)).to.deep.equal([...others, 'laurel-backup-20190101-000001.tar.gz', ...made.slice(2)].sort());
    for (const other of others) {
      expect(readFileSync(path.join(dir, other), 'utf8'), other).to.equal('not ours');
    }
    const recorded = await runs(db);
    expect(recorded.map((r) => [r.fileName, r.removedAt !== null])).to.deep.equal(
      made.map((name, index) => [name, index < 2]),
    );
    expect(recorded[0]!.removedAt?.toISOString()).to.equal(new Date(START.getTime() + 3 * SIX_HOURS).toISOString());
  });

  it('removes nothing when BACKUP_KEEP or more backups are there', async () => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'laurel-backup-20261101-000000.tar.gz'), 'an older one');
    expect(await applyRetention(db, dir, 1, clock())).to.deep.equal([]);
    expect(await applyRetention(db, dir, 2, clock())).to.deep.equal([]);
    expect(filesIn(dir)).to.deep.equal(['laurel-backup-20261101-000000.tar.gz']);
  });

  it('makes one backup a period when two instances ask at the same moment', async () => {
    for (let period = 0; period < 4; period += 1) {
      const outcomes = await Promise.all([
        runDueBackup(options({ db: databases.first.db, instance: 'portal-1' })),
        runDueBackup(options({ db: databases.second.db, instance: 'portal-2' })),
      ]);
      expect(outcomes.map((o) => o.status).sort(), `period ${period}`).to.deep.equal(['done', 'not-due']);
      clock.advance(SIX_HOURS);
    }
    expect(filesIn(dir)).to.have.length(4);
    expect((await runs(db)).map((r) => r.status)).to.deep.equal(['done', 'done', 'done', 'done']);
  });

  it('leaves the decision to the instance that holds the lock (two pools on PostgreSQL)', async function () {
    if (databases.first === databases.second) this.skip();
    await databases.second.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${BACKUP_LOCK_KEY})`);
      expect(await runDueBackup(options())).to.deep.equal({ status: 'not-due' });
    });
    expect((await runDueBackup(options())).status).to.equal('done');
  });

  it('records a failure with its message and leaves no file, then waits before trying again', async () => {
    await addEvidenceRow();
    try {
      store.failReads = new Error(
        'The bucket answered 503 at https://AKIAEXAMPLE:secret@s3.example.org/laurel\n  at read',
      );
      const outcome = await runDueBackup(options());
      expect(outcome).to.deep.include({
        status: 'failed',
        error: 'The bucket answered 503 at https://…@s3.example.org/laurel',
      });
      expect(filesIn(dir), 'not even a .partial file').to.deep.equal([]);
      const [run] = await runs(db);
      expect(run).to.deep.include({
        status: 'failed',
        error: 'The bucket answered 503 at https://…@s3.example.org/laurel',
        sizeBytes: null,
      });
      expect(run!.finishedAt).to.be.instanceOf(Date);

      store.failReads = undefined;
      clock.advance(14 * MINUTE);
      expect(await runDueBackup(options()), 'not every minute').to.deep.equal({ status: 'not-due' });
      clock.advance(MINUTE);
      expect((await runDueBackup(options())).status).to.equal('done');
    } finally {
      await db.delete(evidenceFiles);
    }
  });

  it('keeps a backup missing evidence files but counts it failed, and removes no older backup', async () => {
    await addEvidenceRow();
    try {
      mkdirSync(dir, { recursive: true });
      const older = backupFileName(new Date(START.getTime() - 72 * HOUR));
      writeFileSync(path.join(dir, older), 'an older, whole backup');
      store.failReads = new MissingStoredFile('ab/ab00000000000000000000000000000000');
      const outcome = await runDueBackup(options({ keep: 1 }));
      expect(outcome.status).to.equal('failed');
      const written = backupFileName(clock());
      expect(outcome).to.deep.include({
        error: `1 evidence files named by the database were missing from storage; ${written} was kept without them, and no older backup was removed`,
      });
      expect(filesIn(dir).sort()).to.deep.equal([older, written].sort());
      const [run] = await runs(db);
      expect(run).to.deep.include({ status: 'failed' });
    } finally {
      store.failReads = undefined;
      await db.delete(evidenceFiles);
    }
  });

  it('marks a run interrupted by a crash as failed once it is six hours old, and removes its .partial file', async () => {
    mkdirSync(dir, { recursive: true });
    const stale = backupFileName(new Date(START.getTime() - 7 * HOUR));
    writeFileSync(path.join(dir, `${stale}.partial`), 'half');
    await startBackupRun(db, {
      trigger: 'scheduled',
      fileName: stale,
      instance: 'portal-2',
      now: new Date(START.getTime() - 7 * HOUR),
    });
    const recent = backupFileName(new Date(START.getTime() - HOUR));
    writeFileSync(path.join(dir, `${recent}.partial`), 'still being written by portal-2');
    await startBackupRun(db, {
      trigger: 'scheduled',
      fileName: recent,
      instance: 'portal-2',
      now: new Date(START.getTime() - HOUR),
    });

    expect(await runDueBackup(options()), 'portal-2 is writing this period’s').to.deep.equal({ status: 'not-due' });
    const [first, second] = await runs(db);
    expect(first).to.deep.include({ status: 'failed', error: INTERRUPTED });
    expect(first!.finishedAt?.toISOString()).to.equal(START.toISOString());
    expect(second).to.deep.include({ status: 'running', error: null });
    expect(filesIn(dir)).to.deep.equal([`${recent}.partial`]);
  });

  it('marks every running run interrupted when the embedded database starts, and only stale ones on PostgreSQL', async () => {
    for (const hoursAgo of [1, 7]) {
      await startBackupRun(db, {
        trigger: 'requested',
        fileName: `/srv/${hoursAgo}.tar.gz`,
        instance: 'cli',
        now: new Date(START.getTime() - hoursAgo * HOUR),
      });
    }
    const recover = (databaseKind: 'pglite' | 'postgresql') =>
      recoverInterruptedBackups({ db, databaseKind, dir: undefined, now: START });
    expect(await recover('postgresql')).to.equal(1);
    expect((await runs(db)).map((r) => r.status)).to.deep.equal(['running', 'failed']);
    expect(await recover('pglite')).to.equal(1);
    expect((await runs(db)).map((r) => r.status)).to.deep.equal(['failed', 'failed']);
  });

  describe('in the portal process', () => {
    const lines: Array<Record<string, unknown>> = [];
    const logger = createLogger(
      'info',
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
          done();
        },
      }),
    );
    const jobs: string[] = [];
    const metrics = { jobRan: (job: string, outcome: string) => jobs.push(`${job} ${outcome}`) };
    beforeEach(() => {
      lines.length = 0;
      jobs.length = 0;
    });

    async function until(condition: () => Promise<boolean> | boolean): Promise<void> {
      for (let tries = 0; tries < 200 && !(await condition()); tries += 1) {
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    }

    it('checks on its interval, writes the backup once, logs its file and size and counts the job', async () => {
      const schedule = startBackupSchedule({ ...options(), logger, metrics, intervalMs: 20 });
      try {
        await until(() => jobs.length > 0);
        await new Promise((resolve) => setTimeout(resolve, 100));
      } finally {
        await schedule.stop();
      }
      expect(jobs).to.deep.equal(['backup ok']);
      const written = lines.find((line) => line.msg === 'scheduled backup written');
      const file = path.join(dir, 'laurel-backup-20261122-120000.tar.gz');
      expect(written).to.deep.include({ level: 30, file, sizeBytes: statSync(file).size });
      expect(written?.size).to.match(/^\d+(\.\d)? KB$/);
    });

    it('abandons a backup still being written when the portal stops, recorded as interrupted', async () => {
      await addEvidenceRow();
      try {
        let release!: (error: Error) => void;
        store.gate = new Promise((_resolve, reject) => (release = reject));
        const schedule = startBackupSchedule({ ...options(), logger, metrics, intervalMs: 20, stopWaitMs: 50 });
        await until(() => store.waiting > 0);
        expect(filesIn(dir)).to.deep.equal(['laurel-backup-20261122-120000.tar.gz.partial']);
        await schedule.stop();
        const [run] = await runs(db);
        expect(run).to.deep.include({ status: 'failed', error: INTERRUPTED });
        expect(filesIn(dir)).to.deep.equal([]);
        expect(lines.map((line) => line.msg)).to.include('shutting down: abandoned the backup being written');

        // The writer, released at last, fails; the run stays recorded as interrupted.
        release(new Error('the store went away'));
        await until(() => jobs.length > 0);
        expect(jobs).to.deep.equal(['backup failed']);
        expect((await runs(db))[0]).to.deep.include({ status: 'failed', error: INTERRUPTED });
        expect(filesIn(dir)).to.deep.equal([]);
      } finally {
        await db.delete(evidenceFiles);
      }
    });
  });
});
