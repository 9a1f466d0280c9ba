// The embedded database's lock must keep a second process out while its owner runs, and must
// not keep anyone out once the owner is gone, whatever now wears its pid.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { expect } from 'chai';
import { DataDirLockedError, acquireDataDirLock } from '../../../server/db/lock.js';
import { projectRoot } from '../../../server/paths.js';

const hasProc = existsSync('/proc/self/stat');

function statFields(pid: number): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`Gave up waiting for ${what}`);
}

function lockError(dataDir: string): unknown {
  try {
    acquireDataDirLock(dataDir)();
    return undefined;
  } catch (error) {
    return error;
  }
}

describe('the data directory lock', function () {
  this.timeout(20_000);
  let dataDir: string;
  let lockFile: string;
  const children: ChildProcess[] = [];

  beforeEach(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'laurel-lock-'));
    lockFile = path.join(dataDir, 'laurel.lock');
  });
  afterEach(async () => {
    for (const child of children.splice(0)) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await once(child, 'exit');
      }
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  function startSleeper(script = 'exec sleep 30'): ChildProcess {
    const child = spawn('sh', ['-c', script], { stdio: ['ignore', 'pipe', 'ignore'] });
    children.push(child);
    return child;
  }

  it('takes over a lock holding our own pid, left by an earlier process that had the same pid', () => {
    writeFileSync(lockFile, String(process.pid));
    const release = acquireDataDirLock(dataDir);
    expect(readFileSync(lockFile, 'utf8')).to.equal(String(process.pid));
    release();
    expect(existsSync(lockFile)).to.equal(false);
    expect(existsSync(`${lockFile}.${process.pid}`), 'the start-time record goes with the lock').to.equal(false);
  });

  it('still refuses a second lock on the same folder within this process', () => {
    const release = acquireDataDirLock(dataDir);
    try {
      expect(lockError(dataDir)).to.be.instanceOf(DataDirLockedError);
      expect(readFileSync(lockFile, 'utf8')).to.equal(String(process.pid));
    } finally {
      release();
    }
  });

  it('takes over a lock whose pid no longer exists', async () => {
    const child = startSleeper('exit 0');
    const pid = child.pid!;
    await once(child, 'exit');
    writeFileSync(lockFile, String(pid));
    acquireDataDirLock(dataDir)();
    expect(existsSync(lockFile)).to.equal(false);
  });

  it('takes over a lock whose pid is a zombie', async function () {
    if (!hasProc) this.skip(); // Without /proc a zombie cannot be told from a live process.
    // The shell starts `sleep 0` and becomes `sleep 30`, which never collects its child's exit.
    const parent = startSleeper('sleep 0 & echo $!; exec sleep 30');
    const [line] = (await once(parent.stdout!, 'data')) as [Buffer];
    const zombie = Number.parseInt(line.toString(), 10);
    await until(() => statFields(zombie)[0] === 'Z', `pid ${zombie} to become a zombie`);
    writeFileSync(lockFile, String(zombie));

    const release = acquireDataDirLock(dataDir);
    expect(readFileSync(lockFile, 'utf8')).to.equal(String(process.pid));
    release();
  });

  it('takes over a lock whose pid now belongs to a process that started at another time', async function () {
    if (!hasProc) this.skip(); // Start times come from /proc.
    const stranger = startSleeper().pid!;
    const startTicks = statFields(stranger)[19]!;
    const bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    writeFileSync(lockFile, String(stranger));
    // What the crashed owner that had this pid before recorded about itself.
    writeFileSync(`${lockFile}.${stranger}`, JSON.stringify({ startTicks: String(Number(startTicks) - 100), bootId }));

    const release = acquireDataDirLock(dataDir);
    expect(readFileSync(lockFile, 'utf8')).to.equal(String(process.pid));
    expect(existsSync(`${lockFile}.${stranger}`), 'the dead owner record is removed').to.equal(false);
    release();
  });

  it('refuses, with a clear message, while a live process holds the lock, and takes it once that process is killed', async () => {
    const code = `
      import { acquireDataDirLock } from ${JSON.stringify(path.join(projectRoot, 'server/db/lock.ts'))};
      acquireDataDirLock(process.argv[1]);
      console.log('locked');
      setInterval(() => {}, 1000);
    `;
    const owner = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code, dataDir], {
      cwd: projectRoot,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(owner);
    const [line] = (await once(owner.stdout!, 'data')) as [Buffer];
    expect(line.toString().trim()).to.equal('locked');

    const refused = lockError(dataDir);
    expect(refused).to.be.instanceOf(DataDirLockedError);
    expect((refused as Error).message).to.equal(
      `The embedded database in ${dataDir} is in use by another Laurel process (pid ${owner.pid}). ` +
        `Stop the running portal first (Ctrl+C, or kill ${owner.pid}), then run this command again. ` +
        'Your data has not been touched.',
    );
    expect(readFileSync(lockFile, 'utf8')).to.equal(String(owner.pid));
    expect(existsSync(`${lockFile}.${process.pid}`), 'a refused process leaves no record behind').to.equal(false);

    owner.kill('SIGKILL');
    await once(owner, 'exit');
    expect(existsSync(`${lockFile}.${owner.pid}`), 'the killed owner left its record').to.equal(true);
    const release = acquireDataDirLock(dataDir);
    expect(readFileSync(lockFile, 'utf8')).to.equal(String(process.pid));
    expect(existsSync(`${lockFile}.${owner.pid}`)).to.equal(false);
    release();
  });

  it('lets exactly one of several starters take over the same stale lock', async function () {
    this.timeout(60_000);
    // A dead owner: a pid that no longer exists.
    const gone = spawn('sh', ['-c', 'exit 0']);
    await once(gone, 'exit');
    writeFileSync(lockFile, String(gone.pid));
    const code = `
      import { acquireDataDirLock } from ${JSON.stringify(path.join(projectRoot, 'server/db/lock.ts'))};
      // Every starter waits for the same moment, then tries at once.
      while (Date.now() < Number(process.argv[2])) {}
      try {
        acquireDataDirLock(process.argv[1]);
        console.log('locked');
        setTimeout(() => {}, 3000);
      } catch (error) {
        console.log(error.name === 'DataDirLockedError' ? 'refused' : 'error ' + error.message);
      }
    `;
    const startAt = String(Date.now() + 4000);
    const starters = Array.from({ length: 4 }, () => {
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code, dataDir, startAt], {
        cwd: projectRoot,
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      children.push(child);
      let out = '';
      child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
      return once(child, 'exit').then(() => out.trim());
    });
    const outcomes = (await Promise.all(starters)).sort();
    expect(outcomes).to.deep.equal(['locked', 'refused', 'refused', 'refused']);
  });
});
