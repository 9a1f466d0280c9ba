// A signed-in request reads its session and its user in one query and rewrites the session's
// expiry only every few minutes; a role taken away or an account removed still counts at once.
import { expect } from 'chai';
import { eq, sql } from 'drizzle-orm';
import { sessions, users } from '../../../models/schema.js';
import { TOUCH_EVERY_MS } from '../../../server/auth/session-store.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { createUser, signIn } from '../../helpers/factories.js';

const HOUR = 60 * 60 * 1000;

describe('reading the session on each request', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  async function signedIn(email: string, roles: Array<'admin' | 'reviewer'> = ['admin']) {
    const user = await createUser(h.db, { email, roles });
    const agent = h.agent();
    await signIn(agent, email);
    const [row] = await h.db
      .select()
      .from(sessions)
      .where(sql`${sessions.data} -> 'passport' ->> 'user' = ${String(user.id)}`);
    return { agent, userId: user.id, sid: row!.sid };
  }
  const expiryOf = async (sid: string) =>
    (await h.db.select().from(sessions).where(eq(sessions.sid, sid)))[0]!.expiresAt.getTime();

  it('applies a role taken away on the very next request', async () => {
    const { agent, userId } = await signedIn('demoted@example.org');
    expect((await agent.get('/admin')).status).to.equal(200);
    await h.db.update(users).set({ roles: [] }).where(eq(users.id, userId));
    expect((await agent.get('/admin')).status).to.equal(403);
  });

  it('treats the session of a removed account as signed out', async () => {
    const { agent, userId } = await signedIn('removed@example.org');
    await h.db.delete(users).where(eq(users.id, userId));
    const res = await agent.get('/admin');
    expect(res.status).to.be.oneOf([302, 303]);
    expect(res.headers.location).to.match(/^\/login/);
  });

  it('slides the expiry, writing it only when it has moved by minutes', async () => {
    const { agent, sid } = await signedIn('steady@example.org');
    const atSignIn = await expiryOf(sid);
    expect((await agent.get('/admin')).status).to.equal(200);
    expect(await expiryOf(sid)).to.equal(atSignIn);

    // An expiry an hour away (the person was last seen long ago) is moved to the full eight hours.
    const soon = new Date(Date.now() + HOUR);
    await h.db.update(sessions).set({ expiresAt: soon }).where(eq(sessions.sid, sid));
    expect((await agent.get('/admin')).status).to.equal(200);
    const slid = await expiryOf(sid);
    expect(slid).to.be.greaterThan(Date.now() + 7 * HOUR);
    expect(slid - soon.getTime()).to.be.greaterThan(TOUCH_EVERY_MS);
    expect((await agent.get('/admin')).status).to.equal(200);
    expect(await expiryOf(sid)).to.equal(slid);
  });
});
