// The one-time message cookie, like the session and CSRF cookies, must be host-only and Secure in
// production: a sibling subdomain could otherwise plant or overwrite it.
import { expect } from 'chai';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { csrfTokenFrom, readable } from '../../helpers/forms.js';

const cookiesOf = (res: { headers: Record<string, unknown> }) =>
  ([] as string[]).concat((res.headers['set-cookie'] as string[] | undefined) ?? []);

describe('the flash cookie in production', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ config: { isProduction: true, baseUrl: 'https://laurel.example.org', trustProxy: true } });
  });
  after(() => h.close());

  it('is __Host- prefixed, Secure, on Path=/ with no Domain, and cleared the same way', async () => {
    // A cookie agent would not send Secure cookies over plain HTTP; pass them on by hand.
    const page = await h.agent().get('/forgot-password').set('X-Forwarded-Proto', 'https');
    const csrfCookie = cookiesOf(page)
      .map((c) => c.split(';')[0])
      .join('; ');
    const sent = await h
      .agent()
      .post('/forgot-password')
      .set('X-Forwarded-Proto', 'https')
      .set('Cookie', csrfCookie)
      .type('form')
      .send({ _csrf: csrfTokenFrom(page.text), email: 'someone@example.org' });
    expect(sent.status).to.equal(303);

    const flash = cookiesOf(sent).filter((c) => c.includes('laurel.flash='));
    expect(flash).to.have.length(1);
    expect(flash[0]).to.match(
      /^__Host-laurel\.flash=s%3A[^;]+; Max-Age=300; Path=\/; Expires=[^;]+; HttpOnly; Secure; SameSite=Lax$/,
    );
    expect(flash[0]).not.to.match(/Domain=/i);

    const shown = await h
      .agent()
      .get('/login')
      .set('X-Forwarded-Proto', 'https')
      .set('Cookie', flash[0]!.split(';')[0]!);
    expect(readable(shown.text)).to.contain(
      'If someone@example.org has an account, a link to choose a new password is on its way.',
    );
    const cleared = cookiesOf(shown).filter((c) => c.includes('laurel.flash='));
    expect(cleared).to.have.length(1);
    expect(cleared[0]).to.match(
      /^__Host-laurel\.flash=; Path=\/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=Lax$/,
    );
  });
});
