import { expect } from 'chai';
import { eq } from 'drizzle-orm';
import { outbox } from '../../../models/schema.js';
import { mailSettingsFor } from '../../../server/context.js';
import { enqueueMail } from '../../../server/mail/outbox.js';
import { processOutboxOnce } from '../../../server/mail/worker.js';
import { startHarness, TEST_BASE_URL, TEST_MAIL_FROM, type Harness } from '../../helpers/harness.js';
import type { ReceivedMail } from '../../helpers/smtp-sink.js';

const SESSION_SECRET = 'test-session-secret-that-is-long-enough-0123456789';

/** Headers nodemailer writes for our messages; an injected line would add another. */
const EXPECTED_HEADERS = [
  'content-type',
  'date',
  'from',
  'list-unsubscribe',
  'list-unsubscribe-post',
  'message-id',
  'mime-version',
  'subject',
  'to',
  'x-laurel-outbox-id',
  'content-transfer-encoding',
];

/** The header as received, unfolded (nodemailer folds long lines with CRLF and a space, as RFC 5322 allows). */
function headerText(mail: ReceivedMail, name: string): string {
  const lines = mail.headerLines.filter((l) => l.key === name);
  expect(lines, name).to.have.length(1);
  return lines[0]!.line
    .replace(/\r?\n[ \t]/g, '')
    .slice(name.length + 1)
    .trim();
}

function expectOnlyOurHeaders(mail: ReceivedMail) {
  const keys = mail.headerLines.map((l) => l.key);
  expect(EXPECTED_HEADERS).to.include.members(keys);
  expect(new Set(keys).size, 'no header twice').to.equal(keys.length);
}

describe('mail headers built from stored data', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  it('delivers a message whose data has line breaks with a one-line subject and no injected header or recipient', async () => {
    const id = await enqueueMail(
      h.db,
      mailSettingsFor({ baseUrl: TEST_BASE_URL, mailFrom: TEST_MAIL_FROM, sessionSecret: SESSION_SECRET }, h.clock),
      {
        to: 'head@example.org',
        template: 'school-invitation',
        data: {
          schoolName: 'Lincoln\r\nBcc: attacker@example.org\r\n\r\nHigh\u2028School',
          cycleName: 'Schools of\nOpportunity\u20292027',
          nominators: 2,
          deadline: 'Mon, 15 Mar 2027 23:59:59 GMT',
          link: `${TEST_BASE_URL}/invitations/abc`,
        },
      },
    );
    expect(id).to.be.a('number');
    // A From setting with a line break, as a mistyped environment variable could hold.
    const hostileFrom = 'Laurel\r\nBcc: attacker@example.org <no-reply@laurel.test>';
    expect(
      await processOutboxOnce({ db: h.db, transport: h.transport, mailFrom: hostileFrom, clock: h.clock }),
    ).to.equal(1);

    const [row] = await h.db.select().from(outbox).where(eq(outbox.id, id!));
    const mail = await h.sink.waitFor((m) => m.messageId === row?.messageId);
    expect(mail.subject).to.equal(
      'Lincoln Bcc: attacker@example.org High School is invited to apply to Schools of Opportunity 2027',
    );
    expect(row?.subject).to.equal(mail.subject);
    expect(mail.to).to.deep.equal(['head@example.org']);
    expectOnlyOurHeaders(mail);
    expect(headerText(mail, 'from')).to.equal('"Laurel Bcc: attacker@example.org" <no-reply@laurel.test>');
    expect(headerText(mail, 'list-unsubscribe')).to.match(
      /^<http:\/\/laurel\.test\/unsubscribe\?e=[\w-]+&t=[\w-]{43}&lang=en>$/,
    );
    expect(
      mail.text.startsWith(
        'Hello,\n\n2 members of your community nominated Lincoln\nBcc: attacker@example.org\n\nHigh\u2028School',
      ),
    ).to.equal(true);
    expect(h.sink.messages.filter((m) => m.to.includes('attacker@example.org'))).to.deep.equal([]);
  });

  it('folds a stored subject and unsubscribe link that hold line breaks before nodemailer sees them', async () => {
    const id = await enqueueMail(
      h.db,
      { baseUrl: TEST_BASE_URL, mailFrom: TEST_MAIL_FROM, clock: h.clock },
      {
        to: 'stored@example.org',
        template: 'nomination-school-applied',
        data: { name: 'Nia', schoolName: 'Harbor High' },
      },
    );
    // Rows written before this fix, or by hand, are sent as they are stored.
    await h.db
      .update(outbox)
      .set({
        subject: 'Harbor\r\nBcc: attacker@example.org\r\n\r\nHigh has applied',
        unsubscribeUrl: `${TEST_BASE_URL}/unsubscribe?e=x&t=y\r\nBcc: attacker@example.org`,
      })
      .where(eq(outbox.id, id!));
    expect(await h.deliverMail()).to.equal(1);
    const [row] = await h.db.select().from(outbox).where(eq(outbox.id, id!));
    const mail = await h.sink.waitFor((m) => m.messageId === row?.messageId);
    expect(mail.subject).to.equal('Harbor Bcc: attacker@example.org High has applied');
    expect(headerText(mail, 'list-unsubscribe')).to.equal(
      `<${TEST_BASE_URL}/unsubscribe?e=x&t=y%20Bcc:%20attacker@example.org>`,
    );
    expectOnlyOurHeaders(mail);
    expect(mail.to).to.deep.equal(['stored@example.org']);
    expect(mail.text).to.contain('Hello Nia,');
  });
});
