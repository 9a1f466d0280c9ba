import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';
import { expect } from 'chai';
import { desc, eq } from 'drizzle-orm';
import { simpleParser } from 'mailparser';
import { outbox } from '../../../models/schema.js';
import { mailSettingsFor } from '../../../server/context.js';
import { enqueueMail } from '../../../server/mail/outbox.js';
import { emlPath, fileTransport, smtpTransport } from '../../../server/mail/transport.js';
import { MAX_ATTEMPTS, processOutboxOnce } from '../../../server/mail/worker.js';
import { createUser, signIn, STRONG_PASSWORD } from '../../helpers/factories.js';
import { asText, linkIn, submitForm } from '../../helpers/forms.js';
import { startHarness, TEST_BASE_URL, TEST_MAIL_FROM, type Harness } from '../../helpers/harness.js';
import type { MailOf, MailTemplate } from '../../../server/mail/registry.js';

const SESSION_SECRET = 'test-session-secret-that-is-long-enough-0123456789';
const NEW_PASSWORD = 'maple syrup on thursdays';

/** The signature of an unsubscribe link (its `t` parameter). */
function signatureOf(url: string | null | undefined): string {
  const t = url ? new URL(url).searchParams.get('t') : null;
  if (!t) throw new Error(`No signed unsubscribe link: ${url}`);
  return t;
}

