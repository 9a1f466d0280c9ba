import { expect } from 'chai';
import { eq, sql } from 'drizzle-orm';
import { sessions, userTokens } from '../../../models/schema.js';
import { DEFAULT_THROTTLE } from '../../../server/auth/login-throttle.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { STRONG_PASSWORD, createUser, signIn } from '../../helpers/factories.js';
import { linkIn, submitForm } from '../../helpers/forms.js';

const NEW_PASSWORD = 'maple syrup on thursdays';

describe('password reset', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
    await createUser(h.db, { email: 'counselor@example.org', name: 'Chris Counselor' });
  });
  after(() => h.close());

  async function requestLink(email: string): Promise<string> {
    const before = h.sink.messages.length;
    const res = await submitForm(h.agent(), '/forgot-password', '/forgot-password', { email });
    expect(res.status).to.equal(303);
    await h.deliverMail();
    const mail = await h.sink.waitFor((m) => m.to.includes(email) && h.sink.messages.indexOf(m) >= before);
    expect(mail.subject).to.equal('Choose a new Laurel password');
    return linkIn(mail.text, '/reset-password/');
  }

  it('e-mails a single-use link, sets the new password, signs the account out everywhere else and in here', async () => {
    const elsewhere = h.agent();
    await signIn(elsewhere, 'counselor@example.org');
    expect((await elsewhere.get('/')).text).to.contain('Signed in as Chris Counselor');

    const link = await requestLink('counselor@example.org');
    const token = link.split('/').pop()!;
    const [stored] = await h.db.select().from(userTokens).where(eq(userTokens.purpose, 'reset_password'));
    expect(stored?.tokenHash).to.have.length(64);
    expect(stored?.tokenHash).not.to.contain(token);

    const agent = h.agent();
    const form = await agent.get(link);
    expect(form.status).to.equal(200);
    expect(form.text).to.contain('Choose a new password');

    const weak = await submitForm(agent, link, link, { password: 'short', confirm: 'short' });
    expect(weak.status).to.equal(422);
    expect(weak.text).to.contain('Use at least 10 characters.');
    const mismatch = await submitForm(agent, link, link, {
      password: NEW_PASSWORD,
      confirm: 'something else entirely',
    });
    expect(mismatch.status).to.equal(422);
    expect(mismatch.text).to.contain('The two passwords do not match.');

    const done = await submitForm(agent, link, link, { password: NEW_PASSWORD, confirm: NEW_PASSWORD });
    expect(done.status).to.equal(303);
    expect(done.headers.location).to.equal('/');
    const home = await agent.get('/');
    expect(home.text).to.contain('Signed in as Chris Counselor');
    expect(home.text).to.contain('Your password is changed, and you are signed in, Chris Counselor.');

    expect((await elsewhere.get('/')).text, 'the other session is gone').not.to.contain('Signed in as');
    const [{ n } = { n: -1 }] = await h.db
      .select({ n: sql<number>`count(*)::int` })
      .from(sessions)
      .where(sql`${sessions.data} -> 'passport' ->> 'user' is not null`);
    expect(n, 'only the session the reset opened').to.equal(1);

    expect((await signIn(h.agent(), 'counselor@example.org', STRONG_PASSWORD)).status).to.equal(401);
    expect((await signIn(h.agent(), 'counselor@example.org', NEW_PASSWORD)).status).to.equal(303);

    const reused = await h.agent().get(link);
    expect(reused.status).to.equal(410);
    expect(reused.text).to.contain('This link is no longer valid: it has been used, or a newer link replaced it.');
    const reusedPost = await submitForm(h.agent(), '/forgot-password', link, {
      password: 'another fine password',
      confirm: 'another fine password',
    });
    expect(reusedPost.status).to.equal(410);
  });

  it('retires an older link as soon as a newer one is sent', async () => {
    await createUser(h.db, { email: 'twice@example.org', name: 'Toni Twice' });
    const first = await requestLink('twice@example.org');
    const second = await requestLink('twice@example.org');

    const older = await h.agent().get(first);
    expect(older.status).to.equal(410);
    expect(older.text).to.contain('This link is no longer valid');
    expect(older.text).to.contain('href="/forgot-password"');
    const olderPost = await submitForm(h.agent(), '/forgot-password', first, {
      password: NEW_PASSWORD,
      confirm: NEW_PASSWORD,
    });
    expect(olderPost.status).to.equal(410);
    expect(olderPost.text).to.contain('This link is no longer valid');

    const agent = h.agent();
    expect((await agent.get(second)).status).to.equal(200);
    expect(
      (await submitForm(agent, second, second, { password: NEW_PASSWORD, confirm: NEW_PASSWORD })).status,
    ).to.equal(303);
    expect((await h.agent().get(first)).text, 'still retired after the newer one was used').to.contain(
      'This link is no longer valid',
    );
    expect((await signIn(h.agent(), 'twice@example.org', NEW_PASSWORD)).status).to.equal(303);
  });

  it('lets the owner of a paused account reset the password and get in at once', async () => {
    const email = 'paused@example.org';
    await createUser(h.db, { email, name: 'Pat Paused' });
    for (let i = 0; i < DEFAULT_THROTTLE.lockAfterPerAccount; i += 1) {
      expect((await signIn(h.agent(), email, `a wrong guess ${i}`)).status).to.equal(401);
    }
    const paused = await signIn(h.agent(), email);
    expect(paused.status).to.equal(429);
    expect(paused.text).to.contain('you can reset your password in the meantime');

    const link = await requestLink(email);
    // Someone keeps guessing while the e-mail is on its way.
    expect((await signIn(h.agent(), email, 'yet another guess')).status).to.equal(429);

    const owner = h.agent();
    const done = await submitForm(owner, link, link, { password: NEW_PASSWORD, confirm: NEW_PASSWORD });
    expect(done.status).to.equal(303);
    expect(done.headers.location).to.equal('/');
    expect((await owner.get('/')).text).to.contain('Signed in as Pat Paused');

    // Signed out again, the new password works at once: the failures were forgotten.
    expect((await submitForm(owner, '/', '/logout', {})).status).to.equal(303);
    const again = await signIn(h.agent(), email, NEW_PASSWORD);
    expect(again.status).to.equal(303);
    expect(again.headers.location).to.equal('/');
  });

  it('refuses an expired link and offers a new one', async () => {
    const link = await requestLink('counselor@example.org');
    h.clock.advance(61 * 60 * 1000);
    const res = await h.agent().get(link);
    expect(res.status).to.equal(410);
    expect(res.text).to.contain('This link has expired.');
    expect(res.text).to.contain('href="/forgot-password"');
  });

  it('answers the same for unknown addresses and sends them nothing', async () => {
    const sent = h.sink.messages.length;
    const res = await submitForm(h.agent(), '/forgot-password', '/forgot-password', { email: 'stranger@example.org' });
    expect(res.status).to.equal(303);
    expect(await h.deliverMail()).to.equal(0);
    expect(h.sink.messages.length).to.equal(sent);
  });

  it('sends at most three reset e-mails an hour to one account', async () => {
    await createUser(h.db, { email: 'busy@example.org' });
    for (let i = 0; i < 5; i += 1) {
      await submitForm(h.agent(), '/forgot-password', '/forgot-password', { email: 'busy@example.org' });
    }
    await h.deliverMail();
    expect(h.sink.messages.filter((m) => m.to.includes('busy@example.org'))).to.have.length(3);
  });

  it('validates the address on the request form', async () => {
    const res = await submitForm(h.agent(), '/forgot-password', '/forgot-password', { email: '' });
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('Enter your e-mail address.');
  });
});
