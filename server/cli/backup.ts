// npm run backup -- FILE
// Writes one archive of the database and the evidence files (server/operations/) while the
// portal keeps serving. On PostgreSQL it reads the server directly; on the embedded database a
// running portal is asked to write it (control-socket.ts), and a stopped one is opened here.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config.js';
import { openDatabase } from '../db/client.js';
import { DataDirLockedError } from '../db/lock.js';
import { migrationsCurrent } from '../db/migration-state.js';
import { recordRequestedBackup } from '../operations/backup-runs.js';
import { writeBackup } from '../operations/backup-writer.js';
import { askForBackup, backupAnswer, socketPathFor, type BackupAnswer } from '../operations/control-socket.js';
import { openEvidenceStore } from '../storage/open-store.js';
import { formatBytes } from '../storage/evidence-files.js';
import { fromCallerFolder } from './paths.js';

const USAGE = 'Usage: npm run backup -- FILE   (for example: npm run backup -- backups/laurel-2026-12-02.tar.gz)';

async function main(argv: string[]): Promise<number> {
  let positionals: string[];
  try {
    ({ positionals } = parseArgs({ args: argv, allowPositionals: true, options: {} }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (positionals.length !== 1) {
    console.error(USAGE);
    return 2;
  }
  const file = fromCallerFolder(positionals[0]!);
  if (existsSync(file)) {
    console.error(`${file} already exists. Choose another name; a backup never overwrites a file.`);
    return 1;
  }
  mkdirSync(path.dirname(file), { recursive: true });
  const config = loadConfig();
  const answer = await backUp(config, file);
  if (!answer.ok) {
    console.error(`The backup failed: ${answer.error}`);
    return 1;
  }
  if (!existsSync(file)) {
    console.error(
      `The portal says it wrote ${file}, but it is not there as this command sees the disk: the portal ` +
        'runs with a view of its own (a systemd unit with PrivateTmp, a container). Choose a folder both ' +
        'see, such as BACKUP_DIR, or run the command as the service does.',
    );
    return 1;
  }
  report(answer);
  return 0;
}

async function backUp(config: ReturnType<typeof loadConfig>, file: string) {
  let database;
  try {
    database = await openDatabase(config);
  } catch (error) {
    if (!(error instanceof DataDirLockedError)) throw error;
    console.log('The portal is running on the embedded database; asking it to write the backup.');
    return askForBackup(socketPathFor(config.dataDir), file);
  }
  try {
    const store = openEvidenceStore(config);
    const write = () => writeBackup({ db: database.db, databaseKind: database.kind, store }, file);
    // Listed for admins beside the scheduled ones, unless the database is older than this code
    // (it may have no record of backups yet): a backup never migrates what it reads.
    const manifest = (await migrationsCurrent(database.db))
      ? await recordRequestedBackup(database.db, { file }, write)
      : await write();
    return backupAnswer(file, manifest);
  } finally {
    await database.close();
  }
}

function report(answer: BackupAnswer): void {
  console.log(
    `Backed up ${answer.rows} rows in ${answer.tables} tables and ${answer.files} evidence files ` +
      `(${formatBytes(answer.fileBytes)}) to ${answer.file} in ${(answer.totalMs / 1000).toFixed(1)} s.`,
  );
  if (answer.missing > 0) {
    console.log(
      `Warning: ${answer.missing} evidence files named by the database were missing from storage and are not in the backup.`,
    );
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ConfigError) console.error(error.message);
    else console.error('The backup failed:', error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
