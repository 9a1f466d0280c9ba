// Brings an empty database to the migration level a backup was taken at, so its rows load into
// the tables they came from; the restore then runs the newer migrations, which carry the rows
// forward the way an upgrade would. Drizzle's migrator takes a folder, so the shipped migrations
// up to that level are copied to a temporary one.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { migrate as migratePostgres } from 'drizzle-orm/node-postgres/migrator';
import type { DatabaseHandle } from '../db/client.js';
import { shippedJournal } from '../db/migration-state.js';
import { migrationsDir } from '../paths.js';

export async function migrateUpTo(handle: DatabaseHandle, newest: number): Promise<void> {
  const journal = shippedJournal();
  const folder = mkdtempSync(path.join(tmpdir(), 'laurel-migrations-'));
  try {
    const entries = journal.entries.filter((entry) => entry.when <= newest);
    cpSync(migrationsDir, folder, { recursive: true });
    writeFileSync(path.join(folder, 'meta', '_journal.json'), JSON.stringify({ ...journal, entries }));
    const options = { migrationsFolder: folder };
    if (handle.kind === 'pglite') await migratePglite(handle.db as never, options);
    else await migratePostgres(handle.db as never, options);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
