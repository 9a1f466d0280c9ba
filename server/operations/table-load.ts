// Loads dumped rows (table-dump.ts) into a database migrated to the dump's level: each table's
// lines in batches through json_populate_recordset, so PostgreSQL parses every value with the
// column's own type; then the id sequences, so new rows never reuse an id. A restore reads the
// lines from an archive, a move from the live database it copies.
import { sql } from 'drizzle-orm';
import { rowsOf, type Database, type DatabaseHandle } from '../db/client.js';
import { migrateUpTo } from './migrate-to-level.js';
import { NOT_BACKED_UP, quoted, tablesInLoadOrder, type Inventory } from './schema-inventory.js';
import type { SequenceValue } from './table-dump.js';

const BATCH_ROWS = 500;
const BATCH_BYTES = 4 * 1024 * 1024;

/**
 * Fills a database that holds no rows at the migration level its rows were read at: drops the
 * tables it has, migrates to `newest`, then in one transaction empties what those migrations
 * seeded, lets `fill` load every table, and sets the sequences `fill` returns. When `fill` fails
 * the tables stay empty, so the same target can be filled again.
 */
export async function loadDatabase(
  handle: DatabaseHandle,
  newest: number,
  fill: (tx: Database) => Promise<SequenceValue[]>,
  inventory: Inventory = {},
): Promise<void> {
  await dropEverything(handle.db);
  await migrateUpTo(handle, newest);
  await handle.db.transaction(async (transaction) => {
    const tx = transaction as unknown as Database;
    // Migrations may seed rows (the public pages' version row): the loaded rows replace them.
    for (const table of (await tablesInLoadOrder(tx, inventory)).reverse()) {
      await tx.execute(sql.raw(`delete from ${quoted(table.name)}`));
    }
    await setSequences(tx, await fill(tx));
  });
}

/** Inserts a table's JSON lines; returns how many rows went in. */
export async function loadTable(
  db: Database,
  table: { name: string; columns: string[] },
  lines: AsyncIterable<string>,
): Promise<number> {
  const columns = table.columns.map(quoted).join(', ');
  let batch: string[] = [];
  let bytes = 0;
  let rows = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    await db.execute(
      sql`insert into ${sql.raw(quoted(table.name))} (${sql.raw(columns)}) select ${sql.raw(columns)} from json_populate_recordset(null::${sql.raw(quoted(table.name))}, ${`[${batch.join(',')}]`}::json)`,
    );
    rows += batch.length;
    batch = [];
    bytes = 0;
  };
  for await (const line of lines) {
    if (line === '') continue;
    batch.push(line);
    bytes += line.length;
    if (batch.length >= BATCH_ROWS || bytes >= BATCH_BYTES) await flush();
  }
  await flush();
  return rows;
}

/** Sets each sequence to hand out the dumped next id, or one past the highest id loaded. */
export async function setSequences(db: Database, values: SequenceValue[]): Promise<void> {
  for (const value of values) {
    const [row] = rowsOf<{ highest: string | number | null }>(
      await db.execute(sql.raw(`select max(${quoted(value.column)}) as highest from ${quoted(value.table)}`)),
    );
    const next = Math.max(value.next, Number(row?.highest ?? 0) + 1);
    await db.execute(sql`select setval(${value.name}::regclass, ${next}, false)`);
  }
}

/** Row counts of the tables that hold any rows, for "this database is not empty". */
export async function tablesWithRows(db: Database): Promise<Array<{ name: string; rows: number }>> {
  const tables = rowsOf<{ table_name: string }>(
    await db.execute(sql`
      select table_name from information_schema.tables
      where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`),
  );
  const found: Array<{ name: string; rows: number }> = [];
  for (const { table_name } of tables) {
    const [row] = rowsOf<{ rows: string | number }>(
      await db.execute(sql.raw(`select count(*) as rows from ${quoted(table_name)}`)),
    );
    const rows = Number(row?.rows ?? 0);
    // Neither the version row every migrated database starts with, nor the record of backups
    // a portal made before it held anything, is content.
    if (rows > 0 && table_name !== 'public_content_version' && !NOT_BACKED_UP.has(table_name)) {
      found.push({ name: table_name, rows });
    }
  }
  return found;
}

/**
 * Drops every table, type and the migration record, for a restore told to replace what is there.
 * Table by table rather than the whole schema: on a managed server the role may own its tables
 * without owning `public`.
 */
export async function dropEverything(db: Database): Promise<void> {
  const tables = rowsOf<{ name: string }>(
    await db.execute(sql`select tablename as name from pg_tables where schemaname = 'public'`),
  );
  for (const { name } of tables) await db.execute(sql.raw(`drop table if exists ${quoted(name)} cascade`));
  const types = rowsOf<{ name: string }>(
    await db.execute(sql`
      select t.typname as name from pg_type t join pg_namespace n on n.oid = t.typnamespace
      where n.nspname = 'public' and t.typtype in ('e', 'd')`),
  );
  for (const { name } of types) await db.execute(sql.raw(`drop type if exists ${quoted(name)} cascade`));
  await db.execute(sql`drop schema if exists drizzle cascade`);
}
