// On PostgreSQL the migrations run under an advisory lock: instances that start together on a
// new database migrate one after the other, and each migration is recorded once.
import { expect } from 'chai';
import pg from 'pg';
import { MIGRATION_LOCK_KEY, postgresHandle, type DatabaseHandle } from '../../../server/db/client.js';
import {
  codeMigrations,
  createEmptyPostgresDatabase,
  recordedMigrations,
  type EmptyDatabase,
} from '../../helpers/database.js';

describe('migrations on PostgreSQL under an advisory lock (skipped without TEST_DATABASE_URL)', function () {
  const databases: EmptyDatabase[] = [];
  const handles: DatabaseHandle[] = [];

  async function emptyDatabase(): Promise<string> {
    const database = await createEmptyPostgresDatabase(process.env.TEST_DATABASE_URL!);
    databases.push(database);
    return database.url;
  }
  function instance(url: string): DatabaseHandle {
    const handle = postgresHandle(url, 2);
    handles.push(handle);
    return handle;
  }

  before(function () {
    if (!process.env.TEST_DATABASE_URL) this.skip();
  });
  after(async () => {
    await Promise.all(handles.map((handle) => handle.close()));
    await Promise.all(databases.map((database) => database.drop()));
  });

  it('lets three instances migrate a new database at the same moment; each migration is recorded once', async () => {
    const url = await emptyDatabase();
    await Promise.all([instance(url).migrate(), instance(url).migrate(), instance(url).migrate()]);
    expect(await recordedMigrations(url)).to.deep.equal(codeMigrations());
  });

  it('waits while another process holds the migration lock, and migrates once it is released', async () => {
    const url = await emptyDatabase();
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    try {
      await holder.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
      let finished = false;
      const migrating = instance(url)
        .migrate()
        .then(() => (finished = true));
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(finished, 'migrated while the lock was held').to.equal(false);
      const { rows } = await holder.query("select count(*)::int as n from pg_namespace where nspname = 'drizzle'");
      expect(rows[0]).to.deep.equal({ n: 0 });

      await holder.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
      await migrating;
      expect(await recordedMigrations(url)).to.deep.equal(codeMigrations());
    } finally {
      await holder.end();
    }
  });
});
