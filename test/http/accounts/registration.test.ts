import { expect } from 'chai';
import { eq, sql } from 'drizzle-orm';
import { sessions, users } from '../../../models/schema.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { STRONG_PASSWORD, createUser, signIn } from '../../helpers/factories.js';
import { linkIn, submitForm, followConfirmLink } from '../../helpers/forms.js';

describe('registration and e-mail verification', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  it('registers, e-mails a verification link, refuses sign-in until it is opened, then signs in', async () => {
    const agent = h.agent();
    const registered = await submitForm(agent, '/register', '/register', {
      name: 'Maria Lopez',
      email: '  Maria.Lopez@Example.ORG ',
      password: STRONG_PASSWORD,
    });
    expect(registered.status).to.equal(303);
    expect(registered.headers.location).to.equal('/login');
    const loginPage = await agent.get('/login');
    expect(loginPage.text).to.contain('We sent a link to maria.lopez@example.org');

    expect(await h.deliverMail()).to.equal(1);
    const mail = await h.sink.waitFor((m) => m.to.includes('maria.lopez@example.org'));
    expect(mail.subject).to.equal('Confirm your e-mail address for Laurel');
    expect(mail.text).to.contain('Hello Maria Lopez');
    expect(mail.html).to.contain('Confirm my address');
    const link = linkIn(mail.text, '/verify-email/');

    const early = await signIn(agent, 'maria.lopez@example.org');
    expect(early.status).to.equal(403);
    expect(early.text).to.contain('Please confirm your e-mail address first');
    expect(early.text).to.contain('Send a new link to maria.lopez@example.org');

    // Opening the link (as a mail scanner would) confirms nothing.
    const opened = await agent.get(link);
    expect(opened.status).to.equal(200);
    expect(opened.text).to.contain('Confirm my address');
    expect(
      (await h.db.select().from(users).where(eq(users.email, 'maria.lopez@example.org')))[0]!.emailVerifiedAt,
    ).to.equal(null);
    const verified = await followConfirmLink(agent, link);
    expect(verified.status).to.equal(303);
    expect(verified.headers.location).to.equal('/login?email=maria.lopez%40example.org');
    expect((await agent.get(verified.headers.location!)).text).to.contain('is confirmed. You can sign in now.');

    const signedIn = await signIn(agent, 'MARIA.LOPEZ@example.org');
    expect(signedIn.status).to.equal(303);
    const home = await agent.get('/');
    expect(home.text).to.contain('Signed in as Maria Lopez');
    expect(home.text).to.contain('Welcome, Maria Lopez.');

    const [user] = await h.db.select().from(users).where(eq(users.email, 'maria.lopez@example.org'));
    expect(user?.roles).to.deep.equal(['applicant']);
    expect(user?.passwordHash).to.match(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it('says which link problem it met: used, expired or unknown', async () => {
    const agent = h.agent();
    await submitForm(agent, '/register', '/register', {
      name: 'Sam Okafor',
      email: 'sam@example.org',
      password: STRONG_PASSWORD,
    });
    await h.deliverMail();
    const link = linkIn((await h.sink.waitFor((m) => m.to.includes('sam@example.org'))).text, '/verify-email/');
    expect((await followConfirmLink(agent, link)).status).to.equal(303);

    const again = await agent.get(link);
    expect(again.status).to.equal(410);
    expect(again.text).to.contain('This link is no longer valid: it has been used, or a newer link replaced it.');

    const unknown = await agent.get('/verify-email/not-a-real-token');
    expect(unknown.status).to.equal(404);
    expect(unknown.text).to.contain('This link is not valid');

    await submitForm(agent, '/register', '/register', {
      name: 'Lee Park',
      email: 'lee@example.org',
      password: STRONG_PASSWORD,
    });
    await h.deliverMail();
    const leeLink = linkIn((await h.sink.waitFor((m) => m.to.includes('lee@example.org'))).text, '/verify-email/');
    h.clock.advance(8 * 24 * 60 * 60 * 1000);
    const expired = await agent.get(leeLink);
    expect(expired.status).to.equal(410);
    expect(expired.text).to.contain('This link has expired');
    h.clock.set(new Date('2026-11-22T12:00:00Z'));
  });

  it('sends a new verification link on request, and says the same thing for unknown addresses', async () => {
    await createUser(h.db, { email: 'unverified@example.org', verified: false });
    const agent = h.agent();
    const resent = await submitForm(agent, '/login', '/verify-email/resend', { email: 'unverified@example.org' });
    expect(resent.status).to.equal(303);
    const unknown = await submitForm(agent, '/login', '/verify-email/resend', { email: 'nobody@example.org' });
    expect(unknown.status).to.equal(303);
    await h.deliverMail();
    const mail = await h.sink.waitFor((m) => m.to.includes('unverified@example.org'));
    expect(mail.subject).to.equal('Confirm your e-mail address for Laurel');
    expect(h.sink.messages.some((m) => m.to.includes('nobody@example.org'))).to.equal(false);
  });

  it('retires every other confirmation link once the address is confirmed', async () => {
    const agent = h.agent();
    await submitForm(agent, '/register', '/register', {
      name: 'Noor Twolinks',
      email: 'noor@example.org',
      password: STRONG_PASSWORD,
    });
    await submitForm(agent, '/login', '/verify-email/resend', { email: 'noor@example.org' });
    await h.deliverMail();
    const links = h.sink.messages
      .filter((m) => m.to.includes('noor@example.org'))
      .map((m) => linkIn(m.text, '/verify-email/'));
    expect(links).to.have.length(2);
    const [older, newer] = links as [string, string];

    expect((await followConfirmLink(agent, newer)).status).to.equal(303);
    const stale = await h.agent().get(older);
    expect(stale.status).to.equal(410);
    expect(stale.text).to.contain('This link is no longer valid');
  });

  it('retires the confirmation link when a password reset confirms the address', async () => {
    await createUser(h.db, { email: 'forgetful@example.org', name: 'Fran Forgetful', verified: false });
    await submitForm(h.agent(), '/login', '/verify-email/resend', { email: 'forgetful@example.org' });
    await submitForm(h.agent(), '/forgot-password', '/forgot-password', { email: 'forgetful@example.org' });
    await h.deliverMail();
    const mails = h.sink.messages.filter((m) => m.to.includes('forgetful@example.org'));
    const verifyLink = linkIn(
      mails.find((m) => m.subject === 'Confirm your e-mail address for Laurel')!.text,
      '/verify-email/',
    );
    const resetLink = linkIn(mails.find((m) => m.subject === 'Choose a new Laurel password')!.text, '/reset-password/');

    const reset = await submitForm(h.agent(), resetLink, resetLink, {
      password: 'maple syrup on thursdays',
      confirm: 'maple syrup on thursdays',
    });
    expect(reset.status).to.equal(303);
    const stale = await h.agent().get(verifyLink);
    expect(stale.status).to.equal(410);
    expect(stale.text).to.contain('This link is no longer valid');
  });

  it('shows the form again with a message beside each wrong field, keeping what was typed', async () => {
    const agent = h.agent();
    const res = await submitForm(agent, '/register', '/register', {
      name: '',
      email: 'not-an-address',
      password: 'short',
    });
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('There is a problem');
    expect(res.text).to.contain('Enter your name.');
    expect(res.text).to.contain('Enter an e-mail address like name@school.org.');
    expect(res.text).to.contain('Use at least 10 characters.');
    expect(res.text).to.contain('value="not-an-address"');
    expect(res.text).to.contain('aria-invalid="true"');

    const common = await submitForm(agent, '/register', '/register', {
      name: 'Pat',
      email: 'pat@example.org',
      password: 'password123',
    });
    expect(common.status).to.equal(422);
    expect(common.text).to.contain('This password is too common');
  });

  it('survives hostile and huge input without a 500 and escapes what it shows back', async () => {
    const agent = h.agent();
    const hostile = await submitForm(agent, '/register', '/register', {
      name: '<script>alert(1)</script>'.repeat(20),
      email: '"><img src=x onerror=alert(1)>@x',
      password: STRONG_PASSWORD,
    });
    expect(hostile.status).to.equal(422);
    expect(hostile.text).not.to.contain('<script>alert(1)</script>');
    expect(hostile.text).not.to.contain('<img src=x');
    expect(hostile.text).to.contain('Use at most 120 characters.');

    const huge = await submitForm(agent, '/register', '/register', {
      name: 'x'.repeat(300_000),
      email: 'a@b.co',
      password: STRONG_PASSWORD,
    });
    expect(huge.status).to.equal(413);
    expect(huge.text).to.contain('larger than this form accepts');

    const page = await agent.get('/register');
    const token = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
    const arrays = await agent
      .post('/register')
      .type('form')
      .send(`_csrf=${token}&email=a@b.co&email=c@d.co&name[x]=1&password=`);
    expect(arrays.status).to.equal(422);
  });

  it('does not reveal whether an address already has an account', async () => {
    await createUser(h.db, { email: 'taken@example.org', name: 'Existing Person' });
    const agent = h.agent();
    const res = await submitForm(agent, '/register', '/register', {
      name: 'Impostor',
      email: 'taken@example.org',
      password: STRONG_PASSWORD,
    });
    expect(res.status).to.equal(303);
    expect((await agent.get('/login')).text).to.contain('We sent a link to taken@example.org');
    await h.deliverMail();
    const mail = await h.sink.waitFor((m) => m.to.includes('taken@example.org'));
    expect(mail.subject).to.equal('You already have a Laurel account');
    expect(mail.text).to.contain('Hello Existing Person');
    const [{ count } = { count: 0 }] = await h.db
      .select({ count: sql<number>`count(*)::int` })
      .from(users)
      .where(eq(users.email, 'taken@example.org'));
    expect(count).to.equal(1);
  });

  it('gives anonymous readers of public pages no session row and no session cookie', async () => {
    const before = await h.db.select({ n: sql<number>`count(*)::int` }).from(sessions);
    for (const path of ['/', '/login', '/register', '/forgot-password', '/healthz', '/no-such-page']) {
      const res = await h.agent().get(path);
      const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
      expect(
        cookies.some((c) => c.startsWith('laurel.sid=')),
        path,
      ).to.equal(false);
    }
    const home = await h.agent().get('/');
    expect(home.headers['set-cookie'], 'a page without a form sets no cookie at all').to.equal(undefined);
    const after = await h.db.select({ n: sql<number>`count(*)::int` }).from(sessions);
    expect(after[0]?.n).to.equal(before[0]?.n);
  });
});
