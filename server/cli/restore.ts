// npm run restore -- FILE [--force]
// Fills an empty data folder (DATA_DIR) or PostgreSQL database (DATABASE_URL) and the evidence
// store from a backup. Refuses one that holds data unless --force, and the embedded database
// while a portal runs on it.
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config.js';
import { openDatabase } from '../db/client.js';
import { DataDirLockedError } from '../db/lock.js';
import { ArchiveProblem } from '../operations/archive-format.js';
import { PortalsRunning, restoreBackup, TargetNotEmpty } from '../operations/restore.js';
import { openEvidenceStore } from '../storage/open-store.js';
import { fromCallerFolder } from './paths.js';

const USAGE = 'Usage: npm run restore -- FILE [--force]';

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { force: { type: 'boolean' } } });
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (parsed.positionals.length !== 1) {
    console.error(USAGE);
    return 2;
  }
  const file = fromCallerFolder(parsed.positionals[0]!);
  const config = loadConfig();
  const database = await openDatabase(config);
  try {
    const store = openEvidenceStore(config);
    const where = database.kind === 'pglite' ? `the embedded database in ${config.dataDir}` : 'the PostgreSQL database';
    console.log(`Checking ${file}, then restoring it into ${where} and ${store.description}.`);
    const started = Date.now();
    const report = await restoreBackup({ handle: database, store }, file, { force: parsed.values.force === true });
    const { manifest } = report;
    console.log(
      `Restored ${report.rows} rows in ${manifest.tables.length} tables and ${report.files} evidence files ` +
        `from the backup of ${manifest.createdAt} in ${((Date.now() - started) / 1000).toFixed(1)} s; ` +
        'every table matches its checksum.',
    );
    if (manifest.files.missing.length > 0) {
      console.log(
        `Note: ${manifest.files.missing.length} evidence files were already missing when the backup was made.`,
      );
    }
    console.log('Start the portal (npm start) to use it.');
    return 0;
  } finally {
    await database.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (
      error instanceof ConfigError ||
      error instanceof DataDirLockedError ||
      error instanceof ArchiveProblem ||
      error instanceof TargetNotEmpty ||
      error instanceof PortalsRunning
    ) {
      console.error(error.message);
    } else {
      console.error('The restore failed:', error instanceof Error ? error.message : error);
    }
    process.exit(1);
  },
);
