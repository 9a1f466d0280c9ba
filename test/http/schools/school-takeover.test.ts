// The school takeover an outsider could once do: nominate an existing school, type their own
// address as its "contact", and become an active contact by opening the invitation. Now an
// invitation from a nomination can create a new school or ask to join an existing one, never
// more; a request is approved by one of the school's contacts or an admin; opening a link
// changes nothing; a pending request is not a conflict of interest; admins see and revoke
// contacts; and the public honoree page keeps the profile it was published with.
import { expect } from 'chai';
import { and, asc, eq } from 'drizzle-orm';
import {
  applications,
  assignments,
  auditLog,
  criteria,
  cycles,
  decisions,
  reviewRounds,
  schoolContacts,
  schools,
  users,
} from '../../../models/schema.js';
import { DEMO_CRITERIA, demoCycleDates } from '../../../server/cli/demo-data.js';
import { snapshotHonoreeSchools } from '../../../server/services/decisions/publishing.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { createUser, signIn, createOpenCycle } from '../../helpers/factories.js';
import { linkIn, readable, submitForm } from '../../helpers/forms.js';
import { LINCOLN, addSchool, completeAndSubmit, startApplication } from '../../helpers/applicant.js';
import { confirm, confirmLinkFor, nominate, NOMINATION } from '../../helpers/nominator.js';

type Agent = ReturnType<Harness['agent']>;
const DAY = 24 * 60 * 60 * 1000;

