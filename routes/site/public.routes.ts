// Pages anyone can read, and the health check for load balancers and monitors.
import { Router } from 'express';
import type { AppContext } from '../../server/context.js';
import { databaseAnswers } from '../../server/db/client.js';
import { programOverview } from '../../server/services/programs/overview.js';

export function publicRoutes(context: AppContext): Router {
  const router = Router();

  router.get('/', async function showHome(_req, res) {
    const overview = await programOverview(context.db, context.clock);
    res.render('public/home', {
      title: overview?.program.name ?? 'Laurel',
      overview,
      isOpen: overview?.cycle?.phase === 'open',
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

  return router;
}
