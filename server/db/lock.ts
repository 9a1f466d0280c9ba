// PGlite keeps its files in one folder and has no server to share them: two processes writing
// to it would corrupt it. A lock file with the owner's pid keeps a second process out.
//
// A pid alone does not say whether its owner still runs: after a SIGKILL the pid may be ours
// (a restarted container often gets the same pid), a zombie, or another program's. So each
// owner also records, in laurel.lock.<pid>, when its process started (field 22 of
// /proc/<pid>/stat, in clock ticks since boot) and which boot that was. Where /proc is absent
// (macOS) only "does the pid exist" can be asked, as before.
import { closeSync, existsSync, openSync, readFileSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';

export class DataDirLockedError extends Error {
  constructor(
    public readonly dataDir: string,
    public readonly ownerPid: number,
  ) {
    super(
      `The embedded database in ${dataDir} is in use by another Laurel process (pid ${ownerPid}). ` +
        'Stop the running portal first (Ctrl+C, or kill ' +
        `${ownerPid}), then run this command again. Your data has not been touched.`,
    );
    this.name = 'DataDirLockedError';
  }
}

interface ProcessStart {
  startTicks: string;
  bootId: string;
}

/** Lock files this process holds: our own pid in one of them is not a leftover. */
const held = new Set<string>();

const hasProc = () => existsSync('/proc/self/stat');

function bootId(): string {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return '';
  }
}

/** The process's state letter and start time, or undefined when it is gone (or there is no /proc). */
function procStat(pid: number): { state: string; start: ProcessStart } | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may itself hold spaces and parentheses.
  // What follows starts at field 3 (the state letter); field 22 is the start time.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0] ?? '', start: { startTicks: fields[19] ?? '', bootId: bootId() } };
}

function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const startFileOf = (lockFile: string, pid: number) => `${lockFile}.${pid}`;

function recordedStart(lockFile: string, pid: number): ProcessStart | undefined {
  try {
    const parsed = JSON.parse(readFileSync(startFileOf(lockFile, pid), 'utf8')) as Partial<ProcessStart>;
    return typeof parsed.startTicks === 'string' && typeof parsed.bootId === 'string'
      ? { startTicks: parsed.startTicks, bootId: parsed.bootId }
      : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the process that wrote the lock still runs. */
function ownerRuns(lockFile: string, ownerPid: number): boolean {
  if (ownerPid === process.pid) return held.has(lockFile);
  if (!pidExists(ownerPid)) return false;
  if (!hasProc()) return true;
  const now = procStat(ownerPid);
  // Hidden from us (another user's process under hidepid), or gone this instant: err on the safe side.
  if (!now) return true;
  // A zombie has exited; only its parent has not yet collected its exit status.
  if (now.state === 'Z' || now.state === 'X') return false;
  const then = recordedStart(lockFile, ownerPid);
  // Without a record (a lock from an older Laurel) a live pid has to be taken at its word.
  if (!then) return true;
  return then.startTicks === now.start.startTicks && then.bootId === now.start.bootId;
}

const pause = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** Reads a file, or undefined when it is gone (its owner released it this instant). */
function readIfPresent(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * The pid in the lock; a moment's patience for one whose owner has created it but not yet
 * written it. Null when the lock is gone.
 */
function readOwnerPid(lockFile: string): number | undefined | null {
  for (let attempt = 0; attempt < 10; attempt += 1) {
    const text = readIfPresent(lockFile);
    if (text === undefined) return null;
    const pid = Number.parseInt(text, 10);
    if (Number.isInteger(pid) && pid > 0) return pid;
    if (text !== '') return undefined;
    pause(20);
  }
  return undefined;
}

function removeIfPresent(file: string): void {
  try {
    unlinkSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/** A takeover left by a process that died in the middle of one is this old. */
const STALE_TAKEOVER_MS = 10_000;

/**
 * Removes a stale lock, unless another starter got there first. Two starters may both find the
 * same dead owner; without this, the second would remove the lock the first had just taken, and
 * two processes would write one database. The takeover file lets one of them at a time re-read
 * the lock and remove it only if it still names the dead owner.
 */
function breakStaleLock(lockFile: string, stalePid: number | undefined): void {
  const takeover = `${lockFile}.takeover`;
  try {
    closeSync(openSync(takeover, 'wx', 0o600));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    try {
      if (Date.now() - statSync(takeover).mtimeMs > STALE_TAKEOVER_MS) removeIfPresent(takeover);
    } catch {
      // Gone already: the other starter finished.
    }
    pause(20);
    return;
  }
  try {
    const now = readOwnerPid(lockFile);
    if (now === null) return;
    if (now === stalePid) removeIfPresent(lockFile);
  } finally {
    removeIfPresent(takeover);
  }
}

/** Takes the lock or throws DataDirLockedError; returns the function that releases it. */
export function acquireDataDirLock(dataDir: string): () => void {
  const file = path.join(dataDir, 'laurel.lock');
  const ownStartFile = startFileOf(file, process.pid);
  // Written before the lock itself, so nobody ever finds our lock without our start time.
  const ownStart = hasProc() ? procStat(process.pid)?.start : undefined;
  if (ownStart && !held.has(file)) writeFileSync(ownStartFile, JSON.stringify(ownStart), { mode: 0o600 });
  for (let attempt = 0; attempt < 10; attempt += 1) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      held.add(file);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        held.delete(file);
        removeIfPresent(file);
        removeIfPresent(ownStartFile);
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const ownerPid = readOwnerPid(file);
      if (ownerPid === null) continue;
      if (ownerPid !== undefined && ownerRuns(file, ownerPid)) {
        if (ownerPid !== process.pid) removeIfPresent(ownStartFile);
        throw new DataDirLockedError(dataDir, ownerPid);
      }
      // The owner died without cleaning up (a crash, a SIGKILL, a power cut): the lock is stale.
      breakStaleLock(file, ownerPid);
      if (ownerPid !== undefined && ownerPid !== process.pid) removeIfPresent(startFileOf(file, ownerPid));
    }
  }
  throw new Error(`Could not take the lock ${file}`);
}
