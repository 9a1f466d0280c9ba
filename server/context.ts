// What routers and services are handed: the app's collaborators, never the Express app. Tests
// build the same from their own database, clock and settings (test/helpers/harness.ts).
import { createHmac } from 'node:crypto';
import type { ThrottlePolicy } from './auth/login-throttle.js';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { Database, DatabaseKind } from './db/client.js';
import type { MailSettings } from './mail/outbox.js';
import type { EvidenceStore } from './storage/evidence-store.js';

/** The settings the app itself reads; the rest of Config is for server/index.ts. */
export type AppConfig = Pick<
  Config,
  'isProduction' | 'baseUrl' | 'mailFrom' | 'sessionSecret' | 'trustProxy' | 'dataDir' | 'uploadDir' | 'metricsToken'
> &
  // The backups page describes the schedule; server/index.ts runs it.
  Partial<Pick<Config, 'backup'>>;

/**
 * What a service may touch: the database (or the transaction it runs in), the clock, and the
 * outbox settings to queue mail with. Services take it, or a Pick of it, as their first argument.
 */
export interface ServiceContext {
  db: Database;
  clock: Clock;
  mail: MailSettings;
}

/** What route modules receive. */
export interface AppContext extends ServiceContext {
  databaseKind: DatabaseKind;
  config: AppConfig;
  /** Where evidence files are kept (a folder or a bucket); routes check who may read before asking it. */
  storage: EvidenceStore;
  throttle: ThrottlePolicy;
  /** Wakes the outbox worker (server/app.ts calls it after every POST), so mail goes out now rather than on its next tick. */
  mailQueued: () => void;
}

/** How services write mail; background jobs in server/index.ts build the same. */
export function mailSettingsFor(
  config: Pick<Config, 'baseUrl' | 'mailFrom' | 'sessionSecret'>,
  clock: Clock,
): MailSettings {
  return {
    baseUrl: config.baseUrl,
    mailFrom: config.mailFrom,
    clock,
    unsubscribeSecret: createHmac('sha256', config.sessionSecret)
      .update('laurel unsubscribe links')
      .digest('base64url'),
  };
}
