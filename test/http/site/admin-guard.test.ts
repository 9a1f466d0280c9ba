// The admin area has one guard, stated once in routes/index.ts. This walks every /admin route
// the app has (from its own router, so a route added tomorrow is walked tomorrow) and proves that
// a visitor is sent to sign in, and that an applicant or a reviewer is refused, on each.
import { expect } from 'chai';
import { routesOf } from '../../helpers/app-routes.js';
import { createUser, signIn } from '../../helpers/factories.js';
import { csrfTokenFrom } from '../../helpers/forms.js';
import { startHarness, type Harness } from '../../helpers/harness.js';

describe('the admin guard on every /admin route', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
    await createUser(h.db, { email: 'applicant@school.example.org', roles: ['applicant'] });
    await createUser(h.db, { email: 'reviewer@panel.example.org', roles: ['reviewer'] });
  });
  after(() => h.close());

  const adminRoutes = () => routesOf(h.app).filter((r) => r.path === '/admin' || r.path.startsWith('/admin/'));
  const filled = (path: string) => path.replace(/:[A-Za-z]+/g, '1');

  it('finds the admin routes in the app', () => {
    expect(adminRoutes().length).to.be.at.least(86);
  });

  it('sends a visitor to the sign-in page from every one, whatever the method', async () => {
    const wrong: string[] = [];
    for (const route of adminRoutes()) {
      const agent = h.agent();
      const res =
        route.method === 'get'
          ? await agent.get(filled(route.path))
          : await agent.post(filled(route.path)).type('form').send({});
      // A POST without a token is refused by the CSRF check first (403); a GET goes to sign in.
      const ok =
        route.method === 'get'
          ? res.status === 303 && /^\/login\?next=/.test(res.headers.location ?? '')
          : res.status === 403;
      if (!ok) wrong.push(`${route.method.toUpperCase()} ${route.path} → ${res.status} ${res.headers.location ?? ''}`);
    }
    expect(wrong).to.deep.equal([]);
  });

  it('sends a visitor whose form carries a valid token to sign in, and back to the admin home after', async () => {
    const wrong: string[] = [];
    for (const route of adminRoutes().filter((r) => r.method === 'post')) {
      const agent = h.agent();
      const token = csrfTokenFrom((await agent.get('/login')).text);
      const res = await agent.post(filled(route.path)).type('form').send({ _csrf: token });
      // The form cannot be replayed after signing in, so it returns to the admin home.
      if (res.status !== 303 || res.headers.location !== '/login?next=%2Fadmin')
        wrong.push(`POST ${route.path} → ${res.status} ${res.headers.location ?? ''}`);
    }
    expect(wrong).to.deep.equal([]);
  });

  for (const who of ['applicant@school.example.org', 'reviewer@panel.example.org']) {
    it(`refuses ${who.split('@')[0]}s on every one, with a page that says why`, async () => {
      const agent = h.agent();
      await signIn(agent, who);
      const token = csrfTokenFrom((await agent.get('/login?next=/')).text.concat((await agent.get('/')).text));
      const wrong: string[] = [];
      for (const route of adminRoutes()) {
        const res =
          route.method === 'get'
            ? await agent.get(filled(route.path))
            : await agent.post(filled(route.path)).type('form').send({ _csrf: token });
        if (res.status !== 403 || !res.text.includes('your account is not one'))
          wrong.push(`${route.method.toUpperCase()} ${route.path} → ${res.status}`);
      }
      expect(wrong).to.deep.equal([]);
    });
  }
});
