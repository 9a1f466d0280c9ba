// Text PostgreSQL cannot store (a NUL, broken UTF-8) comes only from a request: if some future
// route lets it through to the database, the person gets a 400 page, never a 500.
import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import express from 'express';
import supertest from 'supertest';
import type { DatabaseHandle } from '../../../server/db/client.js';
import { errorHandler } from '../../../server/middleware/error-handler.js';
import { unstorableTextIsBadRequest } from '../../../server/middleware/sanitize.js';
import { createViewEngine } from '../../../server/views.js';
import { createTestDatabase } from '../../helpers/database.js';

describe('text the database cannot store', () => {
  let database: DatabaseHandle;
  let app: express.Express;
  before(async () => {
    database = await createTestDatabase();
    app = express();
    createViewEngine(app);
    // A careless route: it hands what it was sent straight to the database.
    app.get('/echo', async (req, res) => {
      const value = String(req.query.value);
      const rows = await database.db.execute(sql`select ${value}::text as value`);
      res.json(rows);
    });
    app.get('/json', async (req, res) => {
      await database.db.execute(sql`select ${`{"a": "\\u0000${String(req.query.value)}"}`}::jsonb`);
      res.json({});
    });
    app.get('/broken', async () => {
      await database.db.execute(sql`select 1 from no_such_table`);
    });
    app.use(unstorableTextIsBadRequest);
    app.use(errorHandler({ showStack: false, isCsrfError: () => false }));
  });
  after(() => database.close());

  it('answers a NUL that reaches PostgreSQL with a 400 page', async () => {
    const res = await supertest(app).get('/echo?value=a%00b');
    expect(res.status).to.equal(400);
    expect(res.text).to.contain('The request could not be understood. Please go back and try again.');
    expect((await supertest(app).get('/echo?value=fine')).status).to.equal(200);
  });

  it('answers a NUL escape in JSON the same way', async () => {
    const res = await supertest(app).get('/json?value=x');
    expect(res.status).to.equal(400);
  });

  it('leaves other database errors as the server failures they are', async () => {
    const res = await supertest(app).get('/broken');
    expect(res.status).to.equal(500);
    expect(res.text).to.contain('Something went wrong');
  });
});
