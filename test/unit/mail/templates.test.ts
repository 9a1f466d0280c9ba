import { readdirSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { listUnsubscribeHeader, MAX_SUBJECT_LENGTH, oneLine, subjectLine } from '../../../server/mail/headers.js';
import { MAIL_TEMPLATES } from '../../../server/mail/registry.js';
import { renderMail } from '../../../server/mail/templates.js';
import { SMTP_TIMEOUTS } from '../../../server/mail/transport.js';
import { CLAIM_RENEW_MS, retryDelayMs, STALE_CLAIM_MS } from '../../../server/mail/worker.js';
import { viewsDir } from '../../../server/paths.js';

const BASE_URL = 'http://laurel.test';

/** Anything a stored name could hold: line breaks of every kind, controls, markup, great length. */
const HOSTILE =
  'Lincoln\r\nBcc: attacker@example.org\r\n\r\nHigh \u2028Saint\u2029Mary\tof\u0000the\u001b[31mArts\u0085\v\f ' +
  '<script>alert(1)</script> & "Co" ' +
  'Very Long School Name '.repeat(40);

/** Every field any e-mail template reads, each hostile; `flag` chooses each template's branches. */
function hostileData(flag: boolean): Record<string, unknown> {
  // Counts are numbers (the registry's types): the messages choose their words by them.
  const item = {
    number: 7,
    title: HOSTILE,
    wordCount: 1234,
    fileCount: 1,
    schoolName: HOSTILE,
    isNew: flag,
    submitted: flag,
    state: HOSTILE,
    comments: [HOSTILE, HOSTILE],
  };
  const data: Record<string, unknown> = {
    baseUrl: BASE_URL,
    unsubscribeUrl: flag ? `${BASE_URL}/unsubscribe?e=x&t=y` : undefined,
  };
  for (const field of [
    'name',
    'schoolName',
    'cycleName',
    'roundName',
    'link',
    'deadline',
    'dueDate',
    'submittedAt',
    'citation',
    'honoreeUrl',
    'honoreesUrl',
    'applicationsUrl',
    'levelLabel',
    'requesterName',
    'requesterEmail',
    'reason',
    'subject',
  ]) {
    data[field] = HOSTILE;
  }
  for (const field of [
    'verified',
    'recognized',
    'notSelected',
    'ineligible',
    'withdrawn',
    'notSubmitted',
    'didNotApply',
    'hasComments',
    'siteVisit',
    'blind',
    'approved',
    'asAdmin',
  ])
    data[field] = flag;
  for (const field of ['applicationId', 'total', 'count', 'daysLeft', 'newCount', 'nominators', 'fileCount'])
    data[field] = flag ? 2 : 0;
  return {
    ...data,
    criteria: [item, item],
    criteriaComments: [item],
    items: [item, item],
    paragraphs: [HOSTILE, HOSTILE],
  };
}

describe('e-mail templates', () => {
  it('has a typed entry in server/mail/registry.ts for every template in views/emails, and files for every entry', () => {
    const files = readdirSync(path.join(viewsDir, 'emails'));
    const named = [
      ...new Set(
        files
          .filter((f) => /\.(text|html)\.hbs$/.test(f) && f !== 'layout.html.hbs')
          .map((f) => f.replace(/\.(text|html)\.hbs$/, '')),
      ),
    ];
    expect([...MAIL_TEMPLATES].sort()).to.deep.equal(named.sort());
    for (const name of MAIL_TEMPLATES) {
      expect(files, name).to.include(`${name}.text.hbs`);
      expect(files, name).to.include(`${name}.html.hbs`);
    }
  });

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

describe('e-mail subjects and headers', () => {
  const templates = readdirSync(path.join(viewsDir, 'emails'))
    .filter((file) => file.endsWith('.text.hbs'))
    .map((file) => file.slice(0, -'.text.hbs'.length));

  it('renders every template in views/emails with hostile data into a one-line subject and an escaped html part', () => {
    expect(templates).to.include.members([
      'account-exists',
      'application-submitted',
      'decision-gold',
      'decision-ineligible',
      'decision-not-selected',
      'decision-silver',
      'nomination-confirm',
      'nomination-result',
      'nomination-school-applied',
      'password-reset',
      'review-assignments',
      'review-reminder',
      'reviewer-invitation',
      'school-invitation',
      'verify-email',
    ]);
    for (const name of templates) {
      for (const flag of [true, false]) {
        const mail = renderMail(name, hostileData(flag));
        const label = `${name} (${flag})`;
        expect(mail.subject, label).not.to.match(/[\p{Cc}\u2028\u2029]/u);
        expect(mail.subject, label).not.to.match(/^\s|\s$|\s\s/);
        expect(Array.from(mail.subject).length, label).to.be.within(10, MAX_SUBJECT_LENGTH);
        expect(mail.text, label).not.to.match(/^Subject:/);
        expect(mail.html, label).not.to.contain('<script>');
        expect(mail.html, label).to.contain(
          `<title>${mail.subject.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')}</title>`,
        );
      }
    }
    const gold = renderMail('decision-gold', hostileData(true));
    expect(
      gold.subject.startsWith(
        'Lincoln Bcc: attacker@example.org High Saint Mary of the [31mArts <script>alert(1)</script> & "Co" Very Long School Name',
      ),
    ).to.equal(true);
    expect(gold.subject.endsWith('Name Very Long…')).to.equal(true);
    expect(gold.text, 'the body keeps the data as it is').to.contain(
      'Congratulations: Lincoln\r\nBcc: attacker@example.org\r\n\r\nHigh \u2028Saint',
    );
  });

  it('keeps a short subject whole and cuts a long one at a word, without splitting a character', () => {
    expect(subjectLine('  Saint Mary\u2028Academy\r\n is an honoree\t ')).to.equal('Saint Mary Academy is an honoree');
    const long = subjectLine(`${'word '.repeat(60)}end`);
    expect(long).to.equal(`${'word '.repeat(39)}word…`);
    expect(Array.from(long)).to.have.length(MAX_SUBJECT_LENGTH);
    const emoji = subjectLine('🏫'.repeat(300));
    expect(Array.from(emoji)).to.have.length(MAX_SUBJECT_LENGTH);
    expect(emoji.endsWith('🏫…')).to.equal(true);
    expect(oneLine('Laurel\r\nBcc: x@example.org <no-reply@laurel.test>')).to.equal(
      'Laurel Bcc: x@example.org <no-reply@laurel.test>',
    );
  });

  it('builds List-Unsubscribe as one line of printable ASCII, or leaves it out', () => {
    expect(listUnsubscribeHeader(`${BASE_URL}/unsubscribe?e=YQ&t=abc`)).to.equal(
      `<${BASE_URL}/unsubscribe?e=YQ&t=abc>`,
    );
    expect(listUnsubscribeHeader(`${BASE_URL}/unsubscribe?e=YQ&t=abc\r\nBcc: x@example.org`)).to.equal(
      `<${BASE_URL}/unsubscribe?e=YQ&t=abc%20Bcc:%20x@example.org>`,
    );
    expect(listUnsubscribeHeader(`${BASE_URL}/unsub\u2028scribe`)).to.equal(`<${BASE_URL}/unsub%20scribe>`);
    for (const bad of [null, undefined, '', 'not a url', 'javascript:alert(1)', 'mailto:x@example.org']) {
      expect(listUnsubscribeHeader(bad), String(bad)).to.equal(undefined);
    }
  });
});

describe('outbox timing', () => {
  it('ends every SMTP wait well before a claim goes stale, and renews a claim several times within that time', () => {
    expect(STALE_CLAIM_MS).to.equal(60_000);
    expect(Math.max(...Object.values(SMTP_TIMEOUTS)) * 2).to.be.at.most(STALE_CLAIM_MS);
    expect(CLAIM_RENEW_MS * 3).to.be.at.most(STALE_CLAIM_MS);
  });
});

describe('retryDelayMs', () => {
  it('doubles from 30 seconds after each failed attempt and stops growing at one hour', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 50].map((attempts) => retryDelayMs(attempts) / 1000);
    expect(delays).to.deep.equal([30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600, 3600]);
    expect(retryDelayMs(0)).to.equal(30_000);
  });
});
