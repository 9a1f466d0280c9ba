// A backup of a populated portal restores into an empty one with every row and file equal; a
// backup taken while the portal writes restores to one consistent moment; a damaged archive or
// a non-empty target is refused before anything changes.
import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, rmSync, truncateSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { asc, count, eq, sql } from 'drizzle-orm';
import { auditLog, rateCounters, users } from '../../../models/schema.js';
import { seedDemo } from '../../../server/cli/seed-demo.js';
import type { DatabaseHandle } from '../../../server/db/client.js';
import { writeBackup } from '../../../server/operations/backup-writer.js';
import { ArchiveProblem } from '../../../server/operations/archive-format.js';
import { restoreBackup, TargetNotEmpty } from '../../../server/operations/restore.js';
import { tableChecksums } from '../../../server/operations/table-dump.js';
import { migrateUpTo } from '../../../server/operations/migrate-to-level.js';
import { dropEverything } from '../../../server/operations/table-load.js';
import { migrationLevel, migrationsCurrent, newestShippedMigration } from '../../../server/db/migration-state.js';
import { DiskStore } from '../../../server/storage/disk-store.js';
import { createTestDatabase } from '../../helpers/database.js';
import { addEvidenceFixture } from '../../helpers/evidence.js';

async function bytesOf(store: DiskStore, storedName: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await store.read(storedName)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('backup and restore', function () {
  this.timeout(180_000);
  let dir: string;
  let source: DatabaseHandle;
  let sourceStore: DiskStore;
  let archive: string;
  const storedNames: string[] = [];
  const opened: DatabaseHandle[] = [];

  async function emptyTarget(name: string) {
    const handle = await createTestDatabase();
    opened.push(handle);
    return { handle, store: new DiskStore(path.join(dir, name)) };
  }

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'laurel-backup-test-'));
    source = await createTestDatabase();
    opened.push(source);
    sourceStore = new DiskStore(path.join(dir, 'source-uploads'));
    await seedDemo(source.db, () => new Date());
    for (const fixture of ['sample.pdf', 'sample.png', 'sample.pdf']) {
      storedNames.push((await addEvidenceFixture(source.db, sourceStore, fixture, dir)).storedName);
    }
    archive = path.join(dir, 'backup.tar.gz');
    await writeBackup({ db: source.db, databaseKind: source.kind, store: sourceStore }, archive);
  });

  after(async () => {
    for (const handle of opened) await handle.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('restores every row and every file of a populated portal into an empty one', async () => {
    const target = await emptyTarget('restored-uploads');
    const report = await restoreBackup(target, archive);

    const before = await tableChecksums(source.db);
    const after = await tableChecksums(target.handle.db);
    expect([...after.keys()]).to.deep.equal([...before.keys()]);
    for (const [table, sum] of before) expect(after.get(table), table).to.deep.equal(sum);
    expect(before.get('applications')!.rows).to.be.greaterThan(10);
    expect(before.get('review_scores')!.rows).to.be.greaterThan(10);
    expect(report.files).to.equal(3);
    for (const name of storedNames) {
      expect((await bytesOf(target.store, name)).equals(await bytesOf(sourceStore, name)), name).to.equal(true);
    }
    // New rows continue the ids instead of colliding with restored ones.
    const [{ highest }] = (
      await target.handle.db.select({ highest: users.id }).from(users).orderBy(asc(users.id))
    ).slice(-1) as [{ highest: number }];
    const [created] = await target.handle.db
      .insert(users)
      .values({ email: 'after-restore@example.org', name: 'After Restore', passwordHash: 'x', roles: ['applicant'] })
      .returning({ id: users.id });
    expect(created!.id).to.be.greaterThan(highest);
  });

  it('refuses a target that holds data unless told to replace it', async () => {
    const target = await emptyTarget('second-uploads');
    await restoreBackup(target, archive);
    let refused: unknown;
    await restoreBackup(target, archive).catch((error: unknown) => (refused = error));
    expect(refused).to.be.instanceOf(TargetNotEmpty);
    expect((refused as Error).message)
      .to.match(/rows in applications/)
      .and.match(/--force/);

    await target.handle.db.delete(auditLog);
    await restoreBackup(target, archive, { force: true });
    const before = await tableChecksums(source.db);
    expect((await tableChecksums(target.handle.db)).get('audit_log')).to.deep.equal(before.get('audit_log'));
  });

  it('refuses a damaged or cut-short archive before touching the target', async () => {
    const target = await emptyTarget('damaged-uploads');
    const cut = path.join(dir, 'cut.tar.gz');
    writeFileSync(cut, readFileSync(archive));
    truncateSync(cut, Math.floor(statSync(cut).size / 2));
    let refused: unknown;
    await restoreBackup(target, cut).catch((error: unknown) => (refused = error));
    expect(refused).to.be.instanceOf(ArchiveProblem);
    expect((refused as Error).message).to.match(/damaged or cut short|no manifest/);

    const notBackup = path.join(dir, 'not-a-backup.tar.gz');
    writeFileSync(notBackup, 'hello');
    refused = undefined;
    await restoreBackup(target, notBackup).catch((error: unknown) => (refused = error));
    expect(refused).to.be.instanceOf(ArchiveProblem);

    const [{ n }] = (await target.handle.db.select({ n: count() }).from(users)) as [{ n: number }];
    expect(n).to.equal(0);
  });

  it('restores a backup taken during writes to one consistent moment', async () => {
    const [admin] = await source.db
      .select({ id: users.id })
      .from(users)
      .where(eq(users.email, 'admin@laurel.localhost'));
    // Each write puts one row in each of two tables in one transaction: a backup of one moment
    // has both rows of every pair or neither, however its reads of the two tables interleave.
    let writing = true;
    let written = 0;
    const writer = (async () => {
      while (writing && written < 2000) {
        await source.db.transaction(async (tx) => {
          await tx.insert(auditLog).values({
            actorId: admin!.id,
            action: 'test.write',
            subjectType: 'test',
            summary: 'A write during the backup',
            subjectId: String(written),
            details: {},
            createdAt: new Date(),
          });
          await tx.insert(rateCounters).values({ key: `test-pair-${written}`, count: 1, windowStartedAt: new Date() });
        });
        written += 1;
        // A busy portal, not a tight loop: the embedded database serves one query at a time.
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const during = path.join(dir, 'during.tar.gz');
    // Let some writes land first, then back up while they go on.
    for (let waited = 0; written < 20 && waited < 200; waited += 1)
      await new Promise((resolve) => setTimeout(resolve, 10));
    await writeBackup({ db: source.db, databaseKind: source.kind, store: sourceStore }, during);
    // And a few after it, so the backup is of a moment in the middle.
    const afterBackup = written + 5;
    for (let waited = 0; written < afterBackup && waited < 200; waited += 1)
      await new Promise((resolve) => setTimeout(resolve, 10));
    writing = false;
    await writer;

    const target = await emptyTarget('during-uploads');
    await restoreBackup(target, during);
    const audits = await target.handle.db
      .select({ subjectId: auditLog.subjectId })
      .from(auditLog)
      .where(eq(auditLog.action, 'test.write'));
    const counters = await target.handle.db.select({ key: rateCounters.key }).from(rateCounters);
    const pairs = audits.map((row) => row.subjectId).sort();
    expect(counters.map((row) => row.key.replace('test-pair-', '')).sort()).to.deep.equal(pairs);
    expect(pairs.length).to.be.at.least(20);
    expect(pairs.length).to.be.below(written);
  });

  it('restores a backup of an older Laurel at its level, then migrates it forward', async () => {
    // An older Laurel's database: migrated one step short of today's code, with rows of its own.
    const older = await emptyTarget('older-uploads');
    await dropEverything(older.handle.db);
    const journal = JSON.parse(
      readFileSync(
        path.join(import.meta.dirname, '..', '..', '..', 'models', 'migrations', 'meta', '_journal.json'),
        'utf8',
      ),
    ) as { entries: Array<{ when: number }> };
    const previous = journal.entries.at(-2)!.when;
    await migrateUpTo(older.handle, previous);
    // In SQL, not through today's schema: the older table lacks columns added since.
    await older.handle.db.execute(
      sql`insert into users (email, name, password_hash, roles) values ('older@example.org', 'Older Portal', 'x', '{admin}')`,
    );
    const olderArchive = path.join(dir, 'older.tar.gz');
    const manifest = await writeBackup(
      { db: older.handle.db, databaseKind: older.handle.kind, store: older.store },
      olderArchive,
    );
    expect(manifest.migration.newest).to.equal(previous);
    expect(manifest.migration.newest).to.be.below(newestShippedMigration());

    const target = await emptyTarget('newer-uploads');
    await restoreBackup(target, olderArchive);
    expect(await migrationsCurrent(target.handle.db)).to.equal(true);
    expect((await migrationLevel(target.handle.db)).newest).to.equal(newestShippedMigration());
    const restored = await target.handle.db.select({ email: users.email }).from(users);
    expect(restored.map((u) => u.email)).to.deep.equal(['older@example.org']);
  });

  it('leaves no file, whole or partial, when the store fails while the backup reads it', async () => {
    const failing = Object.create(sourceStore) as DiskStore;
    failing.read = () => Promise.reject(new Error('the disk is on fire'));
    const file = path.join(dir, 'failed.tar.gz');
    let failed: unknown;
    await writeBackup({ db: source.db, databaseKind: source.kind, store: failing }, file).catch(
      (error: unknown) => (failed = error),
    );
    expect((failed as Error).message).to.equal('the disk is on fire');
    expect(existsSync(file)).to.equal(false);
    expect(existsSync(`${file}.partial`)).to.equal(false);
  });
});
