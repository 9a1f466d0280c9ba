import { expect } from 'chai';
import { renderMail } from '../../server/mail/templates.js';
import { retryDelayMs } from '../../server/mail/worker.js';

const BASE_URL = 'http://laurel.test';

describe('e-mail templates', () => {
  it('takes the subject from the first line of the text template and leaves it out of the body', () => {
    const mail = renderMail('password-reset', {
      name: 'Ana Reyes',
      link: `${BASE_URL}/reset-password/abc123`,
      baseUrl: BASE_URL,
    });
    expect(mail.subject).to.equal('Choose a new Laurel password');
    expect(mail.text).not.to.contain('Subject:');
    expect(mail.text.split('\n').slice(0, 3)).to.deep.equal([
      'Hello Ana Reyes,',
      '',
      'Someone asked to reset the password of your account. To choose a new one, open this link:',
    ]);
    expect(mail.text).to.contain(`\n${BASE_URL}/reset-password/abc123\n`);
    expect(mail.html).to.contain('<title>Choose a new Laurel password</title>');
    expect(mail.html).to.contain(`<a href="${BASE_URL}/reset-password/abc123"`);
    expect(mail.html).to.contain(`Sent by Laurel · <a href="${BASE_URL}"`);
  });

  it('escapes HTML in the html part but not in the text part', () => {
    const mail = renderMail('verify-email', {
      name: 'Mallory <b>Bold</b> & "Co"',
      link: `${BASE_URL}/verify-email/xyz`,
      baseUrl: BASE_URL,
    });
    expect(mail.text).to.contain('Hello Mallory <b>Bold</b> & "Co",');
    expect(mail.html).to.contain('Mallory &lt;b&gt;Bold&lt;/b&gt; &amp; &quot;Co&quot;');
    expect(mail.html).not.to.contain('<b>Bold</b>');
  });

  it('chooses the text by the data it is given', () => {
    const verified = renderMail('account-exists', { name: 'Lee', verified: true, baseUrl: BASE_URL });
    expect(verified.subject).to.equal('You already have a Laurel account');
    expect(verified.text).to.contain(`choose a new one at ${BASE_URL}/forgot-password`);
    const unverified = renderMail('account-exists', { name: 'Lee', verified: false, baseUrl: BASE_URL });
    expect(unverified.text).to.contain('Your address is not confirmed yet.');
    expect(unverified.text).not.to.contain('/forgot-password');
  });

  it('refuses a template that does not exist, a name that climbs out of views/emails, and missing data', () => {
    expect(() => renderMail('no-such-message', { baseUrl: BASE_URL })).to.throw(/ENOENT.*no-such-message\.text\.hbs/);
    for (const name of ['../x', '../emails/password-reset', 'layout.html', 'Password-Reset', '']) {
      expect(() => renderMail(name, { name: 'x', link: 'y', baseUrl: BASE_URL }), name).to.throw(
        `Bad e-mail template name: ${name}`,
      );
    }
    expect(() => renderMail('password-reset', { name: 'Ana', baseUrl: BASE_URL })).to.throw(/"link" not defined/);
  });
});

describe('retryDelayMs', () => {
  it('doubles from 30 seconds after each failed attempt and stops growing at one hour', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 50].map((attempts) => retryDelayMs(attempts) / 1000);
    expect(delays).to.deep.equal([30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600, 3600]);
    expect(retryDelayMs(0)).to.equal(30_000);
  });
});