describe('nobody takes over a school through a nomination', () => {
  let h: Harness;
  let cycleId: number;
  let lincolnId: number;
  let pastApplicationId: number;
  let pastYear: number;
  let rooseveltId: number;
  let rooseveltApplicationId: number;
  let assignmentId: number;
  let principal: Agent;
  let roosevelt: Agent;
  let admin: Agent;
  let reviewer: Agent;
  let invitationLink: string;
  const ATTACKER = 'mallory@outsider.example.net';
  const NEIGHBOUR = 'nick@district.example.net';
  const COLLEAGUE = 'casey@district.example.net';

  /** Lincoln's application of last year: only its contacts (and admins) may open these. */
  const pastApplicationPages = () => [
    `/applications/${pastApplicationId}`,
    `/applications/${pastApplicationId}/profile`,
    `/applications/${pastApplicationId}/criteria`,
    `/applications/${pastApplicationId}/review`,
  ];
  const rooseveltPages = () => [
    `/applications/${rooseveltApplicationId}`,
    `/applications/${rooseveltApplicationId}/review`,
  ];

  async function userId(email: string): Promise<number> {
    const [row] = await h.db.select({ id: users.id }).from(users).where(eq(users.email, email));
    if (!row) throw new Error(`no user ${email}`);
    return row.id;
  }

  async function contactRow(schoolId: number, email: string) {
    const [row] = await h.db
      .select({ status: schoolContacts.status, approvedBy: schoolContacts.approvedBy })
      .from(schoolContacts)
      .innerJoin(users, eq(users.id, schoolContacts.userId))
      .where(and(eq(schoolContacts.schoolId, schoolId), eq(users.email, email)));
    return row;
  }

  async function signedIn(email: string, name: string): Promise<Agent> {
    await createUser(h.db, { email, name });
    const agent = h.agent();
    await signIn(agent, email);
    return agent;
  }

  before(async () => {
    h = await startHarness();
    cycleId = await createOpenCycle(h.db, h.clock());
    const [current] = await h.db.select().from(cycles).where(eq(cycles.id, cycleId));
    principal = await signedIn('principal@lincoln.pps.example.org', 'Pat Principal');
    lincolnId = await addSchool(principal);

    // Last year Lincoln applied and was published as a Gold honoree.
    pastYear = current!.year - 1;
    const [past] = await h.db
      .insert(cycles)
      .values({
        programId: current!.programId,
        year: pastYear,
        name: `Schools of Opportunity ${pastYear}`,
        ...demoCycleDates(new Date(h.clock().getTime() - 365 * DAY)),
        publishedAt: new Date(h.clock().getTime() - 150 * DAY),
      })
      .returning();
    await h.db.insert(criteria).values(DEMO_CRITERIA.map((c, i) => ({ ...c, cycleId: past!.id, position: i + 1 })));
    const [pastApplication] = await h.db
      .insert(applications)
      .values({ cycleId: past!.id, schoolId: lincolnId, status: 'eligible', submittedAt: past!.opensAt })
      .returning();
    pastApplicationId = pastApplication!.id;
    await h.db.insert(decisions).values({
      applicationId: pastApplicationId,
      cycleId: past!.id,
      level: 'gold',
      decidedAt: past!.reviewsDueAt,
      slug: 'lincoln-high-school',
      citation: 'For open doors.',
    });
    await snapshotHonoreeSchools(h.db, past!.id);

    // Roosevelt applies this year; a reviewer at district.example.net is assigned to it.
    roosevelt = await signedIn('head@roosevelt.example.org', 'Robin Head');
    rooseveltId = await addSchool(roosevelt, {
      ...LINCOLN,
      name: 'Roosevelt High School',
      website: 'https://roosevelt.example.org',
    });
    rooseveltApplicationId = await startApplication(roosevelt, rooseveltId, cycleId);
    const cycleCriteria = await h.db
      .select()
      .from(criteria)
      .where(eq(criteria.cycleId, cycleId))
      .orderBy(asc(criteria.position));
    await completeAndSubmit(roosevelt, rooseveltApplicationId, cycleCriteria);
    const reviewerUser = await createUser(h.db, {
      email: 'rita@district.example.net',
      name: 'Rita Reviewer',
      roles: ['reviewer'],
    });
    const [round] = await h.db
      .insert(reviewRounds)
      .values({ cycleId, number: 1, name: 'Round 1', dueAt: new Date(h.clock().getTime() + 10 * DAY) })
      .returning();
    const [assignment] = await h.db
      .insert(assignments)
      .values({ roundId: round!.id, applicationId: rooseveltApplicationId, reviewerId: reviewerUser.id })
      .returning();
    assignmentId = assignment!.id;
    reviewer = h.agent();
    await signIn(reviewer, 'rita@district.example.net');
    expect((await reviewer.get(`/reviews/${assignmentId}`)).status).to.equal(200);

    await createUser(h.db, { email: 'admin@program.example.org', name: 'Ada Admin', roles: ['admin'] });
    admin = h.agent();
    await signIn(admin, 'admin@program.example.org');
  });
  after(() => h.close());

  it('sends the nomination’s invitation to the typed address, but opening it changes nothing', async () => {
    const outsider = h.agent();
    const res = await nominate(
      outsider,
      {
        ...NOMINATION,
        schoolId: String(lincolnId),
        contactEmail: ATTACKER,
        nominatorEmail: 'mallory.alias@example.com',
      },
      [],
      {
        pagePath: `/nominate?school=${lincolnId}`,
      },
    );
    expect(res.status, res.text).to.equal(303);
    await confirm(outsider, await confirmLinkFor(h, 'mallory.alias@example.com'));
    await h.deliverMail();
    const invitation = await h.sink.waitFor(
      (m) => m.to.includes(ATTACKER) && m.subject.includes('is invited to apply'),
    );
    invitationLink = linkIn(invitation.text, '/invitations/');

    const mallory = await signedIn(ATTACKER, 'Mallory Outsider');
    const opened = await mallory.get(invitationLink);
    expect(opened.status).to.equal(200);
    expect(readable(opened.text)).to.contain(
      'Lincoln High School is already listed, so you need to join it before you can apply for it.',
    );
    expect(opened.text).to.contain('Ask to join Lincoln High School');
    expect(await contactRow(lincolnId, ATTACKER), 'a GET created a contact request').to.equal(undefined);
    // The school's own contact opening the forwarded link is sent on, with nothing created.
    expect((await principal.get(invitationLink)).status).to.equal(200);
    expect(await h.db.select().from(schoolContacts).where(eq(schoolContacts.schoolId, lincolnId))).to.have.length(1);
    expect(await h.db.select().from(applications).where(eq(applications.cycleId, cycleId))).to.have.length(1);
  });

  it('turns accepting the invitation into a request: no past applications, no new one, no contacts page', async () => {
    const mallory = h.agent();
    await signIn(mallory, ATTACKER);
    const accepted = await submitForm(mallory, invitationLink, invitationLink, {});
    expect(accepted.status).to.equal(303);
    expect(accepted.headers.location).to.equal('/my/applications');
    expect((await contactRow(lincolnId, ATTACKER))?.status).to.equal('pending');

    for (const url of pastApplicationPages()) expect((await mallory.get(url)).status, url).to.equal(404);
    const start = await submitForm(mallory, '/my/applications', '/applications', {
      schoolId: String(lincolnId),
      cycleId: String(cycleId),
    });
    expect(start.status).to.equal(403);
    expect(await h.db.select().from(applications).where(eq(applications.schoolId, lincolnId))).to.have.length(1);
    const selfApproval = await submitForm(
      mallory,
      '/my/applications',
      `/schools/${lincolnId}/contacts/${await userId(ATTACKER)}`,
      { decision: 'approve' },
    );
    expect(selfApproval.status).to.equal(404);
    expect((await mallory.get(`/schools/${lincolnId}/contacts`)).status).to.equal(404);
    expect((await contactRow(lincolnId, ATTACKER))?.status).to.equal('pending');
    // Accepting again neither upgrades the request nor e-mails the school twice.
    await submitForm(mallory, invitationLink, invitationLink, {});
    expect((await contactRow(lincolnId, ATTACKER))?.status).to.equal('pending');
  });

  it('e-mails the request once to the school’s contacts and to the admins, each with a page to decide', async () => {
    await h.deliverMail();
    const toPrincipal = h.sink.messages.filter(
      (m) => m.to.includes('principal@lincoln.pps.example.org') && m.subject.includes('asks to be a contact'),
    );
    expect(toPrincipal).to.have.length(1);
    expect(toPrincipal[0]!.subject).to.equal('Mallory Outsider asks to be a contact of Lincoln High School');
    expect(toPrincipal[0]!.text).to.contain(ATTACKER);
    expect(linkIn(toPrincipal[0]!.text, '/schools/')).to.equal(`/schools/${lincolnId}/contacts`);
    const toAdmin = h.sink.messages.filter(
      (m) => m.to.includes('admin@program.example.org') && m.subject.includes('asks to be a contact'),
    );
    expect(toAdmin).to.have.length(1);
    expect(linkIn(toAdmin[0]!.text, '/admin/schools/')).to.equal(`/admin/schools/${lincolnId}`);
    expect(h.sink.messages.filter((m) => m.to.includes(ATTACKER) && /contact/.test(m.subject))).to.have.length(0);
  });

  it('lets the school’s contact decline the request; the person is told', async () => {
    const page = await principal.get(`/schools/${lincolnId}/contacts`);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain(ATTACKER);
    const odd = await submitForm(
      principal,
      `/schools/${lincolnId}/contacts`,
      `/schools/${lincolnId}/contacts/${await userId(ATTACKER)}`,
      { decision: 'maybe' },
    );
    expect(odd.status).to.equal(422);
    const declined = await submitForm(
      principal,
      `/schools/${lincolnId}/contacts`,
      `/schools/${lincolnId}/contacts/${await userId(ATTACKER)}`,
      { decision: 'decline' },
    );
    expect(declined.status).to.equal(303);
    expect((await contactRow(lincolnId, ATTACKER))?.status).to.equal('declined');
    await h.deliverMail();
    const told = await h.sink.waitFor((m) => m.to.includes(ATTACKER) && m.subject.includes('declined'));
    expect(told.subject).to.equal('Your request to join Lincoln High School was declined');
    const [audit] = await h.db.select().from(auditLog).where(eq(auditLog.action, 'contact.decline'));
    expect(audit?.summary).to.contain(ATTACKER);
  });

  it('does not let a declined person ask again, through the invitation or the school search', async () => {
    const mallory = h.agent();
    await signIn(mallory, ATTACKER);
    const before = h.sink.messages.length;
    expect(readable((await mallory.get(invitationLink)).text)).to.contain('was declined, or you were removed');
    const again = await submitForm(mallory, invitationLink, invitationLink, {});
    expect(again.status).to.equal(303);
    expect(readable((await mallory.get(again.headers.location!)).text)).to.contain('was declined, or you were removed');
    await submitForm(mallory, '/schools/find?q=lincoln', `/schools/${lincolnId}/claim`, {});
    expect((await contactRow(lincolnId, ATTACKER))?.status).to.equal('declined');
    await h.deliverMail();
    expect(h.sink.messages.length, 'asking again e-mailed the school').to.equal(before);
  });

  it('lets the admin invite the school’s real principal in place of the nominator’s address', async () => {
    const invited = await submitForm(admin, '/admin/nominations/invite', '/admin/nominations/invite', {
      cycleId: String(cycleId),
      schoolName: 'Lincoln High School',
      city: 'Portland',
      state: 'OR',
      email: 'vice@lincoln.pps.example.org',
    });
    expect(invited.status, invited.text).to.equal(303);
    expect(readable((await admin.get(invited.headers.location!)).text)).to.contain(
      'We e-mailed vice@lincoln.pps.example.org',
    );
    const mallory = h.agent();
    await signIn(mallory, ATTACKER);
    expect((await mallory.get(invitationLink)).status, 'the replaced link still works').to.equal(404);
    await h.deliverMail();
    await h.sink.waitFor(
      (m) => m.to.includes('vice@lincoln.pps.example.org') && m.subject.includes('is invited to apply'),
    );
  });

  it('does not let a pending request make reviewers of the same e-mail domain conflicted', async () => {
    const nick = await signedIn(NEIGHBOUR, 'Nick Neighbour');
    await submitForm(nick, '/schools/find?q=roosevelt', `/schools/${rooseveltId}/claim`, {});
    expect((await contactRow(rooseveltId, NEIGHBOUR))?.status).to.equal('pending');
    for (const url of rooseveltPages()) expect((await nick.get(url)).status, url).to.equal(404);
    const page = await reviewer.get(`/reviews/${assignmentId}`);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('Roosevelt High School');
  });

  it('gives an approved colleague access, and only then counts them for conflicts of interest', async () => {
    const casey = await signedIn(COLLEAGUE, 'Casey Colleague');
    await submitForm(casey, '/schools/find?q=roosevelt', `/schools/${rooseveltId}/claim`, {});
    const approved = await submitForm(
      roosevelt,
      `/schools/${rooseveltId}/contacts`,
      `/schools/${rooseveltId}/contacts/${await userId(COLLEAGUE)}`,
      { decision: 'approve' },
    );
    expect(approved.status).to.equal(303);
    const row = await contactRow(rooseveltId, COLLEAGUE);
    expect(row?.status).to.equal('active');
    expect(row?.approvedBy).to.equal(await userId('head@roosevelt.example.org'));
    for (const url of rooseveltPages()) expect((await casey.get(url)).status, url).to.equal(200);
    await h.deliverMail();
    await h.sink.waitFor(
      (m) => m.to.includes(COLLEAGUE) && m.subject === 'You are now a contact of Roosevelt High School',
    );
    // An approved contact at the reviewer's domain is a real conflict: the review closes.
    expect((await reviewer.get(`/reviews/${assignmentId}`)).status).to.equal(404);
  });

  it('shows admins every contact of a school, and lets them revoke one', async () => {
    const page = await admin.get(`/admin/schools/${rooseveltId}`);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('head@roosevelt.example.org');
    expect(page.text).to.contain(COLLEAGUE);
    expect(page.text).to.contain(NEIGHBOUR);
    const list = await admin.get('/admin/schools?q=roosevelt');
    expect(list.text).to.contain(`href="/admin/schools/${rooseveltId}"`);
    const revoked = await submitForm(
      admin,
      `/admin/schools/${rooseveltId}`,
      `/admin/schools/${rooseveltId}/contacts/${await userId(COLLEAGUE)}/revoke`,
      {},
    );
    expect(revoked.status).to.equal(303);
    expect((await contactRow(rooseveltId, COLLEAGUE))?.status).to.equal('revoked');
    const casey = h.agent();
    await signIn(casey, COLLEAGUE);
    for (const url of rooseveltPages()) expect((await casey.get(url)).status, url).to.equal(404);
    expect((await reviewer.get(`/reviews/${assignmentId}`)).status).to.equal(200);
    const [audit] = await h.db.select().from(auditLog).where(eq(auditLog.action, 'contact.revoke'));
    expect(audit?.summary).to.contain(COLLEAGUE);
    // Only admins reach these pages and acts.
    for (const url of ['/admin/schools', `/admin/schools/${rooseveltId}`])
      expect((await roosevelt.get(url)).status, url).to.equal(403);
    const byContact = await submitForm(
      roosevelt,
      '/my/applications',
      `/admin/schools/${rooseveltId}/contacts/${await userId('head@roosevelt.example.org')}/revoke`,
      {},
    );
    expect(byContact.status).to.equal(403);
  });

  it('keeps a removed contact out until an admin reinstates them, and tells them', async () => {
    await h.deliverMail();
    await h.sink.waitFor(
      (m) => m.to.includes(COLLEAGUE) && m.subject === 'You are no longer a contact of Roosevelt High School',
    );
    const casey = h.agent();
    await signIn(casey, COLLEAGUE);
    await submitForm(casey, '/schools/find?q=roosevelt', `/schools/${rooseveltId}/claim`, {});
    expect((await contactRow(rooseveltId, COLLEAGUE))?.status).to.equal('revoked');
    const page = await admin.get(`/admin/schools/${rooseveltId}`);
    expect(page.text).to.contain('Declined or removed');
    const reinstated = await submitForm(
      admin,
      `/admin/schools/${rooseveltId}`,
      `/admin/schools/${rooseveltId}/contacts/${await userId(COLLEAGUE)}`,
      { decision: 'approve' },
    );
    expect(reinstated.status).to.equal(303);
    expect((await contactRow(rooseveltId, COLLEAGUE))?.status).to.equal('active');
    // A school's own contact cannot bring back someone the program removed.
    await submitForm(
      admin,
      `/admin/schools/${rooseveltId}`,
      `/admin/schools/${rooseveltId}/contacts/${await userId(COLLEAGUE)}/revoke`,
      {},
    );
    const byContact = await submitForm(
      roosevelt,
      `/schools/${rooseveltId}/contacts`,
      `/schools/${rooseveltId}/contacts/${await userId(COLLEAGUE)}`,
      { decision: 'approve' },
    );
    expect(byContact.status).to.equal(303);
    expect((await contactRow(rooseveltId, COLLEAGUE))?.status).to.equal('revoked');
  });

  it('lets an admin approve a request from the queue too', async () => {
    expect((await admin.get('/admin/contacts')).text).to.contain(NEIGHBOUR);
    const res = await submitForm(
      admin,
      `/admin/schools/${rooseveltId}`,
      `/admin/schools/${rooseveltId}/contacts/${await userId(NEIGHBOUR)}`,
      { decision: 'approve' },
    );
    expect(res.status).to.equal(303);
    expect((await contactRow(rooseveltId, NEIGHBOUR))?.status).to.equal('active');
    await submitForm(
      admin,
      `/admin/schools/${rooseveltId}`,
      `/admin/schools/${rooseveltId}/contacts/${await userId(NEIGHBOUR)}/revoke`,
      {},
    );
  });

  it('joins at once only the address an admin invited, or one at the school’s web domain', async () => {
    const founder = await signedIn('founder@grant.example.org', 'Gia Founder');
    const grantId = await addSchool(founder, {
      ...LINCOLN,
      name: 'Grant High School',
      website: 'https://grant.example.org',
    });
    const invited = await submitForm(admin, '/admin/nominations/invite', '/admin/nominations/invite', {
      cycleId: String(cycleId),
      schoolName: 'Grant High School',
      city: 'Portland',
      state: 'OR',
      email: 'head@elsewhere.example.net',
    });
    expect(invited.status, invited.text).to.equal(303);
    await h.deliverMail();
    const mail = await h.sink.waitFor((m) => m.to.includes('head@elsewhere.example.net'));
    const link = linkIn(mail.text, '/invitations/');
    const head = await signedIn('head@elsewhere.example.net', 'Hana Head');
    expect((await head.get(link)).text).to.contain('Continue to the application');
    const joined = await submitForm(head, link, link, {});
    expect(joined.status).to.equal(303);
    expect(joined.headers.location).to.match(/^\/applications\/\d+$/);
    expect((await contactRow(grantId, 'head@elsewhere.example.net'))?.status).to.equal('active');

    // The same link opened by someone else is only a request.
    const other = await signedIn('other@elsewhere.example.net', 'Otto Other');
    await submitForm(other, link, link, {});
    expect((await contactRow(grantId, 'other@elsewhere.example.net'))?.status).to.equal('pending');

    // A colleague at grant.example.org joins at once by the website rule.
    const colleague = await signedIn('teacher@grant.example.org', 'Toni Teacher');
    await submitForm(colleague, '/schools/find?q=grant', `/schools/${grantId}/claim`, {});
    expect((await contactRow(grantId, 'teacher@grant.example.org'))?.status).to.equal('active');
    // ...and the school's contacts are told, in case they do not know this person.
    await h.deliverMail();
    const told = await h.sink.waitFor(
      (m) =>
        m.to.includes('founder@grant.example.org') &&
        m.subject === 'Toni Teacher is now a contact of Grant High School',
    );
    expect(told.text).to.contain('ask the program staff to remove them');

    // Removed by an admin, the invited address cannot use its invitation again.
    await submitForm(
      admin,
      `/admin/schools/${grantId}`,
      `/admin/schools/${grantId}/contacts/${await userId('head@elsewhere.example.net')}/revoke`,
      {},
    );
    await submitForm(head, link, link, {});
    expect((await contactRow(grantId, 'head@elsewhere.example.net'))?.status).to.equal('revoked');
  });

  it('limits how many schools one person may ask to join in a day', async () => {
    const asker = await signedIn('asker@example.net', 'Ash Asker');
    const statuses: number[] = [];
    for (let i = 1; i <= 6; i += 1) {
      const owner = await createUser(h.db, { email: `owner${i}@school${i}.example.org`, name: `Owner ${i}` });
      const [school] = await h.db
        .insert(schools)
        .values({
          name: `Town School ${i}`,
          city: 'Salem',
          state: 'OR',
          level: 'high',
          matchKey: `town school ${i}|salem|OR`,
        })
        .returning();
      await h.db.insert(schoolContacts).values({ schoolId: school!.id, userId: owner.id, status: 'active' });
      statuses.push((await submitForm(asker, '/schools/find?q=town', `/schools/${school!.id}/claim`, {})).status);
    }
    expect(statuses).to.deep.equal([303, 303, 303, 303, 303, 429]);
    const pendingRows = await h.db
      .select()
      .from(schoolContacts)
      .where(and(eq(schoolContacts.userId, await userId('asker@example.net')), eq(schoolContacts.status, 'pending')));
    expect(pendingRows).to.have.length(5);
  });

  it('drops a school with no contact and no application from the public lists', async () => {
    const fake = await signedIn('prank@example.org', 'Pat Prank');
    const fakeId = await addSchool(fake, { ...LINCOLN, name: 'Fake Prep Academy', website: '' });
    expect((await h.agent().get('/nominate?q=Fake+Prep')).text).to.contain('Fake Prep Academy');
    await submitForm(
      admin,
      `/admin/schools/${fakeId}`,
      `/admin/schools/${fakeId}/contacts/${await userId('prank@example.org')}/revoke`,
      {},
    );
    expect((await h.agent().get('/nominate?q=Fake+Prep')).text).not.to.contain('Fake Prep Academy');
    const picked = await h.agent().get(`/nominate?school=${fakeId}`);
    expect(picked.text).not.to.contain('Fake Prep Academy');
    expect(picked.text).not.to.contain(`name="schoolId" value="${fakeId}"`);
    // The picked school shows what the search shows, nothing more.
    const lincoln = await h.agent().get(`/nominate?school=${lincolnId}`);
    expect(lincoln.text).to.contain('<strong>Lincoln High School</strong>, Portland, OR');
    expect(lincoln.text).not.to.contain('lincoln.pps.example.org');
  });

  it('keeps a published honoree page as it was published, whatever a contact edits later', async () => {
    const url = `/honorees/${pastYear}/lincoln-high-school`;
    expect((await h.agent().get(url)).text).to.contain('Lincoln High School');
    const draft = await startApplication(principal, lincolnId, cycleId);
    const edit = await submitForm(principal, `/applications/${draft}/profile`, `/applications/${draft}/profile`, {
      ...LINCOLN,
      name: 'Lincoln Renamed Academy',
      website: 'https://elsewhere.example.net',
    });
    expect(edit.status, edit.text).to.equal(303);
    expect((await h.db.select().from(schools).where(eq(schools.id, lincolnId)))[0]!.name).to.equal(
      'Lincoln Renamed Academy',
    );
    const page = await h.agent().get(url);
    expect(page.text).to.contain('Lincoln High School');
    expect(page.text).to.contain('https://lincoln.pps.example.org');
    expect(page.text).not.to.contain('Renamed');
    expect(page.text).not.to.contain('elsewhere.example.net');
    const json = await h.agent().get('/honorees.json');
    expect(json.text).to.contain('Lincoln High School');
    expect(json.text).not.to.contain('Renamed');
    expect((await h.agent().get('/honorees?q=Renamed')).text).not.to.contain('lincoln-high-school');
  });
});
