// server/index.ts run as a real process on 127.0.0.1 with an embedded database in a temporary
// DATA_DIR, for tests of what only a process shows: start-up, shutdown, crashes and restarts.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { projectRoot } from '../../server/paths.js';

export const START_TIMEOUT_MS = 90_000;
export const STOP_TIMEOUT_MS = 30_000;
export const RUNNING = /Laurel is running at http:\/\/localhost:(\d+) \(database: (\w+), mail: ([^)]+)\)/;

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServerProcess {
  child: ChildProcess;
  stdout: string;
  stderr: string;
  closed: Promise<Exit>;
}

const started: ServerProcess[] = [];

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Starts the portal on `dataDir` (UPLOAD_DIR defaults to dataDir/uploads), in development mode,
 * with no PostgreSQL, SMTP or secrets from the environment that runs the tests.
 */
export function startServer(dataDir: string, port: number, env: Record<string, string> = {}): ServerProcess {
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    UPLOAD_DIR: path.join(dataDir, 'uploads'),
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'silent',
    NODE_ENV: 'development',
  };
  delete childEnv.DATABASE_URL;
  delete childEnv.TEST_DATABASE_URL;
  delete childEnv.SMTP_URL;
  delete childEnv.SESSION_SECRET;
  delete childEnv.BASE_URL;
  Object.assign(childEnv, env);
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
    cwd: projectRoot,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const server: ServerProcess = {
    child,
    stdout: '',
    stderr: '',
    // 'close' comes after the child is reaped, so its pid is free and no zombie holds the lock.
    closed: new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal }))),
  };
  child.stdout?.on('data', (chunk: Buffer) => (server.stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (server.stderr += chunk.toString()));
  started.push(server);
  return server;
}

export function describeOutput(server: ServerProcess): string {
  return `\n--- stdout ---\n${server.stdout}\n--- stderr ---\n${server.stderr}`;
}

/** Resolves with the first match of `pattern` in the server's stdout; fails if it exits first. */
export function waitForOutput(
  server: ServerProcess,
  pattern: RegExp,
  timeoutMs = START_TIMEOUT_MS,
): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      server.child.stdout?.off('data', check);
      outcome();
    };
    const check = () => {
      const match = pattern.exec(server.stdout);
      if (match) finish(() => resolve(match));
    };
    const timer = setTimeout(
      () => finish(() => reject(new Error(`No ${pattern} within ${timeoutMs} ms${describeOutput(server)}`))),
      timeoutMs,
    );
    server.child.stdout?.on('data', check);
    void server.closed.then((exit) => {
      check();
      finish(() =>
        reject(
          new Error(`The server exited (${JSON.stringify(exit)}) before printing ${pattern}${describeOutput(server)}`),
        ),
      );
    });
    check();
  });
}

export async function waitForExit(server: ServerProcess, timeoutMs: number): Promise<Exit> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new Error(`The server did not exit within ${timeoutMs} ms${describeOutput(server)}`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([server.closed, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Kills every server a test started that still runs, and waits for each to be gone. */
export async function stopAllServers(): Promise<void> {
  for (const server of started) {
    if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
  }
  await Promise.all(started.map((server) => waitForExit(server, 10_000).catch(() => undefined)));
  started.length = 0;
}

/** The cookies a browser would keep for the portal, updated from each response. */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  constructor(initial: Record<string, string> = {}) {
    for (const [name, value] of Object.entries(initial)) this.cookies.set(name, value);
  }

  store(response: Response): void {
    this.storeSetCookie(response.headers.getSetCookie());
  }

  /** The Set-Cookie lines of a response read without fetch (node:https). */
  storeSetCookie(lines: readonly string[]): void {
    for (const line of lines) {
      const [pair = '', ...attributes] = line.split(';').map((part) => part.trim());
      const separator = pair.indexOf('=');
      const name = pair.slice(0, separator);
      const expires = attributes.find((attribute) => /^expires=/i.test(attribute));
      const expired = expires !== undefined && Date.parse(expires.slice('expires='.length)) <= Date.now();
      if (expired || attributes.some((attribute) => /^max-age=0$/i.test(attribute))) this.cookies.delete(name);
      else this.cookies.set(name, pair.slice(separator + 1));
    }
  }

  get(name: string): string | undefined {
    return this.cookies.get(name);
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}
