import { expect } from 'chai';
import { asc, eq, sql } from 'drizzle-orm';
import {
  applications,
  assignments,
  criteria,
  cycles,
  decisions,
  nominations,
  outbox,
  reviewRounds,
  reviewScores,
  roundApplications,
  schoolContacts,
  schools,
  type DecisionLevel,
} from '../../../models/schema.js';
import { DEMO_CRITERIA, demoCycleDates } from '../../../server/cli/demo-data.js';
import { schoolMatchKey } from '../../../server/services/schools/match-key.js';
import { startHarness, TEST_BASE_URL, type Harness } from '../../helpers/harness.js';
import { createUser, signIn, createOpenCycle } from '../../helpers/factories.js';
import { submitForm } from '../../helpers/forms.js';
import type { ReceivedMail } from '../../helpers/smtp-sink.js';

type Agent = ReturnType<Harness['agent']>;

describe('publishing a cycle: preview, e-mails, unpublishing', () => {
  let h: Harness;
  let admin: Agent;
  let cycleId: number;
  let pastCycleId: number;
  let adminId: number;
  let firstCriterion: { id: number; title: string };
  const app: Record<string, number> = {};
  let nominationCount = 0;

  async function addApplication(
    key: string,
    cycle: number,
    name: string,
    city: string,
    status: 'eligible' | 'draft' | 'submitted' | 'ineligible' | 'withdrawn' = 'eligible',
    screeningReason: string | null = null,
  ) {
    const [school] = await h.db
      .insert(schools)
      .values({
        name,
        city,
        state: 'OR',
        level: 'high',
        enrollment: 900,
        frlPercent: 50,
        iepPercent: 14,
        matchKey: schoolMatchKey(name, city, 'OR'),
      })
      .returning();
    const contact = await createUser(h.db, { email: `${key}@${key}.example.org`, name: `Contact of ${name}` });
    await h.db.insert(schoolContacts).values({ schoolId: school!.id, userId: contact.id, status: 'active' });
    const [row] = await h.db
      .insert(applications)
      .values({ cycleId: cycle, schoolId: school!.id, status, submittedAt: h.clock(), screeningReason })
      .returning();
    app[key] = row!.id;
    return school!.id;
  }

  async function nominate(key: string, email: string, extra: Partial<typeof nominations.$inferInsert> = {}) {
    nominationCount += 1;
    await h.db.insert(nominations).values({
      cycleId,
      schoolName: 'typed name',
      city: 'Portland',
      state: 'OR',
      matchKey: `m${nominationCount}`,
      nominatorName: `Nominator ${email.split('@')[0]}`,
      nominatorEmail: email,
      relationship: 'parent',
      reason: 'They are great.',
      status: 'confirmed',
      confirmTokenHash: `token-${nominationCount}`,
      confirmExpiresAt: h.clock(),
      confirmedAt: h.clock(),
      applicationId: app[key] ?? null,
      ...extra,
    });
  }

  async function review(
    applicationId: number,
    roundId: number,
    reviewer: number,
    status: 'submitted' | 'draft',
    comment: string,
  ) {
    const [a] = await h.db
      .insert(assignments)
      .values({
        roundId,
        applicationId,
        reviewerId: reviewer,
        status,
        confidentialNote: 'SECRET NOTE for admins',
        submittedAt: status === 'submitted' ? h.clock() : null,
      })
      .returning();
    await h.db.insert(reviewScores).values({ assignmentId: a!.id, criterionId: firstCriterion.id, score: 4, comment });
  }

  const decide = (applicationId: number, level: DecisionLevel, overrideReason = '') =>
    submitForm(admin, `/admin/cycles/${cycleId}/decisions`, `/admin/decisions/${applicationId}`, {
      level,
      cycleId: String(cycleId),
      overrideReason,
    });
  const flashAfter = async (res: { headers: Record<string, string> }) => (await admin.get(res.headers.location!)).text;
  const publishForm = (id: number) =>
    submitForm(admin, `/admin/cycles/${id}/publish`, `/admin/cycles/${id}/publish`, {});
  const outboxCount = async () => (await h.db.select({ n: sql<number>`count(*)::int` }).from(outbox))[0]!.n;
  const mailTo = (address: string) => h.sink.messages.filter((m: ReceivedMail) => m.to.includes(address));

  before(async () => {
    h = await startHarness();
    cycleId = await createOpenCycle(h.db, h.clock());
    await h.db.update(cycles).set({ shareReviewComments: true }).where(eq(cycles.id, cycleId));
    firstCriterion = (
      await h.db.select().from(criteria).where(eq(criteria.cycleId, cycleId)).orderBy(asc(criteria.position)).limit(1)
    )[0]!;
    adminId = (await createUser(h.db, { email: 'admin@program.example.org', name: 'Ada Admin', roles: ['admin'] })).id;
    const rita = await createUser(h.db, { email: 'rita@uni.example.edu', name: 'Rita Reviewer', roles: ['reviewer'] });
    const ravi = await createUser(h.db, { email: 'ravi@uni.example.edu', name: 'Ravi Reviewer', roles: ['reviewer'] });

    const lincolnSchool = await addApplication('lincoln', cycleId, 'Lincoln High School', 'Portland');
    const pending = await createUser(h.db, { email: 'pending@lincoln.example.org' });
    await h.db.insert(schoolContacts).values({ schoolId: lincolnSchool, userId: pending.id, status: 'pending' });
    await addApplication('rivera', cycleId, 'Rivera High School', 'Eugene');
    await addApplication('vista', cycleId, 'Vista Academy', 'Bend');
    await addApplication('harbor', cycleId, 'Harbor High School', 'Astoria');
    await addApplication('draft', cycleId, 'Unfinished High School', 'Salem', 'draft');
    await addApplication(
      'closed',
      cycleId,
      'Crest Private Academy',
      'Bend',
      'ineligible',
      'Private schools are not eligible.',
    );
    await addApplication('gone', cycleId, 'Willow Middle School', 'Eugene', 'withdrawn');
    await addApplication('waiting', cycleId, 'Summit Charter School', 'Hood River', 'submitted');

    // Round 1 asks one review per application: Lincoln and Rivera have it, Vista and Harbor do not.
    const [round] = await h.db
      .insert(reviewRounds)
      .values({ cycleId, number: 1, name: 'Round 1', dueAt: h.clock(), reviewersPerApplication: 1 })
      .returning();
    await h.db
      .insert(roundApplications)
      .values(
        ['lincoln', 'rivera', 'vista', 'harbor'].map((key) => ({ roundId: round!.id, applicationId: app[key]! })),
      );
    await review(app.lincoln!, round!.id, rita.id, 'submitted', 'Detracking is impressive.');
    await review(app.lincoln!, round!.id, ravi.id, 'draft', 'UNSUBMITTED DRAFT');
    await review(app.rivera!, round!.id, rita.id, 'submitted', 'Needs more evidence on discipline.');

    await nominate('lincoln', 'nia@neighbors.example.net');
    await nominate('lincoln', 'nia@neighbors.example.net');
    await nominate('rivera', 'omar@neighbors.example.net');
    await nominate('lincoln', 'una@neighbors.example.net', { status: 'unconfirmed', confirmedAt: null });
    await nominate('lincoln', 'old@neighbors.example.net', { resultNoticeSentAt: h.clock() });
    await nominate('draft', 'dora@neighbors.example.net');
    await nominate('closed', 'ivy@neighbors.example.net');
    await nominate('gone', 'walt@neighbors.example.net');
    await nominate('none', 'nell@neighbors.example.net', { schoolName: 'Oak Grove School' });

    // A past cycle that does not share reviewers' comments.
    const [seeded] = await h.db.select().from(cycles).where(eq(cycles.id, cycleId));
    const [past] = await h.db
      .insert(cycles)
      .values({
        programId: seeded!.programId,
        year: 2025,
        name: 'Schools of Opportunity 2025–2026',
        ...demoCycleDates(new Date('2025-11-22T12:00:00Z')),
      })
      .returning();
    pastCycleId = past!.id;
    const [pastCriterion] = await h.db
      .insert(criteria)
      .values({ ...DEMO_CRITERIA[0]!, cycleId: pastCycleId, position: 1 })
      .returning();
    await addApplication('mesa', pastCycleId, 'Mesa High School', 'Medford');
    await h.db.insert(decisions).values({
      applicationId: app.mesa!,
      cycleId: pastCycleId,
      level: 'not_selected',
      decidedBy: adminId,
      decidedAt: h.clock(),
      slug: 'mesa-high-school',
    });
    const [pastRound] = await h.db
      .insert(reviewRounds)
      .values({ cycleId: pastCycleId, number: 1, name: 'Round 1', dueAt: h.clock() })
      .returning();
    const [a] = await h.db
      .insert(assignments)
      .values({ roundId: pastRound!.id, applicationId: app.mesa!, reviewerId: rita.id, status: 'submitted' })
      .returning();
    await h.db
      .insert(reviewScores)
      .values({ assignmentId: a!.id, criterionId: pastCriterion!.id, score: 2, comment: 'Mesa comment never shared.' });

    admin = h.agent();
    await signIn(admin, 'admin@program.example.org');
  });
  after(() => h.close());

  it('refuses decisions and publishing while applications are open, until an admin closes them', async () => {
    const early = await decide(app.lincoln!, 'gold');
    expect(early.status).to.equal(403);
    expect(early.text).to.contain('is still open for applications. Decisions come once applications have closed');
    const preview = await admin.get(`/admin/cycles/${cycleId}/publish`);
    expect(preview.text).to.contain('Applications are still open: close them, screen and decide before publishing.');
    expect(preview.text).not.to.contain('name="fingerprint"');
    const res = await publishForm(cycleId);
    expect(res.status).to.equal(409);
    expect(res.text).to.contain('Applications are still open');

    const page = await admin.get(`/admin/cycles/${cycleId}`);
    expect(page.text).to.contain('Open for applications');
    expect(page.text).to.contain('1 application is still an unsubmitted draft');
    const closed = await submitForm(admin, `/admin/cycles/${cycleId}`, `/admin/cycles/${cycleId}/close`, {});
    expect(closed.status).to.equal(303);
    const after = await flashAfter(closed);
    expect(after).to.contain('Applications are closed. One application was never submitted and will not be reviewed.');
    // Its round has assignments already, so it moves straight on to review.
    expect(after).to.contain('<p class="lead" id="cycle-phase">In review</p>');
    expect(after).not.to.contain('Close applications now');
    const [cycle] = await h.db.select().from(cycles).where(eq(cycles.id, cycleId));
    expect(cycle!.closedAt!.toISOString()).to.equal(h.clock().toISOString());
    const again = await submitForm(admin, `/admin/cycles/${cycleId}`, `/admin/cycles/${cycleId}/close`, {});
    expect(again.status).to.equal(403);
    expect(again.text).to.contain('Only a cycle open for applications can be closed early.');
    expect(await outboxCount()).to.equal(0);
  });

  it('asks why when a decision comes with fewer reviews than the round asked for', async () => {
    expect((await decide(app.lincoln!, 'gold')).status).to.equal(303);
    expect((await decide(app.rivera!, 'not_selected')).status).to.equal(303);
    const bare = await decide(app.vista!, 'silver');
    expect(await flashAfter(bare)).to.contain(
      'This application has 0 of the 1 review its round asked for. Say why you decide on it anyway.',
    );
    expect(await h.db.select().from(decisions).where(eq(decisions.applicationId, app.vista!))).to.have.length(0);
    const list = await admin.get(`/admin/cycles/${cycleId}/decisions`);
    expect(list.text).to.contain(`id="override-${app.vista}"`);
    expect(list.text).not.to.contain(`id="override-${app.lincoln}"`);
    expect((await decide(app.vista!, 'silver', 'The site visit showed what the file lacked.')).status).to.equal(303);
    const [vista] = await h.db.select().from(decisions).where(eq(decisions.applicationId, app.vista!));
    expect(vista!.overrideReason).to.equal('The site visit showed what the file lacked.');
  });

  it('refuses to publish while an application waits for screening or a decision', async () => {
    const preview = await admin.get(`/admin/cycles/${cycleId}/publish`);
    expect(preview.text).to.contain(
      '1 application waits for eligibility screening: each needs an outcome before anyone is told.',
    );
    expect(preview.text).to.contain('1 eligible application has no decision yet.');
    expect(preview.text).not.to.contain('name="fingerprint"');
    const res = await publishForm(cycleId);
    expect(res.status).to.equal(409);
    expect(res.text).to.contain('1 application waits for eligibility screening');
    const [cycle] = await h.db.select().from(cycles).where(eq(cycles.id, cycleId));
    expect(cycle!.publishedAt).to.equal(null);
    expect(await outboxCount()).to.equal(0);

    const screened = await submitForm(
      admin,
      `/admin/applications/${app.waiting}/screening`,
      `/admin/applications/${app.waiting}/screening`,
      { decision: 'ineligible', reason: 'The school opened this year; it needs a year of results.' },
    );
    expect(screened.status).to.equal(303);
    expect((await decide(app.harbor!, 'silver', 'Its reviewer withdrew; the panel chair read it.')).status).to.equal(
      303,
    );
  });

  it('previews the honorees, the counts, the overrides and who gets which e-mail', async () => {
    const preview = await admin.get(`/admin/cycles/${cycleId}/publish`);
    expect(preview.text).to.contain('<dd id="count-gold">1</dd>');
    expect(preview.text).to.contain('<dd id="count-silver">2</dd>');
    expect(preview.text).to.contain('<dd id="count-not-selected">1</dd>');
    expect(preview.text).to.contain('<dd id="count-undecided">0</dd>');
    expect(preview.text).to.contain('<dd id="count-ineligible">2</dd>');
    const items = (id: string) =>
      new RegExp(`<ul id="${id}">([\\s\\S]*?)</ul>`).exec(preview.text)![1]!.replace(/\s+/g, ' ').trim();
    expect(items('mail-plan')).to.equal(
      '<li>1 to contacts of Gold schools</li> <li>2 to contacts of Silver schools</li> <li>1 to contacts of schools not selected</li> <li>2 to contacts of schools found not eligible, with the reason given at screening</li>',
    );
    expect(items('nominator-plan')).to.equal(
      '<li>1 whose school is an honoree</li> <li>1 whose school was reviewed and not selected</li> <li>1 whose school was found not eligible</li> <li>1 whose school withdrew its application</li> <li>1 whose school never submitted its application</li> <li>1 whose school did not apply</li>',
    );
    const overrides = /<table id="overrides">([\s\S]*?)<\/table>/.exec(preview.text)![1]!;
    expect(overrides).to.contain('Vista Academy');
    expect(overrides).to.contain('0 of the 1 review its round asked for');
    expect(overrides).to.contain('The site visit showed what the file lacked.');
    expect(overrides).to.contain('Harbor High School');
    expect(overrides).not.to.contain('Lincoln High School');
    expect(preview.text).to.contain('3 citations are still the automatic draft');
    expect(preview.text).to.contain('include the reviewers’ comments per criterion');
    expect(preview.text).to.contain('/honorees/2026/lincoln-high-school');
    expect(preview.text).not.to.contain('/honorees/2026/rivera-high-school');
    expect(preview.text).to.contain('Publish and send 12 e-mails (6 to schools, 6 to nominators)');

    // Saving the profile as it stands approves the draft.
    const profile = await admin.get(`/admin/decisions/${app.lincoln}/profile`);
    expect(profile.text).to.contain('Approve and save the profile');
    const texts = Object.fromEntries(
      [...profile.text.matchAll(/<textarea id="[^"]+" name="([^"]+)"[^>]*>([^<]*)<\/textarea>/g)].map((m) => [
        m[1]!,
        m[2]!
          .replace(/&#x27;/g, "'")
          .replace(/&quot;/g, '"')
          .replace(/&amp;/g, '&'),
      ]),
    );
    expect(texts).to.have.property('citation');
    const approved = await submitForm(
      admin,
      `/admin/decisions/${app.lincoln}/profile`,
      `/admin/decisions/${app.lincoln}/profile`,
      texts,
    );
    expect(approved.status, approved.text.match(/id="citation-error">[^]{0,300}/)?.[0]).to.equal(303);
    expect((await admin.get(`/admin/cycles/${cycleId}/publish`)).text).to.contain(
      '2 citations are still the automatic draft',
    );
  });

  it('refuses a confirmation made on a preview that is out of date', async () => {
    const page = await admin.get(`/admin/cycles/${cycleId}/publish`);
    const token = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
    const res = await admin
      .post(`/admin/cycles/${cycleId}/publish`)
      .type('form')
      .send({ _csrf: token, fingerprint: 'stale' });
    expect(res.status).to.equal(409);
    expect(res.text).to.contain('changed since you opened this preview');
    expect((await h.db.select().from(cycles).where(eq(cycles.id, cycleId)))[0]!.publishedAt).to.equal(null);
  });

  it('refuses a preview made before a school changed its profile: publishing freezes the profile', async () => {
    const page = await admin.get(`/admin/cycles/${cycleId}/publish`);
    const fingerprint = /name="fingerprint" value="([^"]+)"/.exec(page.text)![1]!;
    const [harbor] = await h.db.select().from(applications).where(eq(applications.id, app.harbor!));
    h.clock.advance(1000);
    await h.db
      .update(schools)
      .set({ name: 'Harbor High School', website: 'https://harbor.example.org', updatedAt: h.clock() })
      .where(eq(schools.id, harbor!.schoolId));
    const res = await submitForm(admin, `/admin/cycles/${cycleId}/publish`, `/admin/cycles/${cycleId}/publish`, {
      fingerprint,
    });
    expect(res.status).to.equal(409);
    expect(res.text).to.contain('changed since you opened this preview');
    expect((await h.db.select().from(cycles).where(eq(cycles.id, cycleId)))[0]!.publishedAt).to.equal(null);
  });

  it('publishes: honorees become public, schools and nominators are e-mailed once', async () => {
    expect((await h.agent().get('/honorees')).text).not.to.contain('Lincoln High School');
    // A name stored with line breaks (from before names were folded at input) must not stop
    // publishing: every subject that names it is built on one line.
    await h.db.update(schools).set({ name: 'Vista\r\nAcademy' }).where(eq(schools.name, 'Vista Academy'));
    h.clock.advance(3_600_000);
    const res = await submitForm(admin, `/admin/cycles/${cycleId}/publish`, `/admin/cycles/${cycleId}/publish`, {
      fingerprint: /name="fingerprint" value="([^"]+)"/.exec(
        (await admin.get(`/admin/cycles/${cycleId}/publish`)).text,
      )![1]!,
    });
    expect(res.status).to.equal(303);
    const [cycle] = await h.db.select().from(cycles).where(eq(cycles.id, cycleId));
    expect(cycle!.publishedAt!.toISOString()).to.equal(h.clock().toISOString());
    expect(cycle!.publishedBy).to.equal(adminId);
    expect(cycle!.closedAt).not.to.equal(null);
    expect(await h.deliverMail()).to.equal(12);
    expect(h.sink.messages).to.have.length(12);

    const [gold] = mailTo('lincoln@lincoln.example.org');
    expect(gold!.subject).to.equal('Lincoln High School is recognized at the Gold level');
    expect(gold!.text).to.contain(`${TEST_BASE_URL}/honorees/2026/lincoln-high-school`);
    expect(gold!.text).to.contain(`${firstCriterion.title}\n- Detracking is impressive.`);
    expect(gold!.html).to.contain('<li>Detracking is impressive.</li>');
    for (const secret of ['Rita', 'Ravi', 'SECRET NOTE', 'UNSUBMITTED DRAFT'])
      expect(gold!.text + gold!.html).not.to.contain(secret);
    expect(mailTo('pending@lincoln.example.org')).to.have.length(0);
    const [notSelected] = mailTo('rivera@rivera.example.org');
    expect(notSelected!.subject).to.equal("The decision on Rivera High School's application");
    expect(notSelected!.text).to.contain('was not selected as an honoree this year');
    expect(notSelected!.text).to.contain('- Needs more evidence on discipline.');
    expect(notSelected!.text).not.to.contain('/honorees/2026/');
    expect(mailTo('vista@vista.example.org')[0]!.subject).to.equal('Vista Academy is recognized at the Silver level');
    expect(mailTo('vista@vista.example.org')[0]!.text).not.to.contain('What the reviewers wrote');

    const nia = mailTo('nia@neighbors.example.net');
    expect(nia).to.have.length(1);
    expect(nia[0]!.subject).to.equal('Lincoln High School, the school you nominated, is an honoree');
    expect(nia[0]!.text).to.contain('at the Gold level');
    expect(nia[0]!.text).to.contain(`${TEST_BASE_URL}/honorees/2026/lincoln-high-school`);
    const omar = mailTo('omar@neighbors.example.net');
    expect(omar[0]!.subject).to.equal('The results of Schools of Opportunity 2026–2027');
    expect(omar[0]!.text).to.contain(
      'Rivera High School, the school you nominated, applied and its application was reviewed, but it was not selected this year.',
    );
    const told = (address: string) => mailTo(address)[0]!.text.replace(/\s+/g, ' ');
    expect(told('ivy@neighbors.example.net')).to.contain(
      'Crest Private Academy, the school you nominated, applied, but the program found it was not eligible for this cycle',
    );
    expect(told('walt@neighbors.example.net')).to.contain(
      'Willow Middle School, the school you nominated, started an application and later withdrew it',
    );
    expect(told('dora@neighbors.example.net')).to.contain(
      'Unfinished High School, the school you nominated, started an application but did not submit it before applications closed',
    );
    expect(told('nell@neighbors.example.net')).to.contain(
      'Oak Grove School, the school you nominated, did not apply to this cycle, so it could not be considered.',
    );
    for (const address of ['ivy', 'walt', 'dora', 'nell'])
      expect(told(`${address}@neighbors.example.net`)).not.to.match(/was not selected|careful review/);
    const [crest] = mailTo('closed@closed.example.org');
    expect(crest!.subject).to.equal("The outcome of Crest Private Academy's application");
    expect(crest!.text).to.contain('The program found that Crest Private Academy is not eligible for this cycle');
    expect(crest!.text).to.contain('"Private schools are not eligible."');
    expect(crest!.text).not.to.contain('careful review');
    expect(mailTo('waiting@waiting.example.org')[0]!.text).to.contain(
      '"The school opened this year; it needs a year of results."',
    );
    for (const nobody of [
      'una@neighbors.example.net',
      'old@neighbors.example.net',
      'gone@gone.example.org',
      'draft@draft.example.org',
    ])
      expect(mailTo(nobody), nobody).to.have.length(0);
    const noticed = await h.db
      .select()
      .from(nominations)
      .where(sql`${nominations.resultNoticeSentAt} = ${h.clock().toISOString()}::timestamptz`);
    expect(noticed.map((n) => n.nominatorEmail).sort()).to.deep.equal([
      'dora@neighbors.example.net',
      'ivy@neighbors.example.net',
      'nell@neighbors.example.net',
      'nia@neighbors.example.net',
      'nia@neighbors.example.net',
      'omar@neighbors.example.net',
      'walt@neighbors.example.net',
    ]);

    // Published, the cycle takes no more nominations.
    expect((await h.agent().get('/nominate')).text).to.contain('Nominations are closed');

    const list = await h.agent().get('/honorees');
    for (const name of ['Lincoln High School', 'Harbor High School']) expect(list.text).to.contain(name);
    expect(list.text).not.to.contain('Rivera High School');
  });

  it('shows each honoree as it stood when published, not as its contacts edit it later', async () => {
    const [decision] = await h.db.select().from(decisions).where(eq(decisions.applicationId, app.lincoln!));
    expect(decision!.schoolName).to.equal('Lincoln High School');
    expect(decision!.schoolCity).to.equal('Portland');
    const [lincoln] = await h.db.select().from(applications).where(eq(applications.id, app.lincoln!));
    await h.db
      .update(schools)
      .set({ name: 'Lincoln Edited Later', city: 'Elsewhere' })
      .where(eq(schools.id, lincoln!.schoolId));
    const page = await h.agent().get('/honorees/2026/lincoln-high-school');
    expect(page.text).to.contain('Lincoln High School');
    expect(page.text).not.to.contain('Lincoln Edited Later');
    expect((await h.agent().get('/honorees?q=Edited')).text).not.to.contain('lincoln-high-school');
    await h.db
      .update(schools)
      .set({ name: 'Lincoln High School', city: 'Portland' })
      .where(eq(schools.id, lincoln!.schoolId));
  });

  it('refuses to publish twice and to change a decision while published', async () => {
    const before = await outboxCount();
    const preview = await admin.get(`/admin/cycles/${cycleId}/publish`);
    expect(preview.text).to.contain('Unpublish this cycle');
    expect(preview.text).not.to.contain('name="fingerprint"');
    const again = await publishForm(cycleId);
    expect(again.status).to.equal(409);
    expect(again.text).to.contain('This cycle is already published.');
    const change = await decide(app.rivera!, 'gold');
    expect(change.status).to.equal(403);
    expect(change.text).to.contain('Unpublish it before changing a decision.');
    expect(await outboxCount()).to.equal(before);
  });

  it('unpublishes: everything is hidden again, and publishing again e-mails only people not yet told', async () => {
    const res = await submitForm(admin, `/admin/cycles/${cycleId}/publish`, `/admin/cycles/${cycleId}/unpublish`, {});
    expect(res.status).to.equal(303);
    const visitor = h.agent();
    expect((await visitor.get('/honorees')).text).not.to.contain('Lincoln High School');
    expect((await visitor.get('/honorees/2026/lincoln-high-school')).status).to.equal(404);
    expect((await visitor.get('/honorees.json')).body.count).to.equal(0);
    expect((await visitor.get('/honorees.csv')).text).not.to.contain('Lincoln');
    const twice = await submitForm(admin, `/admin/cycles/${cycleId}/publish`, `/admin/cycles/${cycleId}/unpublish`, {});
    expect((await admin.get(twice.headers.location!)).text).to.contain('This cycle is not published.');

    await nominate('vista', 'pia@neighbors.example.net');
    const preview = await admin.get(`/admin/cycles/${cycleId}/publish`);
    expect(preview.text).to.contain('6 schools were e-mailed at an earlier publication');
    expect(preview.text).to.contain('Publish and send 1 e-mail (0 to schools, 1 to nominators)');
    const before = await outboxCount();
    const fingerprint = /name="fingerprint" value="([^"]+)"/.exec(preview.text)![1]!;
    expect(
      (await submitForm(admin, `/admin/cycles/${cycleId}/publish`, `/admin/cycles/${cycleId}/publish`, { fingerprint }))
        .status,
    ).to.equal(303);
    expect(await outboxCount()).to.equal(before + 1);
    await h.deliverMail();
    expect(mailTo('pia@neighbors.example.net')[0]!.subject).to.equal(
      'Vista Academy, the school you nominated, is an honoree',
    );
    expect(mailTo('lincoln@lincoln.example.org')).to.have.length(1);
    expect((await visitor.get('/honorees/2026/lincoln-high-school')).status).to.equal(200);
  });

  it('leaves the reviewers’ comments out when the cycle does not share them', async () => {
    const page = await admin.get(`/admin/cycles/${pastCycleId}/publish`);
    expect(page.text).to.contain('do not include the reviewers’ comments');
    const fingerprint = /name="fingerprint" value="([^"]+)"/.exec(page.text)![1]!;
    const res = await submitForm(
      admin,
      `/admin/cycles/${pastCycleId}/publish`,
      `/admin/cycles/${pastCycleId}/publish`,
      { fingerprint },
    );
    expect(res.status).to.equal(303);
    await h.deliverMail();
    const [mesa] = mailTo('mesa@mesa.example.org');
    expect(mesa!.subject).to.equal("The decision on Mesa High School's application");
    expect(mesa!.text + mesa!.html).not.to.contain('Mesa comment never shared.');
    expect(mesa!.text).not.to.contain('What the reviewers wrote');
  });

  it('lists publishing and unpublishing in the audit log with the admin’s name', async () => {
    const page = await admin.get('/admin/audit?action=cycle.publish');
    expect(page.text).to.contain(
      'Published Schools of Opportunity 2026–2027: 3 honorees; 6 e-mails to school contacts, 6 to nominators',
    );
    expect(page.text).to.contain(
      'Published Schools of Opportunity 2026–2027: 3 honorees; 0 e-mails to school contacts, 1 to nominators',
    );
    expect(page.text).to.contain('Ada Admin');
    const unpublished = await admin.get('/admin/audit?action=cycle.unpublish');
    expect(unpublished.text).to.contain(
      'Unpublished Schools of Opportunity 2026–2027: its honorees are no longer public',
    );
    expect(unpublished.text).to.contain('Ada Admin');
  });
});
