import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { eq } from 'drizzle-orm';
import { assignments, cycles, evidenceFiles, reviewerConflicts, reviewRounds } from '../../../models/schema.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { createUser, signIn, createOpenCycle } from '../../helpers/factories.js';
import { submitForm } from '../../helpers/forms.js';
import { LINCOLN } from '../../helpers/applicant.js';
import { confirmedNomination, submittedApplication } from '../../helpers/review-setup.js';

type Agent = ReturnType<Harness['agent']>;
const DAY = 24 * 60 * 60 * 1000;

describe('who may open an application for review, and its files', () => {
  let h: Harness;
  let cycleId: number;
  let lincolnId: number;
  let lincolnSchoolId: number;
  let rooseveltId: number;
  /** Every file URL of Lincoln's application, per assignment id: application and nomination evidence. */
  let fileUrls: (assignmentId: number) => string[];
  let rooseveltFile: string;
  let unchosenFile: string;
  const assigned: Record<'fair' | 'declared' | 'sameDomain' | 'elsewhere', number> = {
    fair: 0,
    declared: 0,
    sameDomain: 0,
    elsewhere: 0,
  };
  const agents = {} as Record<keyof typeof assigned, Agent>;

  const submitSchool = (email: string, profile: Record<string, string>, files: Array<{ name: string; as: string }>) =>
    submittedApplication(h, cycleId, { email, profile, files });

  before(async () => {
    h = await startHarness();
    cycleId = await createOpenCycle(h.db, h.clock());
    const lincoln = await submitSchool('principal@lincoln.pps.example.org', LINCOLN, [
      { name: 'sample.pdf', as: 'Lincoln budget.pdf' },
      { name: 'sample.xlsx', as: 'Lincoln data.xlsx' },
    ]);
    lincolnId = lincoln.applicationId;
    lincolnSchoolId = lincoln.schoolId;
    const roosevelt = await submitSchool(
      'head@roosevelt.example.org',
      { ...LINCOLN, name: 'Roosevelt High School', website: 'https://roosevelt.example.org' },
      [{ name: 'sample.pdf', as: 'Roosevelt plan.pdf' }],
    );
    rooseveltId = roosevelt.applicationId;

    const { nomination, letter: nominationFile } = await confirmedNomination(h, {
      cycleId,
      schoolId: lincolnSchoolId,
      applicationId: lincolnId,
      reason: 'Open doors.',
      storedName: 'cd/cd' + '1'.repeat(30),
    });
    // A file left on a criterion the school did not choose: not part of what reviewers read.
    const unchosen = lincoln.cycleCriteria.filter((c) => !c.required)[5]!;
    const [stray] = await h.db
      .insert(evidenceFiles)
      .values({
        kind: 'pdf',
        contentType: 'application/pdf',
        sizeBytes: nominationFile.sizeBytes,
        sha256: nominationFile.sha256,
        storedName: nominationFile.storedName,
        applicationId: lincolnId,
        criterionId: unchosen.id,
        originalName: 'Stray.pdf',
      })
      .returning();

    const lincolnFiles = await h.db.select().from(evidenceFiles).where(eq(evidenceFiles.applicationId, lincolnId));
    fileUrls = (id) => [
      ...lincolnFiles.filter((f) => f.id !== stray!.id).map((f) => `/reviews/${id}/files/${f.publicId}`),
      `/reviews/${id}/files/${nominationFile.publicId}`,
      `/reviews/${id}/nominations/${nomination.id}/files/${nominationFile.publicId}`,
    ];
    const [rooseveltEvidence] = await h.db
      .select()
      .from(evidenceFiles)
      .where(eq(evidenceFiles.applicationId, rooseveltId));
    rooseveltFile = rooseveltEvidence!.publicId;
    unchosenFile = stray!.publicId;

    const [round] = await h.db
      .insert(reviewRounds)
      .values({ cycleId, number: 1, name: 'Round 1', dueAt: new Date(h.clock().getTime() + 10 * DAY) })
      .returning();
    const reviewers = {
      fair: 'fair@panel.example.net',
      declared: 'declared@panel.example.net',
      sameDomain: 'visitor@lincoln.pps.example.org',
      elsewhere: 'elsewhere@panel.example.net',
    };
    for (const [key, email] of Object.entries(reviewers) as Array<[keyof typeof reviewers, string]>) {
      const user = await createUser(h.db, { email, name: `Reviewer ${key}`, roles: ['reviewer'] });
      // "elsewhere" reads Roosevelt only: Lincoln is not theirs to open.
      const applicationId = key === 'elsewhere' ? rooseveltId : lincolnId;
      const [row] = await h.db
        .insert(assignments)
        .values({ roundId: round!.id, applicationId, reviewerId: user.id })
        .returning();
      assigned[key] = row!.id;
      if (key === 'declared') {
        await h.db
          .insert(reviewerConflicts)
          .values({ reviewerId: user.id, schoolId: lincolnSchoolId, source: 'declared', reason: 'I coach there.' });
      }
      agents[key] = h.agent();
      await signIn(agents[key], email);
    }
  });
  after(() => h.close());

  it('lets the assigned, unconflicted reviewer open the application and every file of it', async () => {
    const page = await agents.fair.get(`/reviews/${assigned.fair}`);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('Lincoln High School');
    expect(page.text).not.to.contain('Stray.pdf');
    for (const url of fileUrls(assigned.fair)) {
      const res = await agents.fair.get(url);
      expect(res.status, url).to.equal(200);
      expect(res.headers['content-disposition'], url).to.match(/^attachment; filename=/);
      expect(res.headers['cache-control']).to.equal('private, no-store');
    }
  });

  it('answers 404 for any other file through an assignment: another school’s, unchosen, made up, or under the wrong nomination', async () => {
    const base = `/reviews/${assigned.fair}`;
    for (const url of [
      `${base}/files/${rooseveltFile}`,
      `${base}/files/${unchosenFile}`,
      `${base}/files/${randomUUID()}`,
      `${base}/files/not-a-uuid`,
      `${base}/files/..%2F..%2Fetc%2Fpasswd`,
      `${base}/nominations/999/files/${fileUrls(assigned.fair)[2]!.split('/').pop()}`,
      `${base}/nominations/1/files/${fileUrls(assigned.fair)[0]!.split('/').pop()}`,
    ]) {
      const res = await agents.fair.get(url);
      expect(res.status, url).to.equal(404);
      expect(res.headers['content-disposition'], url).to.equal(undefined);
    }
  });

  for (const mode of ['normal', 'blind'] as const) {
    describe(`in ${mode} mode`, () => {
      before(() =>
        h.db
          .update(cycles)
          .set({ blindReview: mode === 'blind' })
          .where(eq(cycles.id, cycleId)),
      );

      it('gives a reviewer with a declared conflict 404 for the review page, its form and each file', async () => {
        await expectNothingOpens(agents.declared, assigned.declared);
      });

      it('gives a reviewer whose e-mail domain is a school contact’s 404 everywhere too', async () => {
        await expectNothingOpens(agents.sameDomain, assigned.sameDomain);
      });

      it('gives a reviewer who is not assigned 404 for someone else’s assignment and its files', async () => {
        for (const id of [assigned.fair, assigned.declared]) await expectNothingOpens(agents.elsewhere, id);
        const own = await agents.elsewhere.get(`/reviews/${assigned.elsewhere}`);
        expect(own.status).to.equal(200);
        expect(own.text).not.to.contain('Lincoln');
        expect(
          (await agents.elsewhere.get(`/reviews/${assigned.elsewhere}/files/${fileUrls(0)[0]!.split('/').pop()}`))
            .status,
        ).to.equal(404);
      });

      it('still serves the fair reviewer, with neutral file names when blind', async () => {
        for (const url of fileUrls(assigned.fair)) {
          const res = await agents.fair.get(url);
          expect(res.status, url).to.equal(200);
          if (mode === 'blind')
            expect(res.headers['content-disposition']).to.match(/^attachment; filename="Evidence \d\.(pdf|xlsx)"$/);
          else expect(res.headers['content-disposition']).to.contain('Lincoln');
        }
      });

      it('shows a PDF in the browser under a policy with no script, and downloads a spreadsheet asked to be shown', async () => {
        for (const url of fileUrls(assigned.fair)) {
          const res = await agents.fair.get(`${url}/view`);
          expect(res.status, url).to.equal(200);
          expect(res.headers['cache-control']).to.equal('private, no-store');
          expect(res.headers['x-content-type-options']).to.equal('nosniff');
          if (res.headers['content-type'] === 'application/pdf') {
            expect(res.headers['content-disposition']).to.match(
              mode === 'blind' ? /^inline; filename="Evidence \d\.pdf"$/ : /^inline; filename=.*Lincoln/,
            );
            const policy = String(res.headers['content-security-policy']);
            expect(policy).to.contain("default-src 'none'");
            expect(policy).not.to.match(/script-src/);
            expect(policy).to.contain("form-action 'none'");
          } else {
            // An Office file cannot be shown safely: it is downloaded, whatever the address asks.
            expect(res.headers['content-disposition']).to.match(/^attachment; /);
            expect(String(res.headers['content-security-policy'])).not.to.contain('sandbox');
          }
        }
        const page = await agents.fair.get(`/reviews/${assigned.fair}`);
        expect(page.text).to.match(/<a href="\/reviews\/\d+\/files\/[0-9a-f-]+\/view"/);
      });

      it('shows the school’s facts beside the answers, the enrollment rounded when blind', async () => {
        const page = (await agents.fair.get(`/reviews/${assigned.fair}`)).text;
        expect(page).to.contain('About the school');
        expect(page).to.contain('<dd>High school</dd>');
        expect(page).to.contain('<dd>38.5%</dd>');
        expect(page).to.contain('<dd>12%</dd>');
        if (mode === 'blind') {
          expect(page).to.contain('about 1,500 (rounded in blind review)');
          expect(page).not.to.contain('1,540');
        } else expect(page).to.contain('<dd>1,540</dd>');
      });
    });
  }

  /** Each file's download address and the address that shows it in the browser. */
  const withViews = (urls: string[]) => urls.flatMap((url) => [url, `${url}/view`]);

  /** The review page, the form post and every file: all "not found", and nothing of Lincoln shows. */
  async function expectNothingOpens(agent: Agent, assignmentId: number) {
    const page = await agent.get(`/reviews/${assignmentId}`);
    expect(page.status).to.equal(404);
    expect(page.text).to.contain('We could not find that review.');
    expect(page.text.toLowerCase()).not.to.contain('lincoln');
    const post = await submitForm(agent, '/reviews', `/reviews/${assignmentId}`, {
      action: 'submit',
      recommendation: 'gold',
    });
    expect(post.status).to.equal(404);
    for (const url of withViews(fileUrls(assignmentId))) {
      const res = await agent.get(url);
      expect(res.status, url).to.equal(404);
      expect(res.headers['content-disposition'], url).to.equal(undefined);
    }
    const dashboard = await agent.get('/reviews');
    expect(dashboard.status).to.equal(200);
    expect(dashboard.text).not.to.contain(`href="/reviews/${assignmentId}"`);
    expect(dashboard.text.toLowerCase()).not.to.contain('lincoln');
    const [row] = await h.db.select().from(assignments).where(eq(assignments.id, assignmentId));
    expect(row?.status, 'nothing was saved').to.equal('assigned');
  }

  it('keeps /reviews from applicants and admins without the reviewer role, and sends visitors to sign in', async () => {
    const principal = h.agent();
    await signIn(principal, 'principal@lincoln.pps.example.org');
    await createUser(h.db, { email: 'admin@program.example.org', roles: ['admin'] });
    const admin = h.agent();
    await signIn(admin, 'admin@program.example.org');
    for (const agent of [principal, admin]) {
      for (const url of ['/reviews', `/reviews/${assigned.fair}`, fileUrls(assigned.fair)[0]!]) {
        const res = await agent.get(url);
        expect(res.status, url).to.equal(403);
        expect(res.text).to.contain('This page is for reviewers of the program');
      }
      const post = await submitForm(agent, '/my/applications', `/reviews/${assigned.fair}`, { action: 'submit' });
      expect(post.status).to.equal(403);
    }
    const visitor = await h.agent().get(`/reviews/${assigned.fair}`);
    expect(visitor.status).to.equal(303);
    expect(visitor.headers.location).to.equal(`/login?next=${encodeURIComponent(`/reviews/${assigned.fair}`)}`);
  });
});
