// Every upload route, found in the app itself, gets cut-off, dropped and malformed multipart
// bodies over raw sockets: each that can be answered gets the 400 page, nothing escapes as an
// uncaught exception or unhandled rejection (either would end the real process), and no temp
// file stays behind.
import { expect } from 'chai';
import type { Server } from 'node:http';
import path from 'node:path';
import { asc, eq } from 'drizzle-orm';
import supertest from 'supertest';
import { criteria, programs } from '../../../models/schema.js';
import { addSchool, fixtureBytes, saveCriterion, startApplication } from '../../helpers/applicant.js';
import { createUser, signIn, createOpenCycle } from '../../helpers/factories.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { attackAll, attackTargets, leftIn, type NamedTarget } from '../../helpers/multipart-attacks.js';
import { uploadRoutesOf } from '../../helpers/upload-routes.js';

type Agent = ReturnType<typeof supertest.agent>;

describe('hostile multipart bodies on every upload route', function () {
  this.timeout(120_000);
  let h: Harness;
  let server: Server;
  let port: number;
  let applicant: Agent;
  let applicationId: number;
  let criterionId: number;
  let targets: NamedTarget[];
  // Mocha drops unhandled rejections from the code under test without failing anything.
  const escaped: string[] = [];
  const recordEscape = (error: unknown) =>
    escaped.push(
      error instanceof Error ? (error.stack ?? error.message).split('\n').slice(0, 2).join(' ') : String(error),
    );

  before(async () => {
    process.on('unhandledRejection', recordEscape);
    process.on('uncaughtException', recordEscape);
    h = await startHarness();
    const cycleId = await createOpenCycle(h.db, h.clock());
    await createUser(h.db, { email: 'contact@lincoln.example.org', roles: ['applicant'] });
    server = h.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const address = server.address();
    port = typeof address === 'object' && address ? address.port : 0;
    applicant = supertest.agent(`http://127.0.0.1:${port}`);
    await signIn(applicant, 'contact@lincoln.example.org');
    applicationId = await startApplication(applicant, await addSchool(applicant), cycleId);
    const [first] = await h.db
      .select({ id: criteria.id })
      .from(criteria)
      .where(eq(criteria.cycleId, cycleId))
      .orderBy(asc(criteria.position));
    criterionId = first!.id;

    await createUser(h.db, { email: 'admin@program.example.org', roles: ['admin'] });
    const admin = supertest.agent(`http://127.0.0.1:${port}`);
    await signIn(admin, 'admin@program.example.org');
    const [program] = await h.db.select({ id: programs.id }).from(programs);
    targets = await attackTargets(uploadRoutesOf(h.app), {
      port,
      applicant,
      admin,
      params: { id: applicationId, criterionId, programId: program!.id },
    });
  });
  after(async () => {
    process.off('unhandledRejection', recordEscape);
    process.off('uncaughtException', recordEscape);
    await new Promise((resolve) => server.close(resolve));
    await h.close();
  });

  it('finds the upload routes in the app', () => {
    const routes = uploadRoutesOf(h.app).map((r) => `${r.method} ${r.path} (${r.fieldName})`);
    expect(routes).to.include.members([
      'post /nominate (files)',
      'post /applications/:id/criteria/:criterionId (files)',
      'post /admin/programs/:programId/logo (logo)',
    ]);
  });

  it('answers each cut-off or malformed body with the 400 page and leaves no temp file', async () => {
    const failures = await attackAll(targets, async () => {
      expect((await applicant.get('/healthz')).status).to.equal(200);
    });
    expect(escaped, 'errors that would have ended the process').to.deep.equal([]);
    expect(failures).to.deep.equal([]);
    expect(await leftIn(path.join(h.dataDir, 'uploads', 'tmp'))).to.deep.equal([]);
  });

  it('still takes a real upload afterwards', async () => {
    const saved = await saveCriterion(applicant, applicationId, criterionId, {
      answer: 'After the storm',
      files: [{ name: 'sample.pdf' }],
    });
    expect(saved.status, saved.text).to.equal(303);
    const page = await applicant.get(`/applications/${applicationId}/criteria/${criterionId}`);
    expect(page.text).to.contain('sample.pdf');
    const download = /href="(\/applications\/\d+\/files\/[0-9a-f-]+)"/.exec(page.text)?.[1];
    const file = await applicant.get(download!).buffer(true);
    expect(Buffer.compare(file.body as Buffer, fixtureBytes('sample.pdf'))).to.equal(0);
    expect(await leftIn(path.join(h.dataDir, 'uploads', 'tmp'))).to.deep.equal([]);
  });
});
