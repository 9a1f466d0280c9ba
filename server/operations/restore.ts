// Restores a backup (archive-format.ts) into an empty database and store: checks the whole
// archive first, loads every table in one transaction at the migration level it was taken at,
// compares each table's rows and checksum with the manifest, puts the evidence files back under
// their stored names, and runs any newer migrations last.
import { createInterface } from 'node:readline';
import { sql } from 'drizzle-orm';
import { applicationName, rowsOf, type Database, type DatabaseHandle } from '../db/client.js';
import type { EvidenceStore } from '../storage/evidence-store.js';
import { ArchiveProblem, DATABASE_PREFIX, FILES_PREFIX, type BackupManifest } from './archive-format.js';
import { checkArchive } from './archive-check.js';
import { archiveEntries, type ArchiveEntry } from './archive-reader.js';
import { newestShippedMigration } from '../db/migration-state.js';
import { tablesThatDiffer } from './table-dump.js';
import { loadDatabase, loadTable, tablesWithRows } from './table-load.js';

/** The target holds data and the restore (or move) was not told to replace it. */
export class TargetNotEmpty extends Error {
  constructor(
    public readonly found: string[],
    advice = 'A restore replaces everything there; run it again with --force if that is what you want, ' +
      'or point it at an empty database and storage.',
  ) {
    super(`The target is not empty: it holds ${found.join(', ')}. ${advice}`);
    this.name = 'TargetNotEmpty';
  }
}

export interface RestoreReport {
  manifest: BackupManifest;
  rows: number;
  files: number;
}

export async function restoreBackup(
  target: { handle: DatabaseHandle; store: EvidenceStore },
  file: string,
  { force = false }: { force?: boolean } = {},
): Promise<RestoreReport> {
  const manifest = await checkArchive(file);
  if (manifest.migration.newest > newestShippedMigration()) {
    throw new ArchiveProblem(
      `it was made by a newer Laurel (${manifest.laurelVersion}) whose database this version does not know; ` +
        'restore it with that version or a newer one',
    );
  }
  const { handle, store } = target;
  if (handle.kind === 'postgresql') await refuseWhilePortalsRun(handle.db);
  const found = (await tablesWithRows(handle.db)).map((t) => `${t.rows} rows in ${t.name}`);
  for await (const entry of store.list()) {
    found.push(`evidence files in ${store.description}`);
    void entry;
    break;
  }
  if (found.length > 0 && !force) throw new TargetNotEmpty(found);

  const tables = new Map(manifest.tables.map((table) => [table.entry, table]));
  const entries = archiveEntries(file);
  let rows = 0;
  let files = 0;
  let next: IteratorResult<ArchiveEntry> = await entries.next();
  try {
    await loadDatabase(handle, manifest.migration.newest, async (tx) => {
      for (; !next.done && next.value.name.startsWith(DATABASE_PREFIX); next = await entries.next()) {
        const table = tables.get(next.value.name);
        if (!table) throw new ArchiveProblem(`its entry ${next.value.name} is not in its manifest`);
        const lines = createInterface({ input: next.value.body, crlfDelay: Infinity });
        rows += await loadTable(tx, table, lines);
      }
      return manifest.sequences;
    });
    await compareWithManifest(handle.db, manifest);

    for (; !next.done; next = await entries.next()) {
      if (!next.value.name.startsWith(FILES_PREFIX)) continue;
      await store.putAs(next.value.name.slice(FILES_PREFIX.length), next.value.body);
      files += 1;
    }
    await handle.migrate();
  } finally {
    await entries.return(undefined);
  }
  return { manifest, rows, files };
}

/** A portal instance still works on the database: a restore under it would lose what it writes. */
export class PortalsRunning extends Error {
  constructor(public readonly sessions: number) {
    super(
      `${sessions} connections of running Laurel instances are open to this database. Stop every instance ` +
        '(and anything that restarts them) before restoring: what they write during a restore would be lost.',
    );
    this.name = 'PortalsRunning';
  }
}

/** Other Laurel processes' sessions (named by server/db/client.ts) on the same database. */
async function refuseWhilePortalsRun(db: Database): Promise<void> {
  const [row] = rowsOf<{ sessions: string | number }>(
    await db.execute(sql`
      select count(*) as sessions from pg_stat_activity
      where datname = current_database() and application_name like 'laurel (pid %'
        and application_name <> ${applicationName()}`),
  );
  const sessions = Number(row?.sessions ?? 0);
  if (sessions > 0) throw new PortalsRunning(sessions);
}

/** Every table's row count and checksum, read back, must equal the manifest's. */
export async function compareWithManifest(db: Database, manifest: BackupManifest): Promise<void> {
  const [first] = await tablesThatDiffer(db, manifest.tables);
  if (first) {
    throw new Error(
      `After loading, table ${first.name} holds ${first.rows} rows where the backup has ${first.expectedRows}, ` +
        'or their content differs. The restore is incomplete; run it again with --force.',
    );
  }
}
