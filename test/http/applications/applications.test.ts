import { expect } from 'chai';
import { asc, eq } from 'drizzle-orm';
import { applications, criteria, evidenceFiles } from '../../../models/schema.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { createUser, signIn, createOpenCycle } from '../../helpers/factories.js';
import { submitForm } from '../../helpers/forms.js';
import {
  GOOD_ELIGIBILITY,
  LINCOLN,
  addSchool,
  fixtureBytes,
  saveCriterion,
  startApplication,
  words,
} from '../../helpers/applicant.js';

describe('a school applies', () => {
  let h: Harness;
  let cycleId: number;
  let required: number[];
  let optional: number[];
  const agent = () => principal;
  let principal: ReturnType<Harness['agent']>;
  let applicationId: number;

  before(async () => {
    h = await startHarness();
    cycleId = await createOpenCycle(h.db, h.clock());
    const rows = await h.db
      .select()
      .from(criteria)
      .where(eq(criteria.cycleId, cycleId))
      .orderBy(asc(criteria.position));
    required = rows.filter((c) => c.required).map((c) => c.id);
    optional = rows.filter((c) => !c.required).map((c) => c.id);
    await createUser(h.db, { email: 'principal@lincoln.pps.example.org', name: 'Pat Principal' });
    await createUser(h.db, { email: 'teacher@lincoln.pps.example.org', name: 'Terry Teacher' });
    await createUser(h.db, { email: 'head@roosevelt.example.org', name: 'Robin Roosevelt' });
    principal = h.agent();
    await signIn(principal, 'principal@lincoln.pps.example.org');
  });
  after(() => h.close());

  it('creates the school profile and starts the one application of the school for the cycle', async () => {
    const schoolId = await addSchool(agent());
    applicationId = await startApplication(agent(), schoolId, cycleId);
    // Starting again returns the same application.
    expect(await startApplication(agent(), schoolId, cycleId)).to.equal(applicationId);

    const overview = await agent().get(`/applications/${applicationId}`);
    expect(overview.status).to.equal(200);
    expect(overview.text).to.contain('Lincoln High School');
    expect(overview.text).to.contain('Draft');
    const review = await agent().get(`/applications/${applicationId}/review`);
    expect(review.text).to.contain('Eligibility: answer “What kind of school is it?”');
    expect(review.text).to.contain('Choose 4 of the optional criteria (0 chosen).');
    expect(review.text).to.contain('Criterion 1 “Broadening and enriching learning opportunities”: write your answer.');
  });

  it('keeps what was typed when eligibility answers are wrong, and saves the good ones', async () => {
    const bad = await submitForm(
      agent(),
      `/applications/${applicationId}/eligibility`,
      `/applications/${applicationId}/eligibility`,
      {
        ...GOOD_ELIGIBILITY,
        q_district_iep_percent: 'about twelve',
        q_school_type: 'spaceship',
      },
    );
    expect(bad.status).to.equal(422);
    expect(bad.text).to.contain('Enter a number, like 12 or 12.5.');
    expect(bad.text).to.contain('Choose one of the options.');
    expect(bad.text).to.contain('value="about twelve"');
    const [saved] = await h.db.select().from(applications).where(eq(applications.id, applicationId));
    expect(saved?.eligibilityAnswers).to.deep.equal({ zero_tolerance: 'no', restricts_access: 'no' });

    const good = await submitForm(
      agent(),
      `/applications/${applicationId}/eligibility`,
      `/applications/${applicationId}/eligibility`,
      GOOD_ELIGIBILITY,
    );
    expect(good.status).to.equal(303);
    const page = await agent().get(`/applications/${applicationId}/eligibility`);
    expect(page.text).to.match(/value="public" checked/);
  });

  it('enforces the rule of choice: required criteria plus exactly the number of optional ones', async () => {
    const tooMany = await submitForm(
      agent(),
      `/applications/${applicationId}/criteria`,
      `/applications/${applicationId}/criteria`,
      {
        chosen: optional.slice(0, 5).map(String),
      },
    );
    expect(tooMany.status).to.equal(422);
    expect(tooMany.text).to.contain('Choose at most 4 of the optional criteria; you ticked 5.');
    const ok = await submitForm(
      agent(),
      `/applications/${applicationId}/criteria`,
      `/applications/${applicationId}/criteria`,
      {
        chosen: optional.slice(0, 3).map(String),
      },
    );
    expect(ok.status).to.equal(303);
    const review = await agent().get(`/applications/${applicationId}/review`);
    expect(review.text).to.contain('Choose 4 of the optional criteria (3 chosen).');
  });

  it('saves an answer over the word limit but refuses to submit it, and shows the count', async () => {
    const res = await saveCriterion(agent(), applicationId, required[0]!, { answer: words(520) });
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('Saved, but the answer has 520 words and the limit is 500.');
    expect(res.text).to.contain(words(520));
    const review = await agent().get(`/applications/${applicationId}/review`);
    expect(review.text).to.contain('the answer has 520 words; the limit is 500.');
    const submit = await submitForm(
      agent(),
      `/applications/${applicationId}/review`,
      `/applications/${applicationId}/submit`,
      {},
    );
    expect(submit.status).to.equal(422);
    expect(submit.text).to.contain('The application is not complete yet.');
  });

  it('accepts evidence checked by its bytes and serves it only as an attachment to the school', async () => {
    const res = await saveCriterion(agent(), applicationId, required[0]!, {
      answer: words(480),
      files: [
        { name: 'sample.pdf', as: 'Course guide 2026.pdf' },
        { name: 'sample.docx' },
        { name: 'sample.png', as: 'schedule.pdf' },
      ],
    });
    expect(res.status, res.text).to.equal(303);
    const files = await h.db
      .select()
      .from(evidenceFiles)
      .where(eq(evidenceFiles.applicationId, applicationId))
      .orderBy(asc(evidenceFiles.id));
    expect(files.map((f) => [f.originalName, f.kind])).to.deep.equal([
      ['Course guide 2026.pdf', 'pdf'],
      ['sample.docx', 'docx'],
      ['schedule.pdf.png', 'png'],
    ]);
    expect(files[0]?.storedName).not.to.contain('Course');
    const download = await agent()
      .get(`/applications/${applicationId}/files/${files[0]!.publicId}`)
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(download.status).to.equal(200);
    expect(download.headers['content-type']).to.equal('application/pdf');
    expect(download.headers['content-disposition']).to.equal('attachment; filename="Course guide 2026.pdf"');
    expect(Buffer.compare(download.body as Buffer, fixtureBytes('sample.pdf'))).to.equal(0);

    // Shown in the browser: an image in a sandboxed document, a Word file downloaded all the same.
    const image = await agent().get(`/applications/${applicationId}/files/${files[2]!.publicId}/view`);
    expect(image.status).to.equal(200);
    expect(image.headers['content-type']).to.equal('image/png');
    expect(image.headers['content-disposition']).to.equal('inline; filename=schedule.pdf.png');
    expect(image.headers['content-security-policy']).to.match(/^default-src 'none'; img-src 'self';.*; sandbox$/);
    const word = await agent().get(`/applications/${applicationId}/files/${files[1]!.publicId}/view`);
    expect(word.headers['content-disposition']).to.equal('attachment; filename=sample.docx');
    // Another person gets nothing, whichever address they try.
    const stranger = h.agent();
    await createUser(h.db, { email: 'stranger@example.org' });
    await signIn(stranger, 'stranger@example.org');
    for (const suffix of ['', '/view']) {
      const res = await stranger.get(`/applications/${applicationId}/files/${files[2]!.publicId}${suffix}`);
      expect(res.status).to.equal(404);
      expect(res.headers['content-disposition']).to.equal(undefined);
    }
    const page = await agent().get(`/applications/${applicationId}/criteria/${required[0]!}`);
    expect(page.text).to.contain(`href="/applications/${applicationId}/files/${files[2]!.publicId}/view"`);
    expect(page.text).not.to.contain(`href="/applications/${applicationId}/files/${files[1]!.publicId}/view"`);
  });

  it('refuses disguised, empty, too large and too many files with a reason, keeping the answer', async () => {
    const text = `${words(30)} my unsaved thoughts`;
    const disguised = await saveCriterion(agent(), applicationId, required[1]!, {
      answer: text,
      files: [{ name: 'fake.pdf' }, { name: 'html-as.png' }],
    });
    expect(disguised.status).to.equal(422);
    expect(disguised.text).to.contain('fake.pdf');
    expect(disguised.text).to.contain('html-as.png');
    expect(disguised.text).to.contain(text);

    const empty = await saveCriterion(agent(), applicationId, required[1]!, {
      answer: text,
      files: [{ name: 'empty.pdf' }],
    });
    expect(empty.status).to.equal(422);
    expect(empty.text).to.contain('is empty');

    const { cycles } = await import('../../../models/schema.js');
    await h.db.update(cycles).set({ maxFileBytes: 700, maxFilesPerCriterion: 4 }).where(eq(cycles.id, cycleId));
    const large = await saveCriterion(agent(), applicationId, required[1]!, {
      answer: text,
      files: [{ name: 'sample.xlsx' }],
    });
    expect(large.status).to.equal(422);
    expect(large.text).to.contain('sample.xlsx');
    expect(large.text).to.contain('larger than the');
    expect(large.text).to.contain(text);

    const many = await saveCriterion(agent(), applicationId, required[0]!, {
      answer: words(480),
      files: [{ name: 'sample.jpg' }, { name: 'sample.png' }],
    });
    expect(many.status).to.equal(422);
    expect(many.text).to.contain('a criterion can have at most 4 files');
    await h.db
      .update(cycles)
      .set({ maxFileBytes: 20 * 1024 * 1024, maxFilesPerCriterion: 10 })
      .where(eq(cycles.id, cycleId));

    const count = await h.db.select().from(evidenceFiles).where(eq(evidenceFiles.applicationId, applicationId));
    expect(count).to.have.length(4, 'three earlier files plus the one JPEG that fitted');
    const [answerRow] = await h.db.query.applicationAnswers.findMany({
      where: (a, { eq: e }) => e(a.criterionId, required[1]!),
    });
    expect(answerRow?.answer).to.equal(text);
  });

  it('refuses a file that would take the application over its total limit', async () => {
    const { cycles } = await import('../../../models/schema.js');
    const used = (await h.db.select().from(evidenceFiles).where(eq(evidenceFiles.applicationId, applicationId))).reduce(
      (n, f) => n + f.sizeBytes,
      0,
    );
    await h.db
      .update(cycles)
      .set({ maxFileBytes: 2000, maxApplicationBytes: used + 700 })
      .where(eq(cycles.id, cycleId));
    try {
      const res = await saveCriterion(agent(), applicationId, required[1]!, {
        answer: 'kept text',
        files: [{ name: 'sample.xlsx' }],
      });
      expect(res.status).to.equal(422);
      expect(res.text).to.contain('would take the application');
      expect(res.text).to.contain('kept text');
      expect(
        await h.db.select().from(evidenceFiles).where(eq(evidenceFiles.applicationId, applicationId)),
      ).to.have.length(4);
    } finally {
      await h.db
        .update(cycles)
        .set({ maxFileBytes: 20 * 1024 * 1024, maxApplicationBytes: 100 * 1024 * 1024 })
        .where(eq(cycles.id, cycleId));
    }
  });

  it('refuses an upload whose form has no CSRF token, and writes no file', async () => {
    const before = await h.db.select().from(evidenceFiles);
    const res = await agent()
      .post(`/applications/${applicationId}/criteria/${required[1]}`)
      .field('answer', 'x')
      .attach('files', fixtureBytes('sample.pdf'), 'x.pdf');
    expect(res.status).to.equal(403);
    expect(await h.db.select().from(evidenceFiles)).to.have.length(before.length);
  });

  it('submits a complete application before the deadline, e-mails every contact a summary, then locks it', async () => {
    await submitForm(agent(), `/applications/${applicationId}/criteria`, `/applications/${applicationId}/criteria`, {
      chosen: optional.slice(0, 4).map(String),
    });
    await saveCriterion(agent(), applicationId, required[1]!, { answer: words(200, 'culture') });
    for (const id of optional.slice(0, 4))
      await saveCriterion(agent(), applicationId, id, { answer: words(150, 'time') });
    const submitted = await submitForm(
      agent(),
      `/applications/${applicationId}/review`,
      `/applications/${applicationId}/submit`,
      {},
    );
    expect(submitted.status, submitted.text).to.equal(303);

    await h.deliverMail();
    const mail = await h.sink.waitFor((m) => m.subject.startsWith('Application received'));
    expect(mail.to).to.deep.equal(['principal@lincoln.pps.example.org']);
    expect(mail.subject).to.equal(
      `Application received: Lincoln High School, ${(await h.db.query.cycles.findFirst())!.name}`,
    );
    expect(mail.text).to.contain(`Application number: ${applicationId}`);
    expect(mail.text).to.contain('1. Broadening and enriching learning opportunities — 480 words, 4 files');
    expect(mail.text).to.contain('2. A healthy school culture — 200 words, 0 files');

    const [row] = await h.db.select().from(applications).where(eq(applications.id, applicationId));
    expect(row?.status).to.equal('submitted');
    expect(row?.screeningFlags).to.deep.equal([]);

    const locked = await saveCriterion(agent(), applicationId, required[1]!, { answer: 'changed after submission' });
    expect(locked.status).to.equal(403);
    expect(locked.text).to.contain('has been submitted and can no longer be changed');
  });

  it('lets the school withdraw and reopen until the deadline, and nothing after it', async () => {
    const withdrawn = await submitForm(
      agent(),
      `/applications/${applicationId}`,
      `/applications/${applicationId}/withdraw`,
      {},
    );
    expect(withdrawn.status).to.equal(303);
    expect((await agent().get(`/applications/${applicationId}`)).text).to.contain('Withdrawn');
    const reopened = await submitForm(
      agent(),
      `/applications/${applicationId}`,
      `/applications/${applicationId}/reopen`,
      {},
    );
    expect(reopened.status).to.equal(303);
    expect(
      (await submitForm(agent(), `/applications/${applicationId}/review`, `/applications/${applicationId}/submit`, {}))
        .status,
    ).to.equal(303);

    const cycle = (await h.db.query.cycles.findFirst())!;
    h.clock.set(new Date(cycle.applicationsCloseAt.getTime() + 1000));
    try {
      const page = await agent().get(`/applications/${applicationId}`);
      expect(page.text).not.to.contain('Withdraw the application');
      const tooLate = await submitForm(agent(), '/my/applications', `/applications/${applicationId}/withdraw`, {});
      expect(tooLate.status).to.equal(403);
      expect(tooLate.text).to.contain(
        'The deadline for applications has passed. The application can no longer be withdrawn.',
      );
    } finally {
      h.clock.set(new Date('2026-11-22T12:00:00Z'));
    }
  });

  it('refuses to submit after the deadline', async () => {
    const other = h.agent();
    await signIn(other, 'head@roosevelt.example.org');
    const schoolId = await addSchool(other, {
      ...LINCOLN,
      name: 'Roosevelt High School',
      website: 'https://roosevelt.example.org',
    });
    const id = await startApplication(other, schoolId, cycleId);
    const cycle = (await h.db.query.cycles.findFirst())!;
    h.clock.set(new Date(cycle.applicationsCloseAt.getTime() + 1000));
    try {
      const res = await submitForm(other, '/my/applications', `/applications/${id}/submit`, {});
      expect(res.status).to.equal(403);
      expect(res.text).to.contain('The deadline for applications has passed.');
    } finally {
      h.clock.set(new Date('2026-11-22T12:00:00Z'));
    }
  });
});
