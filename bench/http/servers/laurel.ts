// Laurel as a program runs it, for the HTTP benchmarks: production settings (view cache, secure
// cookies behind a trusted proxy, request logs at info level), seeded at a scale, on an embedded
// database in a fresh folder or on the PostgreSQL database named by BENCH_DATABASE_URL. Prints
// "READY {json}" with its port and the data the benchmark needs, then serves until killed.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pino } from 'pino';
import { createApp } from '../../../server/app.js';
import { pgliteHandle, postgresHandle } from '../../../server/db/client.js';
import { createLogger } from '../../../server/logging.js';
import { seedBench, type ScaleName } from '../seed.js';

const scale = (process.argv[2] ?? 'program') as ScaleName;
const databaseUrl = process.env.BENCH_DATABASE_URL;
const dir = mkdtempSync(path.join(tmpdir(), 'laurel-bench-'));
process.env.NODE_ENV = 'production';

const handle = databaseUrl ? postgresHandle(databaseUrl) : pgliteHandle(await PGlite.create(path.join(dir, 'pglite')));
await handle.migrate();
const started = Date.now();
const data = await seedBench(handle.db, scale);
const seedSeconds = (Date.now() - started) / 1000;

// BENCH_LOG: the request log as JSON lines, which the benchmark reads for the time spent inside.
const logDestination = pino.destination({ dest: process.env.BENCH_LOG ?? '/dev/null', sync: false });
const app = createApp({
  db: handle.db,
  databaseKind: handle.kind,
  config: {
    isProduction: true,
    baseUrl: 'https://bench.example.org',
    mailFrom: 'Bench <bench@bench.example.org>',
    sessionSecret: 'bench-secret-bench-secret-bench-secret-0123',
    trustProxy: 'loopback',
    dataDir: dir,
    uploadDir: path.join(dir, 'uploads'),
  },
  logger: createLogger('info', logDestination),
});
const server = createServer(app);
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  console.log(`READY ${JSON.stringify({ port, seedSeconds, database: handle.kind, ...data })}`);
});
const stop = () => {
  server.close();
  logDestination.flushSync();
  void handle.close().finally(() => {
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  });
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
