// Every row of every table, as PostgreSQL itself writes it: one JSON object per line
// (row_to_json), in primary-key order, one file per table. The same text loads back through
// json_populate_recordset on either engine, so the embedded database and a PostgreSQL server
// read each other's dumps; and two dumps of equal tables are equal byte for byte, which is how
// a restore or a move is checked.
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { sql } from 'drizzle-orm';
import { rowsOf, type Database } from '../db/client.js';
import { migrationLevel, type MigrationLevel } from '../db/migration-state.js';
import { quoted, sequences, tablesInLoadOrder, type Inventory, type TableInfo } from './schema-inventory.js';

export interface TableDump {
  name: string;
  columns: string[];
  rows: number;
  bytes: number;
  sha256: string;
}

export interface SequenceValue {
  name: string;
  table: string;
  column: string;
  /** The next id the sequence would hand out, so a restored portal never reuses one. */
  next: number;
}

export interface DatabaseDump {
  tables: TableDump[];
  sequences: SequenceValue[];
  migration: MigrationLevel;
}

const FETCH_ROWS = 2000;

type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];

/**
 * Reads one consistent snapshot of the database (a repeatable-read, read-only transaction) and
 * hands each table's lines to `write`. On the embedded database the portal's other queries wait
 * for this transaction: it holds rows only, never files, so the wait is the dump's length.
 */
export async function readSnapshot(
  db: Database,
  write: (table: TableInfo, lines: AsyncIterable<string>) => Promise<void>,
  inventory: Inventory = {},
): Promise<{ sequences: SequenceValue[]; migration: MigrationLevel }> {
  return db.transaction(
    async (tx) => {
      // Timestamps are written in UTC whatever the server's zone, so dumps compare equal.
      await tx.execute(sql`set local timezone = 'UTC'`);
      const tables = await tablesInLoadOrder(tx as unknown as Database, inventory);
      for (const table of tables) await write(table, linesOf(tx, table));
      const values: SequenceValue[] = [];
      for (const sequence of await sequences(tx as unknown as Database, inventory)) {
        const [row] = rowsOf<{ last_value: string | number; is_called: boolean }>(
          await tx.execute(sql.raw(`select last_value, is_called from ${quoted(sequence.name)}`)),
        );
        const last = Number(row?.last_value ?? 1);
        values.push({ ...sequence, next: row?.is_called ? last + 1 : last });
      }
      return { sequences: values, migration: await migrationLevel(tx as unknown as Database) };
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}

async function* linesOf(tx: Transaction, table: TableInfo): AsyncGenerator<string> {
  // A table without a primary key is ordered by its whole row as text, byte by byte.
  const order = table.primaryKey.length > 0 ? table.primaryKey.join(', ') : 'row_to_json(t)::text collate "C"';
  const cursor = `laurel_dump_${table.name}`.slice(0, 60);
  await tx.execute(
    sql.raw(
      `declare ${quoted(cursor)} no scroll cursor for ` +
        `select row_to_json(t)::text as line from ${quoted(table.name)} t order by ${order}`,
    ),
  );
  try {
    for (;;) {
      const rows = rowsOf<{ line: string }>(await tx.execute(sql.raw(`fetch ${FETCH_ROWS} from ${quoted(cursor)}`)));
      for (const row of rows) yield row.line;
      if (rows.length < FETCH_ROWS) break;
    }
  } finally {
    await tx.execute(sql.raw(`close ${quoted(cursor)}`));
  }
}

/** Writes the snapshot to `dir`, one NNN-table.jsonl file per table in load order. */
export async function dumpToFolder(db: Database, dir: string): Promise<DatabaseDump & { files: string[] }> {
  const tables: TableDump[] = [];
  const files: string[] = [];
  const rest = await readSnapshot(db, async (table, lines) => {
    const file = path.join(dir, `${String(tables.length).padStart(3, '0')}-${table.name}.jsonl`);
    const out = createWriteStream(file, { mode: 0o600 });
    const counted = await countLines(lines, async (chunk) => {
      if (!out.write(chunk)) await once(out, 'drain');
    });
    out.end();
    await once(out, 'close');
    tables.push({ name: table.name, columns: table.columns, ...counted });
    files.push(file);
  });
  return { tables, files, ...rest };
}

export interface TableSum {
  rows: number;
  sha256: string;
}

/** Each table's row count and checksum, computed the way a dump computes them. */
export async function tableChecksums(db: Database, inventory: Inventory = {}): Promise<Map<string, TableSum>> {
  const sums = new Map<string, TableSum>();
  await readSnapshot(
    db,
    async (table, lines) => {
      const { rows, sha256 } = await countLines(lines, async () => {});
      sums.set(table.name, { rows, sha256 });
    },
    inventory,
  );
  return sums;
}

/** The tables whose rows or checksum, read back from `db`, differ from `expected`'s. */
export async function tablesThatDiffer(
  db: Database,
  expected: Iterable<TableSum & { name: string }>,
  inventory: Inventory = {},
): Promise<Array<{ name: string; rows: number; expectedRows: number }>> {
  const sums = await tableChecksums(db, inventory);
  const differ = [];
  for (const table of expected) {
    const now = sums.get(table.name);
    if (!now || now.rows !== table.rows || now.sha256 !== table.sha256) {
      differ.push({ name: table.name, rows: now?.rows ?? 0, expectedRows: table.rows });
    }
  }
  return differ;
}

/** Counts lines and sums them up as they go by, the way a dump writes them: each with its newline. */
export class LineTally {
  rows = 0;
  bytes = 0;
  private readonly hash = createHash('sha256');

  /** Adds a line; returns it as it is written out. */
  add(line: string): string {
    const chunk = `${line}\n`;
    this.hash.update(chunk);
    this.bytes += Buffer.byteLength(chunk);
    this.rows += 1;
    return chunk;
  }

  sum(): { rows: number; bytes: number; sha256: string } {
    return { rows: this.rows, bytes: this.bytes, sha256: this.hash.digest('hex') };
  }
}

async function countLines(
  lines: AsyncIterable<string>,
  write: (chunk: string) => Promise<void>,
): Promise<{ rows: number; bytes: number; sha256: string }> {
  const tally = new LineTally();
  for await (const line of lines) await write(tally.add(line));
  return tally.sum();
}
