import { expect } from 'chai';
import supertest from 'supertest';
import { createApp } from '../../../server/app.js';
import { createTestDatabase } from '../../helpers/database.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { STRONG_PASSWORD, createUser, signIn } from '../../helpers/factories.js';
import { csrfTokenFrom, submitForm } from '../../helpers/forms.js';

describe('security middleware and error pages', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
    await createUser(h.db, { email: 'admin@example.org', roles: ['admin'] });
  });
  after(() => h.close());

  describe('CSRF', () => {
    it('refuses a sign-in form posted without its token, with a page that says what happened', async () => {
      const res = await h
        .agent()
        .post('/login')
        .type('form')
        .send({ email: 'admin@example.org', password: STRONG_PASSWORD });
      expect(res.status).to.equal(403);
      expect(res.text).to.contain('This form has expired');
      expect(res.text).to.contain('Nothing was changed.');
    });

    it('refuses a token taken from another visitor (no matching cookie)', async () => {
      const victimPage = await h.agent().get('/login');
      const stolen = csrfTokenFrom(victimPage.text);
      const res = await h
        .agent()
        .post('/login')
        .type('form')
        .send({ _csrf: stolen, email: 'admin@example.org', password: STRONG_PASSWORD });
      expect(res.status).to.equal(403);
    });

    it("refuses a signed-in person's form posted with an anonymous token, and keeps them signed in", async () => {
      const agent = h.agent();
      const anonymousToken = csrfTokenFrom((await agent.get('/login')).text);
      await signIn(agent, 'admin@example.org');
      const res = await agent.post('/logout').type('form').send({ _csrf: anonymousToken });
      expect(res.status).to.equal(403);
      expect((await agent.get('/')).text).to.contain('Signed in as');
      expect((await submitForm(agent, '/', '/logout', {})).status).to.equal(303);
    });

    it('refuses registration without a token and creates no account', async () => {
      const res = await h
        .agent()
        .post('/register')
        .type('form')
        .send({ name: 'X', email: 'csrf@example.org', password: STRONG_PASSWORD });
      expect(res.status).to.equal(403);
      const retry = await signIn(h.agent(), 'csrf@example.org');
      expect(retry.status).to.equal(401);
    });
  });

  it('sends a content security policy and other protective headers, and a request id', async () => {
    const res = await h.agent().get('/');
    expect(res.headers['content-security-policy']).to.contain("default-src 'self'");
    expect(res.headers['content-security-policy']).to.contain("script-src 'self'");
    expect(res.headers['content-security-policy']).to.contain("frame-ancestors 'none'");
    expect(res.headers['x-content-type-options']).to.equal('nosniff');
    expect(res.headers['x-powered-by']).to.equal(undefined);
    expect(res.headers['x-request-id']).to.match(/^[0-9a-f-]{36}$/);
    const traced = await h.agent().get('/').set('X-Request-Id', 'lb-1234');
    expect(traced.headers['x-request-id']).to.equal('lb-1234');
  });

  it('serves the stylesheet the layout links to', async () => {
    const res = await h.agent().get('/static/css/laurel.css');
    expect(res.status).to.equal(200);
    expect(res.headers['content-type']).to.contain('text/css');
  });

  it('reports health as JSON with the database in use', async () => {
    const res = await h.agent().get('/healthz');
    expect(res.status).to.equal(200);
    expect(res.body).to.include({ status: 'ok', database: h.database.kind });
  });

  it('shows a 404 page for unknown addresses', async () => {
    const res = await h.agent().get('/no/such/page');
    expect(res.status).to.equal(404);
    expect(res.text).to.contain('Page not found');
  });

  describe('in production', () => {
    const config = {
      isProduction: true,
      baseUrl: 'https://laurel.example.org',
      mailFrom: 'Laurel <no-reply@laurel.example.org>',
      sessionSecret: 'production-secret-production-secret-123456',
      trustProxy: true,
      dataDir: '/nonexistent',
      uploadDir: '/nonexistent',
    };

    it('sets Secure, host-only session cookies behind an HTTPS proxy', async () => {
      const app = createApp({ db: h.db, databaseKind: h.database.kind, config });
      const page = await supertest(app).get('/login').set('X-Forwarded-Proto', 'https');
      // A cookie agent would not send Secure cookies over plain HTTP; pass them on by hand.
      const csrfCookie = ([] as string[]).concat(page.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]);
      expect(csrfCookie.join()).to.match(/^__Host-laurel\.csrf=/);
      const res = await supertest(app)
        .post('/login')
        .set('X-Forwarded-Proto', 'https')
        .set('Cookie', csrfCookie.join('; '))
        .type('form')
        .send({ _csrf: csrfTokenFrom(page.text), email: 'admin@example.org', password: STRONG_PASSWORD });
      expect(res.status).to.equal(303);
      const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
      const sid = cookies.find((c) => c.startsWith('__Host-laurel.sid='));
      expect(sid).to.match(/; Secure/);
      expect(sid).to.match(/HttpOnly/);
      expect(sid).to.match(/SameSite=Lax/);
      expect(page.headers['strict-transport-security']).to.match(/max-age=\d+/);
    });

    it('shows a 500 page without a stack trace when the database fails', async () => {
      const broken = await createTestDatabase();
      const app = createApp({ db: broken.db, databaseKind: broken.kind, config });
      await broken.close();
      const res = await supertest(app).get('/');
      expect(res.status).to.equal(500);
      expect(res.text).to.contain('Something went wrong');
      expect(res.text).not.to.match(/at .*\.ts:\d+/);
      expect(res.text).not.to.contain('Stack trace');
      const health = await supertest(app).get('/healthz');
      expect(health.status).to.equal(503);
      expect(health.body.status).to.equal('unavailable');
    });
  });
});
