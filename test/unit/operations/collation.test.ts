// Restores onto a PostgreSQL server. One whose locale sorts text otherwise than the embedded database (an ICU or
// en_US database puts "_z" before "A_c"; PGlite sorts byte by byte) still restores the
// embedded portal's backup and back, each table's checksum equal on both sides. And a restore is
// refused while another Laurel process works on the database.
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { sessions } from '../../../models/schema.js';
import { applicationName, pgliteHandle, postgresHandle, type DatabaseHandle } from '../../../server/db/client.js';
import { writeBackup } from '../../../server/operations/backup-writer.js';
import { PortalsRunning, restoreBackup } from '../../../server/operations/restore.js';
import { tableChecksums } from '../../../server/operations/table-dump.js';
import { DiskStore } from '../../../server/storage/disk-store.js';

const SIDS = ['a-b', 'A_c', 'ab', 'a_b', 'B', '_z'];

async function onServer(baseUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

describe('backups between databases that sort text differently (needs TEST_DATABASE_URL)', function () {
  this.timeout(120_000);
  const baseUrl = process.env.TEST_DATABASE_URL;
  const name = `laurel_test_icu_${randomBytes(4).toString('hex')}`;
  let server: DatabaseHandle;
  let embedded: DatabaseHandle;
  let dir: string;

  before(async function () {
    if (!baseUrl) return this.skip();
    await onServer(
      baseUrl,
      `create database ${name} template template0 locale_provider icu icu_locale 'en-US' locale 'C.utf8'`,
    );
    const url = new URL(baseUrl);
    url.pathname = `/${name}`;
    server = postgresHandle(url.toString(), 2);
    embedded = pgliteHandle(await PGlite.create());
    dir = mkdtempSync(path.join(tmpdir(), 'laurel-collation-'));
  });

  after(async () => {
    if (!baseUrl) return;
    await server?.close();
    await embedded?.close();
    await onServer(baseUrl, `drop database if exists ${name} with (force)`);
    rmSync(dir, { recursive: true, force: true });
  });

  it('moves rows keyed by text from the embedded database to the server and back, equal', async () => {
    await embedded.migrate();
    const expiresAt = new Date('2027-01-01T00:00:00Z');
    await embedded.db.insert(sessions).values(SIDS.map((sid) => ({ sid, data: { sid }, expiresAt })));

    const there = path.join(dir, 'there.tar.gz');
    await writeBackup({ db: embedded.db, databaseKind: 'pglite', store: new DiskStore(path.join(dir, 'a')) }, there);
    await restoreBackup({ handle: server, store: new DiskStore(path.join(dir, 'b')) }, there);

    const back = path.join(dir, 'back.tar.gz');
    await writeBackup({ db: server.db, databaseKind: 'postgresql', store: new DiskStore(path.join(dir, 'b')) }, back);
    const again = pgliteHandle(await PGlite.create());
    try {
      await restoreBackup({ handle: again, store: new DiskStore(path.join(dir, 'c')) }, back);
      const sums = await tableChecksums(embedded.db);
      expect((await tableChecksums(server.db)).get('sessions')).to.deep.equal(sums.get('sessions'));
      expect((await tableChecksums(again.db)).get('sessions')).to.deep.equal(sums.get('sessions'));
      expect(sums.get('sessions')!.rows).to.equal(SIDS.length);
    } finally {
      await again.close();
    }
  });

  it('refuses to restore while another Laurel process has the database open', async () => {
    const archive = path.join(dir, 'there.tar.gz');
    const url = new URL(baseUrl!);
    url.pathname = `/${name}`;
    const otherPortal = new pg.Client({ connectionString: url.toString(), application_name: applicationName(999_999) });
    await otherPortal.connect();
    let refused: unknown;
    try {
      await restoreBackup({ handle: server, store: new DiskStore(path.join(dir, 'b')) }, archive, {
        force: true,
      }).catch((error: unknown) => (refused = error));
    } finally {
      await otherPortal.end();
    }
    expect(refused).to.be.instanceOf(PortalsRunning);
    expect((refused as Error).message).to.match(/^1 connections of running Laurel instances/);

    // Gone from pg_stat_activity a moment after it closed.
    for (let i = 0; i < 50; i += 1) {
      const done = await restoreBackup({ handle: server, store: new DiskStore(path.join(dir, 'b')) }, archive, {
        force: true,
      }).then(
        () => true,
        (error: unknown) => {
          if (!(error instanceof PortalsRunning)) throw error;
          return false;
        },
      );
      if (done) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect.fail('the restore was still refused after the other process left');
  });
});
