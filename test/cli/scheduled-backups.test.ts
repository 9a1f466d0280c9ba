// Scheduled backups in the running portal (server/index.ts with BACKUP_DIR): the first check
// soon after start writes the archive and logs its file and size, a stop is prompt, and a restart
// marks a run an earlier process left unfinished as failed and does not back up again too soon.
import { expect } from 'chai';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { asc } from 'drizzle-orm';
import { backupRuns } from '../../models/schema.js';
import { openDatabase } from '../../server/db/client.js';
import { checkArchive } from '../../server/operations/archive-check.js';
import { INTERRUPTED, startBackupRun } from '../../server/operations/backup-runs.js';
import {
  freePort,
  RUNNING,
  startServer,
  STOP_TIMEOUT_MS,
  stopAllServers,
  waitForExit,
  waitForOutput,
} from '../helpers/server-process.js';

describe('scheduled backups in the running portal', function () {
  this.timeout(180_000);
  this.bail(true);

  let dataDir: string;
  let backupDir: string;
  let port: number;
  const env = () => ({ BACKUP_DIR: backupDir, BACKUP_EVERY: '5m', BACKUP_KEEP: '2', LOG_LEVEL: 'info' });

  /** The embedded database's record of backups, read while the portal is stopped. */
  async function recordedRuns() {
    const database = await openDatabase({ databaseUrl: undefined, dataDir });
    try {
      return await database.db.select().from(backupRuns).orderBy(asc(backupRuns.id));
    } finally {
      await database.close();
    }
  }

  before(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'laurel-scheduled-backups-'));
    backupDir = path.join(dataDir, 'backups');
    port = await freePort();
  });
  after(async () => {
    await stopAllServers();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('writes a backup soon after start, logs its file and size, and stops promptly', async () => {
    const server = startServer(dataDir, port, env());
    await waitForOutput(server, RUNNING);
    const [line] = await waitForOutput(server, /\{[^\n]*"msg":"scheduled backup written"[^\n]*\}/, 60_000);
    const logged = JSON.parse(line) as { file: string; size: string; sizeBytes: number; rows: number };
    const files = readdirSync(backupDir);
    expect(files).to.have.length(1);
    expect(files[0]).to.match(/^laurel-backup-\d{8}-\d{6}\.tar\.gz$/);
    expect(logged.file).to.equal(path.join(backupDir, files[0]!));
    expect(logged.sizeBytes).to.equal(statSync(logged.file).size);
    expect(logged.size).to.match(/^\d+(\.\d)? (KB|MB)$/);

    const manifest = await checkArchive(logged.file);
    expect(manifest.tables.reduce((sum, t) => sum + t.rows, 0)).to.equal(logged.rows);
    expect(logged.rows, 'the demo is in it').to.be.greaterThan(100);

    const stopping = Date.now();
    server.child.kill('SIGTERM');
    expect(await waitForExit(server, STOP_TIMEOUT_MS)).to.deep.equal({ code: 0, signal: null });
    expect(Date.now() - stopping).to.be.lessThan(10_000);

    const [run] = await recordedRuns();
    expect(run).to.deep.include({
      fileName: files[0],
      trigger: 'scheduled',
      status: 'done',
      sizeBytes: logged.sizeBytes,
      rowCount: logged.rows,
    });
  });

  it('marks a run an earlier process left unfinished as failed on restart, and waits out the period', async () => {
    const database = await openDatabase({ databaseUrl: undefined, dataDir });
    try {
      await startBackupRun(database.db, {
        trigger: 'requested',
        fileName: '/srv/elsewhere.tar.gz',
        instance: 'a crashed command',
        now: new Date(),
      });
    } finally {
      await database.close();
    }
    const server = startServer(dataDir, port, env());
    await waitForOutput(server, /"interrupted":1,"msg":"marked backups an earlier run left unfinished as failed"/);
    await waitForOutput(server, RUNNING);
    // Past the first check: the backup of a minute ago is recent enough.
    await new Promise((resolve) => setTimeout(resolve, 7_000));
    server.child.kill('SIGTERM');
    expect(await waitForExit(server, STOP_TIMEOUT_MS)).to.deep.equal({ code: 0, signal: null });
    expect(server.stdout).not.to.contain('scheduled backup written');
    expect(readdirSync(backupDir)).to.have.length(1);
    const runs = await recordedRuns();
    expect(runs.map((r) => [r.trigger, r.status])).to.deep.equal([
      ['scheduled', 'done'],
      ['requested', 'failed'],
    ]);
    expect(runs[1]?.error).to.equal(INTERRUPTED);
  });
});
