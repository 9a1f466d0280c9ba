import { readFileSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';
import { expect } from 'chai';
import { eq, sql } from 'drizzle-orm';
import { outbox } from '../../../models/schema.js';
import type { Database } from '../../../server/db/client.js';
import { enqueueMail, type MailSettings } from '../../../server/mail/outbox.js';
import { emlPath, fileTransport, smtpTransport, type MailTransport } from '../../../server/mail/transport.js';
import { MAX_ATTEMPTS, processOutboxOnce } from '../../../server/mail/worker.js';
import { createUser, signIn } from '../../helpers/factories.js';
import { TEST_BASE_URL, TEST_MAIL_FROM, startHarness, type Harness } from '../../helpers/harness.js';
import { startSmtpSink } from '../../helpers/smtp-sink.js';
import { asText } from '../../helpers/forms.js';

const START = new Date('2026-11-22T12:00:00Z');
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const SECOND = 1000;
const MINUTE = 60 * SECOND;

/** A loopback port where nothing listens: SMTP connections to it are refused. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function outboxRow(db: Database, id: number) {
  const [row] = await db.select().from(outbox).where(eq(outbox.id, id));
  if (!row) throw new Error(`No outbox row ${id}`);
  return row;
}

function mailSettings(h: Harness): MailSettings {
  return { baseUrl: TEST_BASE_URL, mailFrom: TEST_MAIL_FROM, clock: h.clock };
}

async function queueReset(h: Harness, to: string, name = 'Ana Reyes', db: Database = h.db): Promise<number> {
  const id = await enqueueMail(db, mailSettings(h), {
    to,
    template: 'password-reset',
    data: { name, link: `${TEST_BASE_URL}/reset-password/token-for-${name.replace(/\W/g, '')}` },
  });
  if (id === undefined) throw new Error('The message was not queued');
  return id;
}

function runWorker(h: Harness, transport: MailTransport, limit?: number): Promise<number> {
  return processOutboxOnce({ db: h.db, transport, mailFrom: TEST_MAIL_FROM, clock: h.clock }, limit);
}

describe('the mail outbox worker', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());
  beforeEach(async () => {
    await h.db.delete(outbox);
    h.clock.set(START);
  });

  it('keeps a message while the SMTP server is down and delivers it once when it is back', async () => {
    const port = await closedPort();
    const transport = smtpTransport(`smtp://127.0.0.1:${port}`);
    const id = await queueReset(h, 'ana@example.org');
    const queued = await outboxRow(h.db, id);
    let sink: Awaited<ReturnType<typeof startSmtpSink>> | undefined;
    try {
      expect(await runWorker(h, transport)).to.equal(0);
      const waiting = await outboxRow(h.db, id);
      expect(waiting.status).to.equal('pending');
      expect(waiting.attempts).to.equal(1);
      expect(waiting.lastError).to.contain('ECONNREFUSED');
      expect(waiting.nextAttemptAt.toISOString()).to.equal(new Date(START.getTime() + 30 * SECOND).toISOString());

      expect(await runWorker(h, transport), 'not due yet').to.equal(0);
      expect((await outboxRow(h.db, id)).attempts).to.equal(1);

      h.clock.advance(31 * SECOND);
      sink = await startSmtpSink(port);
      expect(await runWorker(h, transport)).to.equal(1);
      expect(await runWorker(h, transport), 'a sent message is not sent again').to.equal(0);

      const sent = await outboxRow(h.db, id);
      expect(sent.status).to.equal('sent');
      expect(sent.attempts).to.equal(2);
      expect(sent.lastError).to.equal(null);
      expect(sent.sentAt?.toISOString()).to.equal(h.clock().toISOString());
      expect(sink.messages).to.have.length(1);
      const [mail] = sink.messages;
      expect(mail?.messageId).to.equal(sent.messageId);
      expect(mail?.to).to.deep.equal(['ana@example.org']);
      expect(mail?.from).to.equal('no-reply@laurel.test');
      expect(mail?.subject).to.equal('Choose a new Laurel password');
      expect(mail?.text.trim()).to.equal(queued.textBody.trim());
      expect(mail?.text).to.contain('Hello Ana Reyes,');
      expect(mail?.text).to.contain(`${TEST_BASE_URL}/reset-password/token-for-AnaReyes`);
      expect(mail?.headers.get('x-laurel-outbox-id')).to.equal(String(id));
    } finally {
      transport.close();
      await sink?.close();
    }
  });

  it('waits twice as long after each failure and gives up for good after MAX_ATTEMPTS', async () => {
    const transport = smtpTransport(`smtp://127.0.0.1:${await closedPort()}`);
    const id = await queueReset(h, 'unlucky@example.org');
    const delays: number[] = [];
    try {
      for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
        expect(await runWorker(h, transport)).to.equal(0);
        const row = await outboxRow(h.db, id);
        expect(row.attempts).to.equal(attempt);
        expect(row.status).to.equal(attempt < MAX_ATTEMPTS ? 'pending' : 'failed');
        const delay = row.nextAttemptAt.getTime() - h.clock().getTime();
        delays.push(delay / SECOND);
        h.clock.advance(delay - 1);
        expect(await runWorker(h, transport), `one millisecond early for attempt ${attempt + 1}`).to.equal(0);
        h.clock.advance(1);
      }
    } finally {
      transport.close();
    }
    expect(MAX_ATTEMPTS).to.equal(10);
    expect(delays).to.deep.equal([30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]);

    h.clock.advance(24 * 60 * MINUTE);
    expect(await runWorker(h, h.transport), 'a failed message is never tried again').to.equal(0);
    const failed = await outboxRow(h.db, id);
    expect(failed.status).to.equal('failed');
    expect(failed.attempts).to.equal(MAX_ATTEMPTS);
    expect(failed.lastError).to.contain('ECONNREFUSED');
    expect(h.sink.messages.some((m) => m.messageId === failed.messageId)).to.equal(false);
  });

  it('lets two workers run at once without sending any message twice', async () => {
    const ids: number[] = [];
    for (let n = 1; n <= 12; n += 1) ids.push(await queueReset(h, `parallel-${n}@example.org`, `Person ${n}`));
    const first = smtpTransport(h.sink.url);
    const second = smtpTransport(h.sink.url);
    try {
      const counts = await Promise.all([runWorker(h, first), runWorker(h, second)]);
      expect(counts[0] + counts[1]).to.equal(12);
    } finally {
      first.close();
      second.close();
    }
    for (const id of ids) {
      const row = await outboxRow(h.db, id);
      expect(row.status).to.equal('sent');
      expect(row.attempts, `message ${id} was claimed once`).to.equal(1);
      const copies = h.sink.messages.filter((m) => m.messageId === row.messageId);
      expect(
        copies.map((m) => m.to),
        `message ${id}`,
      ).to.deep.equal([[row.toAddress]]);
    }
  });

  it('takes back a message a dead worker left in "sending" over a minute ago, with the same Message-ID', async () => {
    const staleId = await queueReset(h, 'stale@example.org', 'Stale Claim');
    const busyId = await queueReset(h, 'busy@example.org', 'Busy Claim');
    const claim = (id: number, secondsAgo: number) =>
      h.db
        .update(outbox)
        .set({ status: 'sending', attempts: 1, claimedAt: new Date(h.clock().getTime() - secondsAgo * SECOND) })
        .where(eq(outbox.id, id));
    await claim(staleId, 61);
    await claim(busyId, 20);

    expect(await h.deliverMail()).to.equal(1);
    const stale = await outboxRow(h.db, staleId);
    expect(stale.status).to.equal('sent');
    expect(stale.attempts).to.equal(2);
    const copies = h.sink.messages.filter((m) => m.messageId === stale.messageId);
    expect(copies).to.have.length(1);
    expect(copies[0]?.text).to.contain('Hello Stale Claim,');

    const busy = await outboxRow(h.db, busyId);
    expect(busy.status, 'a claim 20 seconds old may still be in progress').to.equal('sending');
    expect(busy.attempts).to.equal(1);
    expect(h.sink.messages.some((m) => m.messageId === busy.messageId)).to.equal(false);
  });

  it('delivers each message exactly once when the SMTP server goes down and comes back on the same port', async () => {
    const ids: number[] = [];
    for (let n = 1; n <= 3; n += 1) ids.push(await queueReset(h, `outage-${n}@example.org`, `Outage ${n}`));
    const before = h.sink.messages.length;
    await h.sink.stop();
    try {
      expect(await h.deliverMail()).to.equal(0);
      const first = await outboxRow(h.db, ids[0]!);
      expect(first.status).to.equal('pending');
      expect(first.attempts).to.equal(1);
      expect(first.lastError).to.contain('ECONNREFUSED');
      expect(first.nextAttemptAt.toISOString()).to.equal(new Date(START.getTime() + 30 * SECOND).toISOString());
      for (const id of ids.slice(1)) {
        expect((await outboxRow(h.db, id)).attempts, 'the round stops at the first failure').to.equal(0);
      }
      h.clock.advance(10 * SECOND);
      expect(await h.deliverMail(), 'still down').to.equal(0);
      expect((await outboxRow(h.db, ids[1]!)).attempts).to.equal(1);
    } finally {
      await h.sink.restart();
    }
    h.clock.advance(31 * SECOND);
    expect(await h.deliverMail()).to.equal(3);
    h.clock.advance(2 * MINUTE);
    expect(await h.deliverMail(), 'nothing is sent twice').to.equal(0);
    const arrived = h.sink.messages.slice(before);
    for (const id of ids) {
      const row = await outboxRow(h.db, id);
      expect(row.status).to.equal('sent');
      expect(
        arrived.filter((m) => m.messageId === row.messageId).map((m) => m.to),
        `message ${id}`,
      ).to.deep.equal([[row.toAddress]]);
    }
    expect(arrived).to.have.length(3);
  });

  it('keeps a slow send alive by renewing its claim, so another worker never sends it a second time', async () => {
    const slowSink = await startSmtpSink(0, { replyDelayMs: 1_500 });
    const slow = smtpTransport(slowSink.url);
    const id = await queueReset(h, 'slow@example.org', 'Slow Server');
    try {
      const sending = processOutboxOnce({
        db: h.db,
        transport: slow,
        mailFrom: TEST_MAIL_FROM,
        clock: h.clock,
        claimRenewMs: 50,
      });
      for (let i = 0; i < 100 && (await outboxRow(h.db, id)).status !== 'sending'; i += 1) await delay(10);
      // Longer than any stale time passes while the server takes its time answering.
      h.clock.advance(11 * MINUTE);
      for (let i = 0; i < 100 && (await outboxRow(h.db, id)).claimedAt?.getTime() !== h.clock().getTime(); i += 1)
        await delay(10);
      expect((await outboxRow(h.db, id)).claimedAt?.toISOString(), 'the claim was renewed').to.equal(
        h.clock().toISOString(),
      );
      expect(await h.deliverMail(), 'another worker leaves the message alone').to.equal(0);
      expect((await outboxRow(h.db, id)).status).to.equal('sending');
      expect(await sending).to.equal(1);
    } finally {
      slow.close();
      await slowSink.close();
    }
    const row = await outboxRow(h.db, id);
    expect(row.status).to.equal('sent');
    expect(row.attempts).to.equal(1);
    expect(slowSink.messages.filter((m) => m.messageId === row.messageId)).to.have.length(1);
    expect(h.sink.messages.some((m) => m.messageId === row.messageId)).to.equal(false);
  });

  it('queues no e-mail when the transaction that asked for it is rolled back', async () => {
    let caught: unknown;
    try {
      await h.db.transaction(async (tx) => {
        await queueReset(h, 'rolled-back@example.org', 'Rolled Back', tx);
        throw new Error('the change was refused');
      });
    } catch (error) {
      caught = error;
    }
    expect((caught as Error | undefined)?.message).to.equal('the change was refused');
    await h.db.transaction(async (tx) => {
      await queueReset(h, 'committed@example.org', 'Committed', tx);
    });
    const rows = await h.db.select({ to: outbox.toAddress }).from(outbox);
    expect(rows).to.deep.equal([{ to: 'committed@example.org' }]);
  });

  it('writes DATA_DIR/outbox/<id>.eml when there is no SMTP server', async () => {
    const outboxDir = path.join(h.dataDir, 'outbox');
    const files = fileTransport(outboxDir);
    const id = await queueReset(h, 'file@example.org', 'File Reader');
    try {
      expect(await runWorker(h, files)).to.equal(1);
    } finally {
      files.close();
    }
    const row = await outboxRow(h.db, id);
    expect(row.status).to.equal('sent');
    const eml = readFileSync(emlPath(outboxDir, id), 'utf8');
    expect(eml).to.match(/^Subject: Choose a new Laurel password$/m);
    expect(eml).to.match(/^To: file@example\.org$/m);
    expect(eml).to.match(/^From: Laurel Test <no-reply@laurel\.test>$/m);
    expect(eml).to.contain(`Message-ID: ${row.messageId}`);
    expect(eml).to.contain('Hello File Reader,');
  });
});

function outboxLinks(html: string): string[] {
  return [...html.matchAll(/href="\/admin\/outbox\/(\d+)"/g)].map((m) => m[1]!);
}

describe('/admin/outbox', () => {
  let h: Harness;
  let admin: ReturnType<Harness['agent']>;
  before(async () => {
    h = await startHarness();
    await createUser(h.db, { email: 'admin@example.org', name: 'Ada Admin', roles: ['admin'] });
    admin = h.agent();
    expect((await signIn(admin, 'admin@example.org')).status).to.equal(303);
  });
  after(() => h.close());

  it('sends anonymous visitors to sign in and tells an applicant why they may not enter', async () => {
    await queueReset(h, 'secret@example.org', 'Secret Person');
    const anonymous = h.agent();
    const redirected = await anonymous.get('/admin/outbox');
    expect(redirected.status).to.equal(303);
    expect(redirected.headers.location).to.equal('/login?next=%2Fadmin%2Foutbox');
    expect((await anonymous.get(redirected.headers.location!)).text).to.contain('Please sign in to continue.');

    await createUser(h.db, { email: 'applicant@example.org', roles: ['applicant'] });
    const applicant = h.agent();
    await signIn(applicant, 'applicant@example.org');
    for (const page of ['/admin/outbox', '/admin/outbox/1', '/admin/outbox/1/raw']) {
      const refused = await applicant.get(page);
      expect(refused.status, page).to.equal(403);
      expect(refused.text, page).to.contain('This page is for admins of the program, and your account is not one.');
      expect(refused.text, page).not.to.contain('secret@example.org');
    }
    await h.db.delete(outbox);
  });

  it('lists every message with its state, shows its text and offers the .eml when there is one', async () => {
    const sentId = await queueReset(h, 'delivered@example.org', 'Delivered Person');
    const failedId = await queueReset(h, 'bounced@example.org', 'Bounced Person');
    const pendingId = await enqueueMail(h.db, mailSettings(h), {
      to: 'waiting@example.org',
      template: 'verify-email',
      data: { name: 'Waiting <b>Person</b>', link: `${TEST_BASE_URL}/verify-email/abc` },
    });
    const files = fileTransport(path.join(h.dataDir, 'outbox'));
    try {
      expect(await runWorker(h, files, 1)).to.equal(1);
    } finally {
      files.close();
    }
    await h.db
      .update(outbox)
      .set({ status: 'failed', attempts: MAX_ATTEMPTS, lastError: '550 Mailbox unavailable' })
      .where(eq(outbox.id, failedId));

    const list = await admin.get('/admin/outbox');
    expect(list.status).to.equal(200);
    expect(list.text).to.contain('Pending: 1 · Sending: 0 · Sent: 1 · Failed: 1');
    expect(outboxLinks(list.text), 'newest first').to.deep.equal([pendingId, failedId, sentId].map(String));
    expect(list.text).to.contain('delivered@example.org');
    expect(list.text).to.contain(
      '<a href="/admin/outbox/' + pendingId + '">Confirm your e-mail address for Laurel</a>',
    );
    expect(list.text).to.contain('<a href="/admin/outbox/' + sentId + '">Choose a new Laurel password</a>');
    expect(list.text).to.contain('failed <span class="muted">(attempt 10: 550 Mailbox unavailable)</span>');
    expect(list.text).not.to.contain('Older messages');

    const sentPage = await admin.get(`/admin/outbox/${sentId}`);
    expect(sentPage.status).to.equal(200);
    expect(sentPage.text).to.contain('<h1>Choose a new Laurel password</h1>');
    expect(sentPage.text).to.contain('Hello Delivered Person,');
    expect(sentPage.text).to.contain(`${TEST_BASE_URL}/reset-password/[hidden]`);
    expect(sentPage.text).not.to.contain('token-for-DeliveredPerson');
    expect(sentPage.text).to.contain(`href="/admin/outbox/${sentId}/raw"`);

    const pendingPage = await admin.get(`/admin/outbox/${pendingId}`);
    expect(pendingPage.text, 'the text part is shown escaped').to.contain('Hello Waiting &lt;b&gt;Person&lt;/b&gt;,');
    expect(pendingPage.text).not.to.contain('/raw"');
    expect(pendingPage.text, 'a link not sent yet is hidden too').to.contain(`${TEST_BASE_URL}/verify-email/[hidden]`);

    const raw = await admin.get(`/admin/outbox/${sentId}/raw`).buffer(true).parse(asText);
    expect(raw.status).to.equal(200);
    expect(raw.headers['content-type']).to.equal('message/rfc822');
    expect(raw.headers['content-disposition']).to.equal(`attachment; filename=message-${sentId}.eml`);
    const eml = raw.body as string;
    expect(eml).to.match(/^To: delivered@example\.org$/m);
    expect(eml).to.match(/^Subject: Choose a new Laurel password$/m);
    expect(eml).to.contain('Hello Delivered Person,');
    expect(eml).not.to.contain('token-for-DeliveredPerson');
    const delivered = readFileSync(emlPath(path.join(h.dataDir, 'outbox'), sentId), 'utf8');
    expect(delivered, "the file is the recipient's copy").to.contain('token-for-DeliveredPerson');

    const failedPage = await admin.get(`/admin/outbox/${failedId}`);
    expect(failedPage.text).to.contain('<dt>Last error</dt><dd>550 Mailbox unavailable</dd>');
    const noFile = await admin.get(`/admin/outbox/${failedId}/raw`);
    expect(noFile.status).to.equal(404);
    expect(noFile.text).to.contain('This message has no .eml file.');
  });

  it('answers 404 for an id that is not a number or not in the outbox', async () => {
    for (const page of [
      '/admin/outbox/abc',
      '/admin/outbox/0',
      '/admin/outbox/1e3',
      '/admin/outbox/999999',
      '/admin/outbox/abc/raw',
      '/admin/outbox/999999/raw',
    ]) {
      const res = await admin.get(page);
      expect(res.status, page).to.equal(404);
      expect(res.text, page).to.match(/There is no such message in the outbox\.|This message has no \.eml file\./);
    }
    const unknown = await admin.get('/admin/outbox/999999');
    expect(unknown.text).to.contain('There is no such message in the outbox.');
  });

  it('shows 50 messages a page, newest first, with a link to older ones', async () => {
    await h.db.delete(outbox);
    const ids: number[] = [];
    for (let n = 1; n <= 120; n += 1) ids.push(await queueReset(h, `person-${n}@example.org`, `Person ${n}`));
    const newestFirst = ids.slice().reverse().map(String);

    const first = await admin.get('/admin/outbox');
    expect(first.text).to.contain('Pending: 120 · Sending: 0 · Sent: 0 · Failed: 0');
    expect(outboxLinks(first.text)).to.deep.equal(newestFirst.slice(0, 50));
    expect(first.text).not.to.contain('>Newest</a>');
    const older = /<a href="(\/admin\/outbox\?before=\d+)" rel="next">Older messages<\/a>/.exec(first.text);
    expect(older?.[1]).to.equal(`/admin/outbox?before=${newestFirst[49]}`);

    const second = await admin.get(older![1]!);
    expect(outboxLinks(second.text)).to.deep.equal(newestFirst.slice(50, 100));
    expect(second.text).to.contain('person-70@example.org');
    expect(second.text).not.to.contain('person-71@example.org');
    expect(second.text).to.contain('<a href="/admin/outbox">Newest</a>');
    const third = /href="(\/admin\/outbox\?before=\d+)" rel="next"/.exec(second.text)?.[1];
    expect(third).to.equal(`/admin/outbox?before=${newestFirst[99]}`);

    const last = await admin.get(third!);
    expect(outboxLinks(last.text)).to.deep.equal(newestFirst.slice(100));
    expect(last.text).not.to.contain('Older messages');

    const nonsense = await admin.get('/admin/outbox?before=abc');
    expect(outboxLinks(nonsense.text), 'a bad cursor shows the first page').to.deep.equal(newestFirst.slice(0, 50));
    const rows = await h.db.select({ n: sql<number>`count(*)::int` }).from(outbox);
    expect(rows[0]?.n).to.equal(120);
  });
});
