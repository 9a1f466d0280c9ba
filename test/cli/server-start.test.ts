// server/index.ts run as a real process on 127.0.0.1 with an embedded database in a temporary
// DATA_DIR: the first start with its demo login, signing in through the real form, a clean stop,
// a restart that keeps sessions, and a second portal refused while one runs.
import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEMO_CRITERIA } from '../../server/cli/demo-data.js';
import { csrfTokenFrom } from '../helpers/forms.js';
import {
  CookieJar,
  freePort,
  RUNNING,
  START_TIMEOUT_MS,
  startServer,
  STOP_TIMEOUT_MS,
  stopAllServers,
  waitForExit,
  waitForOutput,
  type ServerProcess,
} from '../helpers/server-process.js';

describe('starting and stopping the portal (server/index.ts)', function () {
  this.timeout(120_000);
  // Each step builds on the one before: after a failure the rest would only add noise.
  this.bail(true);

  let dataDir: string;
  let port: number;
  let first: ServerProcess;
  let second: ServerProcess;
  let demoLogin: { email: string; password: string };
  let sessionCookie: string;

  const url = (pathname: string) => `http://127.0.0.1:${port}${pathname}`;
  const get = (pathname: string) => fetch(url(pathname), { signal: AbortSignal.timeout(20_000) });
  async function browse(jar: CookieJar, pathname: string, init: RequestInit = {}): Promise<Response> {
    const response = await fetch(url(pathname), {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string> | undefined), cookie: jar.header() },
      signal: AbortSignal.timeout(20_000),
    });
    jar.store(response);
    return response;
  }

  before(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'laurel-server-start-'));
    port = await freePort();
  });

  after(async () => {
    await stopAllServers();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints the demo admin login on the first start of an empty DATA_DIR, then listens', async () => {
    first = startServer(dataDir, port);
    const running = await waitForOutput(first, RUNNING);
    expect(running.slice(1)).to.deep.equal([String(port), 'pglite', 'files in DATA_DIR/outbox']);

    const lines = first.stdout.split('\n');
    expect(lines).to.include('Sign in as the demo administrator (shown only this once):');
    const email = /^ {2}e-mail: {3}(\S+)$/m.exec(first.stdout)?.[1];
    const password = /^ {2}password: (\S+)$/m.exec(first.stdout)?.[1];
    expect(email).to.equal('admin@laurel.localhost');
    expect(password).to.match(/^[A-Za-z0-9]{24}$/);
    demoLogin = { email: email!, password: password! };
    expect(first.stdout.indexOf('password:')).to.be.below(first.stdout.indexOf('Laurel is running'));
    expect(first.stderr).to.equal('');
    expect(readFileSync(path.join(dataDir, 'laurel.lock'), 'utf8')).to.equal(String(first.child.pid));
  });

  it('answers the health check and shows the demo program with its criteria', async () => {
    const health = await get('/healthz');
    expect(health.status).to.equal(200);
    const body = (await health.json()) as Record<string, unknown>;
    expect(body).to.include({ status: 'ok', database: 'pglite' });
    expect(body.latencyMs).to.be.a('number');

    const home = await get('/');
    expect(home.status).to.equal(200);
    const html = await home.text();
    expect(html).to.contain('<h1>Schools of Opportunity</h1>');
    expect(html).to.contain('Applications are open until');
    expect(html).to.contain('Every school answers the required criteria, then chooses 4 of the others.');
    const [required = '', optional = ''] = [...html.matchAll(/<[ou]l class="criteria">([\s\S]*?)<\/[ou]l>/g)].map(
      (m) => m[1],
    );
    const titles = (list: string) => [...list.matchAll(/<strong>([^<]+)<\/strong>/g)].map((m) => m[1]);
    expect(titles(required)).to.deep.equal([
      'Broadening and enriching learning opportunities',
      'A healthy school culture',
    ]);
    expect(titles(optional)).to.have.length(8);
    expect(titles(optional)).to.deep.equal(DEMO_CRITERIA.filter((c) => !c.required).map((c) => c.title));

    // The demo also has last year's published honorees, from several states.
    const honorees = await (await get('/honorees')).text();
    expect(honorees).to.contain('Roosevelt High School');
    expect(honorees).to.contain('Rainier Beach High School');
    const data = (await (await get('/honorees.json')).json()) as { honorees?: unknown[] } | unknown[];
    const list = Array.isArray(data) ? data : (data.honorees ?? []);
    expect(list).to.have.length(12);
  });

  it('signs the demo admin in through the login form and opens /admin', async () => {
    const jar = new CookieJar();
    const guarded = await browse(jar, '/admin');
    expect(guarded.status).to.equal(303);
    expect(guarded.headers.get('location')).to.equal('/login?next=%2Fadmin');

    const loginPage = await browse(jar, '/login?next=%2Fadmin');
    expect(loginPage.status).to.equal(200);
    const loginHtml = await loginPage.text();
    expect(loginHtml).to.contain('<input type="hidden" name="next" value="/admin">');
    expect(jar.get('laurel.csrf')).to.be.a('string');

    const signedIn = await browse(jar, '/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...demoLogin, next: '/admin', _csrf: csrfTokenFrom(loginHtml) }).toString(),
    });
    expect(signedIn.status).to.equal(303);
    expect(signedIn.headers.get('location')).to.equal('/admin');
    expect(jar.get('laurel.sid')).to.match(/^s%3A/);
    sessionCookie = jar.get('laurel.sid')!;

    const admin = await browse(jar, '/admin');
    expect(admin.status).to.equal(200);
    const adminHtml = await admin.text();
    expect(adminHtml).to.contain('<h1>Administration</h1>');
    expect(adminHtml).to.contain('Signed in as Demo Administrator');
    expect(adminHtml).to.contain('Welcome, Demo Administrator.');
  });

  it('stops cleanly on SIGTERM: exit code 0, a goodbye line, the lock released', async () => {
    first.child.kill('SIGTERM');
    const exit = await waitForExit(first, STOP_TIMEOUT_MS);
    expect(exit).to.deep.equal({ code: 0, signal: null });
    expect(first.stdout.trimEnd().split('\n').at(-1)).to.equal('Laurel stopped cleanly.');
    expect(first.stderr).to.equal('');
    expect(existsSync(path.join(dataDir, 'laurel.lock'))).to.equal(false);
    let refused: unknown;
    await get('/healthz').catch((error: unknown) => (refused = (error as { cause?: { code?: string } }).cause?.code));
    expect(refused, 'the port should be closed').to.equal('ECONNREFUSED');
  });

  it('restarts on the same DATA_DIR without a demo login, and keeps sessions from before', async () => {
    second = startServer(dataDir, port);
    await waitForOutput(second, RUNNING);
    expect(second.stdout).not.to.contain('e-mail:');
    expect(second.stdout).not.to.contain('password:');
    expect(second.stdout).not.to.contain('seeded a demo');

    const jar = new CookieJar({ 'laurel.sid': sessionCookie });
    const admin = await browse(jar, '/admin');
    expect(admin.status).to.equal(200);
    expect(await admin.text()).to.contain('Signed in as Demo Administrator');
    expect(await (await get('/')).text()).to.contain('<h1>Schools of Opportunity</h1>');
  });

  it('refuses a second portal on the same DATA_DIR while one runs, and leaves the first running', async () => {
    const intruder = startServer(dataDir, await freePort());
    const exit = await waitForExit(intruder, START_TIMEOUT_MS);
    expect(exit.code).to.equal(1);
    expect(intruder.stdout).not.to.contain('Laurel is running');
    expect(intruder.stderr).to.contain(
      `The embedded database in ${dataDir} is in use by another Laurel process (pid ${second.child.pid}).`,
    );
    expect(readFileSync(path.join(dataDir, 'laurel.lock'), 'utf8')).to.equal(String(second.child.pid));

    const health = await get('/healthz');
    expect(health.status).to.equal(200);
    expect(await health.json()).to.include({ status: 'ok', database: 'pglite' });

    second.child.kill('SIGINT');
    expect(await waitForExit(second, STOP_TIMEOUT_MS)).to.deep.equal({ code: 0, signal: null });
    expect(second.stdout).to.contain('Laurel stopped cleanly.');
  });
});
