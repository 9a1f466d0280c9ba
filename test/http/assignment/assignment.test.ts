import { expect } from 'chai';
import { asc, eq } from 'drizzle-orm';
import {
  applicationAnswers,
  applications,
  assignments,
  criteria,
  cycleReviewers,
  cycles,
  roundApplications,
  reviewerConflicts,
  reviewerProfiles,
  schoolContacts,
  schools,
} from '../../../models/schema.js';
import { conflictPairs } from '../../../server/services/review/conflicts.js';
import { matchScore } from '../../../server/services/assignment/match.js';
import { buildProblem } from '../../../server/services/assignment/problem.js';
import { textIn } from '../../../server/i18n/translate.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { createUser, signIn, createOpenCycle, closeApplicationsOf } from '../../helpers/factories.js';
import { csrfTokenFrom, readable, submitForm } from '../../helpers/forms.js';

type Agent = ReturnType<Harness['agent']>;

const SCHOOLS = [
  { name: 'Lincoln High School', state: 'OR', domain: 'lincoln-hs.org' },
  { name: 'Roosevelt High School', state: 'OR', domain: 'roosevelt-hs.org' },
  { name: 'Vista Academy', state: 'TX', domain: 'vista-academy.org' },
  { name: 'Harbor High School', state: 'CA', domain: 'harbor-hs.org' },
  { name: 'Prairie View High School', state: 'KS', domain: 'prairie-hs.org' },
  { name: 'Summit High School', state: 'CO', domain: 'summit-hs.org' },
];
// Reviewer 0 declares a conflict with school 0; reviewer 1 shares school 1's e-mail domain.
const REVIEWERS = [
  { name: 'Rita Alvarez', email: 'rita@univ-a.edu', state: 'OR' },
  { name: 'Sam Okafor', email: 'sam@roosevelt-hs.org', state: 'OR' },
  { name: 'Tess Nguyen', email: 'tess@univ-c.edu', state: 'TX' },
  { name: 'Uma Patel', email: 'uma@univ-d.edu', state: 'CA' },
  { name: 'Victor Chen', email: 'victor@univ-e.edu', state: 'NY' },
];
const MAX_LOAD = 4;

