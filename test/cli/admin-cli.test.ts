// `npm run admin -- create ...` run as a real process against a real embedded database in a
// temporary DATA_DIR, including the lock that keeps it away from a database another process holds.
import { expect } from 'chai';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { users, userTokens } from '../../models/schema.js';
import { verifyPassword } from '../../server/auth/passwords.js';
import { openDatabase, type DatabaseHandle } from '../../server/db/client.js';
import { projectRoot } from '../../server/paths.js';
import { STRONG_PASSWORD, createUser } from '../helpers/factories.js';

const RUN_TIMEOUT_MS = 90_000;
const USAGE = 'Usage: npm run admin -- create --email EMAIL --password PASSWORD --name "FULL NAME"';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

const running = new Set<ChildProcess>();

function childEnv(dataDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    UPLOAD_DIR: path.join(dataDir, 'uploads'),
    LOG_LEVEL: 'silent',
    NODE_ENV: 'development',
  };
  delete env.DATABASE_URL;
  delete env.TEST_DATABASE_URL;
  delete env.SMTP_URL;
  return env;
}

/** Runs the admin command to completion; a run that hangs is killed and fails the test. */
function runAdmin(dataDir: string, args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/cli/admin.ts', ...args], {
      cwd: projectRoot,
      env: childEnv(dataDir),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`admin ${args.join(' ')} did not finish in ${RUN_TIMEOUT_MS} ms\n${stdout}\n${stderr}`));
    }, RUN_TIMEOUT_MS);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      running.delete(child);
      resolve({ code, stdout, stderr });
    });
  });
}

async function withDatabase<T>(dataDir: string, use: (database: DatabaseHandle) => Promise<T>): Promise<T> {
  const database = await openDatabase({ databaseUrl: undefined, dataDir });
  try {
    return await use(database);
  } finally {
    await database.close();
  }
}

function findUser(database: DatabaseHandle, email: string) {
  return database.db
    .select()
    .from(users)
    .where(eq(users.email, email))
    .then(([user]) => user);
}

/** A pid that belonged to a process which has exited, as a crashed portal would leave behind. */
function deadPid(): number {
  const { pid } = spawnSync(process.execPath, ['-e', '']);
  if (!pid) throw new Error('Could not start a short-lived process');
  expect(() => process.kill(pid, 0))
    .to.throw()
    .with.property('code', 'ESRCH');
  return pid;
}

