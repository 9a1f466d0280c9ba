// Runs the portal: configuration, database and migrations, the demo on a first start, the mail
// worker, the HTTP server; and a clean shutdown on SIGINT/SIGTERM.
import { createServer } from 'node:http';
import { pino } from 'pino';
import { createApp, mailSettingsFor } from './app.js';
import { DatabaseSessionStore } from './auth/session-store.js';
import { systemClock } from './clock.js';
import { ConfigError, loadConfig } from './config.js';
import { openDatabase } from './db/client.js';
import { DataDirLockedError } from './db/lock.js';
import { createMailTransport } from './mail/transport.js';
import { startOutboxWorker } from './mail/worker.js';
import { isEmptyDatabase, seedDemo } from './cli/seed-demo.js';
import { purgeUnconfirmedNominations } from './services/nominations.js';
import { pruneRateCounters } from './services/rate-limit.js';
import { runDueReminders } from './services/review-progress.js';

const SESSION_PRUNE_INTERVAL_MS = 60 * 60 * 1000;
const SHUTDOWN_GRACE_MS = 10_000;
const REMINDER_INTERVAL_MS = 15 * 60 * 1000;

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = pino({ level: config.logLevel });
  const database = await openDatabase(config);
  await database.migrate();

  if (!config.isProduction && !config.databaseUrl && (await isEmptyDatabase(database.db))) {
    const login = await seedDemo(database.db, systemClock);
    // Printed once, on the first start only: it is the only way into a fresh demo.
    console.log(
      [
        '',
        'Laurel seeded a demo program on this new embedded database.',
        'Sign in as the demo administrator (shown only this once):',
        `  e-mail:   ${login.email}`,
        `  password: ${login.password}`,
        '',
      ].join('\n'),
    );
  }

  const transport = createMailTransport(config);
  const worker = startOutboxWorker({ db: database.db, transport, mailFrom: config.mailFrom, clock: systemClock, logger });
  const app = createApp({
    db: database.db,
    databaseKind: database.kind,
    config,
    logger,
    onMailQueued: worker.wake,
  });
  const sessionStore = new DatabaseSessionStore(database.db);
  // Hourly housekeeping: expired sessions, nominations never confirmed, old rate counters.
  const pruneTimer = setInterval(() => {
    const now = systemClock();
    Promise.all([
      sessionStore.prune(now),
      purgeUnconfirmedNominations(database.db, config.uploadDir, now),
      pruneRateCounters(database.db, new Date(now.getTime() - 2 * 24 * 60 * 60 * 1000)),
    ]).catch((error: unknown) => logger.warn({ err: error }, 'housekeeping failed'));
  }, SESSION_PRUNE_INTERVAL_MS);
  pruneTimer.unref();
  // Review reminders go out N days before each round's due date; every instance may run this:
  // the round row is locked and its reminderSentAt checked inside the transaction.
  const reminderTimer = setInterval(() => {
    runDueReminders({ db: database.db, clock: systemClock, mail: mailSettingsFor(config, systemClock), mailQueued: worker.wake }).catch(
      (error: unknown) => logger.warn({ err: error }, 'review reminders failed'),
    );
  }, REMINDER_INTERVAL_MS);
  reminderTimer.unref();

  const server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info({ port, database: database.kind, mail: transport.kind }, 'Laurel is listening');
  console.log(`Laurel is running at http://localhost:${port} (database: ${database.kind}, mail: ${transport.kind === 'smtp' ? 'SMTP' : 'files in DATA_DIR/outbox'})`);

  let shuttingDown = false;
  const shutdown = async (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ signal }, 'shutting down: finishing requests in flight');
    const forced = setTimeout(() => {
      logger.warn('requests still open after the grace period; closing them');
      server.closeAllConnections();
    }, SHUTDOWN_GRACE_MS);
    forced.unref();
    server.closeIdleConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    clearInterval(pruneTimer);
    clearInterval(reminderTimer);
    await worker.stop();
    transport.close();
    await database.close();
    logger.info('stopped cleanly');
    console.log('Laurel stopped cleanly.');
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      shutdown(signal).then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
  }
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof DataDirLockedError) {
    console.error(error.message);
  } else {
    console.error('Laurel could not start:', error);
  }
  process.exit(1);
});
