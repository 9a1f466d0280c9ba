// `npm run backup` and `npm run restore` as a program officer runs them, on the embedded
// database: a backup of a running portal (asked of the portal through its control socket) while
// it keeps serving, a restore into a new DATA_DIR that then runs with the same sign-in, rows and
// files, and the refusals: a running portal, a target with data, a file that is already there.
import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { backupRuns } from '../../models/schema.js';
import { seedDemo, DEMO_ADMIN_EMAIL } from '../../server/cli/seed-demo.js';
import { openDatabase } from '../../server/db/client.js';
import { tableChecksums } from '../../server/operations/table-dump.js';
import { DiskStore } from '../../server/storage/disk-store.js';
import { runCli as runCommand } from '../helpers/cli.js';
import { addEvidenceFixture } from '../helpers/evidence.js';
import { csrfTokenFrom } from '../helpers/forms.js';
import {
  CookieJar,
  freePort,
  RUNNING,
  startServer,
  STOP_TIMEOUT_MS,
  stopAllServers,
  waitForExit,
  waitForOutput,
  type ServerProcess,
} from '../helpers/server-process.js';

/** Runs a command of server/cli with the portal's settings for `dataDir`. */
const runCli = (script: 'backup' | 'restore', args: string[], dataDir: string) =>
  runCommand(script, args, { DATA_DIR: dataDir, UPLOAD_DIR: path.join(dataDir, 'uploads') });

/** A populated embedded portal: the demo program and two evidence files on disk. */
async function populatedDataDir(dataDir: string): Promise<{ password: string; storedNames: string[] }> {
  const database = await openDatabase({ databaseUrl: undefined, dataDir });
  try {
    await database.migrate();
    const login = await seedDemo(database.db, () => new Date());
    const store = new DiskStore(path.join(dataDir, 'uploads'));
    const storedNames: string[] = [];
    for (const fixture of ['sample.pdf', 'sample.png']) {
      storedNames.push((await addEvidenceFixture(database.db, store, fixture, dataDir)).storedName);
    }
    return { password: login.password, storedNames };
  } finally {
    await database.close();
  }
}

async function checksumsOf(dataDir: string) {
  const database = await openDatabase({ databaseUrl: undefined, dataDir });
  try {
    return await tableChecksums(database.db);
  } finally {
    await database.close();
  }
}

describe('npm run backup and npm run restore on the embedded database', function () {
  this.timeout(300_000);
  this.bail(true);

  let root: string;
  let original: string;
  let restored: string;
  let archive: string;
  let login: { password: string; storedNames: string[] };
  let portal: ServerProcess;
  let port: number;

  before(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'laurel-backup-cli-'));
    original = path.join(root, 'original');
    restored = path.join(root, 'restored');
    archive = path.join(root, 'backups', 'laurel.tar.gz');
    login = await populatedDataDir(original);
  });

  after(async () => {
    await stopAllServers();
    rmSync(root, { recursive: true, force: true });
  });

  it('backs up a running portal through the portal itself, which keeps serving', async () => {
    port = await freePort();
    portal = startServer(original, port);
    await waitForOutput(portal, RUNNING);

    const statuses: number[] = [];
    let backingUp = true;
    const reader = (async () => {
      for (let i = 0; backingUp && i < 2000; i += 1) {
        const response = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(20_000) });
        statuses.push(response.status);
        await response.arrayBuffer();
      }
    })();
    const run = await runCli('backup', [archive], original);
    backingUp = false;
    await reader;

    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.contain('asking it to write the backup');
    expect(run.stdout).to.match(/Backed up \d+ rows in \d+ tables and 2 evidence files/);
    expect(existsSync(archive)).to.equal(true);
    expect(existsSync(`${archive}.partial`)).to.equal(false);
    expect(statuses.length).to.be.greaterThan(0);
    expect(statuses.every((status) => status === 200)).to.equal(true);
  });

  it('never overwrites a file, and refuses to restore into a running portal', async () => {
    const again = await runCli('backup', [archive], original);
    expect(again.code).to.equal(1);
    expect(again.stderr).to.contain('already exists');

    const intoRunning = await runCli('restore', [archive, '--force'], original);
    expect(intoRunning.code).to.equal(1);
    expect(intoRunning.stderr).to.match(/in use by another Laurel process/);
  });

  it('restores into a new DATA_DIR, and refuses to replace its data without --force', async () => {
    const first = await runCli('restore', [archive], restored);
    expect(first.code, first.stderr).to.equal(0);
    expect(first.stdout).to.match(/Restored \d+ rows in \d+ tables and 2 evidence files/);
    expect(first.stdout).to.contain('every table matches its checksum');

    const second = await runCli('restore', [archive], restored);
    expect(second.code).to.equal(1);
    expect(second.stderr)
      .to.match(/not empty/)
      .and.to.contain('--force');

    const forced = await runCli('restore', [archive, '--force'], restored);
    expect(forced.code, forced.stderr).to.equal(0);
  });

  it('leaves the restored portal equal to the original, row for row and file for file', async () => {
    portal.child.kill('SIGTERM');
    await waitForExit(portal, STOP_TIMEOUT_MS);
    const before = await checksumsOf(original);
    const after = await checksumsOf(restored);
    for (const [table, sum] of before) expect(after.get(table), table).to.deep.equal(sum);
    for (const name of login.storedNames) {
      const [shard, file] = name.split('/') as [string, string];
      expect(readFileSync(path.join(restored, 'uploads', shard, file))).to.deep.equal(
        readFileSync(path.join(original, 'uploads', shard, file)),
      );
    }
  });

  it('runs the restored portal with the same sign-in', async () => {
    port = await freePort();
    portal = startServer(restored, port);
    await waitForOutput(portal, RUNNING);
    const jar = new CookieJar();
    const browse = async (pathname: string, init: RequestInit = {}) => {
      const response = await fetch(`http://127.0.0.1:${port}${pathname}`, {
        ...init,
        redirect: 'manual',
        headers: { ...(init.headers as Record<string, string> | undefined), cookie: jar.header() },
        signal: AbortSignal.timeout(20_000),
      });
      jar.store(response);
      return response;
    };
    const form = await (await browse('/login')).text();
    const signedIn = await browse('/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        email: DEMO_ADMIN_EMAIL,
        password: login.password,
        next: '/admin',
        _csrf: csrfTokenFrom(form),
      }).toString(),
    });
    expect(signedIn.status).to.equal(303);
    expect(signedIn.headers.get('location')).to.equal('/admin');
    expect((await browse('/admin')).status).to.equal(200);
  });

  it('backs up a stopped portal by opening its database directly', async () => {
    portal.child.kill('SIGTERM');
    await waitForExit(portal, STOP_TIMEOUT_MS);
    const direct = path.join(root, 'backups', 'stopped.tar.gz');
    const run = await runCli('backup', [direct], restored);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).not.to.contain('asking it');
    expect(run.stdout).to.match(/and 2 evidence files/);

    // Both kinds of request are listed for admins: through the running portal and directly.
    for (const [dataDir, file] of [
      [original, archive],
      [restored, direct],
    ] as const) {
      const database = await openDatabase({ databaseUrl: undefined, dataDir });
      try {
        const runs = await database.db.select().from(backupRuns);
        expect(runs.map((r) => [r.trigger, r.status, r.fileName])).to.deep.equal([['requested', 'done', file]]);
        expect(runs[0]!.sizeBytes).to.equal(statSync(file).size);
      } finally {
        await database.close();
      }
    }
  });
});
