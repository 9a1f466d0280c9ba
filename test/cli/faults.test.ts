// The real portal process (server/index.ts, embedded database in a temporary DATA_DIR) under
// faults: hostile multipart bodies on every upload route, a full disk, and SIGKILL in the middle
// of an upload and of a submission. After each kill the portal restarts on the same DATA_DIR, and
// at the end the database is opened to check that every evidence row names a whole file, that no
// stored file is unnamed, and that each submission was all or nothing.
//
// UPLOAD_DIR is a real 1 MB tmpfs when this machine lets the test mount one (it runs as root
// here); otherwise the full disk is played by receiveFiles' temp-file opener, and the test says so.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { and, asc, eq } from 'drizzle-orm';
import express, { type Request, type Response } from 'express';
import { pino } from 'pino';
import supertest from 'supertest';
import { applications, criteria, cycles, evidenceFiles, outbox, programs } from '../../models/schema.js';
import { createApp } from '../../server/app.js';
import { seedDemo } from '../../server/cli/seed-demo.js';
import { systemClock } from '../../server/clock.js';
import { openDatabase } from '../../server/db/client.js';
import { projectRoot } from '../../server/paths.js';
import { DISK_FULL_MESSAGE, receiveFiles } from '../../server/middleware/upload.js';
import { textIn } from '../../server/i18n/translate.js';
import { storedPath } from '../../server/storage/disk-store.js';
import {
  addSchool,
  fixture,
  fixtureBytes,
  GOOD_ELIGIBILITY,
  saveCriterion,
  startApplication,
  words,
} from '../helpers/applicant.js';
import { createUser, signIn } from '../helpers/factories.js';
import { csrfTokenFrom, readable, submitForm } from '../helpers/forms.js';
import {
  attackAll,
  attackTargets,
  cookiesOf,
  csrfTokenOf,
  head,
  leftIn,
  MULTIPART_ATTACKS,
  sendRaw,
  type AttackTarget,
} from '../helpers/multipart-attacks.js';
import {
  describeOutput,
  freePort,
  RUNNING,
  startServer,
  STOP_TIMEOUT_MS,
  stopAllServers,
  waitForExit,
  waitForOutput,
  type ServerProcess,
} from '../helpers/server-process.js';
import { uploadRoutesOf, type UploadRoute } from '../helpers/upload-routes.js';

type Agent = ReturnType<typeof supertest.agent>;

const APPLICANT = 'contact@lincoln.example.org';
const FAULT_ADMIN = 'admin@program.example.org';
const TMPFS_BYTES = 1024 * 1024;

