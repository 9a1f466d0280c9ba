import { expect } from 'chai';
import { asc, eq } from 'drizzle-orm';
import { applications, auditLog, criteria, schoolContacts } from '../../../models/schema.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { createUser, signIn, createOpenCycle } from '../../helpers/factories.js';
import { readable, submitForm } from '../../helpers/forms.js';
import { GOOD_ELIGIBILITY, LINCOLN, addSchool, completeAndSubmit, startApplication } from '../../helpers/applicant.js';

describe('admins screen eligibility and confirm school contacts', () => {
  let h: Harness;
  let admin: ReturnType<Harness['agent']>;
  let flaggedId: number;
  let cleanId: number;
  let lincolnSchoolId: number;
  let cycleId: number;

  before(async () => {
    h = await startHarness();
    cycleId = await createOpenCycle(h.db, h.clock());
    const cycleCriteria = await h.db
      .select()
      .from(criteria)
      .where(eq(criteria.cycleId, cycleId))
      .orderBy(asc(criteria.position));
    await createUser(h.db, { email: 'admin@program.example.org', name: 'Ada Admin', roles: ['admin'] });
    await createUser(h.db, { email: 'principal@lincoln.pps.example.org' });
    await createUser(h.db, { email: 'head@charter.example.org' });
    await createUser(h.db, { email: 'someone@elsewhere.example.net', name: 'Sam Someone' });

    const lincoln = h.agent();
    await signIn(lincoln, 'principal@lincoln.pps.example.org');
    lincolnSchoolId = await addSchool(lincoln);
    cleanId = await startApplication(lincoln, lincolnSchoolId, cycleId);
    await completeAndSubmit(lincoln, cleanId, cycleCriteria);

    const charter = h.agent();
    await signIn(charter, 'head@charter.example.org');
    const charterSchool = await addSchool(charter, {
      ...LINCOLN,
      name: 'Vista Academy',
      city: 'Austin',
      state: 'TX',
      frlPercent: '6',
      website: '',
    });
    flaggedId = await startApplication(charter, charterSchool, cycleId);
    await completeAndSubmit(charter, flaggedId, cycleCriteria, { ...GOOD_ELIGIBILITY, q_zero_tolerance: 'yes' });

    admin = h.agent();
    await signIn(admin, 'admin@program.example.org');
  });
  after(() => h.close());

  it('lists the applications that need screening, with filters', async () => {
    const all = await admin.get('/admin/applications');
    expect(all.text).to.contain('Lincoln High School');
    expect(all.text).to.contain('Vista Academy');
    // Every submitted application waits for an admin, whether or not a rule failed.
    const needed = readable((await admin.get('/admin/applications?screening=needed')).text).replace(/<[^>]+>/g, '');
    expect(needed).to.contain('Screen: 2 rules failed — Vista Academy');
    expect(needed).to.contain('Screen: no rule failed — Lincoln High School');
    const oregon = await admin.get('/admin/applications?state=OR');
    expect(oregon.text).to.contain('Lincoln High School');
    expect(oregon.text).not.to.contain('Vista Academy');
  });

  it('shows the failed rules and requires a reason to reject or to override', async () => {
    const page = await admin.get(`/admin/applications/${flaggedId}/screening`);
    expect(page.text).to.contain('At least 10% of students must qualify for free or reduced-price lunch.');
    expect(page.text).to.contain('Schools with zero-tolerance discipline are not eligible.');
    // The answers read as the form offered them, and the school's facts as the application sends them.
    expect(readable(page.text)).to.contain(
      '<dt>Does the school use zero-tolerance discipline policies?</dt><dd>Yes</dd>',
    );
    expect(readable(page.text)).to.contain('<dt>Free or reduced-price lunch</dt><dd>6%</dd>');

    const noReason = await submitForm(
      admin,
      `/admin/applications/${flaggedId}/screening`,
      `/admin/applications/${flaggedId}/screening`,
      { decision: 'eligible' },
    );
    expect(noReason.status).to.equal(422);
    expect(noReason.text).to.contain('An automatic rule failed: say why the school is eligible anyway.');
    const noDecision = await submitForm(
      admin,
      `/admin/applications/${flaggedId}/screening`,
      `/admin/applications/${flaggedId}/screening`,
      { reason: 'hmm' },
    );
    expect(noDecision.status).to.equal(422);
    expect(noDecision.text).to.contain('Choose eligible or not eligible.');
    expect(noDecision.text).to.contain('hmm');

    const rejected = await submitForm(
      admin,
      `/admin/applications/${flaggedId}/screening`,
      `/admin/applications/${flaggedId}/screening`,
      {
        decision: 'ineligible',
        reason: 'Zero-tolerance discipline policy confirmed in the code of conduct.',
      },
    );
    expect(rejected.status).to.equal(303);
    const [row] = await h.db.select().from(applications).where(eq(applications.id, flaggedId));
    expect(row?.status).to.equal('ineligible');
    expect(row?.screeningReason).to.equal('Zero-tolerance discipline policy confirmed in the code of conduct.');
    expect(row?.screenedAt?.toISOString()).to.equal(h.clock().toISOString());
  });

  it('marks the clean applications of a cycle eligible together, refusing a count that changed', async () => {
    const list = `/admin/applications?cycle=${cycleId}&screening=needed`;
    expect(readable((await admin.get(list)).text)).to.contain(
      '1 submitted application passed every automatic eligibility rule.',
    );
    const stale = await submitForm(admin, list, '/admin/applications/screen-clean', {
      cycleId: String(cycleId),
      expected: '2',
    });
    expect(stale.headers.location).to.equal(list);
    expect(readable((await admin.get(list)).text)).to.contain(
      'The applications waiting for screening changed since you looked: 1 clean application waits now.',
    );
    expect((await h.db.select().from(applications).where(eq(applications.id, cleanId)))[0]?.status).to.equal(
      'submitted',
    );

    const res = await submitForm(admin, list, '/admin/applications/screen-clean', {
      cycleId: String(cycleId),
      expected: '1',
    });
    expect(res.status).to.equal(303);
    expect(readable((await admin.get(list)).text)).to.contain('1 application is now eligible');
    const [row] = await h.db.select().from(applications).where(eq(applications.id, cleanId));
    expect(row?.status).to.equal('eligible');
    expect(row?.screenedAt?.toISOString()).to.equal(h.clock().toISOString());
    const [entry] = await h.db.select().from(auditLog).where(eq(auditLog.action, 'application.screen_bulk'));
    expect(entry?.summary).to.match(/^Marked 1 application of .* eligible together/);
    // The rejected application with a failed rule was never part of it.
    expect((await h.db.select().from(applications).where(eq(applications.id, flaggedId)))[0]?.status).to.equal(
      'ineligible',
    );
  });

  it('confirms or declines people who asked to be a school contact', async () => {
    const someone = h.agent();
    await signIn(someone, 'someone@elsewhere.example.net');
    await submitForm(someone, '/schools/find?q=lincoln', `/schools/${lincolnSchoolId}/claim`, {});
    expect((await someone.get(`/applications/${cleanId}`)).status).to.equal(404);

    const list = await admin.get('/admin/contacts');
    expect(list.text).to.contain('Sam Someone');
    expect(list.text).to.contain('Lincoln High School');
    const [pending] = await h.db.select().from(schoolContacts).where(eq(schoolContacts.status, 'pending'));
    const approved = await submitForm(
      admin,
      '/admin/contacts',
      `/admin/contacts/${pending!.schoolId}/${pending!.userId}`,
      { decision: 'approve' },
    );
    expect(approved.status).to.equal(303);
    expect((await someone.get(`/applications/${cleanId}`)).status).to.equal(200);
    // Answered already (by a colleague or the school itself): said plainly, nothing changes.
    const again = await submitForm(
      admin,
      '/admin/contacts',
      `/admin/contacts/${pending!.schoolId}/${pending!.userId}`,
      { decision: 'approve' },
    );
    expect(again.status).to.equal(303);
    expect((await admin.get(again.headers.location!)).text).to.contain(
      'Sam Someone’s request was already answered by someone else.',
    );
  });

  it('keeps screening and contact pages for admins only', async () => {
    const principal = h.agent();
    await signIn(principal, 'principal@lincoln.pps.example.org');
    for (const url of ['/admin/applications', `/admin/applications/${cleanId}/screening`, '/admin/contacts']) {
      expect((await principal.get(url)).status, url).to.equal(403);
    }
    const post = await submitForm(principal, '/my/applications', `/admin/applications/${cleanId}/screening`, {
      decision: 'ineligible',
      reason: 'x',
    });
    expect(post.status).to.equal(403);
  });
});
