// `npm run backup` and `npm run restore` on PostgreSQL: the backup reads the server directly (no
// portal needed, none asked), the restore fills another empty database and evidence folder, and
// both databases then hold the same rows, the folders the same files.
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { seedDemo } from '../../server/cli/seed-demo.js';
import { postgresHandle, type DatabaseHandle } from '../../server/db/client.js';
import { tableChecksums } from '../../server/operations/table-dump.js';
import { DiskStore, storedPath } from '../../server/storage/disk-store.js';
import { runCli } from '../helpers/cli.js';
import { addEvidenceFixture } from '../helpers/evidence.js';
import { createEmptyPostgresDatabase, type EmptyDatabase } from '../helpers/database.js';

describe('npm run backup and npm run restore on PostgreSQL (needs TEST_DATABASE_URL)', function () {
  this.timeout(180_000);
  let root: string;
  let databases: EmptyDatabase[] = [];
  let handles: DatabaseHandle[] = [];

  before(function () {
    if (!process.env.TEST_DATABASE_URL) return this.skip();
    root = mkdtempSync(path.join(tmpdir(), 'laurel-backup-pg-'));
  });

  after(async () => {
    for (const handle of handles) await handle.close();
    for (const database of databases) await database.drop();
    if (root) rmSync(root, { recursive: true, force: true });
    handles = [];
    databases = [];
  });

  it('backs up one server database and restores it into another, equal row for row and file for file', async () => {
    const [first, second] = [
      await createEmptyPostgresDatabase(process.env.TEST_DATABASE_URL!),
      await createEmptyPostgresDatabase(process.env.TEST_DATABASE_URL!),
    ] as [EmptyDatabase, EmptyDatabase];
    databases.push(first, second);
    const source = postgresHandle(first.url, 2);
    handles.push(source);
    await source.migrate();
    await seedDemo(source.db, () => new Date());
    const sourceUploads = path.join(root, 'uploads-source');
    const stored = await addEvidenceFixture(source.db, new DiskStore(sourceUploads), 'sample.pdf', root);

    const archive = path.join(root, 'server.tar.gz');
    const settings = (url: string, uploads: string) => ({
      DATABASE_URL: url,
      UPLOAD_DIR: uploads,
      DATA_DIR: path.join(root, 'data'),
    });
    const backup = await runCli('backup', [archive], settings(first.url, sourceUploads));
    expect(backup.code, backup.stderr).to.equal(0);
    expect(backup.stdout).not.to.contain('asking it');
    expect(backup.stdout).to.match(/and 1 evidence files/);

    const targetUploads = path.join(root, 'uploads-target');
    const restore = await runCli('restore', [archive], settings(second.url, targetUploads));
    expect(restore.code, restore.stderr).to.equal(0);
    expect(restore.stdout).to.contain('every table matches its checksum');
    const again = await runCli('restore', [archive], settings(second.url, targetUploads));
    expect(again.code).to.equal(1);
    expect(again.stderr).to.contain('--force');

    const target = postgresHandle(second.url, 2);
    handles.push(target);
    const before = await tableChecksums(source.db);
    const after = await tableChecksums(target.db);
    expect([...after.keys()]).to.deep.equal([...before.keys()]);
    for (const [table, sum] of before) expect(after.get(table), table).to.deep.equal(sum);
    expect(readFileSync(storedPath(targetUploads, stored.storedName))).to.deep.equal(
      readFileSync(storedPath(sourceUploads, stored.storedName)),
    );
  });
});
