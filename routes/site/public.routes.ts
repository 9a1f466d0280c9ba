// Pages anyone can read, and the health check for load balancers and monitors.
import { Router } from 'express';
import type { AppContext } from '../../server/context.js';
import { databaseAnswers } from '../../server/db/client.js';
import { inLanguage } from '../../server/i18n/content.js';
import { migrationsCurrent } from '../../server/db/migration-state.js';
import { findOpenCycles } from '../../server/services/applications/applications.js';
import { programOverview } from '../../server/services/programs/overview.js';
import { nominationsOpen } from '../../server/services/programs/phase.js';

type Overview = NonNullable<Awaited<ReturnType<typeof programOverview>>>;
type Criterion = NonNullable<Overview['cycle']>['required'][number];

/** The program's own words on the home page in the reader's language, where it has them. */
function overviewIn(overview: Overview | undefined, lang: string): Overview | undefined {
  if (!overview) return undefined;
  const { program, cycle } = overview;
  const criterionIn = (c: Criterion) => ({
    ...c,
    title: inLanguage(c, 'title', lang),
    guidance: inLanguage(c, 'guidance', lang),
  });
  return {
    program: {
      ...program,
      name: inLanguage(program, 'name', lang),
      description: inLanguage(program, 'description', lang),
    },
    cycle: cycle && {
      ...cycle,
      name: inLanguage(cycle, 'name', lang),
      required: cycle.required.map(criterionIn),
      optional: cycle.optional.map(criterionIn),
    },
  };
}

export function publicRoutes(context: AppContext): Router {
  const router = Router();

  router.get('/', async function showHome(_req, res) {
    const now = context.clock();
    const overview = overviewIn(await programOverview(context.db, context.clock), res.locals.lang as string);
    const openCycles = await findOpenCycles(context.db, now);
    const cycle = overview?.cycle;
    const phase = cycle?.phase;
    // The header's "Apply" link: any program's cycle open counts, as "My applications" offers them all.
    // Only this page sets it for now; the layout needs an app-wide local to show it everywhere.
    res.locals.applyOpen = openCycles.length > 0;
    res.render('public/home', {
      title: overview?.program.name ?? 'Laurel',
      overview,
      isDraft: phase === 'draft',
      isOpen: phase === 'open',
      isClosed: phase === 'closed' || phase === 'in_review' || phase === 'deciding',
      isPublished: phase === 'published',
      // Past the announced date but not published yet: no date that has gone by is promised.
      announcementPassed: cycle ? now >= cycle.announcementAt : false,
      canNominate: cycle ? nominationsOpen(cycle, now) : false,
      // Nominations stop when applications do, an early close included.
      nominationsEnd: cycle && cycle.closesAt < cycle.nominationsCloseAt ? cycle.closesAt : cycle?.nominationsCloseAt,
    });
  });

  router.get('/healthz', async function showHealth(_req, res) {
    const started = Date.now();
    try {
      await databaseAnswers(context.db);
      res.json({ status: 'ok', database: context.databaseKind, latencyMs: Date.now() - started });
    } catch {
      res.status(503).json({ status: 'unavailable', database: context.databaseKind });
    }
  });

  // For load balancers: send traffic here only when the database answers, its schema is the
  // code's, and evidence can be stored. Each check says what it found; a failed one gives a 503.
  router.get('/readyz', async function showReadiness(_req, res) {
    const checks: Record<string, string> = {};
    const run = async (name: string, check: () => Promise<string>) => {
      try {
        checks[name] = await check();
      } catch {
        checks[name] = 'failing';
      }
    };
    await run('database', async () => {
      await databaseAnswers(context.db);
      return 'ok';
    });
    await run('migrations', async () => ((await migrationsCurrent(context.db)) ? 'ok' : 'behind'));
    await run('storage', async () => {
      await context.storage.checkWritable();
      return 'ok';
    });
    const ready = Object.values(checks).every((value) => value === 'ok');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks });
  });

  return router;
}
