// What load balancers and monitoring read: /healthz (alive), /readyz (database, migrations,
// storage) and /metrics (Prometheus, behind a bearer token).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import express from 'express';
import { sql } from 'drizzle-orm';
import supertest from 'supertest';
import { rowsOf } from '../../../server/db/client.js';
import { createMetrics } from '../../../server/middleware/metrics.js';
import { startHarness, type Harness } from '../../helpers/harness.js';

const TOKEN = 'metrics-token-0123456789abcdef';

describe('health, readiness and metrics', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ config: { metricsToken: TOKEN } });
  });
  after(() => h.close());

  it('is ready when the database answers, its migrations are current and files can be stored', async () => {
    const res = await supertest(h.app).get('/readyz');
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({
      status: 'ready',
      checks: { database: 'ok', migrations: 'ok', storage: 'ok' },
    });
    expect((await supertest(h.app).get('/healthz')).status).to.equal(200);
  });

  it('is not ready while the newest migration is missing, and says which check failed', async () => {
    const [newest] = rowsOf<{ id: number; hash: string; created_at: string }>(
      await h.db.execute(
        sql`delete from drizzle.__drizzle_migrations
            where created_at = (select max(created_at) from drizzle.__drizzle_migrations) returning *`,
      ),
    );
    try {
      const res = await supertest(h.app).get('/readyz');
      expect(res.status).to.equal(503);
      expect(res.body.checks).to.deep.equal({ database: 'ok', migrations: 'behind', storage: 'ok' });
    } finally {
      await h.db.execute(
        sql`insert into drizzle.__drizzle_migrations (id, hash, created_at) values (${newest!.id}, ${newest!.hash}, ${newest!.created_at})`,
      );
    }
    expect((await supertest(h.app).get('/readyz')).status).to.equal(200);
  });

  it('is not ready when evidence cannot be stored', async () => {
    const notAFolder = path.join(h.dataDir, 'a-file');
    writeFileSync(notAFolder, 'x');
    const res = await supertest(h.instance({ config: { uploadDir: notAFolder } })).get('/readyz');
    expect(res.status).to.equal(503);
    expect(res.body.checks.storage).to.equal('failing');
  });

  it('keeps /metrics to the holder of the token, and off without one', async () => {
    expect((await supertest(h.instance({ config: { metricsToken: undefined } })).get('/metrics')).status).to.equal(404);
    expect((await supertest(h.app).get('/metrics')).status).to.equal(401);
    expect(
      (await supertest(h.app).get('/metrics').set('Authorization', 'Bearer wrong-token-0123456789abcd')).status,
    ).to.equal(401);
    expect((await supertest(h.app).get('/metrics').set('Authorization', TOKEN)).status).to.equal(401);
  });

  it('counts requests by route pattern, never by the address asked for, with the outbox and the process', async () => {
    await supertest(h.app).get('/honorees/2026/a-school-that-is-not-there');
    await supertest(h.app).get('/readyz');
    await supertest(h.app).get('/no/such/page/secret-looking-path');
    const res = await supertest(h.app).get('/metrics').set('Authorization', `Bearer ${TOKEN}`);
    expect(res.status).to.equal(200);
    expect(res.headers['content-type']).to.match(/^text\/plain/);
    expect(res.text).to.match(
      /laurel_http_requests_total\{method="GET",route="\/honorees\/:year\/:slug",status="4xx"\} 1/,
    );
    expect(res.text).to.match(/laurel_http_requests_total\{method="GET",route="\/readyz",status="2xx"\} \d+/);
    expect(res.text).to.match(/laurel_http_requests_total\{method="GET",route="unmatched",status="4xx"\} 1/);
    expect(res.text).not.to.contain('a-school-that-is-not-there');
    expect(res.text).not.to.contain('secret-looking-path');
    expect(res.text).to.contain('laurel_http_request_duration_seconds_bucket');
    expect(res.text).to.match(/laurel_outbox_oldest_pending_seconds \d/);
    expect(res.text).to.contain('laurel_process_cpu_user_seconds_total');
  });

  it('counts background job runs by outcome', async () => {
    const metrics = createMetrics({ db: h.db, token: TOKEN });
    metrics.jobRan('review-reminders', 'ok');
    metrics.jobRan('review-reminders', 'ok');
    metrics.jobRan('draft-reminders', 'failed');
    const app = express();
    app.get('/metrics', metrics.serve);
    const text = (await supertest(app).get('/metrics').set('Authorization', `Bearer ${TOKEN}`)).text;
    expect(text).to.contain('laurel_job_runs_total{job="review-reminders",outcome="ok"} 2');
    expect(text).to.contain('laurel_job_runs_total{job="draft-reminders",outcome="failed"} 1');
  });
});
