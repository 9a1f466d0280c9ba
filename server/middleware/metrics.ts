// Prometheus metrics at /metrics (prom-client), for the people who run the portal: requests by
// route pattern (never by raw URL, so the label set stays small), their latency, the e-mail
// outbox's depth and the age of its oldest waiting message, background job runs, the database
// pool, and Node's own process metrics. Off unless METRICS_TOKEN is set; then the scraper sends
// `Authorization: Bearer <token>`, compared in constant time.
import { timingSafeEqual, createHash } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { sql } from 'drizzle-orm';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { rowsOf, type Database } from '../db/client.js';

export interface Metrics {
  /** Times every request; mounted first. */
  observe(req: Request, res: Response, next: NextFunction): void;
  /** The /metrics endpoint. */
  serve(req: Request, res: Response): Promise<void>;
  /** Counts a background job's run (reminders, housekeeping...). */
  jobRan(job: string, outcome: 'ok' | 'failed'): void;
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/** The route pattern a request matched ("/admin/rounds/:roundId/ranking"), or "unmatched". */
function routeOf(req: Request): string {
  const pattern = (req.route as { path?: unknown } | undefined)?.path;
  return typeof pattern === 'string' ? `${req.baseUrl}${pattern}` : 'unmatched';
}

export function createMetrics({ db, token }: { db: Database; token: string | undefined }): Metrics {
  if (!token) {
    // Nothing is counted when nothing may read it.
    return {
      observe: (_req, _res, next) => next(),
      serve: async (_req, res) => {
        res.status(404).type('text/plain').send('Not found');
      },
      jobRan: () => {},
    };
  }
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'laurel_' });
  const requests = new Counter({
    name: 'laurel_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status class.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'laurel_http_request_duration_seconds',
    help: 'Time to answer HTTP requests, by method and route pattern.',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const jobs = new Counter({
    name: 'laurel_job_runs_total',
    help: 'Background job runs, by job and outcome.',
    labelNames: ['job', 'outcome'] as const,
    registers: [registry],
  });
  const outbox = new Gauge({
    name: 'laurel_outbox_messages',
    help: 'E-mail in the outbox, by status.',
    labelNames: ['status'] as const,
    registers: [registry],
  });
  const outboxAge = new Gauge({
    name: 'laurel_outbox_oldest_pending_seconds',
    help: 'Age of the oldest e-mail still waiting to be sent (0 when none waits).',
    registers: [registry],
  });
  const pool = new Gauge({
    name: 'laurel_db_pool_connections',
    help: 'PostgreSQL pool connections, by state (absent on the embedded database).',
    labelNames: ['state'] as const,
    registers: [registry],
  });
  const expected = digest(`Bearer ${token}`);

  async function collectFromDatabase() {
    const counts = rowsOf<{ status: string; n: number | string; oldest: string | Date | null }>(
      await db.execute(sql`
        select status, count(*) as n,
          min(created_at) filter (where status in ('pending', 'sending')) as oldest
        from outbox where status <> 'sent' group by status`),
    );
    outbox.reset();
    let oldest = Infinity;
    for (const row of counts) {
      outbox.set({ status: row.status }, Number(row.n));
      if (row.oldest) oldest = Math.min(oldest, new Date(row.oldest).getTime());
    }
    outboxAge.set(Number.isFinite(oldest) ? Math.max(0, (Date.now() - oldest) / 1000) : 0);
    const client = (db as unknown as { $client?: { totalCount?: number; idleCount?: number; waitingCount?: number } })
      .$client;
    if (client && typeof client.totalCount === 'number') {
      pool.set({ state: 'total' }, client.totalCount);
      pool.set({ state: 'idle' }, client.idleCount ?? 0);
      pool.set({ state: 'waiting' }, client.waitingCount ?? 0);
    }
  }

  return {
    observe(req, res, next) {
      const started = process.hrtime.bigint();
      res.once('finish', () => {
        const route = routeOf(req);
        requests.inc({ method: req.method, route, status: `${Math.floor(res.statusCode / 100)}xx` });
        latency.observe({ method: req.method, route }, Number(process.hrtime.bigint() - started) / 1e9);
      });
      next();
    },
    async serve(req, res) {
      const given = digest(String(req.headers.authorization ?? ''));
      if (!timingSafeEqual(given, expected)) {
        res.status(401).set('WWW-Authenticate', 'Bearer').type('text/plain').send('A metrics token is needed.');
        return;
      }
      await collectFromDatabase();
      res.type(registry.contentType).send(await registry.metrics());
    },
    jobRan(job, outcome) {
      jobs.inc({ job, outcome });
    },
  };
}
