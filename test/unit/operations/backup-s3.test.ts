// Backups of a portal whose evidence is in a bucket: the archive holds the bucket's objects (read
// through the store, as the portal reads them), and a restore puts them back into a bucket.
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { seedDemo } from '../../../server/cli/seed-demo.js';
import type { DatabaseHandle } from '../../../server/db/client.js';
import { writeBackup } from '../../../server/operations/backup-writer.js';
import { restoreBackup } from '../../../server/operations/restore.js';
import type { EvidenceStore } from '../../../server/storage/evidence-store.js';
import { createTestDatabase } from '../../helpers/database.js';
import { addEvidenceFixture } from '../../helpers/evidence.js';
import { startS3Server, type S3Server } from '../../helpers/s3-server.js';

async function bytesOf(store: EvidenceStore, storedName: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await store.read(storedName)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('backups of evidence in an S3-compatible bucket', function () {
  this.timeout(120_000);
  let s3: S3Server;
  let dir: string;
  const databases: DatabaseHandle[] = [];

  before(async () => {
    s3 = await startS3Server();
    dir = mkdtempSync(path.join(tmpdir(), 'laurel-backup-s3-'));
  });
  after(async () => {
    for (const database of databases) await database.close();
    await s3.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('includes every object the database names and restores them into another bucket prefix', async () => {
    const source = await createTestDatabase();
    databases.push(source);
    await seedDemo(source.db, () => new Date());
    const sourceStore = s3.store({ prefix: 'before/' });
    const names: string[] = [];
    for (const fixture of ['sample.pdf', 'sample.docx']) {
      names.push((await addEvidenceFixture(source.db, sourceStore, fixture, dir)).storedName);
    }
    const archive = path.join(dir, 'bucket.tar.gz');
    const manifest = await writeBackup({ db: source.db, databaseKind: source.kind, store: sourceStore }, archive);
    expect(manifest.source.storage).to.equal('s3');
    expect(manifest.files.entries.map((f) => f.storedName).sort()).to.deep.equal([...names].sort());

    const target = await createTestDatabase();
    databases.push(target);
    const targetStore = s3.store({ prefix: 'after/' });
    const report = await restoreBackup({ handle: target, store: targetStore }, archive);
    expect(report.files).to.equal(2);
    for (const name of names) {
      expect((await bytesOf(targetStore, name)).equals(await bytesOf(sourceStore, name)), name).to.equal(true);
    }
    expect((await s3.keys()).filter((key) => key.startsWith('after/'))).to.have.length(2);
  });
});
