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
import { quoted, sequences, tablesInLoadOrder, type TableInfo } from './schema-inventory.js';

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

export interface MigrationLevel {
  /** How many migrations had run. */
  count: number;
  /** The newest one's folder time (drizzle's created_at, the journal's `when`). */
  newest: number;
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
): Promise<{ sequences: SequenceValue[]; migration: MigrationLevel }> {
  return db.transaction(
    async (tx) => {
      // Timestamps are written in UTC whatever the server's zone, so dumps compare equal.
      await tx.execute(sql`set local timezone = 'UTC'`);
      const tables = await tablesInLoadOrder(tx as unknown as Database);
      for (const table of tables) await write(table, linesOf(tx, table));
      const values: SequenceValue[] = [];
      for (const sequence of await sequences(tx as unknown as Database)) {
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
  const order = (table.primaryKey.length > 0 ? table.primaryKey : table.columns).map(quoted).join(', ');
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

/** Each table's row count and checksum, computed the way a dump computes them. */
export async function tableChecksums(db: Database): Promise<Map<string, { rows: number; sha256: string }>> {
  const sums = new Map<string, { rows: number; sha256: string }>();
  await readSnapshot(db, async (table, lines) => {
    const { rows, sha256 } = await countLines(lines, async () => {});
    sums.set(table.name, { rows, sha256 });
  });
  return sums;
}

async function countLines(
  lines: AsyncIterable<string>,
  write: (chunk: string) => Promise<void>,
): Promise<{ rows: number; bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let rows = 0;
  let bytes = 0;
  for await (const line of lines) {
    const chunk = `${line}\n`;
    hash.update(chunk);
    bytes += Buffer.byteLength(chunk);
    rows += 1;
    await write(chunk);
  }
  return { rows, bytes, sha256: hash.digest('hex') };
}

export async function migrationLevel(db: Database): Promise<MigrationLevel> {
  const [row] = rowsOf<{ count: string | number; newest: string | number | null }>(
    await db.execute(sql`select count(*) as count, max(created_at) as newest from drizzle.__drizzle_migrations`),
  );
  return { count: Number(row?.count ?? 0), newest: Number(row?.newest ?? 0) };
}
