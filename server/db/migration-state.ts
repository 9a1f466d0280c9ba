// Whether this database has every migration the code ships: the readiness check (/readyz) asks,
// so a load balancer sends no traffic to an instance whose schema is behind its code.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { migrationsDir } from '../paths.js';
import { rowsOf, type Database } from './client.js';

/** The newest migration the code ships, as drizzle records it (its folder time, in ms). */
function newestShipped(): number {
  const journal = JSON.parse(readFileSync(path.join(migrationsDir, 'meta', '_journal.json'), 'utf8')) as {
    entries: Array<{ when: number }>;
  };
  return Math.max(0, ...journal.entries.map((e) => e.when));
}

/** True when the newest shipped migration has been applied. */
export async function migrationsCurrent(db: Database): Promise<boolean> {
  const [row] = rowsOf<{ newest: string | number | null }>(
    await db.execute(sql`select max(created_at) as newest from drizzle.__drizzle_migrations`),
  );
  return Number(row?.newest ?? 0) >= newestShipped();
}
