// What a backup or a move copies, read from the database itself: every table of the `public`
// schema with its columns and primary key, in an order where each table comes after the tables
// its foreign keys point at, and the sequences behind the id columns. Reading it from the catalog
// rather than from models/ means a table added by a future migration is copied without anyone
// remembering to list it here.
import { sql } from 'drizzle-orm';
import toposort from 'toposort';
import { rowsOf, type Database } from '../db/client.js';

export interface TableInfo {
  name: string;
  /** Columns a row is written with: every column but generated ones, in table order. */
  columns: string[];
  /**
   * The primary key's columns, which order the rows so two dumps of one table compare equal; text
   * ones compared byte by byte (collate "C"), as a PostgreSQL server's locale may sort them
   * otherwise than the embedded database does.
   */
  primaryKey: string[];
}

export interface SequenceInfo {
  name: string;
  table: string;
  column: string;
}

/**
 * Tables left out of backups: the record of backups describes files beside this database, not
 * its content (a restored portal starts with no backups of its own).
 */
export const NOT_BACKED_UP = new Set(['backup_runs']);

export interface Inventory {
  /**
   * Every table, NOT_BACKED_UP ones too: a move takes the database whole, and the backups it
   * records stay where they are, so their record goes with it.
   */
  everyTable?: boolean;
}

const leftOut =
  ({ everyTable = false }: Inventory) =>
  (table: string) =>
    !everyTable && NOT_BACKED_UP.has(table);

export async function tablesInLoadOrder(db: Database, inventory: Inventory = {}): Promise<TableInfo[]> {
  const skipped = leftOut(inventory);
  const columns = rowsOf<{ table_name: string; column_name: string }>(
    await db.execute(sql`
      select table_name, column_name from information_schema.columns
      where table_schema = 'public' and is_generated = 'NEVER'
        and table_name in (select table_name from information_schema.tables
                           where table_schema = 'public' and table_type = 'BASE TABLE')
      order by table_name, ordinal_position`),
  );
  const keys = rowsOf<{ table_name: string; column_name: string; collatable: boolean }>(
    await db.execute(sql`
      select c.relname as table_name, a.attname as column_name, a.attcollation <> 0 as collatable
      from pg_index i
      join pg_class c on c.oid = i.indrelid
      join pg_namespace n on n.oid = c.relnamespace
      join lateral unnest(i.indkey) with ordinality as k(attnum, position) on true
      join pg_attribute a on a.attrelid = c.oid and a.attnum = k.attnum
      where n.nspname = 'public' and i.indisprimary
      order by c.relname, k.position`),
  );
  const references = rowsOf<{ child: string; parent: string }>(
    await db.execute(sql`
      select child.relname as child, parent.relname as parent
      from pg_constraint f
      join pg_class child on child.oid = f.conrelid
      join pg_class parent on parent.oid = f.confrelid
      join pg_namespace n on n.oid = child.relnamespace
      where f.contype = 'f' and n.nspname = 'public' and f.conrelid <> f.confrelid
      order by child.relname, parent.relname`),
  );

  const tables = new Map<string, TableInfo>();
  for (const { table_name, column_name } of columns) {
    if (skipped(table_name)) continue;
    const table = tables.get(table_name) ?? { name: table_name, columns: [], primaryKey: [] };
    table.columns.push(column_name);
    tables.set(table_name, table);
  }
  for (const { table_name, column_name, collatable } of keys) {
    tables.get(table_name)?.primaryKey.push(collatable ? `${quoted(column_name)} collate "C"` : quoted(column_name));
  }

  const edges = references
    .filter(({ child, parent }) => tables.has(child) && tables.has(parent))
    .map(({ child, parent }): [string, string] => [parent, child]);
  // toposort throws on a cycle of foreign keys, which a restore could not load in any order.
  const ordered = toposort.array([...tables.keys()].sort(), edges);
  return ordered.map((name) => tables.get(name)!);
}

/** The sequences that number the id columns, with the column each feeds. */
export async function sequences(db: Database, inventory: Inventory = {}): Promise<SequenceInfo[]> {
  const skipped = leftOut(inventory);
  return rowsOf<SequenceInfo>(
    await db.execute(sql`
      select s.relname as name, t.relname as "table", a.attname as "column"
      from pg_class s
      join pg_namespace n on n.oid = s.relnamespace
      join pg_depend d on d.objid = s.oid and d.deptype in ('a', 'i')
      join pg_class t on t.oid = d.refobjid
      join pg_attribute a on a.attrelid = t.oid and a.attnum = d.refobjsubid
      where s.relkind = 'S' and n.nspname = 'public'
      order by s.relname`),
  ).filter((sequence) => !skipped(sequence.table));
}

/** A name in double quotes, for the few statements that name tables and columns read above. */
export function quoted(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}
