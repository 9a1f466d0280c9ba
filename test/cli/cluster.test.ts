// Two portal processes (server/index.ts) on one PostgreSQL server behind nginx, run with
// docs/deploy/nginx.conf: TLS ends at the proxy, requests go round robin, no sticky sessions.
// Everything goes through the proxy as a browser's requests would, and each request is traced to
// the instance that answered it by its X-Request-Id in that instance's request log. Evidence is
// kept in one bucket on a real S3-compatible server (s3rver); each instance has its own
// UPLOAD_DIR. The steps build on each other: a first start on an empty database, sign-in, mail,
// evidence, reminders, a rolling restart under load, and a last count of every e-mail sent.
import { expect } from 'chai';
import { and, asc, eq, inArray } from 'drizzle-orm';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  backupRuns,
  applications,
  criteria,
  cycles,
  evidenceFiles,
  outbox,
  reviewRounds,
  assignments,
  roundApplications,
  roundReviewers,
  schoolContacts,
  schools,
  users,
} from '../../models/schema.js';
import { postgresHandle, type Database, type DatabaseHandle } from '../../server/db/client.js';
import { enqueueMail } from '../../server/mail/outbox.js';
import { schoolMatchKey } from '../../server/services/schools/match-key.js';
import { LINCOLN, fixtureBytes, words } from '../helpers/applicant.js';
import { Cluster, sleep, startLoad, until, type LoadTarget, type Name } from '../helpers/cluster.js';
import {
  codeMigrations,
  createEmptyPostgresDatabase,
  recordedMigrations,
  type EmptyDatabase,
} from '../helpers/database.js';
import { createOpenCycle, createUser } from '../helpers/factories.js';
import { linkIn } from '../helpers/forms.js';
import { HttpsClient, type Reply } from '../helpers/https-client.js';
import { installed, makeCertificate, startNginx, type Nginx } from '../helpers/nginx.js';
import {
  CookieJar,
  describeOutput,
  freePort,
  RUNNING,
  stopAllServers,
  waitForOutput,
} from '../helpers/server-process.js';
import { S3RVER_CREDENTIALS, startS3Server, type S3Server } from '../helpers/s3-server.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.js';

const PASSWORD = 'correct horse battery staple';
const ADMIN = { email: 'ada@program.example.org', name: 'Ada Admin' };
const APPLICANT = { email: 'ana@lincoln.example.org', name: 'Ana Applicant' };
const REVIEWERS = [
  { email: 'rita@univ-a.example.edu', name: 'Rita Alvarez' },
  { email: 'sam@univ-b.example.edu', name: 'Sam Okafor' },
];
const SESSION_SECRET = randomBytes(36).toString('base64url');
const METRICS_TOKEN = randomBytes(18).toString('base64url');

/** STORAGE_URL's prefix: every evidence object's key starts with it and a slash. */
const BUCKET_PREFIX = 'laurel/evidence';

/**
 * Where an instance keeps evidence: the one bucket both share (docs/deploy/several-instances.md),
 * and its own UPLOAD_DIR, where uploads only wait while they are checked. An upload received by
 * one instance can reach the other only through the bucket.
 */
function sharedStorage(s3: S3Server, uploadDir: string): Record<string, string> {
  return {
    STORAGE_URL: s3.storageUrl(BUCKET_PREFIX),
    AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
    UPLOAD_DIR: uploadDir,
  };
}

