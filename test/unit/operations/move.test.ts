// moveDatabase from an embedded database (PGlite, in memory) into new databases on the PostgreSQL
// server of TEST_DATABASE_URL: every row and sequence arrives, the copy is checked and migrated;
// a target with rows, a source with no portal, and a copy that fails halfway are all refused
// without leaving a partial copy behind.
import { expect } from 'chai';
import { PGlite } from '@electric-sql/pglite';
import { asc, sql } from 'drizzle-orm';
import { users } from '../../../models/schema.js';
import { seedDemo } from '../../../server/cli/seed-demo.js';
import { pgliteHandle, postgresHandle, type DatabaseHandle } from '../../../server/db/client.js';
import { migrateUpTo } from '../../../server/operations/migrate-to-level.js';
import { moveDatabase, MoveProblem, type MovedTable } from '../../../server/operations/move.js';
import { TargetNotEmpty } from '../../../server/operations/restore.js';
import { tableChecksums } from '../../../server/operations/table-dump.js';
import { tablesWithRows } from '../../../server/operations/table-load.js';
import {
  codeMigrations,
  createEmptyPostgresDatabase,
  recordedMigrations,
  type EmptyDatabase,
} from '../../helpers/database.js';

const EVERY_TABLE = { everyTable: true };

describe('moving an embedded database to PostgreSQL (needs TEST_DATABASE_URL; skipped without)', function () {
  this.timeout(120_000);
  let source: DatabaseHandle;
  const opened: DatabaseHandle[] = [];
  const databases: EmptyDatabase[] = [];

  async function embedded(): Promise<DatabaseHandle> {
    const handle = pgliteHandle(await PGlite.create());
    opened.push(handle);
    return handle;
  }

  async function emptyTarget(): Promise<{ handle: DatabaseHandle; url: string }> {
    const database = await createEmptyPostgresDatabase(process.env.TEST_DATABASE_URL!);
    databases.push(database);
    const handle = postgresHandle(database.url, 2);
    opened.push(handle);
    return { handle, url: database.url };
  }

  async function refusal(promise: Promise<unknown>): Promise<Error> {
    const error = await promise.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error, 'the move should have been refused').to.be.instanceOf(Error);
    return error as Error;
  }

  before(async function () {
    if (!process.env.TEST_DATABASE_URL) return this.skip();
    source = await embedded();
    await source.migrate();
    await seedDemo(source.db, () => new Date());
  });

  after(async () => {
    for (const handle of opened) await handle.close();
    for (const database of databases) await database.drop();
  });

  it('copies every table and sequence, reads each back equal, and migrates the copy', async () => {
    const target = await emptyTarget();
    const progress: MovedTable[] = [];
    const report = await moveDatabase(source, target.handle, { onTable: (table) => progress.push(table) });

    const before = await tableChecksums(source.db, EVERY_TABLE);
    const after = await tableChecksums(target.handle.db, EVERY_TABLE);
    expect([...after.keys()]).to.deep.equal([...before.keys()]);
    for (const [table, sum] of before) expect(after.get(table), table).to.deep.equal(sum);
    expect(before.get('applications')!.rows).to.be.greaterThan(10);
    expect(before.get('review_scores')!.rows).to.be.greaterThan(10);

    expect(progress).to.deep.equal(report.tables);
    expect(report.tables.map((t) => t.name)).to.deep.equal([...before.keys()]);
    expect(report.rows).to.equal([...before.values()].reduce((sum, t) => sum + t.rows, 0));
    expect(report.migration.count).to.equal(codeMigrations().length);
    expect(await recordedMigrations(target.url)).to.deep.equal(codeMigrations());

    // New rows continue the ids instead of colliding with moved ones.
    const [highest] = await target.handle.db
      .select({ id: users.id })
      .from(users)
      .orderBy(asc(users.id))
      .limit(1)
      .offset(before.get('users')!.rows - 1);
    const [created] = await target.handle.db
      .insert(users)
      .values({ email: 'after-move@example.org', name: 'After Move', passwordHash: 'x', roles: ['applicant'] })
      .returning({ id: users.id });
    expect(created!.id).to.be.greaterThan(highest!.id);
  });

  it('refuses a target that holds rows, and leaves it as it was', async () => {
    const target = await emptyTarget();
    await moveDatabase(source, target.handle);
    const before = await tableChecksums(target.handle.db, EVERY_TABLE);

    const error = await refusal(moveDatabase(source, target.handle));
    expect(error).to.be.instanceOf(TargetNotEmpty);
    expect(error.message)
      .to.match(/^The target is not empty: it holds \d+ rows in /)
      .and.match(/create a new, empty database and move into that one\.$/);
    expect(await tableChecksums(target.handle.db, EVERY_TABLE)).to.deep.equal(before);
  });

  it('loads nothing when the copy fails halfway, so the same target can take the move again', async () => {
    const target = await emptyTarget();
    let loaded = 0;
    const error = await refusal(
      moveDatabase(source, target.handle, {
        onTable: () => {
          loaded += 1;
          if (loaded === 5) throw new Error('the connection dropped');
        },
      }),
    );
    expect(error.message).to.equal('the connection dropped');
    expect(await tablesWithRows(target.handle.db)).to.deep.equal([]);

    const report = await moveDatabase(source, target.handle);
    expect(report.rows).to.be.greaterThan(100);
  });

  it('copies a source not yet migrated to the newest level at its own level, then migrates the copy', async () => {
    const older = await embedded();
    const levels = codeMigrations();
    await migrateUpTo(older, levels.at(-2)!);
    await older.db.execute(
      sql`insert into users (email, name, password_hash, roles) values ('early@example.org', 'Early', 'x', '{admin}')`,
    );
    const target = await emptyTarget();
    const report = await moveDatabase(older, target.handle);

    expect(report.migration).to.deep.equal({ count: levels.length - 1, newest: levels.at(-2) });
    expect(await recordedMigrations(target.url)).to.deep.equal(levels);
    const moved = await target.handle.db.select({ email: users.email, roles: users.roles }).from(users);
    expect(moved).to.deep.equal([{ email: 'early@example.org', roles: ['admin'] }]);
  });

  it('refuses a source that holds no portal, before touching the target', async () => {
    const blank = await embedded();
    const target = await emptyTarget();
    const error = await refusal(moveDatabase(blank, target.handle));
    expect(error).to.be.instanceOf(MoveProblem);
    expect(error.message).to.match(/never been migrated/);
    expect(await recordedMigrations(target.url).catch(() => 'no migrations table')).to.equal('no migrations table');
  });
});
