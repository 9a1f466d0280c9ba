import { expect } from 'chai';
import { asc, eq } from 'drizzle-orm';
import { applications, criteria, evidenceFiles, schoolContacts, schools } from '../../../models/schema.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { createUser, signIn, createOpenCycle } from '../../helpers/factories.js';
import { submitForm } from '../../helpers/forms.js';
import {
  GOOD_ELIGIBILITY,
  LINCOLN,
  addSchool,
  saveCriterion,
  startApplication,
  words,
} from '../../helpers/applicant.js';

describe('who may open an application and its files', () => {
  let h: Harness;
  let cycleId: number;
  let applicationId: number;
  let schoolId: number;
  let fileUrls: string[];
  let lincoln: ReturnType<Harness['agent']>;

  before(async () => {
    h = await startHarness();
    cycleId = await createOpenCycle(h.db, h.clock());
    await createUser(h.db, { email: 'principal@lincoln.pps.example.org', name: 'Pat Principal' });
    await createUser(h.db, { email: 'counselor@lincoln.pps.example.org', name: 'Casey Counselor' });
    await createUser(h.db, { email: 'parent@gmail.example.com', name: 'Parker Parent' });
    await createUser(h.db, { email: 'head@roosevelt.example.org', name: 'Robin Roosevelt' });
    await createUser(h.db, { email: 'admin@program.example.org', name: 'Ada Admin', roles: ['admin'] });
    lincoln = h.agent();
    await signIn(lincoln, 'principal@lincoln.pps.example.org');
    schoolId = await addSchool(lincoln);
    applicationId = await startApplication(lincoln, schoolId, cycleId);
    const [first] = await h.db
      .select()
      .from(criteria)
      .where(eq(criteria.cycleId, cycleId))
      .orderBy(asc(criteria.position));
    await saveCriterion(lincoln, applicationId, first!.id, {
      answer: words(10),
      files: [{ name: 'sample.pdf' }, { name: 'sample.xlsx' }],
    });
    const files = await h.db.select().from(evidenceFiles).where(eq(evidenceFiles.applicationId, applicationId));
    expect(files).to.have.length(2);
    fileUrls = files.map((f) => `/applications/${applicationId}/files/${f.publicId}`);
  });
  after(() => h.close());

  const pages = () => [
    `/applications/${applicationId}`,
    `/applications/${applicationId}/eligibility`,
    `/applications/${applicationId}/profile`,
    `/applications/${applicationId}/criteria`,
    `/applications/${applicationId}/review`,
    ...fileUrls,
  ];

  it('gives another school\'s contact "not found" for the application, each section and each file', async () => {
    const roosevelt = h.agent();
    await signIn(roosevelt, 'head@roosevelt.example.org');
    await addSchool(roosevelt, { ...LINCOLN, name: 'Roosevelt High School', website: 'https://roosevelt.example.org' });
    for (const url of pages()) {
      const res = await roosevelt.get(url);
      expect(res.status, url).to.equal(404);
      expect(res.text, url).not.to.contain('Lincoln');
    }
    const post = await submitForm(
      roosevelt,
      '/my/applications',
      `/applications/${applicationId}/eligibility`,
      GOOD_ELIGIBILITY,
    );
    expect(post.status).to.equal(404);
    const [row] = await h.db.select().from(applications).where(eq(applications.id, applicationId));
    expect(row?.eligibilityAnswers).to.deep.equal({});
    const deletion = await submitForm(roosevelt, '/my/applications', `${fileUrls[0]}/delete`, {});
    expect(deletion.status).to.equal(404);
    expect(
      await h.db.select().from(evidenceFiles).where(eq(evidenceFiles.applicationId, applicationId)),
    ).to.have.length(2);
  });

  it('sends anonymous visitors to sign in and never shows them a file', async () => {
    for (const url of pages()) {
      const res = await h.agent().get(url);
      expect(res.status, url).to.equal(303);
      expect(res.headers.location, url).to.match(/^\/login\?next=/);
    }
  });

  it('keeps a claim from an unrelated address pending, with no access, until confirmed', async () => {
    const parent = h.agent();
    await signIn(parent, 'parent@gmail.example.com');
    const claimed = await submitForm(parent, '/schools/find?q=lincoln', `/schools/${schoolId}/claim`, {});
    expect(claimed.status).to.equal(303);
    expect((await parent.get('/my/applications')).text).to.contain(
      'waiting for one of its contacts or the program staff to confirm you work here',
    );
    for (const url of pages()) expect((await parent.get(url)).status, url).to.equal(404);
    const [contact] = await h.db.select().from(schoolContacts).where(eq(schoolContacts.status, 'pending'));
    expect(contact?.schoolId).to.equal(schoolId);
  });

  it('lets a colleague whose address matches the school website share the application at once', async () => {
    const colleague = h.agent();
    await signIn(colleague, 'counselor@lincoln.pps.example.org');
    const search = await colleague.get('/schools/find?q=Lincoln&state=OR');
    expect(search.text).to.contain('Lincoln High School');
    await submitForm(colleague, '/schools/find?q=lincoln', `/schools/${schoolId}/claim`, {});
    const mine = await colleague.get('/my/applications');
    expect(mine.text).to.contain(`/applications/${applicationId}`);
    for (const url of pages()) expect((await colleague.get(url)).status, url).to.equal(200);
  });

  it('lets an admin read the application and download its files, but not edit it', async () => {
    const admin = h.agent();
    await signIn(admin, 'admin@program.example.org');
    for (const url of pages()) expect((await admin.get(url)).status, url).to.equal(200);
    const edit = await submitForm(
      admin,
      `/applications/${applicationId}`,
      `/applications/${applicationId}/eligibility`,
      GOOD_ELIGIBILITY,
    );
    expect(edit.status).to.equal(403);
  });

  it('submits with screening flags when automatic eligibility rules fail, without blocking', async () => {
    await h.db.update(schools).set({ frlPercent: 4, iepPercent: 9 }).where(eq(schools.id, schoolId));
    await submitForm(
      lincoln,
      `/applications/${applicationId}/eligibility`,
      `/applications/${applicationId}/eligibility`,
      {
        ...GOOD_ELIGIBILITY,
        q_school_type: 'private',
        q_district_iep_percent: '14',
      },
    );
    const optional = await h.db
      .select()
      .from(criteria)
      .where(eq(criteria.cycleId, cycleId))
      .orderBy(asc(criteria.position));
    await submitForm(lincoln, `/applications/${applicationId}/criteria`, `/applications/${applicationId}/criteria`, {
      chosen: optional
        .filter((c) => !c.required)
        .slice(0, 4)
        .map((c) => String(c.id)),
    });
    for (const c of optional.filter((c) => c.required).concat(optional.filter((c) => !c.required).slice(0, 4))) {
      await saveCriterion(lincoln, applicationId, c.id, { answer: words(50) });
    }
    const res = await submitForm(
      lincoln,
      `/applications/${applicationId}/review`,
      `/applications/${applicationId}/submit`,
      {},
    );
    expect(res.status, res.text).to.equal(303);
    const [row] = await h.db.select().from(applications).where(eq(applications.id, applicationId));
    expect(row?.status).to.equal('submitted');
    expect(row?.screeningFlags.map((f) => f.message)).to.deep.equal([
      'Only public and charter schools are eligible.',
      'At least 10% of students must qualify for free or reduced-price lunch.',
      "The school's share of students with IEPs is more than 2 points below the district's.",
    ]);
  });
});
