// PGlite keeps its files in one folder and has no server to share them: two processes writing
// to it would corrupt it. A lock file with the owner's pid keeps a second process out.
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
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

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock or throws DataDirLockedError; returns the function that releases it. */
export function acquireDataDirLock(dataDir: string): () => void {
  const file = path.join(dataDir, 'laurel.lock');
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        try {
          unlinkSync(file);
        } catch {
          // Already gone: nothing to release.
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const ownerPid = Number.parseInt(readFileSync(file, 'utf8'), 10);
      if (Number.isInteger(ownerPid) && ownerPid !== process.pid && isAlive(ownerPid)) {
        throw new DataDirLockedError(dataDir, ownerPid);
      }
      if (ownerPid === process.pid) throw new DataDirLockedError(dataDir, ownerPid);
      // The owner died without cleaning up (a crash, a power cut): the lock is stale.
      unlinkSync(file);
    }
  }
  throw new Error(`Could not take the lock ${file}`);
}