/** The files under a folder and its subfolders, relative to it; none if there is no such folder. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)));
}

/** A review round due in two days, reminding 3 days ahead, one application, both reviewers notified. */
async function seedDueReviewRound(db: Database, cycleId: number): Promise<number> {
  const now = new Date();
  const [school] = await db
    .insert(schools)
    .values({
      name: 'Rainier Beach High School',
      city: 'Seattle',
      state: 'WA',
      level: 'high',
      matchKey: schoolMatchKey('Rainier Beach High School', 'Seattle', 'WA'),
    })
    .returning();
  const [application] = await db
    .insert(applications)
    .values({ cycleId, schoolId: school!.id, status: 'eligible', submittedAt: now })
    .returning();
  const [round] = await db
    .insert(reviewRounds)
    .values({
      cycleId,
      number: 1,
      name: 'Round 1',
      reviewersPerApplication: 2,
      dueAt: new Date(now.getTime() + 2 * 24 * 60 * 60 * 1000),
      reminderDaysBefore: 3,
    })
    .returning();
  await db.insert(roundApplications).values({ roundId: round!.id, applicationId: application!.id });
  const reviewers = await db
    .select({ id: users.id })
    .from(users)
    .where(
      inArray(
        users.email,
        REVIEWERS.map((r) => r.email),
      ),
    );
  for (const reviewer of reviewers) {
    await db.insert(roundReviewers).values({ roundId: round!.id, userId: reviewer.id, maxLoad: 5 });
    await db
      .insert(assignments)
      .values({ roundId: round!.id, applicationId: application!.id, reviewerId: reviewer.id, notifiedAt: now });
  }
  return round!.id;
}

