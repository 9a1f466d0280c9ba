// Builds the Express app; never listens. Tests call createApp with their own database, clock
// and settings; server/index.ts does the same with the real ones.
import express from 'express';
import cookieParser from 'cookie-parser';
import session from 'express-session';
import helmet from 'helmet';
import { Passport } from 'passport';
import { pino, type Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { configurePassport } from './auth/passport.js';
import { DatabaseSessionStore } from './auth/session-store.js';
import { DEFAULT_THROTTLE, type ThrottlePolicy } from './auth/login-throttle.js';
import { systemClock, type Clock } from './clock.js';
import { mailSettingsFor, type AppConfig, type AppContext } from './context.js';
import type { Database, DatabaseKind } from './db/client.js';
import { createCsrf } from './middleware/csrf.js';
import { errorHandler, notFoundHandler } from './middleware/error-handler.js';
import { flashMessages } from './middleware/flash.js';
import { createMetrics } from './middleware/metrics.js';
import { chooseLanguageFor } from './middleware/language.js';
import { setAccountLanguage } from './services/accounts/accounts.js';
import { createPublicCache } from './middleware/public-cache.js';
import { parseQuery, refuseNulInPath, stripNullsFromBody, unstorableTextIsBadRequest } from './middleware/sanitize.js';
import { requestLogOptions } from './logging.js';
import { createViewEngine } from './views.js';
import { mountRoutes } from '../routes/index.js';
import { publicDir } from './paths.js';
import { forgetSiteIdentity, siteIdentity } from './services/programs/identity.js';
import { DEFAULT_TIME_ZONE } from './time.js';
import { DiskStore } from './storage/disk-store.js';
import type { EvidenceStore } from './storage/evidence-store.js';

/** The app's collaborators, as server/index.ts and the tests hand them over. */
export interface AppOptions {
  db: Database;
  databaseKind: DatabaseKind;
  config: AppConfig;
  clock?: Clock;
  logger?: Logger;
  throttle?: ThrottlePolicy;
  /**
   * Rendered copies of public pages for anonymous visitors (middleware/public-cache.ts); on
   * unless a test turns it off because it edits rows behind the portal's back.
   */
  publicCache?: boolean;
  /** Where evidence is kept; UPLOAD_DIR on disk unless given. */
  storage?: EvidenceStore;
  /** Called after a request queued e-mail, so the worker sends it now rather than on its next tick. */
  onMailQueued?: () => void;
}

const SESSION_MAX_AGE_MS = 8 * 60 * 60 * 1000;

export function createApp(options: AppOptions): express.Express {
  const { db, config } = options;
  const context: AppContext = {
    db,
    databaseKind: options.databaseKind,
    config,
    storage: options.storage ?? new DiskStore(config.uploadDir),
    clock: options.clock ?? systemClock,
    throttle: options.throttle ?? DEFAULT_THROTTLE,
    mail: mailSettingsFor(config, options.clock ?? systemClock),
    mailQueued: options.onMailQueued ?? (() => {}),
  };
  const logger = options.logger ?? pino({ level: 'silent' });
  const secureCookies = config.isProduction;

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.set('query parser', parseQuery);
  createViewEngine(app);

  app.use(pinoHttp(requestLogOptions(logger)));
  // Prometheus metrics, for those holding METRICS_TOKEN (middleware/metrics.ts); server/index.ts
  // counts its background jobs through app.locals.metrics.
  const metrics = createMetrics({ db, token: config.metricsToken });
  app.locals.metrics = metrics;
  app.use(metrics.observe);
  app.get('/metrics', metrics.serve);
  app.use(refuseNulInPath);
  // Anonymous visitors of public pages are answered from rendered copies, before any session,
  // CSRF or database work (middleware/public-cache.ts). A copy carries the headers its page was
  // sent with, helmet's security headers included, so helmet runs only when a page is rendered.
  // The pages are rendered with the identity its own 10-second cache keeps: dropped together.
  const publicCache = createPublicCache({ db, clock: context.clock, logger, onDrop: () => forgetSiteIdentity(db) });
  if (options.publicCache !== false) app.use(publicCache.serve);
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
          upgradeInsecureRequests: config.isProduction ? [] : null,
        },
      },
      strictTransportSecurity: config.isProduction,
    }),
  );
  // Static files come before sessions: a stylesheet never touches the session table.
  app.use('/static', express.static(publicDir, { maxAge: config.isProduction ? '1d' : 0, index: false }));

  app.use(express.urlencoded({ extended: false, limit: '200kb', parameterLimit: 1000 }));
  app.use(stripNullsFromBody);
  app.use(
    session({
      name: secureCookies ? '__Host-laurel.sid' : 'laurel.sid',
      store: new DatabaseSessionStore(db),
      secret: config.sessionSecret,
      resave: false,
      saveUninitialized: false,
      rolling: true,
      proxy: config.trustProxy !== false,
      cookie: { httpOnly: true, sameSite: 'lax', secure: secureCookies, maxAge: SESSION_MAX_AGE_MS, path: '/' },
    }),
  );
  app.use(cookieParser(config.sessionSecret));
  app.use(flashMessages({ secureCookies }));

  const passport = new Passport();
  configurePassport(passport, context);
  app.use(passport.initialize());
  app.use(passport.session());

  const csrf = createCsrf({ secret: config.sessionSecret, secureCookies });
  app.use(csrf.exposeToken);
  app.use(csrf.protect);
  app.use(async (req, res, next) => {
    // Every page speaks as the program (its name, logo, colour) and writes dates in its zone
    // (server/time.ts). Without the database the page fails on its own terms (and /healthz says
    // so); the identity falls back to Laurel's and the zone to UTC.
    const site = await siteIdentity(context.db).catch(() => undefined);
    res.locals.site = site;
    res.locals.timeZone = site?.timeZone ?? DEFAULT_TIME_ZONE;
    res.locals.user = req.user;
    res.locals.isAdmin = req.user?.roles.includes('admin') ?? false;
    res.locals.isReviewer = req.user?.roles.includes('reviewer') ?? false;
    res.locals.currentPath = req.path;
    next();
  });
  app.use(
    chooseLanguageFor({
      baseUrl: config.baseUrl,
      secureCookies,
      rememberOnAccount: (userId, language) => setAccountLanguage(context.db, userId, language),
    }),
  );

  // A POST may have queued e-mail in its transaction (a nomination, a decision, a request to join
  // a school...): once its answer is sent, that transaction has committed, so the worker is woken
  // to send it now rather than on its next tick. One place, so no route has to remember.
  app.use((req, res, next) => {
    if (req.method === 'POST') res.once('finish', context.mailQueued);
    next();
  });
  app.use(publicCache.dropAfterStaffWrites);
  mountRoutes(app, context, passport);

  app.use(notFoundHandler);
  app.use(unstorableTextIsBadRequest);
  app.use(
    errorHandler({
      showStack: !config.isProduction,
      isCsrfError: (error) => error === csrf.invalidCsrfTokenError,
    }),
  );
  return app;
}
