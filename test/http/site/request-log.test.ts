import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { expect } from 'chai';
import { pino } from 'pino';
import supertest from 'supertest';
import { createLogger } from '../../../server/logging.js';
import { createUser, STRONG_PASSWORD } from '../../helpers/factories.js';
import { csrfTokenFrom, linkIn, submitForm } from '../../helpers/forms.js';
import { startHarness, TEST_BASE_URL, type Harness } from '../../helpers/harness.js';

interface LogLine {
  level: number;
  msg: string;
  req?: { id?: string; method?: string; url?: string; headers?: Record<string, unknown> };
  res?: { statusCode?: number; headers?: Record<string, unknown> };
}

/** A stream that keeps every line written to it. */
function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, stream };
}

/** The value of a cookie set by a response, as the browser sends it back. */
function cookieValue(setCookie: string[] | string | undefined, name: string): string {
  const header = ([] as string[]).concat(setCookie ?? []).find((c) => c.startsWith(`${name}=`));
  if (!header) throw new Error(`No ${name} cookie was set`);
  return header.slice(name.length + 1).split(';')[0]!;
}

describe('the request log', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  it('records every request at level info without a cookie, CSRF token, Authorization value or link token', async () => {
    const { lines, stream } = capture();
    // A plain pino logger, as a host application might pass: the app itself must keep secrets out.
    const app = h.instance({ logger: pino({ level: 'info' }, stream) });
    await createUser(h.db, { email: 'admin@example.org', name: 'Ada Admin', roles: ['admin'] });
    const secrets: Record<string, string> = {};

    // Sign in through the login form.
    const admin = supertest.agent(app);
    const loginPage = await admin.get('/login');
    secrets.anonymousCsrf = csrfTokenFrom(loginPage.text);
    secrets.csrfCookie = cookieValue(loginPage.headers['set-cookie'], 'laurel.csrf');
    const signedIn = await admin
      .post('/login')
      .type('form')
      .send({ _csrf: secrets.anonymousCsrf, email: 'admin@example.org', password: STRONG_PASSWORD });
    expect(signedIn.status).to.equal(303);
    secrets.sessionCookie = cookieValue(signedIn.headers['set-cookie'], 'laurel.sid');
    secrets.sessionId = decodeURIComponent(secrets.sessionCookie).slice(2).split('.')[0]!;
    expect(secrets.sessionId).to.have.length.above(20);

    // Open pages, one with an Authorization header and one with the upload forms' `_csrf` query.
    secrets.authorization = `Bearer ${randomBytes(24).toString('base64url')}`;
    expect((await admin.get('/admin').set('Authorization', secrets.authorization)).status).to.equal(200);
    const outboxPage = await admin.get('/admin/outbox');
    secrets.sessionCsrf = csrfTokenFrom(outboxPage.text);
    await admin.post(`/applications/999/evidence?_csrf=${encodeURIComponent(secrets.sessionCsrf)}`);

    // Post a form, and open the links it e-mails: a verification link and a password reset link.
    const newcomer = supertest.agent(app);
    const registered = await submitForm(newcomer, '/register', '/register', {
      name: 'Nora Newcomer',
      email: 'nora@example.org',
      password: STRONG_PASSWORD,
      confirm: STRONG_PASSWORD,
    });
    expect(registered.status).to.equal(303);
    expect(
      (await submitForm(newcomer, '/forgot-password', '/forgot-password', { email: 'admin@example.org' })).status,
    ).to.equal(303);
    await h.deliverMail();
    const verify = linkIn((await h.sink.waitFor((m) => m.to.includes('nora@example.org'))).text, '/verify-email/');
    const reset = linkIn((await h.sink.waitFor((m) => m.to.includes('admin@example.org'))).text, '/reset-password/');
    secrets.verifyToken = verify.split('/').pop()!;
    secrets.resetToken = reset.split('/').pop()!;
    expect((await newcomer.get(verify)).status).to.be.oneOf([200, 303]);
    const resetForm = await newcomer.get(reset);
    expect(resetForm.status).to.equal(200);
    const changed = await newcomer
      .post(reset)
      .set('Referer', `${TEST_BASE_URL}${reset}`)
      .type('form')
      .send({
        _csrf: csrfTokenFrom(resetForm.text),
        password: 'maple syrup on thursdays',
        confirm: 'maple syrup on thursdays',
      });
    expect(changed.status).to.equal(303);
    // An invitation link opened by someone not signed in, and the sign-in it leads to.
    secrets.invitationToken = randomBytes(32).toString('base64url');
    await newcomer.get(`/invitations/${secrets.invitationToken}`);
    await newcomer.get(`/login?next=${encodeURIComponent(`/invitations/${secrets.invitationToken}`)}`);

    const log = lines.join('\n');
    const entries = lines.map((line) => JSON.parse(line) as LogLine);
    const requests = entries.filter((e) => e.msg === 'request completed');
    expect(requests.length).to.be.at.least(14);
    for (const entry of requests) {
      expect(entry.level).to.equal(30);
      expect(entry.req?.id).to.match(/^[0-9a-f-]{36}$/);
      expect(entry.req?.method).to.be.oneOf(['GET', 'POST']);
      expect(entry.res?.statusCode).to.be.a('number');
    }
    const signIn = requests.find((e) => e.req?.method === 'POST' && e.req.url === '/login');
    expect(signIn?.res?.statusCode).to.equal(303);
    expect(signIn?.req?.headers?.cookie).to.equal('[redacted]');
    expect(signIn?.res?.headers?.['set-cookie']).to.equal('[redacted]');
    expect(requests.map((e) => e.req?.url)).to.include.members([
      '/login',
      '/admin',
      '/admin/outbox',
      '/applications/999/evidence?_csrf=[redacted]',
      '/register',
      '/forgot-password',
      '/verify-email/[redacted]',
      '/reset-password/[redacted]',
      '/invitations/[redacted]',
      '/login?next=%2Finvitations%2F%5Bredacted%5D',
    ]);
    expect(requests.find((e) => e.req?.url === '/admin')?.req?.headers?.authorization).to.equal('[redacted]');
    for (const [name, value] of Object.entries(secrets)) {
      expect(log.includes(value), `${name} is in the log`).to.equal(false);
    }
  });

  it('keeps cookies and authorization out of lines the process logs by hand', () => {
    const { lines, stream } = capture();
    const logger = createLogger('info', stream);
    logger.info(
      {
        req: { method: 'GET', url: '/', headers: { cookie: 'laurel.sid=s%3Asecret', authorization: 'Basic c2VjcmV0' } },
        res: { headers: { 'set-cookie': ['laurel.sid=s%3Asecret'] } },
      },
      'by hand',
    );
    expect(lines).to.have.length(1);
    const entry = JSON.parse(lines[0]!) as LogLine;
    expect(entry.req?.headers).to.deep.equal({ cookie: '[redacted]', authorization: '[redacted]' });
    expect(entry.res?.headers).to.deep.equal({ 'set-cookie': '[redacted]' });
  });
});