describe('secret links in the outbox', () => {
  let h: Harness;
  let admin: ReturnType<Harness['agent']>;
  const mail = () =>
    mailSettingsFor({ baseUrl: TEST_BASE_URL, mailFrom: TEST_MAIL_FROM, sessionSecret: SESSION_SECRET }, h.clock);

  /** Every admin page that shows the outbox, as one text: the list and each message's page. */
  async function adminPages(): Promise<string> {
    const list = await admin.get('/admin/outbox');
    expect(list.status).to.equal(200);
    const ids = [...list.text.matchAll(/href="\/admin\/outbox\/(\d+)"/g)].map((m) => m[1]!);
    const pages = await Promise.all(ids.map((id) => admin.get(`/admin/outbox/${id}`)));
    for (const page of pages) expect(page.status).to.equal(200);
    return [list.text, ...pages.map((p) => p.text)].join('\n');
  }

  before(async () => {
    h = await startHarness();
    await createUser(h.db, { email: 'admin@example.org', name: 'Ada Admin', roles: ['admin'] });
    await createUser(h.db, { email: 'ana@example.org', name: 'Ana Reyes' });
    admin = h.agent();
    expect((await signIn(admin, 'admin@example.org')).status).to.equal(303);
  });
  after(() => h.close());
  beforeEach(() => h.db.delete(outbox));

  it('keeps a password reset link out of the admin pages, delivers it whole, and hides it in the stored copy once sent', async () => {
    expect(
      (await submitForm(h.agent(), '/forgot-password', '/forgot-password', { email: 'ana@example.org' })).status,
    ).to.equal(303);
    const [queued] = await h.db
      .select()
      .from(outbox)
      .where(eq(outbox.toAddress, 'ana@example.org'))
      .orderBy(desc(outbox.id));
    expect(queued?.status).to.equal('pending');
    const link = linkIn(queued!.textBody, '/reset-password/');
    const token = link.split('/').pop()!;
    expect(token).to.have.length(43);
    const signature = signatureOf(queued!.unsubscribeUrl);

    const waiting = await adminPages();
    expect(waiting).to.contain('Choose a new Laurel password');
    expect(waiting).to.contain(`${TEST_BASE_URL}/reset-password/[hidden]`);
    expect(waiting).to.contain("Only the recipient's copy has them.");
    expect(waiting).not.to.contain(token);
    expect(waiting).not.to.contain(signature);

    expect(await h.deliverMail()).to.equal(1);
    const received = await h.sink.waitFor((m) => m.messageId === queued!.messageId);
    expect(received.text).to.contain(`${TEST_BASE_URL}${link}`);
    expect(received.html).to.contain(`href="${TEST_BASE_URL}${link}"`);
    expect(received.text).to.contain(signature);

    const [sent] = await h.db.select().from(outbox).where(eq(outbox.id, queued!.id));
    expect(sent?.status).to.equal('sent');
    const stored = JSON.stringify(sent);
    expect(stored).not.to.contain(token);
    expect(stored).not.to.contain(signature);
    expect(sent?.textBody).to.equal(queued!.textBody.replace(token, '[hidden]').replace(signature, '[hidden]'));
    expect(sent?.htmlBody).to.contain(`href="${TEST_BASE_URL}/reset-password/[hidden]"`);
    const afterwards = await adminPages();
    expect(afterwards).not.to.contain(token);
    expect(afterwards).not.to.contain(signature);

    const agent = h.agent();
    const form = await agent.get(link);
    expect(form.status).to.equal(200);
    expect(form.text).to.contain('Choose a new password');
    const changed = await submitForm(agent, link, link, { password: NEW_PASSWORD, confirm: NEW_PASSWORD });
    expect(changed.status).to.equal(303);
    expect((await signIn(h.agent(), 'ana@example.org', NEW_PASSWORD)).headers.location).to.equal('/');
    expect(
      (await signIn(h.agent(), 'ana@example.org', STRONG_PASSWORD)).status,
      'the old password no longer works',
    ).to.equal(401);
  });

  it('hides every kind of link that acts for its recipient, in the admin pages, the .eml download and the stored copy', async () => {
    const tokens: string[] = [];
    const linkTo = (prefix: string, suffix = '') => {
      const token = randomBytes(32).toString('base64url');
      tokens.push(token);
      return `${TEST_BASE_URL}/${prefix}/${token}${suffix}`;
    };
    const messages: Array<MailOf<MailTemplate>> = [
      {
        to: 'new@example.org',
        template: 'verify-email',
        data: { name: 'Nora', link: linkTo('verify-email', '?next=%2Fapplications%2Fnew') },
      },
      { to: 'ana@example.org', template: 'password-reset', data: { name: 'Ana', link: linkTo('reset-password') } },
      {
        to: 'head@example.org',
        template: 'school-invitation',
        data: {
          schoolName: 'Harbor High',
          cycleName: 'SoO 2027',
          nominators: 2,
          deadline: 'soon',
          link: linkTo('invitations'),
        },
      },
      {
        to: 'rev@example.org',
        template: 'reviewer-invitation',
        data: { cycleName: 'SoO 2027', deadline: 'soon', link: linkTo('reviewer-invitations') },
      },
      {
        to: 'parent@example.org',
        template: 'nomination-confirm',
        data: {
          name: 'Pat',
          schoolName: 'Harbor High',
          cycleName: 'SoO 2027',
          fileCount: 0,
          link: linkTo('nominations/confirm'),
        },
      },
    ];
    const ids: number[] = [];
    for (const message of messages) ids.push((await enqueueMail(h.db, mail(), message))!);
    const rows = await h.db.select().from(outbox);
    const secrets = [...tokens, ...rows.map((r) => signatureOf(r.unsubscribeUrl))];
    expect(secrets).to.have.length(10);
    for (const secret of secrets)
      expect(JSON.stringify(rows), 'the pending rows still hold the links').to.contain(secret);

    const before = await adminPages();
    expect(before.match(/\[hidden\]/g)?.length).to.be.at.least(10);
    for (const secret of secrets) expect(before).not.to.contain(secret);

    // Development: no SMTP server, the .eml files are the recipients' mailboxes.
    const outboxDir = path.join(h.dataDir, 'outbox');
    const files = fileTransport(outboxDir);
    expect(await processOutboxOnce({ db: h.db, transport: files, mailFrom: TEST_MAIL_FROM, clock: h.clock })).to.equal(
      5,
    );
    const delivered = (
      await Promise.all(ids.map(async (id) => simpleParser(readFileSync(emlPath(outboxDir, id)))))
    ).map((p) => `${p.text}\n${p.html}`);
    for (const secret of secrets) expect(delivered.join('\n'), 'the recipient has the link').to.contain(secret);

    const after = await adminPages();
    const downloads: string[] = [];
    for (const id of ids) {
      const raw = await admin.get(`/admin/outbox/${id}/raw`).buffer(true).parse(asText);
      expect(raw.status).to.equal(200);
      const parsed = await simpleParser(raw.body as string);
      expect(parsed.text).to.contain('[hidden]');
      expect(parsed.subject).to.equal(rows.find((r) => r.id === id)?.subject);
      downloads.push(raw.body as string, parsed.text ?? '', String(parsed.html));
    }
    const stored = JSON.stringify(await h.db.select().from(outbox));
    for (const secret of secrets) {
      expect(after, 'admin pages').not.to.contain(secret);
      expect(downloads.join('\n'), 'admin downloads').not.to.contain(secret);
      expect(stored, 'outbox rows').not.to.contain(secret);
    }
  });

  it('hides the link of a message given up for good, which will never be sent', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const token = randomBytes(32).toString('base64url');
    const id = await enqueueMail(h.db, mail(), {
      to: 'gone@example.org',
      template: 'password-reset',
      data: { name: 'Gone', link: `${TEST_BASE_URL}/reset-password/${token}` },
    });
    await h.db
      .update(outbox)
      .set({ attempts: MAX_ATTEMPTS - 1 })
      .where(eq(outbox.id, id!));
    const down = smtpTransport(`smtp://127.0.0.1:${port}`);
    try {
      expect(await processOutboxOnce({ db: h.db, transport: down, mailFrom: TEST_MAIL_FROM, clock: h.clock })).to.equal(
        0,
      );
    } finally {
      down.close();
    }
    const [row] = await h.db.select().from(outbox).where(eq(outbox.id, id!));
    expect(row?.status).to.equal('failed');
    expect(row?.textBody).to.contain(`${TEST_BASE_URL}/reset-password/[hidden]`);
    expect(JSON.stringify(row)).not.to.contain(token);
  });
});
