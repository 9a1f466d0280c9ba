// Which migrations the code ships and which a database has run: the readiness check (/readyz)
// asks whether they match, so a load balancer sends no traffic to an instance whose schema is
// behind its code; backups record the level and restores and moves load at it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { migrationsDir } from '../paths.js';
import { rowsOf, type Database } from './client.js';

export interface Journal {
  entries: Array<{ when: number; tag: string }>;
}

/** drizzle-kit's list of the migrations the code ships, oldest first. */
export function shippedJournal(): Journal {
  return JSON.parse(readFileSync(path.join(migrationsDir, 'meta', '_journal.json'), 'utf8')) as Journal;
}

/** The newest migration the code ships, as drizzle records it (its folder time, in ms). */
export function newestShippedMigration(): number {
  return Math.max(0, ...shippedJournal().entries.map((entry) => entry.when));
}

export interface MigrationLevel {
  /** How many migrations had run. */
  count: number;
  /** The newest one's folder time (drizzle's created_at, the journal's `when`). */
  newest: number;
}

/** The migrations this database has run. */
export async function migrationLevel(db: Database): Promise<MigrationLevel> {
  const [row] = rowsOf<{ count: string | number; newest: string | number | null }>(
    await db.execute(sql`select count(*) as count, max(created_at) as newest from drizzle.__drizzle_migrations`),
  );
  return { count: Number(row?.count ?? 0), newest: Number(row?.newest ?? 0) };
}

/** True when the newest shipped migration has been applied. */
export async function migrationsCurrent(db: Database): Promise<boolean> {
  return (await migrationLevel(db)).newest >= newestShippedMigration();
}
