// `npm run db:move` as an operator runs it (server/cli/db-move.ts in its own process): a real
// embedded portal (server/index.ts) is started on an empty DATA_DIR, seeded with the demo, used
// through its pages (the demo admin signs in, adds a school and uploads evidence), stopped, moved
// into a new database on the PostgreSQL server of TEST_DATABASE_URL, and started again on that
// database with the same DATA_DIR and UPLOAD_DIR. There it must sign the same people in, list the
// same applications and reviews, and serve the same file. Refusals (the portal still running, a
// database that holds rows, bad addresses) are checked along the way, and no output may show
// the password.
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import supertest from 'supertest';
import { addSchool, fixtureBytes, saveCriterion, startApplication, words } from '../helpers/applicant.js';
import { runCli } from '../helpers/cli.js';
import { createEmptyPostgresDatabase, type EmptyDatabase } from '../helpers/database.js';
import { signIn } from '../helpers/factories.js';
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

type Agent = ReturnType<typeof supertest.agent>;

const USAGE = 'Usage: npm run db:move -- --to postgres://USER:PASSWORD@HOST[:PORT]/DATABASE';

/** What the portal shows of its applications and reviews, to compare before and after the move. */
interface Seen {
  applications: string;
  reviewsCsv: string[];
  rankingCsv: string[];
}