/** Mounts a tmpfs of `bytes` on `dir`; false when this machine does not allow it. */
function mountTmpfs(dir: string, bytes: number): boolean {
  if (process.getuid?.() !== 0) return false;
  return (
    spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes},mode=0700`, 'tmpfs', dir], { stdio: 'ignore' }).status === 0
  );
}

/** Stored evidence files under UPLOAD_DIR (outside tmp), as stored names "ab/ab…". */
function storedFiles(uploadDir: string): string[] {
  return readdirSync(uploadDir)
    .filter((shard) => /^[0-9a-f]{2}$/.test(shard))
    .flatMap((shard) => readdirSync(path.join(uploadDir, shard)).map((name) => `${shard}/${name}`))
    .sort();
}

function multipartBody(
  boundary: string,
  fields: Record<string, string>,
  files: Array<{ name: string; bytes: Buffer }>,
): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  for (const file of files) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="${file.name}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      ),
    );
    parts.push(file.bytes, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(parts);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('faults in the running portal (server/index.ts)', function () {
  this.timeout(180_000);
  // Each step builds on the one before: after a failure the rest would only add noise.
  this.bail(true);

  let dataDir: string;
  let uploadDir: string;
  let tmpDir: string;
  let mounted = false;
  let port: number;
  let server: ServerProcess;
  let routes: UploadRoute[];
  let programId: number;
  let cycleId: number;
  let cycleCriteria: Array<{ id: number; required: boolean }>;
  let applicant: Agent;
  let applicationId: number;
  let submissionsSeen = 0;

  const base = () => `http://127.0.0.1:${port}`;

  async function start(): Promise<void> {
    const escapeOnSignal = pathToFileURL(path.join(projectRoot, 'test', 'helpers', 'escape-on-signal.mjs')).href;
    const NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --import=${escapeOnSignal}`.trim();
    server = startServer(dataDir, port, { UPLOAD_DIR: uploadDir, LOG_LEVEL: 'error', NODE_OPTIONS });
    await waitForOutput(server, RUNNING);
  }

  async function kill(): Promise<void> {
    server.child.kill('SIGKILL');
    // 'close' comes once the child is reaped: its pid can no longer look alive to the lock.
    expect(await waitForExit(server, STOP_TIMEOUT_MS)).to.deep.equal({ code: null, signal: 'SIGKILL' });
  }

  /** Lines the portal logged at error level or above (pino's JSON lines on stdout). */
  function errorLines(): Array<{ level: number; msg: string; err?: { code?: string } }> {
    return server.stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { level: number; msg: string })
      .filter((line) => line.level >= 50);
  }

  async function applicationStatus(): Promise<string> {
    const page = await applicant.get(`/applications/${applicationId}`);
    expect(page.status, page.text).to.equal(200);
    return /class="badge badge-(\w+)"/.exec(page.text)![1]!;
  }

  function uploadTarget(criterionId: number, token: string): Omit<AttackTarget, 'fieldName'> {
    return {
      port,
      path: `/applications/${applicationId}/criteria/${criterionId}?_csrf=${encodeURIComponent(token)}`,
      cookie: cookiesOf(applicant),
    };
  }

  before(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'laurel-faults-'));
    uploadDir = path.join(dataDir, 'uploads');
    tmpDir = path.join(uploadDir, 'tmp');
    mkdirSync(uploadDir);
    mounted = mountTmpfs(uploadDir, TMPFS_BYTES);

    // The first start's work done here, plus an applicant who can sign in: the demo's people cannot.
    const database = await openDatabase({ databaseUrl: undefined, dataDir });
    try {
      await database.migrate();
      await seedDemo(database.db, systemClock);
      await createUser(database.db, { email: APPLICANT, roles: ['applicant'] });
      await createUser(database.db, { email: FAULT_ADMIN, roles: ['admin'] });
      programId = (await database.db.select({ id: programs.id }).from(programs).orderBy(asc(programs.id)))[0]!.id;
      const [cycle] = await database.db.select({ id: cycles.id }).from(cycles).orderBy(asc(cycles.id));
      cycleId = cycle!.id;
      cycleCriteria = await database.db
        .select({ id: criteria.id, required: criteria.required })
        .from(criteria)
        .where(eq(criteria.cycleId, cycle!.id))
        .orderBy(asc(criteria.position));
      routes = uploadRoutesOf(
        createApp({
          db: database.db,
          databaseKind: database.kind,
          config: {
            isProduction: false,
            baseUrl: 'http://127.0.0.1',
            mailFrom: 'Laurel <no-reply@localhost>',
            sessionSecret: 'x'.repeat(40),
            trustProxy: false,
            dataDir,
            uploadDir,
          },
        }),
      );
    } finally {
      await database.close();
    }

    port = await freePort();
    await start();
    applicant = supertest.agent(base());
    await signIn(applicant, APPLICANT);
    applicationId = await startApplication(applicant, await addSchool(applicant), cycleId);
  });

  after(async () => {
    await stopAllServers();
    // A lazy unmount if something still holds a file there, so no mount outlives the test.
    if (mounted && spawnSync('umount', [uploadDir], { stdio: 'ignore' }).status !== 0)
      spawnSync('umount', ['-l', uploadDir], { stdio: 'ignore' });
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('survives cut-off, dropped and malformed multipart bodies on every upload route', async function () {
    const admin = supertest.agent(base());
    await signIn(admin, FAULT_ADMIN);
    const targets = await attackTargets(routes, {
      port,
      applicant,
      admin,
      params: { id: applicationId, criterionId: cycleCriteria[0]!.id, programId },
    });
    const failures = await attackAll(targets, async ({ route, who }) => {
      const health = await fetch(`${base()}/healthz`, { signal: AbortSignal.timeout(10_000) }).catch(
        (error: unknown) => {
          throw new Error(
            `The portal stopped answering after the attacks on ${route} by ${who} (${String(error)})${describeOutput(server)}`,
          );
        },
      );
      expect(health.status).to.equal(200);
    });
    this.test!.title += ` (${MULTIPART_ATTACKS.length} bodies × ${targets.length} route/sender pairs: ${targets.map((t) => `${t.route} as ${t.who}`).join('; ')})`;
    expect(failures).to.deep.equal([]);
    expect(server.child.exitCode, server.stderr).to.equal(null);
    expect(errorLines()).to.deep.equal([]);
    expect(await leftIn(tmpDir)).to.deep.equal([]);
  });

  it('logs an error that escapes every handler at error level, and keeps serving', async () => {
    server.child.kill('SIGUSR2');
    for (let waited = 0; waited < 5000 && errorLines().length < 2; waited += 50) await sleep(50);
    expect(
      errorLines()
        .map((line) => line.msg)
        .sort(),
    ).to.deep.equal(['uncaught exception; still serving', 'unhandled promise rejection; still serving']);
    expect((await fetch(`${base()}/healthz`)).status).to.equal(200);
    expect(server.child.exitCode, describeOutput(server)).to.equal(null);
    // The lines are read, so the next test starts from a clean log.
    server.stdout = '';
  });

  it('tells the person when the disk is full, saves nothing, and logs it at error level', async function () {
    if (!mounted) {
      this.test!.title +=
        ' (mount not allowed here: ENOSPC injected through receiveFiles’ temp-file opener, in process)';
      return diskFullInjected();
    }
    this.test!.title += ` (a real ${TMPFS_BYTES / 1024} KB tmpfs as UPLOAD_DIR, in the server process)`;
    const criterionId = cycleCriteria[0]!.id;
    const storedBefore = storedFiles(uploadDir);
    const big = Buffer.concat([fixtureBytes('sample.pdf'), Buffer.alloc(TMPFS_BYTES + 512 * 1024, 0x20)]);
    const refused = await saveCriterion(applicant, applicationId, criterionId, {
      answer: 'Our garden',
      files: [{ name: 'report.pdf', bytes: big }],
    });
    expect(refused.status).to.equal(422);
    expect(readable(refused.text)).to.contain(textIn('en', DISK_FULL_MESSAGE));
    expect(readable(refused.text)).not.to.contain('report.pdf</a>');
    expect(await leftIn(tmpDir)).to.deep.equal([]);
    expect(storedFiles(uploadDir)).to.deep.equal(storedBefore);
    expect(errorLines().map((line) => [line.msg, line.err?.code])).to.deep.equal([
      ['upload refused: the disk is full', 'ENOSPC'],
    ]);

    // The space the temp file took is free again: the next upload goes through.
    const saved = await saveCriterion(applicant, applicationId, criterionId, {
      answer: 'Our garden',
      files: [{ name: 'sample.pdf' }],
    });
    expect(saved.status, saved.text).to.equal(303);
    expect(storedFiles(uploadDir)).to.have.length(storedBefore.length + 1);
  });

  it('restarts clean after a SIGKILL in the middle of an upload, or just after one', async () => {
    const criterionId = cycleCriteria[1]!.id;
    const page = await applicant.get(`/applications/${applicationId}/criteria/${criterionId}`);
    const target = uploadTarget(criterionId, csrfTokenOf(page.text));

    // Killed mid-body, while the temp file is being written.
    const boundary = `----LaurelFaults${randomBytes(6).toString('hex')}`;
    const body = multipartBody(boundary, { answer: 'Killed while sending' }, [
      { name: 'slow.pdf', bytes: Buffer.concat([fixtureBytes('sample.pdf'), Buffer.alloc(400 * 1024, 0x20)]) },
    ]);
    const sending = sendRaw(port, [
      Buffer.from(head(target, `multipart/form-data; boundary=${boundary}`, body.length)),
      body.subarray(0, 200 * 1024),
    ]);
    for (
      let waited = 0;
      waited < 10_000 &&
      !(existsSync(tmpDir) && readdirSync(tmpDir).some((f) => statSync(path.join(tmpDir, f)).size > 0));
      waited += 20
    )
      await sleep(20);
    expect(readdirSync(tmpDir), 'a temp file being written').to.have.length(1);
    await kill();
    await sending;
    expect(readdirSync(tmpDir)).to.have.length(1);

    // What a kill between moving a file into place and the commit would leave, made by hand.
    const storedBefore = storedFiles(uploadDir);
    const orphan = storedPath(uploadDir, `ab/ab${randomBytes(15).toString('hex')}`);
    mkdirSync(path.dirname(orphan), { recursive: true });
    writeFileSync(orphan, 'never committed');
    writeFileSync(`${storedPath(uploadDir, `ab/ab${randomBytes(15).toString('hex')}`)}.partial`, 'half a copy');

    await start();
    expect(readdirSync(tmpDir)).to.deep.equal([]);
    expect(existsSync(orphan)).to.equal(false);
    expect(storedFiles(uploadDir)).to.deep.equal(storedBefore);
    expect(await applicationStatus()).to.equal('draft');

    // Killed after the whole body was sent, at several moments of its handling.
    for (const [index, delayMs] of [5, 30].entries()) {
      // A criterion each, so no try meets the limit of files per criterion.
      const criterionId = cycleCriteria[2 + index]!.id;
      const fresh = await applicant.get(`/applications/${applicationId}/criteria/${criterionId}`);
      const files = ['sample.pdf', 'sample.png', 'sample.docx', 'sample.xlsx'].map((name) => ({
        name,
        bytes: fixtureBytes(name),
      }));
      const whole = multipartBody(boundary, { answer: `Killed ${delayMs} ms after sending` }, files);
      const answered = sendRaw(
        port,
        [
          Buffer.from(
            head(
              uploadTarget(criterionId, csrfTokenOf(fresh.text)),
              `multipart/form-data; boundary=${boundary}`,
              whole.length,
            ),
          ),
          whole,
        ],
        { kind: 'wait' },
        () => setTimeout(() => server.child.kill('SIGKILL'), delayMs),
      );
      const answer = await answered;
      await kill();
      await start();
      expect(await leftIn(tmpDir, 0), `temp files after a kill ${delayMs} ms after sending`).to.deep.equal([]);
      expect(await applicationStatus()).to.equal('draft');
      // Files the person was told were saved must still be there after the crash.
      if (answer.status === 303) {
        const after = readable((await applicant.get(`/applications/${applicationId}/criteria/${criterionId}`)).text);
        for (const { name } of files) expect(after, `${name}, acknowledged before the kill`).to.contain(name);
      }
    }
  });

  it('after a SIGKILL right after a submit, the application is either wholly submitted or still a draft', async function () {
    const basePath = `/applications/${applicationId}`;
    expect(
      (await submitForm(applicant, `${basePath}/eligibility`, `${basePath}/eligibility`, GOOD_ELIGIBILITY)).status,
    ).to.equal(303);
    const optional = cycleCriteria.filter((c) => !c.required).slice(0, 4);
    expect(
      (
        await submitForm(applicant, `${basePath}/criteria`, `${basePath}/criteria`, {
          chosen: optional.map((c) => String(c.id)),
        })
      ).status,
    ).to.equal(303);
    for (const c of cycleCriteria.filter((c) => c.required).concat(optional)) {
      expect((await saveCriterion(applicant, applicationId, c.id, { answer: words(40) })).status).to.equal(303);
    }

    // How long a submission takes here, measured on one that is left to finish: the kills below
    // land before, during and after that span.
    const submit = async (onSent?: () => void) => {
      const review = await applicant.get(`${basePath}/review`);
      const form = `_csrf=${encodeURIComponent(csrfTokenFrom(review.text))}`;
      const request = Buffer.from(
        head(
          { port, path: `${basePath}/submit`, cookie: cookiesOf(applicant) },
          'application/x-www-form-urlencoded',
          form.length,
        ) + form,
      );
      return sendRaw(port, [request], { kind: 'wait' }, onSent);
    };
    const reopen = async () => {
      expect((await submitForm(applicant, basePath, `${basePath}/reopen`, {})).status).to.equal(303);
      expect(await applicationStatus()).to.equal('draft');
    };
    let sentAt = 0;
    const measured = await submit(() => (sentAt = performance.now()));
    const submitMs = performance.now() - sentAt;
    expect(measured.status).to.equal(303);
    submissionsSeen += 1;
    await reopen();

    const outcomes: string[] = [];
    for (const fraction of [0.15, 0.4, 0.8, 1.5]) {
      const delayMs = Math.round(fraction * submitMs);
      const answer = await submit(() => setTimeout(() => server.child.kill('SIGKILL'), delayMs));
      await kill();
      await start();
      const status = await applicationStatus();
      expect(status).to.be.oneOf(['draft', 'submitted']);
      // A submission the person was told succeeded must still be there after the crash.
      if (answer.status === 303) expect(status, `acknowledged, then killed at ${delayMs} ms`).to.equal('submitted');
      outcomes.push(`${delayMs} ms: ${status}${answer.status === 303 ? ' (acknowledged)' : ''}`);
      if (status === 'submitted') {
        submissionsSeen += 1;
        await reopen();
      }
    }
    this.test!.title += ` (a submission takes ${Math.round(submitMs)} ms; killed at ${outcomes.join(', ')})`;
  });

  it('leaves every evidence row naming a whole file, no stored file unnamed, and no temp file', async () => {
    server.child.kill('SIGTERM');
    expect(await waitForExit(server, STOP_TIMEOUT_MS)).to.deep.equal({ code: 0, signal: null });
    expect(existsSync(tmpDir) ? readdirSync(tmpDir) : []).to.deep.equal([]);

    const database = await openDatabase({ databaseUrl: undefined, dataDir });
    try {
      const rows = await database.db.select().from(evidenceFiles).orderBy(asc(evidenceFiles.id));
      expect(rows.length, 'evidence stored during the test').to.be.greaterThan(0);
      for (const row of rows) {
        const file = storedPath(uploadDir, row.storedName);
        expect(existsSync(file), `${row.originalName} (${row.storedName})`).to.equal(true);
        const bytes = readFileSync(file);
        expect(bytes.length, `size of ${row.storedName}`).to.equal(row.sizeBytes);
        expect(createHash('sha256').update(bytes).digest('hex'), `sha256 of ${row.storedName}`).to.equal(row.sha256);
      }
      expect(storedFiles(uploadDir)).to.deep.equal(rows.map((row) => row.storedName).sort());

      const [application] = await database.db.select().from(applications).where(eq(applications.id, applicationId));
      expect(application!.status).to.equal('draft');
      const confirmations = await database.db
        .select({ id: outbox.id })
        .from(outbox)
        .where(and(eq(outbox.template, 'application-submitted'), eq(outbox.toAddress, APPLICANT)));
      expect(confirmations.length, 'one confirmation e-mail per submission that committed').to.equal(submissionsSeen);
    } finally {
      await database.close();
    }
  });
});

/** The full disk without a mount: the same middleware, its temp-file opener failing with ENOSPC. */
async function diskFullInjected(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'laurel-faults-enospc-'));
  const logged: Array<{ level: number; msg: string }> = [];
  try {
    const logger = pino(
      { level: 'error' },
      { write: (line: string) => void logged.push(JSON.parse(line) as (typeof logged)[number]) },
    );
    const tmp = path.join(dir, 'tmp');
    const app = express();
    app.use((req, _res, next) => ((req.log = logger), next()));
    app.post(
      '/upload',
      receiveFiles({
        tmpDir: tmp,
        fieldName: 'files',
        limits: () => ({ maxFileBytes: 20 * 1024 * 1024, maxFiles: 5 }),
        openTempFile: (filePath) => {
          const real = createWriteStream(filePath, { flags: 'wx' });
          return new Writable({
            write: (_chunk, _encoding, callback) =>
              callback(
                Object.assign(new Error('ENOSPC: no space left on device, write'), {
                  code: 'ENOSPC',
                  syscall: 'write',
                }),
              ),
            destroy: (error, callback) =>
              real.closed ? callback(error) : (real.once('close', () => callback(error)), real.destroy()),
          });
        },
      }),
      (req: Request, res: Response) =>
        res.status(req.uploadProblem ? 422 : 200).json({ problem: req.uploadProblem ?? null }),
    );
    const response = await supertest(app).post('/upload').attach('files', fixture('sample.pdf')).expect(422);
    expect(response.body).to.deep.equal({ problem: DISK_FULL_MESSAGE });
    expect(readdirSync(tmp)).to.deep.equal([]);
    expect(logged.map((line) => [line.level, line.msg])).to.deep.equal([[50, 'upload refused: the disk is full']]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
