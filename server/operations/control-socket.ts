// How a command reaches a running portal on the embedded database. PGlite belongs to the one
// process that opened it (server/db/lock.ts), so `npm run backup` cannot read it from outside
// while the portal runs; it asks the portal instead, over a Unix socket in DATA_DIR that only the
// portal's own user can open (mode 0600). One request per connection: a JSON line in, a JSON
// line out. The only command is a backup to a file the caller names.
import { chmod, rm } from 'node:fs/promises';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import path from 'node:path';
import type { BackupManifest } from './archive-format.js';

export interface BackupAnswer {
  ok: true;
  file: string;
  tables: number;
  rows: number;
  files: number;
  fileBytes: number;
  missing: number;
  snapshotMs: number;
  totalMs: number;
}

export type Answer = BackupAnswer | { ok: false; error: string };

export const socketPathFor = (dataDir: string) => path.join(dataDir, 'laurel.sock');

const MAX_REQUEST_BYTES = 8192;

/** The portal's side. `backup` writes the archive and answers with what it holds. */
export async function listenForCommands(
  socketPath: string,
  backup: (file: string) => Promise<BackupAnswer>,
  onError: (error: unknown) => void,
): Promise<{ close(): Promise<void> }> {
  // Left by a portal that did not stop cleanly; this process holds the data folder's lock, so
  // no other portal is listening on it.
  await rm(socketPath, { force: true });
  let running = false;
  const open = new Set<Socket>();
  const server: Server = createServer((socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
    readRequest(socket)
      .then(async (request): Promise<Answer> => {
        if (running) return { ok: false, error: 'A backup is already being written; try again when it ends.' };
        running = true;
        try {
          return await backup(request.file);
        } finally {
          running = false;
        }
      })
      .catch((error: unknown): Answer => {
        if (!(error instanceof BadRequest)) onError(error);
        return { ok: false, error: (error as Error).message };
      })
      .then((answer) => socket.end(`${JSON.stringify(answer)}\n`));
    socket.on('error', onError);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  await chmod(socketPath, 0o600);
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // A caller still waiting (a backup being written, or one that never sent its line) must
        // not hold the shutdown: it is told nothing and sees the connection close.
        for (const socket of open) socket.destroy();
        void rm(socketPath, { force: true });
      }),
  };
}

class BadRequest extends Error {}

function readRequest(socket: Socket): Promise<{ file: string }> {
  return new Promise((resolve, reject) => {
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      text += chunk;
      if (text.length > MAX_REQUEST_BYTES) {
        reject(new BadRequest('The request is too long.'));
        return;
      }
      const end = text.indexOf('\n');
      if (end === -1) return;
      socket.pause();
      try {
        resolve(parseRequest(text.slice(0, end)));
      } catch (error) {
        reject(error as Error);
      }
    });
    socket.on('end', () => reject(new BadRequest('The request ended before its end of line.')));
  });
}

function parseRequest(line: string): { file: string } {
  let value: { command?: unknown; file?: unknown };
  try {
    value = JSON.parse(line) as typeof value;
  } catch {
    throw new BadRequest('The request is not JSON.');
  }
  if (value.command !== 'backup') throw new BadRequest('The only command is "backup".');
  const { file } = value;
  if (typeof file !== 'string' || !path.isAbsolute(file) || file.includes('\0') || file.length > 4096) {
    throw new BadRequest('A backup needs the absolute path of the file to write.');
  }
  return { file };
}

/** The command's side: asks the running portal for a backup and waits for its answer. */
export function askForBackup(socketPath: string, file: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(socketPath);
    let text = '';
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(`${JSON.stringify({ command: 'backup', file })}\n`));
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('end', () => {
      try {
        resolve(JSON.parse(text) as Answer);
      } catch {
        reject(new Error('The portal closed the connection without an answer; see its log.'));
      }
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ECONNREFUSED') {
        reject(
          new Error(
            `The portal holds the embedded database but does not answer on ${socketPath}. ` +
              'Is it an older Laurel? Stop it and run the backup again, or upgrade it first.',
          ),
        );
      } else reject(error);
    });
  });
}

/** What the command prints of a finished backup. */
export function backupAnswer(file: string, manifest: BackupManifest): BackupAnswer {
  return {
    ok: true,
    file,
    tables: manifest.tables.length,
    rows: manifest.tables.reduce((sum, table) => sum + table.rows, 0),
    files: manifest.files.count,
    fileBytes: manifest.files.bytes,
    missing: manifest.files.missing.length,
    snapshotMs: manifest.timings.snapshotMs,
    totalMs: manifest.timings.totalMs,
  };
}
