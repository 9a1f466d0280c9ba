// Runs the portal: configuration, database and migrations, the demo on a first start, the mail
// worker, scheduled backups, the HTTP server; and a clean shutdown on SIGINT/SIGTERM.
import { createServer, type ServerResponse } from 'node:http';
import path from 'node:path';
import { createApp } from './app.js';
import { mailSettingsFor } from './context.js';
import { DatabaseSessionStore } from './auth/session-store.js';
import { systemClock } from './clock.js';
import { ConfigError, loadConfig } from './config.js';
import { openDatabase } from './db/client.js';
import { DataDirLockedError } from './db/lock.js';
import { createLogger } from './logging.js';
import { createMailTransport } from './mail/transport.js';
import type { Metrics } from './middleware/metrics.js';
import { startOutboxWorker } from './mail/worker.js';
import { isEmptyDatabase, seedDemo } from './cli/seed-demo.js';
import { purgeUnconfirmedNominations } from './services/nominations/nominations.js';
import { pruneRateCounters } from './services/shared/rate-limit.js';
import { runDueReminders } from './services/review/progress.js';
import { runDraftReminders } from './services/applications/draft-reminders.js';
import { openEvidenceStore } from './storage/open-store.js';
import { writeBackup } from './operations/backup-writer.js';
import { recordRequestedBackup, thisInstance } from './operations/backup-runs.js';
import { recoverInterruptedBackups, startBackupSchedule } from './operations/backup-schedule.js';
import { backupAnswer, listenForCommands, socketPathFor } from './operations/control-socket.js';
import { SHARED_UPLOAD_DIR_GRACE_MS, sweepOrphanEvidence, sweepPolicyFor, sweepTempUploads } from './storage/sweep.js';

