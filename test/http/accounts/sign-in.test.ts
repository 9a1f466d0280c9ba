import { expect } from 'chai';
import { eq, sql } from 'drizzle-orm';
import { loginFailures, sessions } from '../../../models/schema.js';
import supertest from 'supertest';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { STRONG_PASSWORD, createUser, signIn } from '../../helpers/factories.js';
import { submitForm } from '../../helpers/forms.js';

function sessionCookie(res: { headers: Record<string, unknown> }): string | undefined {
  const cookies = ([] as string[]).concat((res.headers['set-cookie'] as string[] | undefined) ?? []);
  return cookies.find((c) => c.startsWith('laurel.sid='));
}

describe('signing in and out', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ throttle: { lockAfterPerAccount: 5, slowAfter: 2, lockMs: 15 * 60 * 1000 } });
    await createUser(h.db, { email: 'principal@lincoln.example.org', name: 'Ana Principal' });
    await createUser(h.db, { email: 'admin@example.org', name: 'Ada Admin', roles: ['admin', 'reviewer'] });
  });
  after(() => h.close());

  it('signs in with a session cookie that is httpOnly and SameSite=Lax, and signs out', async () => {
    const agent = h.agent();
    const res = await signIn(agent, 'principal@lincoln.example.org');
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal('/');
    const cookie = sessionCookie(res);
    expect(cookie).to.match(/HttpOnly/i);
    expect(cookie).to.match(/SameSite=Lax/i);
    expect(cookie).not.to.match(/Secure/i);
    expect((await agent.get('/')).text).to.contain('Signed in as Ana Principal');

    const out = await submitForm(agent, '/', '/logout', {});
    expect(out.status).to.equal(303);
    const after = await agent.get('/');
    expect(after.text).not.to.contain('Signed in as');
    expect(after.text).to.contain('You are signed out.');
  });

  it('gives a new session id at sign-in and forgets the old one', async () => {
    const agent = h.agent();
    const first = sessionCookie(await signIn(agent, 'principal@lincoln.example.org'));
    const firstSid = decodeURIComponent(/laurel\.sid=s%3A([^.;]+)/.exec(first!)![1]!);
    expect(await h.db.select().from(sessions).where(eq(sessions.sid, firstSid))).to.have.length(1);

    // Signed in already, so /login redirects: take the CSRF field from the sign-out form.
    const second = sessionCookie(
      await submitForm(agent, '/', '/login', {
        email: 'admin@example.org',
        password: STRONG_PASSWORD,
      }),
    );
    const secondSid = decodeURIComponent(/laurel\.sid=s%3A([^.;]+)/.exec(second!)![1]!);
    expect(secondSid).not.to.equal(firstSid);
    expect(await h.db.select().from(sessions).where(eq(sessions.sid, firstSid))).to.have.length(0);
  });

  it('keeps sessions in the database, so another app instance knows the person', async () => {
    const agent = h.agent();
    const cookie = sessionCookie(await signIn(agent, 'admin@example.org'))!.split(';')[0]!;
    const secondInstance = h.instance();
    const res = await supertest(secondInstance).get('/admin').set('Cookie', cookie);
    expect(res.status).to.equal(200);
    expect(res.text).to.contain('Administration');
  });

  it('returns only to a path on this site after signing in', async () => {
    const agent = h.agent();
    const inside = await submitForm(agent, '/login', '/login', {
      email: 'admin@example.org',
      password: STRONG_PASSWORD,
      next: '/admin/outbox',
    });
    expect(inside.headers.location).to.equal('/admin/outbox');
    const agent2 = h.agent();
    const outside = await submitForm(agent2, '/login', '/login', {
      email: 'admin@example.org',
      password: STRONG_PASSWORD,
      next: '//evil.example/steal',
    });
    expect(outside.headers.location).to.equal('/');
  });

  it('says the same thing for a wrong password and an unknown address', async () => {
    const wrong = await signIn(h.agent(), 'admin@example.org', 'not the password at all');
    const unknown = await signIn(h.agent(), 'ghost@example.org', 'not the password at all');
    expect(wrong.status).to.equal(401);
    expect(unknown.status).to.equal(401);
    for (const res of [wrong, unknown]) {
      expect(res.text).to.contain('That e-mail address and password do not match an account.');
    }
    expect(wrong.text).to.contain('value="admin@example.org"');
    await h.db.delete(loginFailures);
  });

  it('slows down, then pauses sign-in for an account after repeated failures, and says so', async () => {
    const email = 'principal@lincoln.example.org';
    for (let i = 0; i < 5; i += 1) {
      expect((await signIn(h.agent(), email, `wrong password ${i}`)).status).to.equal(401);
    }
    const [row] = await h.db
      .select()
      .from(loginFailures)
      .where(eq(loginFailures.key, `account:${email}`));
    expect(row?.failures).to.equal(5);
    expect(row?.lockedUntil?.getTime()).to.equal(h.clock().getTime() + 15 * 60 * 1000);

    const paused = await signIn(h.agent(), email);
    expect(paused.status).to.equal(429);
    expect(paused.headers['retry-after']).to.equal('900');
    expect(paused.text).to.contain(
      'Too many failed sign-in attempts for this account. Sign-in is paused for 15 minutes',
    );
    expect(paused.text).not.to.contain('Signed in as');

    h.clock.advance(16 * 60 * 1000);
    const again = await signIn(h.agent(), email);
    expect(again.status).to.equal(303);
    const cleared = await h.db
      .select()
      .from(loginFailures)
      .where(eq(loginFailures.key, `account:${email}`));
    expect(cleared).to.have.length(0);
  });

  it('pauses a network address that tries many accounts', async () => {
    const h2 = await startHarness({ throttle: { lockAfterPerAddress: 4, lockAfterPerAccount: 100 } });
    try {
      await createUser(h2.db, { email: 'teacher@example.org' });
      for (let i = 0; i < 4; i += 1) {
        expect((await signIn(h2.agent(), `person${i}@example.org`, 'guessing password')).status).to.equal(401);
      }
      const paused = await signIn(h2.agent(), 'teacher@example.org');
      expect(paused.status).to.equal(429);
      expect(paused.text).to.contain('Too many failed sign-in attempts for your network address');
      const [{ n } = { n: 0 }] = await h2.db.select({ n: sql<number>`count(*)::int` }).from(loginFailures);
      expect(n).to.equal(5);
    } finally {
      await h2.close();
    }
  });

  it('sends people who are not signed in to the sign-in page, and tells others why they may not enter', async () => {
    const anonymous = await h.agent().get('/admin/outbox');
    expect(anonymous.status).to.equal(303);
    expect(anonymous.headers.location).to.equal('/login?next=%2Fadmin%2Foutbox');

    const agent = h.agent();
    await signIn(agent, 'principal@lincoln.example.org');
    const forbidden = await agent.get('/admin');
    expect(forbidden.status).to.equal(403);
    expect(forbidden.text).to.contain('This page is for admins of the program, and your account is not one.');
  });
});
