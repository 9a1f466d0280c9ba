// Times a backup and a restore at the national target (bench/national-scale.ts: 10,000
// applications, 30,000 reviews, 20,000 nominations) plus evidence files, on the embedded
// database in a folder on disk (as the portal runs it) or, with BENCH_DATABASE_URL, on an empty
// PostgreSQL database. While the snapshot is read, a loop asks `select 1` every 20 ms: its
// slowest answer is how long the portal's other queries wait. No assertions.
//   npx tsx bench/backup.bench.ts [files] [kilobytes per file]
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { PGlite } from '@electric-sql/pglite';
import { asc, sql } from 'drizzle-orm';
import { applications, criteria, evidenceFiles } from '../models/schema.js';
import { pgliteHandle, postgresHandle, type DatabaseHandle } from '../server/db/client.js';
import { checkArchive } from '../server/operations/archive-check.js';
import { writeBackup } from '../server/operations/backup-writer.js';
import { restoreBackup } from '../server/operations/restore.js';
import { DiskStore } from '../server/storage/disk-store.js';
import { seedNationalScale } from './national-scale.js';

const [fileCount = 1000, kilobytes = 256] = process.argv.slice(2).map(Number);
const work = mkdtempSync(path.join(tmpdir(), 'laurel-backup-bench-'));
const serverUrl = process.env.BENCH_DATABASE_URL;

async function open(name: string): Promise<DatabaseHandle> {
  if (serverUrl) return postgresHandle(serverUrl.replace(/\/[^/]*$/, `/${name}`));
  return pgliteHandle(await PGlite.create(path.join(work, name)));
}

async function timed<T>(label: string, run: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await run();
  console.log(`${label}: ${((performance.now() - started) / 1000).toFixed(2)} s`);
  return result;
}

try {
  console.log(`${serverUrl ? 'PostgreSQL server' : 'embedded PGlite on disk'}; ${fileCount} files of ${kilobytes} KB`);
  const source = await open(serverUrl ? new URL(serverUrl).pathname.slice(1) : 'source');
  await source.migrate();
  const store = new DiskStore(path.join(work, 'uploads'));
  await timed('seeding the national target', () => seedNationalScale(source.db, new Date()));
  await timed(`storing ${fileCount} evidence files`, async () => {
    const [application] = await source.db.select().from(applications).orderBy(asc(applications.id)).limit(1);
    const [criterion] = await source.db.select().from(criteria).orderBy(asc(criteria.id)).limit(1);
    const rows = [];
    for (let i = 0; i < fileCount; i += 1) {
      const temp = path.join(work, `upload-${i}`);
      writeFileSync(temp, randomBytes(kilobytes * 1024));
      const stored = await store.put(temp);
      rows.push({
        applicationId: application!.id,
        criterionId: criterion!.id,
        originalName: `evidence-${i}.pdf`,
        storedName: stored.storedName,
        kind: 'pdf' as const,
        contentType: 'application/pdf',
        sizeBytes: stored.sizeBytes,
        sha256: stored.sha256,
      });
    }
    for (let i = 0; i < rows.length; i += 500) await source.db.insert(evidenceFiles).values(rows.slice(i, i + 500));
  });

  const archive = path.join(work, 'national.tar.gz');
  let slowest = 0;
  let probing = true;
  const probe = (async () => {
    while (probing) {
      const asked = performance.now();
      await source.db.execute(sql`select 1`);
      slowest = Math.max(slowest, performance.now() - asked);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  const manifest = await timed('backup', () =>
    writeBackup({ db: source.db, databaseKind: source.kind, store }, archive),
  );
  probing = false;
  await probe;
  const rows = manifest.tables.reduce((sum, table) => sum + table.rows, 0);
  console.log(
    `  ${rows} rows in ${manifest.tables.length} tables, ${manifest.files.count} files; archive ` +
      `${(statSync(archive).size / 1024 / 1024).toFixed(1)} MB; snapshot ${manifest.timings.snapshotMs} ms; ` +
      `slowest other query during the backup ${slowest.toFixed(0)} ms`,
  );
  await timed('checking the archive against its manifest', () => checkArchive(archive));
  await source.close();

  if (serverUrl) {
    console.log('(restore into PostgreSQL: run against an empty database with npm run restore)');
  } else {
    const target = await open('target');
    const report = await timed('restore into an empty embedded database', () =>
      restoreBackup({ handle: target, store: new DiskStore(path.join(work, 'restored')) }, archive),
    );
    console.log(`  ${report.rows} rows and ${report.files} files, every table's checksum equal`);
    await target.close();
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
