import { expect } from 'chai';
import { asc, eq } from 'drizzle-orm';
import {
  applications,
  criteria,
  cycleReviewers,
  cycles,
  reviewerConflicts,
  reviewerProfiles,
  users,
} from '../../../models/schema.js';
import { conflictPairs } from '../../../server/services/review/conflicts.js';
import { textIn } from '../../../server/i18n/translate.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { STRONG_PASSWORD, closeApplicationsOf, createUser, signIn, createOpenCycle } from '../../helpers/factories.js';
import { linkIn, submitForm } from '../../helpers/forms.js';
import { addSchool, completeAndSubmit, startApplication } from '../../helpers/applicant.js';

describe('the review panel: invitations, profiles and conflicts', () => {
  let h: Harness;
  let cycleId: number;
  let admin: ReturnType<Harness['agent']>;
  let lincolnApp: number;
  let lincolnSchool: number;

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
    const principal = h.agent();
    await signIn(principal, 'principal@lincoln.pps.example.org');
    lincolnSchool = await addSchool(principal);
    lincolnApp = await startApplication(principal, lincolnSchool, cycleId);
    await completeAndSubmit(principal, lincolnApp, cycleCriteria);
    admin = h.agent();
    await signIn(admin, 'admin@program.example.org');
    await h.deliverMail();
  });
  after(() => h.close());

  const invitationsPage = () => `/admin/cycles/${cycleId}/reviewer-invitations`;

  it('refuses a pasted list with a bad address and invites nobody', async () => {
    const res = await submitForm(admin, invitationsPage(), invitationsPage(), {
      emails: 'good@uni.example.edu, not-an-address',
    });
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('These are not e-mail addresses: not-an-address. Nobody was invited.');
    expect(res.text).to.contain('good@uni.example.edu, not-an-address');
    expect(await h.deliverMail()).to.equal(0);
  });

  it('invites a pasted list; a new reviewer sets a password and profile from the link and is signed in', async () => {
    const res = await submitForm(admin, invitationsPage(), invitationsPage(), {
      emails: 'Rosa.Researcher@uni.example.edu;\nteacher@lincoln.pps.example.org  principal@lincoln.pps.example.org',
    });
    expect(res.status).to.equal(303);
    await h.deliverMail();
    const mail = await h.sink.waitFor((m) => m.to.includes('rosa.researcher@uni.example.edu'));
    expect(mail.subject).to.equal(`Invitation to review for ${(await h.db.query.cycles.findFirst())!.name}`);
    const link = linkIn(mail.text, '/reviewer-invitations/');

    const reviewer = h.agent();
    const form = await reviewer.get(link);
    expect(form.text).to.contain('This invitation was sent to rosa.researcher@uni.example.edu');
    const weak = await submitForm(reviewer, link, link, {
      name: 'Rosa Researcher',
      password: 'short',
      maxLoad: 'lots',
    });
    expect(weak.status).to.equal(422);
    expect(weak.text).to.contain('Use at least 10 characters.');
    expect(weak.text).to.contain('Enter how many applications you can review, from 0 to 100.');
    expect(weak.text).to.contain('value="Rosa Researcher"');

    const joined = await submitForm(reviewer, link, link, {
      name: 'Rosa Researcher',
      password: STRONG_PASSWORD,
      affiliation: 'State University',
      district: '',
      state: 'CA',
      expertise: ['A healthy school culture', 'More and better learning time', 'A healthy school culture'],
      gradeLevels: ['high', 'bogus'],
      languagesRead: ['en', 'es'],
      maxLoad: '6',
    });
    expect(joined.status, joined.text).to.equal(303);
    expect(joined.headers.location).to.equal('/reviewer/conflicts');
    const page = await reviewer.get('/reviewer/conflicts');
    expect(page.text).to.contain('Signed in as Rosa Researcher');
    expect(page.text).to.contain('Lincoln High School');

    const [user] = await h.db.select().from(users).where(eq(users.email, 'rosa.researcher@uni.example.edu'));
    expect(user?.roles).to.deep.equal(['reviewer']);
    expect(user?.emailVerifiedAt).not.to.equal(null);
    const [profile] = await h.db.select().from(reviewerProfiles).where(eq(reviewerProfiles.userId, user!.id));
    expect(profile?.expertise).to.deep.equal(['A healthy school culture', 'More and better learning time']);
    expect(profile?.gradeLevels).to.deep.equal(['high']);
    expect(profile?.languagesRead).to.deep.equal(['en', 'es']);
    const [seat] = await h.db.select().from(cycleReviewers).where(eq(cycleReviewers.userId, user!.id));
    expect(seat?.maxLoad).to.equal(6);

    const reused = await reviewer.get(link);
    expect(reused.status).to.equal(200, 'a second visit lets the reviewer update the profile');
  });

  it('asks an existing account to sign in, and refuses someone signed in with another address', async () => {
    await h.deliverMail();
    const mail = await h.sink.waitFor(
      (m) => m.to.includes('principal@lincoln.pps.example.org') && m.subject.startsWith('Invitation to review'),
    );
    const link = linkIn(mail.text, '/reviewer-invitations/');
    expect((await h.agent().get(link)).text).to.contain('already has an account');
    const other = h.agent();
    await signIn(other, 'admin@program.example.org');
    const wrong = await submitForm(other, link, link, { maxLoad: '3', languagesRead: 'en' });
    expect(wrong.status).to.equal(422);
    expect(wrong.text).to.contain('This invitation was sent to principal@lincoln.pps.example.org');

    const principal = h.agent();
    await signIn(principal, 'principal@lincoln.pps.example.org');
    const ok = await submitForm(principal, link, link, { maxLoad: '3', languagesRead: 'en' });
    expect(ok.status).to.equal(303);
    const [user] = await h.db.select().from(users).where(eq(users.email, 'principal@lincoln.pps.example.org'));
    expect(user?.roles).to.have.members(['applicant', 'reviewer']);
  });

  it('detects conflicts itself and records declared and admin-added ones', async () => {
    const [rosa] = await h.db.select().from(users).where(eq(users.email, 'rosa.researcher@uni.example.edu'));
    const [principal] = await h.db.select().from(users).where(eq(users.email, 'principal@lincoln.pps.example.org'));
    await createUser(h.db, { email: 'colleague@lincoln.pps.example.org', roles: ['reviewer'] });
    const [colleague] = await h.db.select().from(users).where(eq(users.email, 'colleague@lincoln.pps.example.org'));
    await createUser(h.db, { email: 'district@pps.example.org', roles: ['reviewer'] });
    const [districtReviewer] = await h.db.select().from(users).where(eq(users.email, 'district@pps.example.org'));
    await h.db
      .insert(reviewerProfiles)
      .values({ userId: districtReviewer!.id, district: ' portland public schools ', state: 'OR' });
    await createUser(h.db, { email: 'someone@gmail.com', roles: ['reviewer'] });
    const [gmail] = await h.db.select().from(users).where(eq(users.email, 'someone@gmail.com'));

    const pairs = await conflictPairs(h.db, {
      reviewerIds: [rosa!.id, principal!.id, colleague!.id, districtReviewer!.id, gmail!.id],
      applicationIds: [lincolnApp],
    });
    expect(pairs.map((p) => [p.reviewerId, textIn('en', p.reason)])).to.deep.equal(
      [
        [principal!.id, 'a contact of the school'],
        [colleague!.id, "same e-mail domain as the school's contacts"],
        [districtReviewer!.id, "works in the school's district"],
      ].sort((a, b) => Number(a[0]) - Number(b[0])),
    );

    const rosaAgent = h.agent();
    await signIn(rosaAgent, 'rosa.researcher@uni.example.edu');
    const noReason = await submitForm(rosaAgent, '/reviewer/conflicts', '/reviewer/conflicts', {
      schoolId: String(lincolnSchool),
      reason: '',
    });
    expect(noReason.status).to.equal(422);
    const declared = await submitForm(rosaAgent, '/reviewer/conflicts', '/reviewer/conflicts', {
      schoolId: String(lincolnSchool),
      reason: 'I coached there',
    });
    expect(declared.status).to.equal(303);
    const [rosaPair] = await conflictPairs(h.db, { reviewerIds: [rosa!.id], applicationIds: [lincolnApp] });
    expect(textIn('en', rosaPair?.reason)).to.equal('declared: I coached there');

    await h.db.insert(cycleReviewers).values([
      { cycleId, userId: gmail!.id, maxLoad: 5 },
      { cycleId, userId: colleague!.id, maxLoad: 5 },
    ]);
    const conflictsPage = `/admin/cycles/${cycleId}/conflicts`;
    const list = await admin.get(conflictsPage);
    expect(list.text).to.contain('declared: I coached there');
    expect(list.text).to.contain('same e-mail domain as the school');
    const added = await submitForm(admin, conflictsPage, conflictsPage, {
      reviewerId: String(gmail!.id),
      schoolId: String(lincolnSchool),
      reason: 'Sibling teaches there',
    });
    expect(added.status).to.equal(303);
    const [row] = await h.db.select().from(reviewerConflicts).where(eq(reviewerConflicts.reviewerId, gmail!.id));
    expect(row?.source).to.equal('admin');

    // The reviewer cannot withdraw what the admin recorded.
    const gmailAgent = h.agent();
    await signIn(gmailAgent, 'someone@gmail.com');
    await submitForm(gmailAgent, '/reviewer/conflicts', `/reviewer/conflicts/${lincolnSchool}/remove`, {});
    expect(
      await h.db.select().from(reviewerConflicts).where(eq(reviewerConflicts.reviewerId, gmail!.id)),
    ).to.have.length(1);
    expect((await h.db.select().from(applications).where(eq(applications.id, lincolnApp)))[0]?.status).to.equal(
      'submitted',
    );
  });

  it('tells invited reviewers round 1’s due date, the date every other message gives', async () => {
    await closeApplicationsOf(h.db, cycleId, h.clock());
    const roundsPage = `/admin/cycles/${cycleId}/rounds`;
    const created = await submitForm(admin, roundsPage, roundsPage, {
      name: 'First reading',
      k: '1',
      dueAt: '2027-02-14',
      reminderDaysBefore: '3',
    });
    expect(created.status, created.text).to.equal(303);
    const [cycle] = await h.db.select().from(cycles).where(eq(cycles.id, cycleId));
    expect(cycle!.reviewsDueAt.toISOString().slice(0, 10)).to.equal('2027-02-14');

    await submitForm(admin, invitationsPage(), invitationsPage(), { emails: 'late.reader@uni.example.edu' });
    await h.deliverMail();
    const mail = await h.sink.waitFor((m) => m.to.includes('late.reader@uni.example.edu'));
    expect(mail.text).to.contain('Reviews are due by February 14, 2027.');
  });

  it('keeps the panel pages for admins, and conflict pages for reviewers', async () => {
    const principalOnly = h.agent();
    await createUser(h.db, { email: 'plain@school.example.org' });
    await signIn(principalOnly, 'plain@school.example.org');
    for (const url of [
      invitationsPage(),
      `/admin/cycles/${cycleId}/conflicts`,
      '/reviewer/conflicts',
      '/reviewer/profile',
    ]) {
      expect((await principalOnly.get(url)).status, url).to.equal(403);
    }
    const anonymous = await h.agent().get('/reviewer/conflicts');
    expect(anonymous.status).to.equal(303);
  });
});