describe('several instances behind nginx (needs TEST_DATABASE_URL, nginx and openssl; skipped without)', function () {
  this.timeout(240_000);
  // Each step builds on the one before: after a failure the rest would only add noise.
  this.bail(true);

  let tmp: string | undefined;
  let database: EmptyDatabase | undefined;
  let handle: DatabaseHandle | undefined;
  let sink: SmtpSink | undefined;
  let s3: S3Server | undefined;
  let nginx: Nginx | undefined;
  let client: HttpsClient | undefined;
  let cluster: Cluster;
  let httpPort: number;
  let cycleId: number;
  let download: string;
  const adminJar = new CookieJar();
  const applicantJar = new CookieJar();

  const db = () => handle!.db;
  const uploadDir = (name: Name) => path.join(tmp!, `uploads-${name}`);
  const proxy = () => client!;

  /** Waits until nothing is left to send, and returns the outbox. */
  async function drainedOutbox() {
    await until(
      'the outbox is empty',
      async () => (await db().select({ status: outbox.status }).from(outbox)).every((row) => row.status === 'sent'),
      60_000,
    );
    // A second send of a message marked sent by the first would arrive about now.
    await sleep(500);
    return db()
      .select({ template: outbox.template, to: outbox.toAddress, messageId: outbox.messageId })
      .from(outbox)
      .orderBy(asc(outbox.id));
  }

  /** Every message of the outbox arrived once, and nothing else arrived. */
  function expectEachArrivedOnce(rows: Array<{ messageId: string }>): void {
    const arrivals = new Map<string, number>();
    for (const mail of sink!.messages) arrivals.set(mail.messageId, (arrivals.get(mail.messageId) ?? 0) + 1);
    expect(
      [...arrivals].filter(([, count]) => count !== 1),
      'messages that arrived twice',
    ).to.deep.equal([]);
    expect([...arrivals.keys()].sort()).to.deep.equal(rows.map((row) => row.messageId).sort());
  }

  async function signIn(jar: CookieJar, email: string, next: string): Promise<Reply> {
    const reply = await proxy().submitForm(jar, `/login?next=${encodeURIComponent(next)}`, '/login', {
      email,
      password: PASSWORD,
      next,
    });
    expect(reply.status, reply.text).to.equal(303);
    expect(reply.headers.location).to.equal(next);
    return reply;
  }

  before(async function () {
    const serverUrl = process.env.TEST_DATABASE_URL;
    if (!serverUrl || !installed('nginx') || !installed('openssl')) return this.skip();
    tmp = mkdtempSync(path.join(tmpdir(), 'laurel-cluster-'));
    database = await createEmptyPostgresDatabase(serverUrl);
    // A slow mail server keeps a batch in flight long enough for both workers to be at it.
    sink = await startSmtpSink(0, { replyDelayMs: 20 });
    const ports = new Set<number>();
    while (ports.size < 4) ports.add(await freePort());
    const [portA, portB, httpsPort, plainPort] = [...ports] as [number, number, number, number];
    httpPort = plainPort;
    const tls = makeCertificate(tmp);
    const prefix = path.join(tmp, 'nginx');
    mkdirSync(prefix);
    nginx = await startNginx(prefix, { instancePorts: [portA, portB], httpsPort, httpPort, tls });
    client = new HttpsClient(`https://127.0.0.1:${httpsPort}`, tls.pem);
    s3 = await startS3Server();
    cluster = new Cluster(
      [portA, portB],
      (name) => path.join(tmp!, name),
      (name) => ({
        NODE_ENV: 'production',
        DATABASE_URL: database!.url,
        ...sharedStorage(s3!, uploadDir(name)),
        SMTP_URL: sink!.url,
        SESSION_SECRET,
        BASE_URL: proxy().origin,
        // nginx connects from 127.0.0.1: its X-Forwarded-For and X-Forwarded-Proto are believed.
        TRUST_PROXY: 'loopback',
        LOG_LEVEL: 'info',
        METRICS_TOKEN,
        // Every start checks whether a backup is due; only one instance may write each one.
        BACKUP_DIR: path.join(tmp!, 'backups'),
        BACKUP_EVERY: '1d',
      }),
    );
  });

  afterEach(function () {
    if (this.currentTest?.state !== 'failed') return;
    for (const instance of cluster?.instances ?? []) {
      const last = instance.processes.at(-1);
      if (last) console.log(`--- instance ${instance.name} ---${describeOutput(last).slice(-6000)}`);
    }
    if (nginx) console.log(nginx.describe());
  });

  after(async () => {
    client?.close();
    await stopAllServers();
    await nginx?.stop();
    await sink?.close();
    await s3?.stop();
    await handle?.close();
    await database?.drop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('starts two instances at the same moment on an empty database: both come up, each migration recorded once', async () => {
    await cluster.startTogether();
    expect(await recordedMigrations(database!.url)).to.deep.equal(codeMigrations());
    for (const instance of cluster.instances) {
      const ready = await fetch(`http://127.0.0.1:${instance.port}/readyz`, { signal: AbortSignal.timeout(10_000) });
      expect(ready.status, `instance ${instance.name}`).to.equal(200);
      expect(await ready.json()).to.deep.equal({
        status: 'ready',
        checks: { database: 'ok', migrations: 'ok', storage: 'ok' },
      });
    }

    handle = postgresHandle(database!.url, 2);
    await createUser(db(), { ...ADMIN, password: PASSWORD, roles: ['admin'] });
    await createUser(db(), { ...APPLICANT, password: PASSWORD, roles: ['applicant'] });
    for (const reviewer of REVIEWERS) await createUser(db(), { ...reviewer, password: PASSWORD, roles: ['reviewer'] });
    cycleId = await createOpenCycle(db(), new Date());
  });

  it('keeps a sign-in made through one instance on the other, with Secure cookies behind the TLS proxy', async () => {
    const plain = await fetch(`http://127.0.0.1:${httpPort}/login`, { redirect: 'manual' });
    expect(plain.status).to.equal(301);
    expect(plain.headers.get('location')).to.equal('https://127.0.0.1/login');

    const login = await signIn(adminJar, ADMIN.email, '/admin');
    // Set only because the instance believed the proxy's X-Forwarded-Proto: https.
    const sessionCookie = (login.headers['set-cookie'] ?? []).find((line) => line.startsWith('__Host-laurel.sid='));
    expect(sessionCookie).to.match(/; Secure/i);
    const signedInOn = await cluster.servedBy(login);

    const pages = await cluster.onBothInstances(
      () => proxy().request('/admin', { jar: adminJar }),
      (reply) => {
        expect(reply.status).to.equal(200);
        expect(reply.text).to.contain(`Signed in as ${ADMIN.name}`);
      },
    );
    expect(pages[signedInOn === 'A' ? 'B' : 'A'].text).to.contain('<h1>Administration</h1>');
  });

  it("sends every e-mail exactly once while both instances' workers send side by side", async () => {
    // A backlog, as a message to a group leaves one, queued in one transaction.
    const settings = { baseUrl: proxy().origin, mailFrom: 'Laurel <no-reply@laurel.test>' };
    await db().transaction(async (tx) => {
      for (let n = 1; n <= 40; n += 1) {
        await enqueueMail(tx, settings, {
          to: `member${n}@families.example.org`,
          template: 'program-message',
          data: {
            name: `Member ${n}`,
            subject: 'The panel meets on Monday',
            paragraphs: ['The review panel meets on Monday.'],
            cycleName: 'Schools of Opportunity',
          },
        });
      }
    });
    // Password resets until each instance has taken one: each wakes its own worker at once.
    const resetBy = new Map<Name, string>();
    const jar = new CookieJar();
    const token = await proxy().formToken(jar, '/forgot-password');
    for (const person of [ADMIN, APPLICANT, ...REVIEWERS]) {
      const reply = await proxy().postForm(jar, '/forgot-password', token, { email: person.email });
      expect(reply.status, reply.text).to.equal(303);
      resetBy.set(await cluster.servedBy(reply), person.email);
      if (resetBy.size === 2) break;
    }
    expect([...resetBy.keys()].sort()).to.deep.equal(['A', 'B']);

    const rows = await drainedOutbox();
    expect(rows.filter((row) => row.template === 'program-message')).to.have.length(40);
    expect(rows.filter((row) => row.template === 'password-reset').map((row) => row.to)).to.have.members([
      ...resetBy.values(),
    ]);
    expectEachArrivedOnce(rows);
    for (const instance of cluster.instances) {
      expect(instance.processes.at(-1)!.stdout, `instance ${instance.name} sent some`).to.contain('"msg":"mail sent"');
    }

    // The link e-mailed through one instance opens on both.
    const reset = sink!.messages.find((mail) => mail.to.includes(resetBy.get('A')!))!;
    const link = linkIn(reset.text, '/reset-password/');
    await cluster.onBothInstances(
      () => proxy().request(link),
      (reply) => {
        expect(reply.status).to.equal(200);
        expect(reply.text).to.contain('Choose a new password');
      },
    );
  });

  it('takes evidence uploaded through one instance and serves it from the other', async () => {
    await signIn(applicantJar, APPLICANT.email, '/my/applications');
    const added = await proxy().submitForm(applicantJar, '/schools/new', '/schools', LINCOLN);
    expect(added.status, added.text).to.equal(303);
    const [contact] = await db()
      .select({ schoolId: schoolContacts.schoolId })
      .from(schoolContacts)
      .innerJoin(schools, eq(schools.id, schoolContacts.schoolId))
      .where(eq(schools.name, LINCOLN.name));
    const started = await proxy().submitForm(applicantJar, '/my/applications', '/applications', {
      schoolId: String(contact!.schoolId),
      cycleId: String(cycleId),
    });
    expect(started.status, started.text).to.equal(303);
    const applicationPath = started.headers.location!;
    const [criterion] = await db()
      .select({ id: criteria.id })
      .from(criteria)
      .where(and(eq(criteria.cycleId, cycleId), eq(criteria.required, true)))
      .orderBy(asc(criteria.position));

    const form = new FormData();
    form.append('answer', words(60));
    form.append('files', new Blob([fixtureBytes('sample.pdf')], { type: 'application/pdf' }), 'Course guide.pdf');
    const criterionPath = `${applicationPath}/criteria/${criterion!.id}`;
    const upload = await proxy().submitMultipart(applicantJar, criterionPath, form);
    expect(upload.status, upload.text).to.equal(303);
    const receivedBy = await cluster.servedBy(upload);

    const page = await proxy().request(criterionPath, { jar: applicantJar });
    // The "Download" link beside the name (the name itself opens the PDF in the browser).
    download =
      new RegExp(`href="(${applicationPath}/files/[^"/]+)" download`).exec(page.text)?.[1] ?? 'no link on the page';
    const served = await cluster.onBothInstances(
      () => proxy().request(download, { jar: applicantJar }),
      (reply) => {
        expect(reply.status).to.equal(200);
        expect(reply.headers['content-disposition']).to.equal('attachment; filename="Course guide.pdf"');
        expect(Buffer.compare(reply.body, fixtureBytes('sample.pdf'))).to.equal(0);
      },
    );
    expect(served[receivedBy === 'A' ? 'B' : 'A']).to.have.property('status', 200);

    // The other instance had it from the bucket: it is there, and in neither UPLOAD_DIR.
    const stored = await db().select({ storedName: evidenceFiles.storedName }).from(evidenceFiles);
    expect(stored).to.have.length(1);
    expect(await s3!.keys()).to.deep.equal([`${BUCKET_PREFIX}/${stored[0]!.storedName}`]);
    for (const name of ['A', 'B'] as const) {
      expect(filesUnder(uploadDir(name)), `UPLOAD_DIR of ${name}`).to.deep.equal([]);
    }
  });

  it('sends each due reminder once when both instances start at the same moment', async () => {
    // Their first runs are behind them: what falls due now is found only after the restart.
    await cluster.remindersRan();
    const roundId = await seedDueReviewRound(db(), cycleId);
    // The applicant's application is still a draft, and the cycle now reminds drafts 60 days ahead.
    await db().update(cycles).set({ draftReminderDays: 60 }).where(eq(cycles.id, cycleId));

    await Promise.all(cluster.instances.map((instance) => cluster.stop(instance)));
    await cluster.startTogether();
    await cluster.remindersRan();
    const rows = await drainedOutbox();
    expect(rows.filter((row) => row.template === 'review-reminder').map((row) => row.to)).to.have.members(
      REVIEWERS.map((r) => r.email),
    );
    expect(rows.filter((row) => row.template === 'draft-reminder').map((row) => row.to)).to.deep.equal([
      APPLICANT.email,
    ]);
    expectEachArrivedOnce(rows);
    const [reminded] = await db().select().from(reviewRounds).where(eq(reviewRounds.id, roundId));
    expect(reminded?.reminderSentAt).to.be.an.instanceOf(Date);
  });

  it('loses no GET through a rolling restart under load: one instance stopped and started, then the other', async () => {
    const targets: LoadTarget[] = [
      { path: '/', problem: (reply) => (reply.text.includes('</html>') ? undefined : 'not a page') },
      {
        path: '/admin',
        jar: adminJar,
        problem: (reply) => (reply.text.includes(`Signed in as ${ADMIN.name}`) ? undefined : 'not signed in'),
      },
      {
        path: download,
        jar: applicantJar,
        problem: (reply) => (reply.body.equals(fixtureBytes('sample.pdf')) ? undefined : 'other bytes'),
      },
    ];
    const load = startLoad(proxy(), targets, { loops: 4, pauseMs: 10, maxMs: 60_000, maxRequests: 20_000 });
    await sleep(1000);
    for (const instance of cluster.instances) {
      await cluster.stop(instance);
      const restarted = cluster.start(instance);
      await waitForOutput(restarted, RUNNING);
      // The next one stops only once nginx sends this one requests again.
      await until(`nginx sends instance ${instance.name} requests again`, () =>
        restarted.stdout.includes('"statusCode":200'),
      );
    }
    await sleep(1000);
    const { sent, failures } = await load.stop();
    expect(failures, `${failures.length} of ${sent} requests failed`).to.deep.equal([]);
    expect(sent).to.be.above(100);
  });

  it('sent no e-mail twice in all of this: restarts ran the reminders again and found nothing due', async () => {
    await cluster.remindersRan();
    const rows = await drainedOutbox();
    expect(rows.filter((row) => row.template === 'review-reminder')).to.have.length(REVIEWERS.length);
    expect(rows.filter((row) => row.template === 'draft-reminder')).to.have.length(1);
    expectEachArrivedOnce(rows);
  });

  it('wrote one scheduled backup, though both instances checked at the same moment and at every restart', async () => {
    await until(
      'the scheduled backup is written',
      async () => (await db().select().from(backupRuns)).some((run) => run.status === 'done'),
      60_000,
    );
    const runs = await db().select().from(backupRuns);
    expect(runs.map((run) => [run.trigger, run.status])).to.deep.equal([['scheduled', 'done']]);
    expect(readdirSync(path.join(tmp!, 'backups'))).to.deep.equal([path.basename(runs[0]!.fileName)]);
  });
});
