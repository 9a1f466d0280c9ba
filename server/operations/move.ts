// Moves a whole database into an empty one: the embedded portal's PGlite into a PostgreSQL server
// when it outgrows one process. It is a restore whose source is a live database rather than an
// archive: the target is migrated to the source's level, every table is streamed from one snapshot
// of the source into one transaction on the target, the sequences follow, each table's rows and
// checksum are read back and compared, and the newer migrations run last. The source is only read.
// Evidence files are not copied: the rows name them, and they stay in the store they are in.
import { sql } from 'drizzle-orm';
import { rowsOf, type Database, type DatabaseHandle } from '../db/client.js';
import { migrationLevel, newestShippedMigration, type MigrationLevel } from '../db/migration-state.js';
import { TargetNotEmpty } from './restore.js';
import type { Inventory } from './schema-inventory.js';
import { LineTally, readSnapshot, tablesThatDiffer } from './table-dump.js';
import { loadDatabase, loadTable, tablesWithRows } from './table-load.js';

/** A move refused before it began, or whose copy did not read back equal: said in plain words. */
export class MoveProblem extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MoveProblem';
  }
}

export interface MovedTable {
  name: string;
  rows: number;
  sha256: string;
}

export interface MoveReport {
  /** Every table in the order it was loaded, with what was read from the source. */
  tables: MovedTable[];
  rows: number;
  /** The source's migration level, at which the rows were copied. */
  migration: MigrationLevel;
  seconds: number;
}

export interface MoveOptions {
  /** Called once both sides are checked, before the copy begins. */
  onStart?: (migration: MigrationLevel) => void;
  /** Called as each table is loaded into the target (still inside its transaction). */
  onTable?: (table: MovedTable) => void;
}

// The record of backups goes along: the archives it lists stay where they are.
const EVERY_TABLE: Inventory = { everyTable: true };

export async function moveDatabase(
  source: DatabaseHandle,
  target: DatabaseHandle,
  { onStart = () => {}, onTable = () => {} }: MoveOptions = {},
): Promise<MoveReport> {
  const started = Date.now();
  const migration = await sourceLevel(source.db);
  const found = await tablesWithRows(target.db);
  if (found.length > 0) {
    const named = found.slice(0, 3).map((t) => `${t.rows} row${t.rows === 1 ? '' : 's'} in ${t.name}`);
    if (found.length > 3) named.push(`rows in ${found.length - 3} more tables`);
    throw new TargetNotEmpty(
      named,
      'A move never replaces what is there: create a new, empty database and move into that one.',
    );
  }
  onStart(migration);

  const tables: MovedTable[] = [];
  await loadDatabase(
    target,
    migration.newest,
    async (tx) => {
      const snapshot = await readSnapshot(
        source.db,
        async (table, lines) => {
          const tally = new LineTally();
          await loadTable(tx, table, tallied(lines, tally));
          const { rows, sha256 } = tally.sum();
          tables.push({ name: table.name, rows, sha256 });
          onTable(tables.at(-1)!);
        },
        EVERY_TABLE,
      );
      return snapshot.sequences;
    },
    EVERY_TABLE,
  );

  const differ = await tablesThatDiffer(target.db, tables, EVERY_TABLE);
  if (differ.length > 0) {
    const list = differ.map((t) => `${t.name} (${t.rows} rows where the source has ${t.expectedRows})`).join(', ');
    throw new MoveProblem(
      `After the copy, these tables read back different from the source: ${list}. The source is unchanged; ` +
        'drop the target database, create a new one and run the move again.',
    );
  }
  await target.migrate();
  return {
    tables,
    rows: tables.reduce((sum, t) => sum + t.rows, 0),
    migration,
    seconds: (Date.now() - started) / 1000,
  };
}

/** The source's migration level; refuses a database that has none, or one newer than this code. */
async function sourceLevel(db: Database): Promise<MigrationLevel> {
  const [record] = rowsOf<{ present: boolean }>(
    await db.execute(sql`select to_regclass('drizzle.__drizzle_migrations') is not null as present`),
  );
  const level = record?.present ? await migrationLevel(db) : { count: 0, newest: 0 };
  if (level.count === 0) {
    throw new MoveProblem(
      'The source database has never been migrated: it holds no portal, so there is nothing to move.',
    );
  }
  if (level.newest > newestShippedMigration()) {
    throw new MoveProblem(
      'The source database was last used by a newer Laurel than this one, whose tables this version does not know. ' +
        'Run the move with that version or a newer one.',
    );
  }
  return level;
}

/** The lines as they are, counted and summed on the way through. */
async function* tallied(lines: AsyncIterable<string>, tally: LineTally): AsyncGenerator<string> {
  for await (const line of lines) {
    tally.add(line);
    yield line;
  }
}