describe('npm run admin -- create', function () {
  this.timeout(120_000);
  let dataDir: string;

  before(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'laurel-admin-cli-'));
  });
  after(async () => {
    for (const child of running) child.kill('SIGKILL');
    running.clear();
    rmSync(dataDir, { recursive: true, force: true });
  });

  describe('usage errors', () => {
    let emptyDir: string;
    before(() => {
      emptyDir = mkdtempSync(path.join(tmpdir(), 'laurel-admin-usage-'));
    });
    after(() => rmSync(emptyDir, { recursive: true, force: true }));

    it('prints the usage and exits 2 when the command or an argument is missing, without touching DATA_DIR', async () => {
      for (const args of [
        [],
        ['create', '--email', 'ada@example.org'],
        ['make', '--email', 'a@b.org', '--password', STRONG_PASSWORD, '--name', 'Ada'],
      ]) {
        const run = await runAdmin(emptyDir, args);
        expect(run.code, args.join(' ')).to.equal(2);
        expect(run.stderr.trim()).to.equal(USAGE);
        expect(run.stdout).to.equal('');
      }
      expect(existsSync(path.join(emptyDir, 'pglite'))).to.equal(false);
      expect(existsSync(path.join(emptyDir, 'session-secret'))).to.equal(false);
    });

    it('names an unknown option before the usage and exits 2', async () => {
      const run = await runAdmin(emptyDir, ['create', '--email', 'ada@example.org', '--role', 'admin']);
      expect(run.code).to.equal(2);
      expect(run.stderr).to.contain("Unknown option '--role'");
      expect(run.stderr.trim().endsWith(USAGE)).to.equal(true);
    });
  });

  it('refuses a weak password with a message per field, exits 1 and creates no account', async () => {
    const run = await runAdmin(dataDir, [
      'create',
      '--email',
      'not-an-address',
      '--password',
      'short',
      '--name',
      'Ada Lovelace',
    ]);
    expect(run.code).to.equal(1);
    expect(run.stdout).to.equal('');
    expect(run.stderr.trim().split('\n')).to.deep.equal([
      '--email: Enter an e-mail address like name@school.org.',
      '--password: Use at least 10 characters.',
    ]);

    const common = await runAdmin(dataDir, [
      'create',
      '--email',
      'ada@example.org',
      '--password',
      'password123',
      '--name',
      'Ada Lovelace',
    ]);
    expect(common.code).to.equal(1);
    expect(common.stderr.trim()).to.equal('--password: This password is too common; choose one that is hard to guess.');

    const count = await withDatabase(dataDir, async (database) => (await database.db.select().from(users)).length);
    expect(count).to.equal(0);
    expect(existsSync(path.join(dataDir, 'laurel.lock'))).to.equal(false);
  });

  it('creates a verified administrator and exits 0', async () => {
    const before = new Date();
    const run = await runAdmin(dataDir, [
      'create',
      '--email',
      '  Ada@Example.ORG ',
      '--password',
      STRONG_PASSWORD,
      '--name',
      'Ada Lovelace',
    ]);
    expect(run.stderr).to.equal('');
    expect(run.code).to.equal(0);
    expect(run.stdout.trim()).to.equal('Created administrator ada@example.org.');

    const user = await withDatabase(dataDir, (database) => findUser(database, 'ada@example.org'));
    expect(user?.name).to.equal('Ada Lovelace');
    expect(user?.roles).to.deep.equal(['admin']);
    expect(user?.emailVerifiedAt).to.be.instanceOf(Date);
    expect(user!.emailVerifiedAt!.getTime()).to.be.at.least(before.getTime() - 1000);
    expect(await verifyPassword(user!.passwordHash, STRONG_PASSWORD)).to.equal(true);
  });

  it('when run again, sets a new password for an admin and promotes an existing applicant', async () => {
    const again = await runAdmin(dataDir, [
      'create',
      '--email',
      'ada@example.org',
      '--password',
      'a brand new passphrase',
      '--name',
      'Ada King',
    ]);
    expect(again.code).to.equal(0);
    expect(again.stdout.trim()).to.equal(
      'ada@example.org already had an account: it is now an administrator, with the new password.',
    );

    await withDatabase(dataDir, async (database) => {
      const grace = await createUser(database.db, {
        email: 'grace@example.org',
        name: 'Grace Hopper',
        roles: ['applicant'],
        verified: false,
      });
      // A reset link e-mailed before the new password is set from the server.
      await database.db.insert(userTokens).values({
        userId: grace.id,
        purpose: 'reset_password',
        tokenHash: 'f'.repeat(64),
        expiresAt: new Date(Date.now() + 3_600_000),
      });
    });
    const promoted = await runAdmin(dataDir, [
      'create',
      '--email',
      'grace@example.org',
      '--password',
      'compilers are friends',
      '--name',
      'Grace Hopper',
    ]);
    expect(promoted.code).to.equal(0);
    expect(promoted.stdout.trim()).to.equal(
      'grace@example.org already had an account: it is now an administrator, with the new password.',
    );

    await withDatabase(dataDir, async (database) => {
      const ada = await findUser(database, 'ada@example.org');
      expect(ada?.name).to.equal('Ada King');
      expect(ada?.roles).to.deep.equal(['admin']);
      expect(await verifyPassword(ada!.passwordHash, 'a brand new passphrase')).to.equal(true);
      expect(await verifyPassword(ada!.passwordHash, STRONG_PASSWORD)).to.equal(false);

      const grace = await findUser(database, 'grace@example.org');
      expect(grace?.roles).to.deep.equal(['applicant', 'admin']);
      const [oldLink] = await database.db.select().from(userTokens).where(eq(userTokens.userId, grace!.id));
      expect(oldLink?.usedAt, 'the reset link e-mailed before still works').to.be.instanceOf(Date);
      expect(grace?.emailVerifiedAt).to.be.instanceOf(Date);
      expect(await verifyPassword(grace!.passwordHash, 'compilers are friends')).to.equal(true);
      expect((await database.db.select().from(users)).length).to.equal(2);
    });
  });

  it('refuses, with exit 1 and without changing anything, while another process holds the database', async () => {
    const lockFile = path.join(dataDir, 'laurel.lock');
    await withDatabase(dataDir, async (database) => {
      expect(readFileSync(lockFile, 'utf8')).to.equal(String(process.pid));
      const before = await findUser(database, 'ada@example.org');

      const run = await runAdmin(dataDir, [
        'create',
        '--email',
        'ada@example.org',
        '--password',
        'taken over by force',
        '--name',
        'Mallory',
      ]);
      expect(run.code).to.equal(1);
      expect(run.stdout).to.equal('');
      expect(run.stderr.trim()).to.equal(
        `The embedded database in ${dataDir} is in use by another Laurel process (pid ${process.pid}). ` +
          `Stop the running portal first (Ctrl+C, or kill ${process.pid}), then run this command again. ` +
          'Your data has not been touched.',
      );

      const after = await findUser(database, 'ada@example.org');
      expect(after).to.deep.equal(before);
      expect(after?.name).to.equal('Ada King');
      expect(readFileSync(lockFile, 'utf8')).to.equal(String(process.pid));
    });
    expect(existsSync(lockFile)).to.equal(false);
  });

  it('takes over a stale lock left by a process that no longer runs', async () => {
    const lockFile = path.join(dataDir, 'laurel.lock');
    writeFileSync(lockFile, String(deadPid()));

    const run = await runAdmin(dataDir, [
      'create',
      '--email',
      'alan@example.org',
      '--password',
      STRONG_PASSWORD,
      '--name',
      'Alan Turing',
    ]);
    expect(run.stderr).to.equal('');
    expect(run.code).to.equal(0);
    expect(run.stdout.trim()).to.equal('Created administrator alan@example.org.');
    expect(existsSync(lockFile)).to.equal(false);

    const alan = await withDatabase(dataDir, (database) => findUser(database, 'alan@example.org'));
    expect(alan?.roles).to.deep.equal(['admin']);
    expect(alan?.emailVerifiedAt).to.be.instanceOf(Date);
  });
});