const SESSION_PRUNE_INTERVAL_MS = 60 * 60 * 1000;
const SHUTDOWN_GRACE_MS = 10_000;
const REMINDER_INTERVAL_MS = 15 * 60 * 1000;
/** The first reminder run, soon after start: a restart catches up on what fell due while it was down. */
const FIRST_REMINDERS_AFTER_MS = 5_000;

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  // No request, background job or sweep may end the portal for everyone. Node's default for an
  // error nothing caught is to exit, and one hostile upload once did exactly that (a library
  // callback throwing after its request was gone, see middleware/upload.ts). What escapes is
  // logged at error level and the process keeps serving: the request it came from is already
  // lost, and everything that must stay consistent is inside database transactions, which roll back.
  process.on('uncaughtException', (error) => logger.error({ err: error }, 'uncaught exception; still serving'));
  process.on('unhandledRejection', (reason) =>
    logger.error({ err: reason }, 'unhandled promise rejection; still serving'),
  );
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

  // Leftovers of a crash (temp files, stored files whose row never committed) go before anyone
  // can upload; see server/storage/sweep.ts for why the embedded database may remove them all.
  const storage = openEvidenceStore(config);
  const tmpDir = path.join(config.uploadDir, 'tmp');
  try {
    const policy = sweepPolicyFor(database.kind, systemClock());
    const temp = await sweepTempUploads(tmpDir, policy);
    const orphans = await sweepOrphanEvidence(database.db, storage, policy);
    if (temp + orphans > 0) logger.info({ temp, orphans }, 'removed upload files left by an interrupted run');
  } catch (error) {
    logger.error({ err: error }, 'could not sweep leftover upload files; starting anyway');
  }
  try {
    const interrupted = await recoverInterruptedBackups({
      db: database.db,
      databaseKind: database.kind,
      dir: config.backup?.dir,
      now: systemClock(),
    });
    if (interrupted > 0) logger.warn({ interrupted }, 'marked backups an earlier run left unfinished as failed');
  } catch (error) {
    logger.error({ err: error }, 'could not check for unfinished backups; starting anyway');
  }

  const transport = createMailTransport(config);
  const worker = startOutboxWorker({
    db: database.db,
    transport,
    mailFrom: config.mailFrom,
    clock: systemClock,
    logger,
  });
  const app = createApp({
    db: database.db,
    databaseKind: database.kind,
    config,
    storage,
    logger,
    onMailQueued: worker.wake,
  });
  const metrics = app.locals.metrics as Metrics;
  // `npm run backup` cannot open the embedded database while this process holds it: it asks
  // here instead, over a socket in DATA_DIR only this user can open (operations/control-socket.ts).
  const commands =
    database.kind === 'pglite'
      ? await listenForCommands(
          socketPathFor(config.dataDir),
          async (file) => {
            const manifest = await recordRequestedBackup(database.db, { file }, () =>
              writeBackup({ db: database.db, databaseKind: database.kind, store: storage }, file),
            );
            logger.info({ file, snapshotMs: manifest.timings.snapshotMs }, 'backup written on request');
            return backupAnswer(file, manifest);
          },
          (error) => logger.error({ err: error }, 'a backup asked for through the control socket failed'),
        ).catch((error: unknown) => {
          // A DATA_DIR path too long for a socket name, say: the portal serves all the same.
          logger.warn({ err: error }, 'no control socket: `npm run backup` needs the portal stopped');
          return undefined;
        })
      : undefined;
  // Every instance checks each minute; the one that finds a backup due writes it (backup-schedule.ts).
  const backups =
    config.backup &&
    startBackupSchedule({
      db: database.db,
      databaseKind: database.kind,
      store: storage,
      dir: config.backup.dir,
      every: config.backup.everyMs,
      keep: config.backup.keep,
      now: systemClock,
      instance: thisInstance(),
      logger,
      metrics,
    });
  if (config.backup) logger.info(config.backup, 'scheduled backups on');
  const sessionStore = new DatabaseSessionStore(database.db);
  // Hourly housekeeping: expired sessions, nominations never confirmed, old rate counters.
  const pruneTimer = setInterval(() => {
    const now = systemClock();
    Promise.all([
      sessionStore.prune(now),
      purgeUnconfirmedNominations(database.db, storage, now),
      pruneRateCounters(database.db, new Date(now.getTime() - 2 * 24 * 60 * 60 * 1000)),
      sweepTempUploads(tmpDir, { olderThan: new Date(now.getTime() - SHARED_UPLOAD_DIR_GRACE_MS) }),
    ]).then(
      () => metrics.jobRan('housekeeping', 'ok'),
      (error: unknown) => {
        metrics.jobRan('housekeeping', 'failed');
        logger.warn({ err: error }, 'housekeeping failed');
      },
    );
  }, SESSION_PRUNE_INTERVAL_MS);
  pruneTimer.unref();
  // Review reminders go out N days before each round's due date, and reminders of unfinished
  // drafts N days before a cycle's deadline; every instance may run these: the rows are locked
  // and what was sent is recorded inside the transaction.
  const runReminders = () => {
    const reminderContext = {
      db: database.db,
      clock: systemClock,
      mail: mailSettingsFor(config, systemClock),
      mailQueued: worker.wake,
    };
    runDueReminders(reminderContext).then(
      () => metrics.jobRan('review-reminders', 'ok'),
      (error: unknown) => {
        metrics.jobRan('review-reminders', 'failed');
        logger.warn({ err: error }, 'review reminders failed');
      },
    );
    runDraftReminders(reminderContext).then(
      () => metrics.jobRan('draft-reminders', 'ok'),
      (error: unknown) => {
        metrics.jobRan('draft-reminders', 'failed');
        logger.warn({ err: error }, 'draft reminders failed');
      },
    );
  };
  const firstReminders = setTimeout(runReminders, FIRST_REMINDERS_AFTER_MS);
  firstReminders.unref();
  const reminderTimer = setInterval(runReminders, REMINDER_INTERVAL_MS);
  reminderTimer.unref();

  let shuttingDown = false;
  const server = createServer();
  // Once shutting down, every answer says Connection: close, so a load balancer that keeps
  // connections alive stops sending on them: it connects anew, is refused, and sends the request
  // to another instance. Node would otherwise serve a connection that stays busy until the grace
  // period ends and cuts it, perhaps in the middle of an answer.
  server.on('request', (_req, res: ServerResponse) => {
    if (shuttingDown) res.setHeader('Connection', 'close');
  });
  server.on('request', app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info({ port, database: database.kind, mail: transport.kind }, 'Laurel is listening');
  console.log(
    `Laurel is running at http://localhost:${port} (database: ${database.kind}, mail: ${transport.kind === 'smtp' ? 'SMTP' : 'files in DATA_DIR/outbox'})`,
  );

  const shutdown = async (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ signal }, 'shutting down: finishing requests in flight');
    // A backup being written has a few seconds to finish while requests do, then is abandoned.
    const backupsStopped = backups?.stop().catch((error: unknown) => {
      logger.error({ err: error }, 'could not record the backup being written as abandoned');
    });
    const forced = setTimeout(() => {
      logger.warn('requests still open after the grace period; closing them');
      server.closeAllConnections();
    }, SHUTDOWN_GRACE_MS);
    forced.unref();
    server.closeIdleConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    clearInterval(pruneTimer);
    clearTimeout(firstReminders);
    clearInterval(reminderTimer);
    await commands?.close();
    await backupsStopped;
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
