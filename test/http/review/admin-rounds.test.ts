import { expect } from 'chai';
import { and, asc, eq } from 'drizzle-orm';
import {
  applications,
  assignments,
  cycleReviewers,
  reviewerProfiles,
  reviewRounds,
  roundApplications,
  roundReviewers,
  schoolContacts,
  schools,
} from '../../../models/schema.js';
import { runDueReminders } from '../../../server/services/review/progress.js';
import { startHarness, TEST_BASE_URL, TEST_MAIL_FROM, type Harness } from '../../helpers/harness.js';
import { createUser, signIn, createOpenCycle, closeApplicationsOf } from '../../helpers/factories.js';
import { csrfTokenFrom, submitForm } from '../../helpers/forms.js';

type Agent = ReturnType<Harness['agent']>;

const REVIEWERS = [
  { name: 'Rita Alvarez', email: 'rita@univ-a.edu', maxLoad: 4 },
  { name: 'Sam Okafor', email: 'sam@univ-b.edu', maxLoad: 4 },
  { name: 'Tess Nguyen', email: 'tess@univ-c.edu', maxLoad: 3 },
];

describe('admins run review rounds: rounds, panel, progress and reminders', () => {
  let h: Harness;
  let admin: Agent;
  let cycleId: number;
  let roundId: number;
  let laterRoundId: number;
  const appIds: number[] = [];
  const reviewerIds: number[] = [];

  before(async () => {
    h = await startHarness();
    cycleId = await createOpenCycle(h.db, h.clock());
    // Four eligible applications, and one submitted but not screened yet.
    for (const [i, status] of (['eligible', 'eligible', 'eligible', 'eligible', 'submitted'] as const).entries()) {
      const contact = await createUser(h.db, { email: `principal@school${i}.org` });
      const [school] = await h.db
        .insert(schools)
        .values({ name: `School ${i} High`, city: 'Springfield', state: 'IL', level: 'high', matchKey: `school ${i}` })
        .returning();
      await h.db.insert(schoolContacts).values({ schoolId: school!.id, userId: contact.id, status: 'active' });
      const [app] = await h.db
        .insert(applications)
        .values({ cycleId, schoolId: school!.id, status, submittedAt: h.clock() })
        .returning();
      appIds.push(app!.id);
    }
    for (const r of REVIEWERS) {
      const user = await createUser(h.db, { email: r.email, name: r.name, roles: ['reviewer'] });
      await h.db.insert(cycleReviewers).values({ cycleId, userId: user.id, maxLoad: r.maxLoad });
      await h.db
        .insert(reviewerProfiles)
        .values({ userId: user.id, state: 'IL', gradeLevels: ['high'], expertise: ['Language-minority students'] });
      reviewerIds.push(user.id);
    }
    await createUser(h.db, { email: 'admin@program.org', name: 'Ada Admin', roles: ['admin'] });
    admin = h.agent();
    await signIn(admin, 'admin@program.org');
  });
  after(() => h.close());

  const post = async (agent: Agent, page: string, action: string, fields: Record<string, string> = {}) => {
    const form = new URLSearchParams({ _csrf: csrfTokenFrom((await agent.get(page)).text), ...fields });
    return agent.post(action).type('form').send(form.toString());
  };
  const members = async (id: number) => ({
    apps: (
      await h.db
        .select()
        .from(roundApplications)
        .where(eq(roundApplications.roundId, id))
        .orderBy(asc(roundApplications.applicationId))
    ).map((r) => r.applicationId),
    reviewers: (
      await h.db.select().from(roundReviewers).where(eq(roundReviewers.roundId, id)).orderBy(asc(roundReviewers.userId))
    ).map((r) => [r.userId, r.maxLoad]),
  });
  const reminderContext = () => ({
    db: h.db,
    clock: h.clock,
    mail: { baseUrl: TEST_BASE_URL, mailFrom: TEST_MAIL_FROM, clock: h.clock },
  });

  it('creates round 1 from every eligible application and the whole panel, after checking the form', async () => {
    const roundsPage = `/admin/cycles/${cycleId}/rounds`;
    // While applications are open, no round begins: the school still applying would be left out.
    const early = await submitForm(admin, roundsPage, roundsPage, {
      name: 'Round 1',
      k: '2',
      dueAt: '2026-12-31',
      reminderDaysBefore: '3',
    });
    expect(early.status).to.equal(403);
    expect(early.text).to.contain('is still open for applications. Review rounds begin once applications have closed.');
    expect(await h.db.select().from(reviewRounds)).to.deep.equal([]);
    await closeApplicationsOf(h.db, cycleId, h.clock());

    const page = await admin.get(roundsPage);
    expect(page.text).to.contain('No rounds yet.');
    expect(page.text).to.contain(
      'This first round takes every eligible application of the cycle and every reviewer of the panel',
    );
    const bad = await submitForm(admin, roundsPage, roundsPage, {
      name: 'Round 1',
      k: '0',
      dueAt: '',
      reminderDaysBefore: '3',
    });
    expect(bad.status).to.equal(422);
    expect(bad.text).to.contain('Enter the number of reviewers per application between 1 and 20.');
    expect(bad.text).to.contain('Enter the date reviews are due.');
    const past = await submitForm(admin, roundsPage, roundsPage, {
      name: 'Round 1',
      k: '3',
      dueAt: '2026-11-01',
      reminderDaysBefore: '3',
    });
    expect(past.status).to.equal(422);
    expect(past.text).to.contain('The due date cannot be in the past.');

    const res = await submitForm(admin, roundsPage, roundsPage, {
      name: 'Round 1',
      k: '2',
      dueAt: '2026-12-31',
      reminderDaysBefore: '3',
    });
    expect(res.status, res.text).to.equal(303);
    roundId = Number(/\/admin\/rounds\/(\d+)$/.exec(res.headers.location ?? '')?.[1]);
    const [round] = await h.db.select().from(reviewRounds).where(eq(reviewRounds.id, roundId));
    expect(round).to.include({
      number: 1,
      name: 'Round 1',
      reviewersPerApplication: 2,
      reminderDaysBefore: 3,
      siteVisit: false,
    });
    expect(round!.dueAt.toISOString()).to.equal('2026-12-31T23:59:59.000Z');
    expect(await members(roundId)).to.deep.equal({
      apps: appIds.slice(0, 4),
      reviewers: reviewerIds.map((id, i) => [id, REVIEWERS[i]!.maxLoad]),
    });
    const list = await admin.get(roundsPage);
    expect(list.text).to.contain(`<a href="/admin/rounds/${roundId}">Round 1</a>`);
    expect(list.text).to.contain('New round 2');
    expect(list.text).to.contain(`Application ${appIds[0]} — School 0 High`);
    expect(list.text).not.to.contain(`Application ${appIds[4]} —`);
  });

  it('edits the panel’s maximum loads, which round 1 follows', async () => {
    const panelPage = `/admin/cycles/${cycleId}/reviewers`;
    const page = await admin.get(panelPage);
    expect(page.text).to.contain('3 reviewers on the panel');
    expect(page.text).to.contain('Language-minority students');
    const saved = await post(admin, panelPage, `${panelPage}/${reviewerIds[2]}`, { maxLoad: '5' });
    expect(saved.status).to.equal(303);
    expect((await members(roundId)).reviewers[2]).to.deep.equal([reviewerIds[2], 5]);
    const [row] = await h.db
      .select()
      .from(cycleReviewers)
      .where(and(eq(cycleReviewers.cycleId, cycleId), eq(cycleReviewers.userId, reviewerIds[2]!)));
    expect(row?.maxLoad).to.equal(5);
    await post(admin, panelPage, `${panelPage}/${reviewerIds[2]}`, { maxLoad: 'lots' });
    expect((await admin.get(panelPage)).text).to.contain('Enter a maximum load as a whole number, like 0.');
  });

  it('round 1 takes in applications found eligible after it began', async () => {
    await h.db.update(applications).set({ status: 'eligible' }).where(eq(applications.id, appIds[4]!));
    const overview = await admin.get(`/admin/rounds/${roundId}`);
    expect(overview.text).to.contain(
      'Since this round began, 1 application became eligible and 0 reviewers joined the panel without joining this round.',
    );
    const res = await post(admin, `/admin/rounds/${roundId}`, `/admin/rounds/${roundId}/refresh`);
    expect(res.status).to.equal(303);
    expect((await members(roundId)).apps).to.deep.equal(appIds);
    expect((await admin.get(`/admin/rounds/${roundId}`)).text).not.to.contain('Since this round began');
  });

  it('puts an application screened eligible into round 1 at once', async () => {
    const contact = await createUser(h.db, { email: 'principal@late.org' });
    const [school] = await h.db
      .insert(schools)
      .values({ name: 'Late High', city: 'Springfield', state: 'IL', level: 'high', matchKey: 'late high' })
      .returning();
    await h.db.insert(schoolContacts).values({ schoolId: school!.id, userId: contact.id, status: 'active' });
    const [late] = await h.db
      .insert(applications)
      .values({ cycleId, schoolId: school!.id, status: 'submitted', submittedAt: h.clock() })
      .returning();
    const screening = `/admin/applications/${late!.id}/screening`;
    expect((await submitForm(admin, screening, screening, { decision: 'eligible' })).status).to.equal(303);
    expect((await members(roundId)).apps).to.include(late!.id);
    expect((await admin.get(`/admin/rounds/${roundId}`)).text).not.to.contain('Since this round began');
    // Found not eligible after all: it stays listed in the round, marked, and takes no reviewer.
    await submitForm(admin, screening, screening, { decision: 'ineligible', reason: 'A private school.' });
    expect((await h.db.select().from(applications).where(eq(applications.id, late!.id)))[0]?.status).to.equal(
      'ineligible',
    );
  });

  it('creates a later round over a chosen subset with reviewers, loads and a site visit of its own', async () => {
    await h.db
      .update(applications)
      .set({ status: 'ineligible', screeningReason: 'zero tolerance' })
      .where(eq(applications.id, appIds[3]!));
    const roundsPage = `/admin/cycles/${cycleId}/rounds`;
    const settings = { name: 'Finalists', k: '2', dueAt: '2027-01-31', reminderDaysBefore: '7', siteVisit: 'on' };
    const bad = await submitForm(admin, roundsPage, roundsPage, {
      ...settings,
      applicationIds: [String(appIds[0]), String(appIds[3])],
    });
    expect(bad.status).to.equal(422);
    expect(bad.text).to.contain(
      `Only eligible applications of this cycle can be reviewed; not application ${appIds[3]}.`,
    );
    expect(bad.text).to.contain('Choose the reviewers of this round.');
    const res = await submitForm(admin, roundsPage, roundsPage, {
      ...settings,
      applicationIds: [String(appIds[0]), String(appIds[1])],
      reviewerIds: [String(reviewerIds[0]), String(reviewerIds[2])],
      [`maxLoad-${reviewerIds[0]}`]: '2',
      [`maxLoad-${reviewerIds[2]}`]: '1',
    });
    expect(res.status, res.text).to.equal(303);
    laterRoundId = Number(/\/admin\/rounds\/(\d+)$/.exec(res.headers.location ?? '')?.[1]);
    const [round] = await h.db.select().from(reviewRounds).where(eq(reviewRounds.id, laterRoundId));
    expect(round).to.include({ number: 2, siteVisit: true, reviewersPerApplication: 2, reminderDaysBefore: 7 });
    expect(await members(laterRoundId)).to.deep.equal({
      apps: appIds.slice(0, 2),
      reviewers: [
        [reviewerIds[0], 2],
        [reviewerIds[2], 1],
      ],
    });

    const preview = await admin.get(`/admin/rounds/${laterRoundId}/auto`);
    expect(preview.text).to.contain(
      'This plan adds <strong>3 assignments</strong>; <strong>1 application</strong> of this round cannot be fully covered.',
    );
    expect(preview.text).not.to.contain('Sam Okafor');
    const edit = await admin.get(`/admin/rounds/${laterRoundId}/edit`);
    expect(edit.text).to.match(new RegExp(`id="app-${appIds[1]}" name="applicationIds" value="${appIds[1]}" checked`));
    expect(edit.text).to.match(
      new RegExp(`id="maxLoad-${reviewerIds[2]}" name="maxLoad-${reviewerIds[2]}" [^>]*value="1"`),
    );
  });

  it('shows progress per reviewer and per application, and reminds those with unfinished reviews once', async () => {
    const preview = await admin.get(`/admin/rounds/${roundId}/auto`);
    const plan = /name="plan" value="([0-9a-f]+)"/.exec(preview.text)?.[1] ?? '';
    expect(
      (await post(admin, `/admin/rounds/${roundId}/auto`, `/admin/rounds/${roundId}/auto`, { plan })).status,
    ).to.equal(303);
    // Four eligible applications × 2 = 8 over loads 4, 4, 5: never more than 3 apart.
    const rows = await h.db.select().from(assignments).where(eq(assignments.roundId, roundId));
    expect(rows).to.have.length(8);
    expect((await runDueReminders(reminderContext())).sent).to.equal(0); // not yet in the window
    expect((await post(admin, `/admin/rounds/${roundId}`, `/admin/rounds/${roundId}/notify`)).status).to.equal(303);
    expect(await h.deliverMail()).to.equal(3);
    const before = h.sink.messages.length;

    // Rita has submitted everything; Sam has one draft.
    await h.db
      .update(assignments)
      .set({ status: 'submitted' })
      .where(and(eq(assignments.roundId, roundId), eq(assignments.reviewerId, reviewerIds[0]!)));
    const sams = rows.filter((r) => r.reviewerId === reviewerIds[1]);
    await h.db.update(assignments).set({ status: 'draft' }).where(eq(assignments.id, sams[0]!.id));
    const ritaCount = rows.filter((r) => r.reviewerId === reviewerIds[0]).length;
    const overview = await admin.get(`/admin/rounds/${roundId}`);
    expect(overview.text).to.contain(
      `<td>Rita Alvarez<br><span class="muted">rita@univ-a.edu</span></td><td>${ritaCount}</td><td>0</td><td>0</td><td>${ritaCount} (done)</td><td>4</td><td>0</td>`,
    );
    expect(overview.text).to.contain(
      `<td>Sam Okafor<br><span class="muted">sam@univ-b.edu</span></td><td>${sams.length}</td><td>${sams.length - 1}</td><td>1</td><td>0</td><td>4</td><td>0</td>`,
    );
    expect(overview.text).to.match(
      new RegExp(
        `<td>${appIds[3]}</td><td><a href="/applications/${appIds[3]}">School 3 High</a> <span class="muted">\\(no longer eligible\\)</span></td><td>2</td><td>0</td>`,
      ),
    );
    expect(overview.text).to.contain(`${ritaCount} of 8 submitted; 3 reviewers`);

    h.clock.set(new Date('2026-12-29T08:00:00Z')); // the window opens on Dec 28 at 23:59:59
    expect(await runDueReminders(reminderContext())).to.deep.equal({ rounds: 1, sent: 2 });
    expect(await h.deliverMail()).to.equal(2);
    const reminders = h.sink.messages.slice(before);
    expect(reminders.map((m) => m.to[0]).sort()).to.deep.equal(['sam@univ-b.edu', 'tess@univ-c.edu']);
    const sam = reminders.find((m) => m.to.includes('sam@univ-b.edu'))!;
    expect(sam.subject).to.equal(`Reminder: ${sams.length} reviews due December 31, 2026 in Round 1`);
    expect(sam.text).to.contain(
      `- Application ${sams[0]!.applicationId} — School ${appIds.indexOf(sams[0]!.applicationId)} High: draft saved, not submitted`,
    );
    expect(sam.text).to.contain('(3 days from now)');
    expect(await runDueReminders(reminderContext())).to.deep.equal({ rounds: 0, sent: 0 });
    expect(await h.deliverMail()).to.equal(0);

    const onDemand = await post(admin, `/admin/rounds/${roundId}`, `/admin/rounds/${roundId}/remind`);
    expect(onDemand.status).to.equal(303);
    expect((await admin.get(`/admin/rounds/${roundId}`)).text).to.contain('Reminded 2 reviewers.');
    expect(await h.deliverMail()).to.equal(2);
  });

  it('extends the due date, which opens a new reminder window; past due, reminders are refused', async () => {
    const editPage = `/admin/rounds/${roundId}/edit`;
    const res = await submitForm(admin, editPage, editPage, {
      name: 'Round 1',
      k: '2',
      dueAt: '2027-01-15',
      reminderDaysBefore: '3',
    });
    expect(res.status, res.text).to.equal(303);
    const [round] = await h.db.select().from(reviewRounds).where(eq(reviewRounds.id, roundId));
    expect(round?.dueAt.toISOString()).to.equal('2027-01-15T23:59:59.000Z');
    expect(round?.reminderSentAt).to.equal(null);
    expect((await runDueReminders(reminderContext())).sent).to.equal(0);
    h.clock.set(new Date('2027-01-13T09:00:00Z'));
    expect((await runDueReminders(reminderContext())).sent).to.equal(2);

    h.clock.set(new Date('2027-01-16T09:00:00Z'));
    await post(admin, `/admin/rounds/${roundId}`, `/admin/rounds/${roundId}/remind`);
    expect((await admin.get(`/admin/rounds/${roundId}`)).text).to.contain(
      'This round is past its due date, so reviews can no longer be changed.',
    );
  });

  it('keeps every page and action of rounds for admins only', async () => {
    const reviewer = h.agent();
    await signIn(reviewer, 'rita@univ-a.edu');
    const applicant = h.agent();
    await signIn(applicant, 'principal@school0.org');
    const pages = [
      `/admin/cycles/${cycleId}/rounds`,
      `/admin/cycles/${cycleId}/reviewers`,
      `/admin/rounds/${roundId}`,
      `/admin/rounds/${roundId}/assign`,
      `/admin/rounds/${roundId}/auto`,
      `/admin/rounds/${roundId}/edit`,
    ];
    const actions = [
      `/admin/cycles/${cycleId}/rounds`,
      `/admin/cycles/${cycleId}/reviewers/${reviewerIds[0]}`,
      `/admin/rounds/${roundId}/refresh`,
      `/admin/rounds/${roundId}/assign`,
      `/admin/rounds/${roundId}/assignments/1/delete`,
      `/admin/rounds/${roundId}/auto`,
      `/admin/rounds/${roundId}/notify`,
      `/admin/rounds/${roundId}/remind`,
      `/admin/rounds/${roundId}/edit`,
    ];
    for (const agent of [reviewer, applicant]) {
      for (const url of pages) {
        const res = await agent.get(url);
        expect(res.status, url).to.equal(403);
        expect(res.text).to.contain('This page is for admins of the program');
      }
      const token = csrfTokenFrom((await agent.get('/')).text);
      for (const url of actions) {
        const res = await agent
          .post(url)
          .type('form')
          .send(new URLSearchParams({ _csrf: token, maxLoad: '99', reviewerId: '1', applicationId: '1' }).toString());
        expect(res.status, url).to.equal(403);
      }
    }
    const [row] = await h.db.select().from(cycleReviewers).where(eq(cycleReviewers.userId, reviewerIds[0]!));
    expect(row?.maxLoad).to.equal(4);
    const anonymous = await h.agent().get(`/admin/rounds/${roundId}`);
    expect(anonymous.status).to.equal(303);
  });
});
