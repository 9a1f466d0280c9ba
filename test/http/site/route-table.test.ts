// routes/index.ts says which router serves which URLs. This builds every router of the table and
// checks each of its routes against the URLs the table gives it, so the table stays the truth.
import { expect } from 'chai';
import type { Express } from 'express';
import { Passport } from 'passport';
import { ADMIN_ROUTES, servedBy, SITE_ROUTES } from '../../../routes/index.js';
import { DEFAULT_THROTTLE } from '../../../server/auth/login-throttle.js';
import { mailSettingsFor, type AppContext } from '../../../server/context.js';
import { routesOf } from '../../helpers/app-routes.js';
import { DiskStore } from '../../../server/storage/disk-store.js';
import { startHarness, TEST_BASE_URL, TEST_MAIL_FROM, type Harness } from '../../helpers/harness.js';

describe('the route table in routes/index.ts', () => {
  let h: Harness;
  let context: AppContext;
  const passport = new Passport();

  before(async () => {
    h = await startHarness();
    const config = {
      isProduction: false,
      baseUrl: TEST_BASE_URL,
      mailFrom: TEST_MAIL_FROM,
      sessionSecret: 'route-table-test-secret-that-is-long-enough',
      trustProxy: false,
      dataDir: h.dataDir,
      uploadDir: `${h.dataDir}/uploads`,
    };
    context = {
      db: h.db,
      clock: h.clock,
      mail: mailSettingsFor(config, h.clock),
      databaseKind: h.database.kind,
      config,
      storage: new DiskStore(config.uploadDir),
      throttle: DEFAULT_THROTTLE,
      mailQueued: () => {},
    };
  });
  after(() => h.close());

  /** The paths one router serves, read from its own stack. */
  const pathsOf = (router: unknown) => routesOf({ router } as unknown as Express).map((r) => r.path);

  for (const [area, table, prefix] of [
    ['site', SITE_ROUTES, ''],
    ['admin', ADMIN_ROUTES, '/admin'],
  ] as const) {
    it(`gives each ${area} router URLs that cover every route it has`, () => {
      const wrong: string[] = [];
      for (const entry of table) {
        const paths = pathsOf(entry.routes(context, passport));
        expect(paths.length, `${entry.domain} router ${entry.urls.join(' ')}`).to.be.greaterThan(0);
        for (const path of paths)
          if (!servedBy(entry.urls, path)) wrong.push(`${prefix}${path} is not in ${entry.urls.join(' ')}`);
      }
      expect(wrong).to.deep.equal([]);
    });
  }

  it('mounts every router of the table and nothing else', () => {
    const inTable = [
      // Mounted by server/app.ts before sessions: Prometheus scrapes with a token, not a cookie.
      '/metrics',
      ...SITE_ROUTES.flatMap((e) => pathsOf(e.routes(context, passport))),
      ...ADMIN_ROUTES.flatMap((e) => pathsOf(e.routes(context, passport)).map((p) => `/admin${p}`)),
    ];
    const inApp = routesOf(h.app).map((r) => r.path);
    expect([...new Set(inApp)].sort()).to.deep.equal([...new Set(inTable)].sort());
  });
});
