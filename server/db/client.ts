// The Drizzle client. Embedded PGlite (a folder in DATA_DIR) by default, a node-postgres pool
// when DATABASE_URL is set. Both speak the same PostgreSQL, so the rest of the code sees one type.
import { sql } from 'drizzle-orm';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/node-postgres';
import { migrate as migratePostgres } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import pg from 'pg';
import * as schema from '../../models/schema.js';
import { migrationsDir } from '../paths.js';
import { acquireDataDirLock } from './lock.js';
import { NamingClient } from './named-statements.js';

export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;
export type DatabaseKind = 'pglite' | 'postgresql';

export interface DatabaseHandle {
  db: Database;
  kind: DatabaseKind;
  migrate(): Promise<void>;
  close(): Promise<void>;
}

/** Wraps an open PGlite (on disk, in memory, or a clone) as a handle. */
export function pgliteHandle(client: PGlite, onClose: () => void = () => {}): DatabaseHandle {
  const db = drizzlePglite(client, { schema }) as unknown as Database;
  return {
    db,
    kind: 'pglite',
    migrate: () => migratePglite(db as never, { migrationsFolder: migrationsDir }),
    close: async () => {
      if (!client.closed) await client.close();
      onClose();
    },
  };
}

/**
 * The advisory lock that lets one process at a time migrate a PostgreSQL database. Instances
 * started together would otherwise race on the same CREATE statements, and the loser would stop
 * with a duplicate-key error. Any fixed number does, as long as nothing else takes it in the same
 * database (advisory locks belong to one database): 0x6c617572 is "laur" in ASCII.
 */
export const MIGRATION_LOCK_KEY = 0x6c617572;

/**
 * Runs the migrations on one dedicated connection that holds the migration lock throughout: a
 * second instance waits for the first to finish, then finds nothing left to do. Ending the
 * connection releases the lock too, so a migration that fails halfway leaves none behind.
 */
async function migrateUnderLock(connectionString: string): Promise<void> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await migratePostgres(drizzlePostgres(client, { schema }), { migrationsFolder: migrationsDir });
    await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
  } finally {
    await client.end();
  }
}

/** How this process's PostgreSQL sessions are named: `laurel (pid 1234)`. */
export const applicationName = (pid = process.pid) => `laurel (pid ${pid})`;

export function postgresHandle(
  connectionString: string,
  poolSize = 10,
  { namedStatements = true }: { namedStatements?: boolean } = {},
): DatabaseHandle {
  const pool = new pg.Pool({
    connectionString,
    max: poolSize,
    // Names this process's sessions in pg_stat_activity, so a restore can tell running portals.
    application_name: applicationName(),
    ...(namedStatements ? { Client: NamingClient } : {}),
  });
  const db = drizzlePostgres(pool, { schema }) as unknown as Database;
  return {
    db,
    kind: 'postgresql',
    migrate: () => migrateUnderLock(connectionString),
    close: () => pool.end(),
  };
}

/**
 * Opens the configured database. The embedded one belongs to a single process: a second
 * process (a CLI command while the portal runs) is refused before it touches the files.
 */
export async function openDatabase(options: {
  databaseUrl: string | undefined;
  dataDir: string;
  namedStatements?: boolean;
}): Promise<DatabaseHandle> {
  if (options.databaseUrl) {
    return postgresHandle(options.databaseUrl, undefined, { namedStatements: options.namedStatements });
  }
  mkdirSync(options.dataDir, { recursive: true });
  const release = acquireDataDirLock(options.dataDir);
  try {
    const client = await PGlite.create(path.join(options.dataDir, 'pglite'));
    return pgliteHandle(client, release);
  } catch (error) {
    release();
    throw error;
  }
}

/** Whether the database answers at all (the health check): one round trip, nothing read. */
export async function databaseAnswers(db: Database): Promise<void> {
  await db.execute(sql`select 1`);
}

/**
 * The rows of a raw query (db.execute), typed by the caller: for the few queries the builder
 * cannot express (arrays, correlated sub-selects). Both drivers answer { rows }.
 */
export function rowsOf<T>(result: unknown): T[] {
  return (result as { rows: T[] }).rows;
}

/**
 * A list read as one json_agg value. Both drivers parse JSON columns; a string is parsed here
 * to be sure. On PGlite, thousands of rows cost three times more as rows than as one JSON value.
 */
export function jsonList<T>(value: unknown): T[] {
  if (value === null || value === undefined) return [];
  return (typeof value === 'string' ? JSON.parse(value) : value) as T[];
}
