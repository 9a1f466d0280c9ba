// A complete app for one test file: fresh migrated database, a real SMTP sink on loopback, a
// clock the test can move, and the outbox worker run on demand.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Express } from 'express';
import type { Logger } from 'pino';
import supertest from 'supertest';
import { createApp } from '../../server/app.js';
import type { AppConfig } from '../../server/context.js';
import { DEFAULT_THROTTLE, type ThrottlePolicy } from '../../server/auth/login-throttle.js';
import type { Database, DatabaseHandle } from '../../server/db/client.js';
import { smtpTransport, type MailTransport } from '../../server/mail/transport.js';
import { processOutboxOnce } from '../../server/mail/worker.js';
import type { EvidenceStore } from '../../server/storage/evidence-store.js';
import { createTestDatabase } from './database.js';
import { startSmtpSink, type SmtpSink } from './smtp-sink.js';

export interface TestClock {
  (): Date;
  advance(ms: number): void;
  set(date: Date): void;
}

export function createTestClock(start = new Date('2026-11-22T12:00:00Z')): TestClock {
  let now = start.getTime();
  const clock = (() => new Date(now)) as TestClock;
  clock.advance = (ms) => {
    now += ms;
  };
  clock.set = (date) => {
    now = date.getTime();
  };
  return clock;
}

export const TEST_BASE_URL = 'http://laurel.test';
export const TEST_MAIL_FROM = 'Laurel Test <no-reply@laurel.test>';

export interface Harness {
  app: Express;
  db: Database;
  database: DatabaseHandle;
  sink: SmtpSink;
  clock: TestClock;
  dataDir: string;
  transport: MailTransport;
  /** Runs the outbox worker once, sending what is due to the SMTP sink. */
  deliverMail(): Promise<number>;
  agent(): ReturnType<typeof supertest.agent>;
  /**
   * Another instance of the portal on the same database, clock and settings (a second process
   * behind a load balancer), with the settings or logger a test changes.
   */
  instance(options?: { config?: Partial<AppConfig>; logger?: Logger }): Express;
  close(): Promise<void>;
}

export async function startHarness(
  options: {
    throttle?: Partial<ThrottlePolicy>;
    config?: Partial<AppConfig>;
    publicCache?: boolean;
    /** Where evidence goes; UPLOAD_DIR on disk (dataDir/uploads) unless given. */
    storage?: EvidenceStore;
  } = {},
): Promise<Harness> {
  const database = await createTestDatabase();
  const sink = await startSmtpSink();
  const clock = createTestClock();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'laurel-test-'));
  const transport = smtpTransport(sink.url);
  const config: AppConfig = {
    isProduction: false,
    baseUrl: TEST_BASE_URL,
    mailFrom: TEST_MAIL_FROM,
    sessionSecret: 'test-session-secret-that-is-long-enough-0123456789',
    trustProxy: false,
    dataDir,
    uploadDir: path.join(dataDir, 'uploads'),
    ...options.config,
  };
  const app = createApp({
    db: database.db,
    databaseKind: database.kind,
    config,
    clock,
    publicCache: options.publicCache,
    storage: options.storage,
    throttle: { ...DEFAULT_THROTTLE, delayStepMs: 10, maxDelayMs: 50, ...options.throttle },
  });
  return {
    app,
    db: database.db,
    database,
    sink,
    clock,
    dataDir,
    transport,
    deliverMail: () => processOutboxOnce({ db: database.db, transport, mailFrom: TEST_MAIL_FROM, clock }),
    agent: () => supertest.agent(app),
    instance: ({ config: changes = {}, logger } = {}) =>
      createApp({
        db: database.db,
        databaseKind: database.kind,
        config: { ...config, ...changes },
        clock,
        logger,
        storage: options.storage,
      }),
    close: async () => {
      transport.close();
      await sink.close();
      await database.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