describe('assigning reviewers in a review round', () => {
  let h: Harness;
  let admin: Agent;
  let cycleId: number;
  let roundId: number;
  const appIds: number[] = [];
  const schoolIds: number[] = [];
  const reviewerIds: number[] = [];

  before(async () => {
    h = await startHarness();
    cycleId = await createOpenCycle(h.db, h.clock());
    const cycleCriteria = await h.db
      .select()
      .from(criteria)
      .where(eq(criteria.cycleId, cycleId))
      .orderBy(asc(criteria.position));
    const optional = cycleCriteria.filter((c) => !c.required);
    for (const [i, s] of SCHOOLS.entries()) {
      const contact = await createUser(h.db, { email: `principal@${s.domain}` });
      const [school] = await h.db
        .insert(schools)
        .values({
          name: s.name,
          district: `District ${i}`,
          city: 'Springfield',
          state: s.state,
          level: 'high',
          matchKey: s.name.toLowerCase(),
        })
        .returning();
      await h.db.insert(schoolContacts).values({ schoolId: school!.id, userId: contact.id, status: 'active' });
      const [app] = await h.db
        .insert(applications)
        .values({ cycleId, schoolId: school!.id, status: 'eligible', submittedAt: h.clock() })
        .returning();
      await h.db
        .insert(applicationAnswers)
        .values(
          optional.slice(i % 4, (i % 4) + 4).map((c) => ({ applicationId: app!.id, criterionId: c.id, chosen: true })),
        );
      schoolIds.push(school!.id);
      appIds.push(app!.id);
    }
    for (const [i, r] of REVIEWERS.entries()) {
      const user = await createUser(h.db, { email: r.email, name: r.name, roles: ['reviewer'] });
      await h.db.insert(cycleReviewers).values({ cycleId, userId: user.id, maxLoad: MAX_LOAD });
      await h.db
        .insert(reviewerProfiles)
        .values({ userId: user.id, state: r.state, gradeLevels: ['high'], expertise: [optional[i]!.title] });
      reviewerIds.push(user.id);
    }
    await h.db
      .insert(reviewerConflicts)
      .values({ reviewerId: reviewerIds[0]!, schoolId: schoolIds[0]!, source: 'declared', reason: 'I coached there' });
    await createUser(h.db, { email: 'admin@program.org', name: 'Ada Admin', roles: ['admin'] });
    admin = h.agent();
    await signIn(admin, 'admin@program.org');
    await closeApplicationsOf(h.db, cycleId, h.clock());
    const created = await submitForm(admin, `/admin/cycles/${cycleId}/rounds`, `/admin/cycles/${cycleId}/rounds`, {
      name: 'Round 1',
      k: '3',
      dueAt: '2026-12-31',
      reminderDaysBefore: '3',
    });
    expect(created.status, created.text).to.equal(303);
    roundId = Number(/\/admin\/rounds\/(\d+)$/.exec(created.headers.location ?? '')?.[1]);
  });
  after(() => h.close());

  const roundAssignments = () => h.db.select().from(assignments).where(eq(assignments.roundId, roundId));
  const planOf = (html: string) => /name="plan" value="([0-9a-f]+)"/.exec(html)?.[1] ?? '';
  const postForm = async (agent: Agent, page: string, action: string, fields: Record<string, string>) => {
    const form = new URLSearchParams({ _csrf: csrfTokenFrom((await agent.get(page)).text), ...fields });
    return agent.post(action).type('form').send(form.toString());
  };

  let firstPlan = '';

  it('previews a plan that covers every application, with match scores and loads', async () => {
    const page = await admin.get(`/admin/rounds/${roundId}/auto`);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain(
      'This plan adds <strong>18 assignments</strong> and covers every application in this round.',
    );
    expect(page.text).to.contain('Match (0–100)');
    expect(page.text).to.match(/<td>Victor Chen<\/td><td>0<\/td><td>[34]<\/td><td>4<\/td>/);
    expect(page.text).not.to.contain('cannot be covered');
    firstPlan = planOf(page.text);
    expect(firstPlan).to.have.length(24);
    expect(await roundAssignments()).to.have.length(0);
  });

  it('gives the solver the match score of every pair, computed once per reviewer and kind of school', async () => {
    const built = await buildProblem(h.db, roundId);
    let pairs = 0;
    for (const reviewer of built.reviewers.values()) {
      for (const app of built.apps.values()) {
        expect(built.problem.score(reviewer.id, app.id), `${reviewer.name} × ${app.schoolName}`).to.equal(
          matchScore(reviewer, app),
        );
        pairs++;
      }
    }
    expect(pairs).to.equal(REVIEWERS.length * SCHOOLS.length);
    // The schools differ in state, so the scores do too: the memo is not one score for all.
    expect(new Set([...built.apps.values()].map((a) => built.problem.score(reviewerIds[2]!, a.id))).size).to.be.above(
      1,
    );
  });

  it('says why each reviewer was matched, and why the best matches left out were not chosen', async () => {
    const preview = readable((await admin.get(`/admin/rounds/${roundId}/auto`)).text);
    expect(preview).to.contain('<th scope="col">Why</th>');
    expect(preview).to.contain('knows schools of its level');
    expect(preview).to.contain(`href="/admin/rounds/${roundId}/auto/why"`);

    const page = await admin.get(`/admin/rounds/${roundId}/auto/why`);
    expect(page.status).to.equal(200);
    const html = readable(page.text);
    expect(html).to.contain('Page 1 of 1, 6 applications');
    const section = (i: number) => html.split(`data-application="${appIds[i]}">`)[1]!.split('</section>')[0]!;
    // Rita declared a conflict with Lincoln; Sam shares Roosevelt's e-mail domain.
    expect(section(0)).to.match(/<li><strong>Rita Alvarez<\/strong> \(match \d+\): a conflict of interest<\/li>/);
    expect(section(1)).to.match(/<li><strong>Sam Okafor<\/strong> \(match \d+\): a conflict of interest<\/li>/);
    // Three reviewers each, with what they have in common with the school and the load it leaves them.
    const chosen = section(2).split('<ul class="why-chosen">')[1]!.split('</ul>')[0]!;
    expect(chosen.match(/<li>/g)).to.have.length(3);
    expect(chosen).to.match(/knows schools of its level; .*of at most 4 reviews after this plan/);
    // Tess lives in Texas like Vista Academy.
    expect(section(2)).to.match(/Tess Nguyen<\/strong> \(match \d+\): [^<]*lives in the same state/);

    // A conflict recorded since is in the next view: the plan kept between pages is solved again.
    const tess = reviewerIds[REVIEWERS.findIndex((r) => r.name === 'Tess Nguyen')]!;
    await h.db
      .insert(reviewerConflicts)
      .values({ reviewerId: tess, schoolId: schoolIds[2]!, source: 'admin', reason: 'On the board' });
    try {
      const again = readable((await admin.get(`/admin/rounds/${roundId}/auto/why`)).text);
      expect(again.split(`data-application="${appIds[2]}">`)[1]!.split('</section>')[0]).to.match(
        /<li><strong>Tess Nguyen<\/strong> \(match \d+\): a conflict of interest<\/li>/,
      );
    } finally {
      await h.db.delete(reviewerConflicts).where(eq(reviewerConflicts.reviewerId, tess));
    }

    const spanish = readable((await admin.get(`/admin/rounds/${roundId}/auto/why?lang=es`)).text);
    expect(spanish).to.contain('Por qué estos evaluadores');
    expect(spanish).to.contain('un conflicto de interés');
    // The admin's account remembers a language asked for: back to English for the tests after.
    await admin.get(`/admin/rounds/${roundId}/auto/why?lang=en`);
    const reviewer = h.agent();
    await signIn(reviewer, REVIEWERS[2]!.email);
    expect((await reviewer.get(`/admin/rounds/${roundId}/auto/why`)).status).to.equal(403);
  });

  it('refuses to assign while the cycle is open for applications', async () => {
    const [cycle] = await h.db.select().from(cycles).where(eq(cycles.id, cycleId));
    const now = h.clock();
    h.clock.set(new Date(cycle!.closedAt!.getTime() - 60_000)); // a minute before the staff closed it
    try {
      const res = await postForm(admin, `/admin/rounds/${roundId}/auto`, `/admin/rounds/${roundId}/auto`, {
        plan: firstPlan,
      });
      expect(res.status).to.equal(403);
      expect(res.text).to.contain('Reviewers are assigned once applications have closed');
      expect(await roundAssignments()).to.have.length(0);
    } finally {
      h.clock.set(now);
    }
  });

  it('confirms: every application gets exactly k reviewers, none conflicted, loads even and within maxima', async () => {
    const res = await postForm(admin, `/admin/rounds/${roundId}/auto`, `/admin/rounds/${roundId}/auto`, {
      plan: firstPlan,
    });
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal(`/admin/rounds/${roundId}`);
    const rows = await roundAssignments();
    expect(rows).to.have.length(18);
    const perApp = appIds.map((id) => rows.filter((r) => r.applicationId === id).length);
    expect(perApp).to.deep.equal([3, 3, 3, 3, 3, 3]);
    const loads = reviewerIds.map((id) => rows.filter((r) => r.reviewerId === id).length);
    expect(loads.every((l) => l <= MAX_LOAD)).to.equal(true);
    expect([...loads].sort()).to.deep.equal([3, 3, 4, 4, 4]);
    const conflicts = await conflictPairs(h.db, { reviewerIds, applicationIds: appIds });
    expect(conflicts.map((c) => [c.reviewerId, c.applicationId, textIn('en', c.reason)])).to.deep.equal([
      [reviewerIds[0], appIds[0], 'declared: I coached there'],
      [reviewerIds[1], appIds[1], "same e-mail domain as the school's contacts"],
    ]);
    for (const c of conflicts) {
      expect(rows.some((r) => r.reviewerId === c.reviewerId && r.applicationId === c.applicationId)).to.equal(false);
    }
    expect(rows.every((r) => r.notifiedAt === null && r.status === 'assigned')).to.equal(true);
    const overview = await admin.get(`/admin/rounds/${roundId}`);
    expect(overview.text).to.contain('18 assignments made. Next: e-mail the reviewers their lists.');
    expect(overview.text).to.contain('6 eligible, 0 still short of 3 reviewers');
  });

  it('tells each reviewer why they were asked, without the region in a blind cycle', async () => {
    const [row] = (await roundAssignments()).filter((r) => r.reviewerId === reviewerIds[2]);
    const tess = h.agent();
    await signIn(tess, REVIEWERS[2]!.email);
    const page = readable((await tess.get(`/reviews/${row!.id}`)).text);
    expect(page).to.match(/<p class="why-asked" id="why-asked">Why you were asked: [^<]*knows schools of its level/);
    await h.db.update(cycles).set({ blindReview: true }).where(eq(cycles.id, cycleId));
    const blind = readable((await tess.get(`/reviews/${row!.id}`)).text);
    expect(blind).to.contain('Why you were asked:');
    expect(blind).not.to.contain('lives in the same');
    await h.db.update(cycles).set({ blindReview: false }).where(eq(cycles.id, cycleId));
  });

  it('refuses a stale preview and adds nothing twice', async () => {
    const again = await postForm(admin, `/admin/rounds/${roundId}/auto`, `/admin/rounds/${roundId}/auto`, {
      plan: firstPlan,
    });
    expect(again.status).to.equal(303);
    expect(again.headers.location).to.equal(`/admin/rounds/${roundId}/auto`);
    const page = await admin.get(`/admin/rounds/${roundId}/auto`);
    expect(page.text).to.contain('The round changed since you looked at the preview');
    expect(page.text).to.contain('This plan adds <strong>0 assignments</strong>');
    expect(page.text).to.contain('There is nothing to add.');
    expect(await roundAssignments()).to.have.length(18);
  });

  it('e-mails each reviewer once with their list; a blind cycle names no school', async () => {
    await h.db.update(cycles).set({ blindReview: true }).where(eq(cycles.id, cycleId));
    const res = await postForm(admin, `/admin/rounds/${roundId}`, `/admin/rounds/${roundId}/notify`, {});
    expect(res.status).to.equal(303);
    expect(await h.deliverMail()).to.equal(5);
    const rows = await roundAssignments();
    for (const [i, r] of REVIEWERS.entries()) {
      const mails = h.sink.messages.filter((m) => m.to.includes(r.email));
      expect(mails, r.email).to.have.length(1);
      const mail = mails[0]!;
      const mine = rows
        .filter((a) => a.reviewerId === reviewerIds[i])
        .map((a) => a.applicationId)
        .sort((a, b) => a - b);
      expect(mail.subject).to.equal(`Your reviews for Round 1: ${mine.length} applications`);
      const listed = [...mail.text.matchAll(/- Application (\d+) \(new\)/g)].map((m) => Number(m[1]));
      expect(listed).to.deep.equal(mine);
      expect(mail.text).to.contain('Reviews are due on December 31, 2026.');
      expect(mail.text).to.contain('http://laurel.test/reviews');
      for (const s of SCHOOLS) {
        expect(mail.text).not.to.contain(s.name);
        expect(mail.html).not.to.contain(s.name);
      }
    }
    expect((await roundAssignments()).every((a) => a.notifiedAt?.toISOString() === h.clock().toISOString())).to.equal(
      true,
    );
    const second = await postForm(admin, `/admin/rounds/${roundId}`, `/admin/rounds/${roundId}/notify`, {});
    expect(second.status).to.equal(303);
    expect((await admin.get(`/admin/rounds/${roundId}`)).text).to.contain(
      'Every reviewer already has their list; nothing was sent.',
    );
    expect(await h.deliverMail()).to.equal(0);
  });

  it('manual assignment refuses conflicts with the reason, full reviewers and duplicates', async () => {
    const assignPage = `/admin/rounds/${roundId}/assign`;
    const assign = (reviewer: number, app: number) =>
      postForm(admin, assignPage, assignPage, {
        reviewerId: String(reviewerIds[reviewer]),
        applicationId: String(appIds[app]),
      });
    const declared = await assign(0, 0);
    expect(declared.status).to.equal(422);
    expect(declared.text).to.contain(
      `Rita Alvarez has a conflict of interest with application ${appIds[0]}: declared: I coached there.`,
    );
    const domain = await assign(1, 1);
    expect(domain.status).to.equal(422);
    expect(domain.text).to.contain(
      `Sam Okafor has a conflict of interest with application ${appIds[1]}: same e-mail domain as the school&#x27;s contacts.`,
    );

    const rows = await roundAssignments();
    const full = reviewerIds.findIndex(
      (id) => rows.filter((r) => r.reviewerId === id).length === MAX_LOAD && id !== reviewerIds[0],
    );
    const notTheirs = appIds.findIndex(
      (app, i) => i > 1 && !rows.some((r) => r.reviewerId === reviewerIds[full] && r.applicationId === app),
    );
    const over = await assign(full, notTheirs);
    expect(over.status).to.equal(422);
    expect(over.text).to.contain(`already has 4 of at most 4 reviews in this round; raise their maximum load first.`);

    const existing = rows.find((r) => r.reviewerId === reviewerIds[4])!;
    const duplicate = await postForm(admin, assignPage, assignPage, {
      reviewerId: String(existing.reviewerId),
      applicationId: String(existing.applicationId),
    });
    expect(duplicate.status).to.equal(422);
    expect(duplicate.text).to.contain(
      `Victor Chen already reviews application ${existing.applicationId} in this round.`,
    );
    expect(await roundAssignments()).to.have.length(18);
  });

  it('unassigns an unsubmitted review, refuses a submitted one, and assigns by hand', async () => {
    const rows = await roundAssignments();
    const [submitted, other] = rows.filter((r) => r.reviewerId === reviewerIds[4]);
    await h.db
      .update(assignments)
      .set({ status: 'submitted', submittedAt: h.clock() })
      .where(eq(assignments.id, submitted!.id));
    const assignPage = `/admin/rounds/${roundId}/assign`;
    const refused = await postForm(
      admin,
      assignPage,
      `/admin/rounds/${roundId}/assignments/${submitted!.id}/delete`,
      {},
    );
    expect(refused.status).to.equal(303);
    expect((await admin.get(assignPage)).text).to.contain('a submitted review cannot be unassigned');
    const removed = await postForm(admin, assignPage, `/admin/rounds/${roundId}/assignments/${other!.id}/delete`, {});
    expect(removed.status).to.equal(303);
    expect(await roundAssignments()).to.have.length(17);

    // Victor has room again (2 of 4): put him back by hand.
    const back = await postForm(admin, assignPage, assignPage, {
      reviewerId: String(reviewerIds[4]),
      applicationId: String(other!.applicationId),
    });
    expect(back.status, back.text).to.equal(303);
    const restored = (await roundAssignments()).find(
      (r) => r.reviewerId === reviewerIds[4] && r.applicationId === other!.applicationId,
    );
    expect(restored?.notifiedAt).to.equal(null);
    expect((await admin.get(`/admin/rounds/${roundId}`)).text).to.contain('1 assignment not yet e-mailed.');
  });

  it('says which applications cannot be covered and why', async () => {
    const roundsPage = `/admin/cycles/${cycleId}/rounds`;
    const created = await submitForm(admin, roundsPage, roundsPage, {
      name: 'Finalists',
      k: '3',
      dueAt: '2027-01-31',
      reminderDaysBefore: '5',
      siteVisit: 'on',
      applicationIds: [String(appIds[0]), String(appIds[2])],
      reviewerIds: reviewerIds.slice(0, 3).map(String),
      ...Object.fromEntries(reviewerIds.slice(0, 3).map((id) => [`maxLoad-${id}`, '2'])),
    });
    expect(created.status, created.text).to.equal(303);
    const finalists = Number(/\/admin\/rounds\/(\d+)$/.exec(created.headers.location ?? '')?.[1]);
    const page = await admin.get(`/admin/rounds/${finalists}/auto`);
    expect(page.text).to.contain('Applications that cannot be covered');
    const uncovered = page.text.slice(
      page.text.indexOf('Applications that cannot be covered'),
      page.text.indexOf('Assignments to add'),
    );
    // Lincoln: Rita declared a conflict, so only Sam and Tess may read it.
    expect(uncovered).to.contain(`Application ${appIds[0]} — Lincoln High School`);
    expect(uncovered).to.contain('only 2 reviewers are free of conflicts with this school');
    expect(uncovered).to.contain('Conflicts: Rita Alvarez (declared: I coached there)');
    // Vista: all three reviewers are free of conflicts with it, and their 6 seats leave room for it.
    expect(uncovered).not.to.contain(`Application ${appIds[2]} —`);
    expect(page.text).to.contain(
      'This plan adds <strong>5 assignments</strong>; <strong>1 application</strong> of this round cannot be fully covered.',
    );
  });

  it('says plainly what the preview leaves out of round 1, and adds it in the same step', async () => {
    // An application marked eligible outside the screening page (as before round 1 took them in itself).
    const [school] = await h.db
      .insert(schools)
      .values({ name: 'Latecomer High', city: 'Springfield', state: 'IL', level: 'high', matchKey: 'latecomer high' })
      .returning();
    const [late] = await h.db
      .insert(applications)
      .values({ cycleId, schoolId: school!.id, status: 'eligible', submittedAt: h.clock() })
      .returning();
    const auto = `/admin/rounds/${roundId}/auto`;
    const page = await admin.get(auto);
    expect(page.text).to.contain('Left out of this round:</strong> 1 eligible application and 0 panel members');
    const added = await postForm(admin, auto, `/admin/rounds/${roundId}/refresh`, { then: 'auto' });
    expect(added.status).to.equal(303);
    expect(added.headers.location).to.equal(auto);
    const again = await admin.get(auto);
    expect(again.text).not.to.contain('Left out of this round');
    expect(again.text).to.match(/This plan adds <strong>\d+ assignments?<\/strong>/);
    expect(
      (await h.db.select().from(roundApplications).where(eq(roundApplications.roundId, roundId))).map(
        (r) => r.applicationId,
      ),
    ).to.include(late!.id);
  });
});