describe('npm run db:move: an embedded portal moved to PostgreSQL (needs TEST_DATABASE_URL; skipped without)', function () {
  this.timeout(120_000);
  // Each step builds on the one before: after a failure the rest would only add noise.
  this.bail(true);

  let dataDir: string;
  let port: number;
  let database: EmptyDatabase;
  let embedded: ServerProcess;
  let admin: Agent;
  let demo: { email: string; password: string };
  let download: string;
  let seenBefore: Seen;

  const base = () => `http://127.0.0.1:${port}`;
  const password = () => decodeURIComponent(new URL(database.url).password);
  const masked = () => {
    const url = new URL(database.url);
    url.password = '***';
    return url.toString();
  };

  const runMove = (args: string[]) =>
    runCli('db-move', args, {
      DATA_DIR: dataDir,
      UPLOAD_DIR: path.join(dataDir, 'uploads'),
      NODE_ENV: 'development',
      LOG_LEVEL: 'silent',
    });

  async function publicTables(): Promise<number> {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ n: string }>(
        "select count(*) as n from information_schema.tables where table_schema = 'public'",
      );
      return Number(rows[0]!.n);
    } finally {
      await client.end();
    }
  }

  async function seenBy(agent: Agent): Promise<Seen> {
    const list = await agent.get('/admin/applications');
    expect(list.status).to.equal(200);
    const applications = /<tbody>([\s\S]*?)<\/tbody>/.exec(list.text)?.[1] ?? 'no table';
    const rounds = new Set<string>();
    const program = await agent.get('/admin/programs/1');
    for (const [, cycle] of program.text.matchAll(/\/admin\/cycles\/(\d+)/g)) {
      const page = await agent.get(`/admin/cycles/${cycle}/rounds`);
      for (const [, round] of page.text.matchAll(/\/admin\/rounds\/(\d+)/g)) rounds.add(round!);
    }
    const csv = async (round: string, name: string) => {
      const response = await agent.get(`/admin/rounds/${round}/${name}`).buffer(true);
      expect(response.status, `${name} of round ${round}`).to.equal(200);
      return response.text;
    };
    const ordered = [...rounds].sort();
    return {
      applications,
      reviewsCsv: await Promise.all(ordered.map((round) => csv(round, 'reviews.csv'))),
      rankingCsv: await Promise.all(ordered.map((round) => csv(round, 'ranking.csv'))),
    };
  }

  before(async function () {
    const serverUrl = process.env.TEST_DATABASE_URL;
    if (!serverUrl) return this.skip();
    dataDir = mkdtempSync(path.join(tmpdir(), 'laurel-db-move-'));
    port = await freePort();
    database = await createEmptyPostgresDatabase(serverUrl);
  });

  after(async () => {
    await stopAllServers();
    await database?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('on the embedded portal: the demo admin signs in, adds a school and uploads evidence', async () => {
    embedded = startServer(dataDir, port);
    const running = await waitForOutput(embedded, RUNNING);
    expect(running[2]).to.equal('pglite');
    demo = {
      email: /^ {2}e-mail: {3}(\S+)$/m.exec(embedded.stdout)![1]!,
      password: /^ {2}password: (\S+)$/m.exec(embedded.stdout)![1]!,
    };

    admin = supertest.agent(base());
    const signedIn = await signIn(admin, demo.email, demo.password);
    expect(signedIn.status, signedIn.text).to.equal(303);
    const schoolId = await addSchool(admin);
    const mine = await admin.get('/my/applications');
    const cycleId = Number(/name="cycleId" value="(\d+)"/.exec(mine.text)?.[1]);
    const applicationId = await startApplication(admin, schoolId, cycleId);
    const criteria = await admin.get(`/applications/${applicationId}/criteria`);
    const criterionId = Number(new RegExp(`/applications/${applicationId}/criteria/(\\d+)"`).exec(criteria.text)?.[1]);
    const saved = await saveCriterion(admin, applicationId, criterionId, {
      answer: words(40),
      files: [{ name: 'sample.pdf', as: 'Course guide.pdf' }],
    });
    expect(saved.status, saved.text).to.equal(303);
    const page = await admin.get(`/applications/${applicationId}/criteria/${criterionId}`);
    download =
      new RegExp(`href="(/applications/${applicationId}/files/[^"/]+)" download`).exec(page.text)?.[1] ?? 'no link';
    const file = await admin.get(download).buffer(true);
    expect(file.status).to.equal(200);
    expect(Buffer.compare(file.body as Buffer, fixtureBytes('sample.pdf'))).to.equal(0);

    seenBefore = await seenBy(admin);
    expect(seenBefore.applications.match(/<tr>/g)).to.have.length.greaterThan(20);
    expect(seenBefore.applications).to.contain('Lincoln High School');
    expect(seenBefore.reviewsCsv).to.have.length.greaterThan(0);
    expect(seenBefore.reviewsCsv[0]!.trim().split('\n')).to.have.length.greaterThan(10);
  });

  it('refuses to move while the portal runs, and touches neither side', async () => {
    const run = await runMove(['--to', database.url]);
    expect(run.code, run.stderr).to.equal(1);
    expect(run.stderr).to.contain(`is in use by another Laurel process (pid ${embedded.child.pid})`);
    expect(run.stderr).to.contain('Stop the running portal first');
    expect(run.stdout).to.equal('');
    expect(await publicTables()).to.equal(0);
    expect((await admin.get('/admin')).status).to.equal(200);
  });

  it('refuses a bad address (exit 2) and an unreachable server (exit 1), never printing a password', async () => {
    const closedPort = await freePort();
    const wrongPassword = new URL(database.url);
    wrongPassword.password = 'Not-The-Password-42';
    wrongPassword.pathname = '/laurel_no_such_database';
    const [none, mysql, refused, denied] = await Promise.all([
      runMove([]),
      runMove(['--to', 'mysql://root:hunter2-secret@db.example.org/laurel']),
      runMove(['--to', `postgres://laurel:Not-The-Password-42@127.0.0.1:${closedPort}/laurel`]),
      runMove(['--to', wrongPassword.toString()]),
    ]);
    expect([none.code, none.stderr.trim()]).to.deep.equal([2, USAGE]);
    expect([mysql.code, mysql.stderr.trim()]).to.deep.equal([
      2,
      `--to must be a PostgreSQL address starting with postgres://\n${USAGE}`,
    ]);
    expect(refused.code).to.equal(1);
    expect(refused.stderr.trim()).to.equal(
      `Could not connect to postgres://laurel:***@127.0.0.1:${closedPort}/laurel: the connection was refused. ` +
        `Is PostgreSQL running on 127.0.0.1:${closedPort}, and is the port right?`,
    );
    expect(denied.code).to.equal(1);
    const shown = new URL(wrongPassword);
    shown.password = '***';
    expect(denied.stderr).to.contain(`Could not connect to ${shown.toString()}: `);
    // A server that trusts local connections never asks for the password: then the database is missing.
    expect(denied.stderr).to.match(/the server refused the password of laurel|the database \S+ does not exist/);
    for (const run of [mysql, refused, denied]) {
      expect(run.stdout + run.stderr).not.to.match(/hunter2-secret|Not-The-Password-42/);
    }
  });

  it('moves the stopped portal, table by table, and says what to set next with the password masked', async () => {
    embedded.child.kill('SIGTERM');
    expect(await waitForExit(embedded, STOP_TIMEOUT_MS)).to.deep.equal({ code: 0, signal: null });

    const run = await runMove(['--to', database.url]);
    expect(run.code, run.stdout + run.stderr).to.equal(0);
    expect(run.stderr).to.equal('');
    const pglite = path.join(dataDir, 'pglite');
    const lines = run.stdout.split('\n');
    expect(lines[0]).to.equal(`Moving the embedded database in ${pglite} to ${masked()}.`);
    expect(lines[1]).to.match(/^The target is empty\. Copying every table at the source's level \(\d+ migrations\)/);
    expect(run.stdout).to.match(/^ {2}users +\d+ rows$/m);
    expect(run.stdout).to.match(/^ {2}evidence_files +1 row$/m);
    expect(run.stdout).to.match(/^ {2}review_scores +\d+ rows$/m);
    expect(run.stdout).to.match(
      /^Moved \d+ rows in \d+ tables in [\d.]+ s: every table's rows and checksum read back equal/m,
    );
    expect(run.stdout).to.contain(`  1. Set DATABASE_URL=${masked()} (with the real password in place of ***)`);
    expect(run.stdout).to.contain(`  2. Keep UPLOAD_DIR=${path.join(dataDir, 'uploads')} as it is`);
    expect(run.stdout).to.contain(
      `  3. SESSION_SECRET is not set: the portal keeps reading ${path.join(dataDir, 'session-secret')}`,
    );
    expect(run.stdout).to.contain('  4. Start the portal again (npm start).');
    expect(run.stdout).to.contain(`The embedded database in ${pglite} is left untouched, as a fallback.`);
    expect(run.stdout).not.to.contain(password());
  });

  it('refuses to move into the same database again: it holds rows now', async () => {
    const run = await runMove(['--to', database.url]);
    expect(run.code).to.equal(1);
    expect(run.stderr).to.match(/^The target is not empty: it holds \d+ rows? in \w+/);
    expect(run.stderr).to.contain('create a new, empty database and move into that one.');
    expect(run.stdout + run.stderr).not.to.contain(password());
  });

  it('runs on PostgreSQL with the same sign-ins, applications, reviews and evidence', async () => {
    const moved = startServer(dataDir, port, { DATABASE_URL: database.url });
    const running = await waitForOutput(moved, RUNNING);
    expect(running[2], describeOutput(moved)).to.equal('postgresql');
    expect(moved.stdout).not.to.contain('Sign in as the demo administrator');

    // The session made on the embedded portal goes on: sessions moved, the secret stayed.
    const home = await admin.get('/admin');
    expect(home.status).to.equal(200);
    expect(home.text).to.contain('Signed in as Demo Administrator');
    // And the demo password signs in afresh.
    const again = supertest.agent(base());
    const signedIn = await signIn(again, demo.email, demo.password);
    expect(signedIn.status, signedIn.text).to.equal(303);
    expect((await again.get('/admin')).text).to.contain('Signed in as Demo Administrator');

    const seenAfter = await seenBy(again);
    expect(seenAfter.applications).to.equal(seenBefore.applications);
    expect(seenAfter.reviewsCsv).to.deep.equal(seenBefore.reviewsCsv);
    expect(seenAfter.rankingCsv).to.deep.equal(seenBefore.rankingCsv);

    const file = await again.get(download).buffer(true);
    expect(file.status).to.equal(200);
    expect(file.headers['content-disposition']).to.equal('attachment; filename="Course guide.pdf"');
    expect(Buffer.compare(file.body as Buffer, fixtureBytes('sample.pdf'))).to.equal(0);
  });
});
