// Every route, found in the app's own router, gets malformed ids and hostile form bodies: none may
// answer with a 500. New routes are covered as soon as they are mounted.
import { expect } from 'chai';
import { seedDemo } from '../../../server/cli/seed-demo.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { csrfTokenFrom, submitForm } from '../../helpers/forms.js';
import { createUser, signIn } from '../../helpers/factories.js';
import { routesOf } from '../../helpers/app-routes.js';

interface RouteSpec {
  method: 'get' | 'post';
  path: string;
}

/** Every GET and POST route of the app, read from its router: a new route is tried the day it is mounted. */
function routesFromApp(h: Harness): RouteSpec[] {
  return routesOf(h.app).flatMap(({ method, path }) =>
    method === 'get' || method === 'post' ? [{ method, path }] : [],
  );
}

/** Fills route parameters: a real-looking id, then things no id should ever be. */
const PARAM_VALUES = ['1', 'abc', '99999999999999999999', "1'; drop table users; --"];
const fill = (route: string, value: string) => route.replace(/:[A-Za-z]+/g, encodeURIComponent(value));

const LONG = 'x'.repeat(150_000);
const HOSTILE_FIELDS: Array<Record<string, string | string[]>> = [
  {},
  Object.fromEntries(
    [
      'name',
      'email',
      'password',
      'reason',
      'answer',
      'decision',
      'level',
      'emails',
      'schoolId',
      'cycleId',
      'reviewerId',
      'applicationId',
      'k',
      'dueAt',
      'values',
      'subject',
      'operator',
      'chosen',
      'expertise',
      'maxLoad',
      'citation',
      'profile',
      'direction',
      'action',
      'recommendation',
      'slug',
      'opensAt',
      'scoreMin',
      'scoreMax',
      'key',
      'kind',
      'options',
      'weight',
    ].map((f, i) => [
      f,
      i % 3 === 0 ? ['1', '2', '<script>alert(1)</script>'] : i % 3 === 1 ? '\u0000\uffff\ud83d' : LONG.slice(0, 5000),
    ]),
  ),
];

describe('hostile input on every route', function () {
  this.timeout(240_000);
  let h: Harness;
  const agents: Array<{ who: string; agent: ReturnType<Harness['agent']> }> = [];

  before(async () => {
    h = await startHarness();
    // The whole demo on purpose: every table has rows, so the ids tried reach real records.
    const login = await seedDemo(h.db, h.clock);
    const admin = h.agent();
    await submitForm(admin, '/login', '/login', { email: login.email, password: login.password });
    await createUser(h.db, { email: 'someone@school.example.org', roles: ['applicant', 'reviewer'] });
    const person = h.agent();
    await signIn(person, 'someone@school.example.org');
    agents.push(
      { who: 'admin', agent: admin },
      { who: 'applicant and reviewer', agent: person },
      { who: 'anonymous', agent: h.agent() },
    );
  });
  after(() => h.close());

  it('finds the routes to try', () => {
    expect(routesFromApp(h).length).to.be.at.least(149);
  });

  it('never answers a malformed request with a 500', async () => {
    const failures: string[] = [];
    // Signing out would end the sessions the other requests use.
    const routes = routesFromApp(h).filter((r) => r.path !== '/logout');
    for (const { who, agent } of agents) {
      const token = csrfTokenFrom((await agent.get('/login')).text.concat((await agent.get('/')).text));
      for (const route of routes) {
        for (const value of PARAM_VALUES.slice(0, route.method === 'get' ? 4 : 2)) {
          const url = fill(route.path, value);
          if (route.method === 'get') {
            const res = await agent.get(url);
            if (res.status >= 500) failures.push(`${who} GET ${url} → ${res.status}`);
            continue;
          }
          for (const fields of HOSTILE_FIELDS) {
            const form = new URLSearchParams({ _csrf: token });
            for (const [name, v] of Object.entries(fields))
              for (const item of ([] as string[]).concat(v)) form.append(name, item);
            const res = await agent.post(url).type('form').send(form.toString());
            if (res.status >= 500)
              failures.push(`${who} POST ${url} (${Object.keys(fields).length} fields) → ${res.status}`);
          }
          const multipart = await agent
            .post(`${url}?_csrf=${encodeURIComponent(token)}`)
            .field('answer', `\u0000${LONG.slice(0, 1000)}`)
            .field('reason', '\u0000')
            .attach('files', Buffer.from('MZ not a document'), '../../etc/passwd.pdf');
          if (multipart.status >= 500) failures.push(`${who} POST multipart ${url} → ${multipart.status}`);
        }
      }
    }
    expect(failures).to.deep.equal([]);
  });

  it('answers 404 to a NUL in any path parameter, for everyone, before a route or the database sees it', async () => {
    const wrong: string[] = [];
    const routes = routesFromApp(h).filter((r) => r.path.includes('/:'));
    expect(routes.length).to.be.greaterThan(50);
    for (const { who, agent } of agents) {
      const token = csrfTokenFrom((await agent.get('/login')).text.concat((await agent.get('/')).text));
      for (const route of routes) {
        for (const value of ['\u0000', 'a\u0000b']) {
          const url = fill(route.path, value);
          const res =
            route.method === 'get' ? await agent.get(url) : await agent.post(url).type('form').send({ _csrf: token });
          if (res.status !== 404 || !res.text.includes('Page not found'))
            wrong.push(`${who} ${route.method.toUpperCase()} ${url} → ${res.status}`);
        }
      }
    }
    for (const url of ['/%00', '/static/%00.css', '/reset-password/%00', '/applications/1%00']) {
      const res = await h.agent().get(url);
      if (res.status !== 404) wrong.push(`GET ${url} → ${res.status}`);
    }
    expect(wrong).to.deep.equal([]);
  });
});
