// The admin home is a dashboard of one cycle: its phase and next step, how many reached each
// stage (as a table and as a chart with the same numbers), late reviewers, and what still needs
// an admin. Built from rows with known numbers, then moved through the phases.
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { and, eq } from 'drizzle-orm';
import {
  applications,
  assignments,
  cycles,
  decisions,
  nominations,
  reviewRounds,
  roundApplications,
  schoolInvitations,
  schools,
  users,
  type ApplicationStatus,
  type AssignmentStatus,
} from '../../../models/schema.js';
import { schoolMatchKey } from '../../../server/services/schools/match-key.js';
import { createOpenCycle, createUser, signIn } from '../../helpers/factories.js';
import { readable } from '../../helpers/forms.js';
import { startHarness, type Harness } from '../../helpers/harness.js';

const DAY = 24 * 60 * 60 * 1000;
const START = new Date('2026-11-22T12:00:00Z');
const at = (days: number) => new Date(START.getTime() + days * DAY);

/** The text a person reads in a piece of HTML. */
const words = (html: string) =>
  readable(html.replace(/<[^>]+>/g, ''))
    .replace(/\s+/g, ' ')
    .trim();

function section(html: string, pattern: RegExp): string {
  const match = pattern.exec(html);
  if (!match?.[1]) throw new Error(`Nothing matches ${pattern} in:\n${html}`);
  return match[1];
}

const phaseOf = (html: string) => words(section(html, /<strong id="dashboard-phase">(.*?)<\/strong>/s));
const nextStepOf = (html: string) =>
  words(section(html, /<div class="panel" id="next-step">\s*<h3>Next step<\/h3>\s*<p>(.*?)<\/p>/s));
const nextStepLinks = (html: string) =>
  [...section(html, /<div class="panel" id="next-step">(.*?)<\/div>/s).matchAll(/<a href="([^"]+)">([^<]+)<\/a>/g)].map(
    (m) => `${readable(m[2]!)} → ${readable(m[1]!)}`,
  );

/** The stage table, stage by stage: its number. */
function stageTable(html: string): Record<string, number> {
  const rows = [
    ...html.matchAll(
      /<tr id="stage-([a-z-]+)"><th scope="row">(?:<a href="[^"]*">)?[^<]+(?:<\/a>)?<\/th><td class="dashboard-number">(\d+)<\/td>/g,
    ),
  ];
  return Object.fromEntries(rows.map((m) => [m[1]!, Number(m[2])]));
}

/** The same table by the label a person reads: the chart's labels are the same. */
function stageTableByLabel(html: string): Record<string, number> {
  const rows = [
    ...html.matchAll(
      /<tr id="stage-[a-z-]+"><th scope="row">(?:<a href="[^"]*">)?([^<]+)(?:<\/a>)?<\/th><td class="dashboard-number">(\d+)<\/td>/g,
    ),
  ];
  return Object.fromEntries(rows.map((m) => [readable(m[1]!), Number(m[2])]));
}

/** Each bar of the chart: its label, the number beside it, and its width. */
function chartBars(html: string): Array<{ label: string; count: number; width: number }> {
  const svg = section(html, /(<svg class="dashboard-funnel"[^>]*>.*?<\/svg>)/s);
  return [
    ...svg.matchAll(
      /<text [^>]*text-anchor="end"[^>]*>([^<]+)<\/text>\s*<rect [^>]*width="([^"]+)"[^>]*><\/rect>\s*<text [^>]*>(\d+)<\/text>/g,
    ),
  ].map((m) => ({ label: readable(m[1]!), width: Number(m[2]), count: Number(m[3]) }));
}

/** The warnings shown, by key: their text. */
function warningsOf(html: string): Record<string, string> {
  return Object.fromEntries(
    [...html.matchAll(/<li class="notice" id="warning-([a-z0-9-]+)">(.*?)<\/li>/gs)].map((m) => [m[1]!, words(m[2]!)]),
  );
}

describe('the admin home: a dashboard of the cycle', () => {
  let h: Harness;
  let admin: ReturnType<Harness['agent']>;
  let cycleA: number;
  let cycleB: number;
  let cycleC: number;
  let cycleD: number;
  let round1: number;
  let round2: number;
  const eligible: number[] = [];
  const reviewers: Record<'ann' | 'bob' | 'rosa', number> = { ann: 0, bob: 0, rosa: 0 };

  const dashboard = async (query = '') => {
    const res = await admin.get(`/admin${query}`);
    expect(res.status, res.text).to.equal(200);
    return res.text;
  };
  const setCycle = (id: number, values: Partial<typeof cycles.$inferInsert>) =>
    h.db.update(cycles).set(values).where(eq(cycles.id, id));

  async function addApplication(cycleId: number, name: string, status: ApplicationStatus) {
    const [school] = await h.db
      .insert(schools)
      .values({ name, city: 'Portland', state: 'OR', level: 'high', matchKey: schoolMatchKey(name, 'Portland', 'OR') })
      .returning();
    const [app] = await h.db
      .insert(applications)
      .values({ cycleId, schoolId: school!.id, status, submittedAt: status === 'draft' ? null : START })
      .returning();
    return app!.id;
  }

  /** Reviewers made directly: they never sign in here, so no password hash is worth computing. */
  async function addReviewer(name: string, email: string) {
    const [user] = await h.db
      .insert(users)
      .values({ name, email, passwordHash: 'not a hash', roles: ['reviewer'] })
      .returning();
    return user!.id;
  }

  async function addRound(cycleId: number, number: number, name: string, dueAt: Date, k: number) {
    const [round] = await h.db
      .insert(reviewRounds)
      .values({ cycleId, number, name, dueAt, reviewersPerApplication: k })
      .returning();
    return round!.id;
  }

  async function assign(roundId: number, applicationId: number, reviewerId: number, status: AssignmentStatus) {
    await h.db.insert(roundApplications).values({ roundId, applicationId }).onConflictDoNothing();
    await h.db
      .insert(assignments)
      .values({ roundId, applicationId, reviewerId, status, submittedAt: status === 'submitted' ? START : null });
  }

  async function nominate(cycleId: number, status: 'confirmed' | 'unconfirmed' | 'spam') {
    await h.db.insert(nominations).values({
      cycleId,
      schoolName: 'Lincoln High School',
      city: 'Portland',
      state: 'OR',
      matchKey: schoolMatchKey('Lincoln High School', 'Portland', 'OR'),
      nominatorName: 'Pat Parent',
      nominatorEmail: `pat.${randomBytes(3).toString('hex')}@example.org`,
      relationship: 'parent',
      reason: 'Every student takes the same courses.',
      status,
      confirmTokenHash: randomBytes(16).toString('hex'),
      confirmExpiresAt: at(7),
    });
  }

  before(async () => {
    h = await startHarness();
    h.clock.set(START);
    await createUser(h.db, { email: 'admin@program.example.org', name: 'Ada Admin', roles: ['admin'] });
    admin = h.agent();
    await signIn(admin, 'admin@program.example.org');

    // A: open now (since October 23, until January 21), with work at every stage.
    cycleA = await createOpenCycle(h.db, START, { name: 'Alpha Program' });
    for (const status of ['confirmed', 'confirmed', 'confirmed', 'unconfirmed', 'unconfirmed', 'spam'] as const) {
      await nominate(cycleA, status);
    }
    await h.db.insert(schoolInvitations).values([
      { cycleId: cycleA, matchKey: 'a', email: 'one@school.example.org', tokenHash: 'token-a', acceptedAt: START },
      { cycleId: cycleA, matchKey: 'b', email: 'two@school.example.org', tokenHash: 'token-b' },
    ]);
    for (const [i, status] of (
      ['draft', 'draft', 'withdrawn', 'submitted', 'submitted', 'ineligible'] as ApplicationStatus[]
    ).entries()) {
      await addApplication(cycleA, `Alpha School ${i}`, status);
    }
    for (const i of [1, 2, 3, 4]) eligible.push(await addApplication(cycleA, `Alpha Eligible ${i}`, 'eligible'));
    const [e1, e2, e3] = eligible as [number, number, number, number];
    reviewers.ann = await addReviewer('Ann Able', 'ann@uni.example.edu');
    reviewers.bob = await addReviewer('Bob Busy', 'bob@uni.example.edu');
    reviewers.rosa = await addReviewer('Rosa Slow', 'rosa@uni.example.edu');
    // Round 1 (two reviewers each) was due yesterday: one application fully reviewed, one half,
    // one not at all; the fourth eligible application is in no round. The finalists' round is
    // due in 20 days.
    round1 = await addRound(cycleA, 1, 'Round 1', at(-1), 2);
    round2 = await addRound(cycleA, 2, 'Finalists', at(20), 1);
    await assign(round1, e1, reviewers.ann, 'submitted');
    await assign(round1, e1, reviewers.bob, 'submitted');
    await assign(round1, e2, reviewers.ann, 'submitted');
    await assign(round1, e2, reviewers.rosa, 'draft');
    await assign(round1, e3, reviewers.bob, 'assigned');
    await assign(round1, e3, reviewers.rosa, 'assigned');
    await assign(round2, e1, reviewers.ann, 'assigned');

    // B: opened 130 days ago, closed 40 days ago, one application waiting for screening.
    cycleB = await createOpenCycle(h.db, at(-100), { name: 'Beta Program' });
    await addApplication(cycleB, 'Beta School', 'submitted');
    // C: opens in 10 days, nothing in it yet.
    cycleC = await createOpenCycle(h.db, at(40), { name: 'Gamma Program' });
    // D: long past, with 22 reviewers late in its only round.
    cycleD = await createOpenCycle(h.db, at(-270), { name: 'Delta Program' });
    const old = await addApplication(cycleD, 'Delta School', 'eligible');
    const oldRound = await addRound(cycleD, 1, 'Delta round', at(-100), 20);
    for (let i = 1; i <= 22; i++) {
      const id = await addReviewer(`Late Reviewer ${String(i).padStart(2, '0')}`, `late${i}@panel.example.org`);
      await assign(oldRound, old, id, 'assigned');
    }
  });
  after(() => h.close());
  beforeEach(() => h.clock.set(START));

  it('shows the open cycle by default: its phase, the deadline, and a form to close early', async () => {
    const page = await dashboard();
    expect(page).to.contain('<h1>Administration</h1>');
    expect(section(page, /<h2 id="dashboard-title">(.*?)<\/h2>/s)).to.contain(`href="/admin/cycles/${cycleA}"`);
    expect(phaseOf(page)).to.equal('Open for applications');
    expect(nextStepOf(page)).to.equal(
      'Applications close on Thursday, January 21, 2027, 12:00 PM UTC; 7 applications submitted so far.',
    );
    const form = section(page, /(<form method="post" action="\/admin\/cycles\/\d+\/close"[^>]*>.*?<\/form>)/s);
    expect(form).to.contain(`action="/admin/cycles/${cycleA}/close"`);
    expect(form).to.match(/data-confirm="Close applications and nominations for Alpha Program 2026–2027 now\?/);
    expect(form).to.match(/<input type="hidden" name="_csrf" value="[^"]+">/);
    expect(form).to.contain('<input type="hidden" name="then" value="dashboard">'); // and back here after
    expect(form).to.contain('<button type="submit" class="button secondary">Close applications now</button>');
    // The list of admin pages stays, below the dashboard.
    expect(page.indexOf('href="/admin/outbox"')).to.be.greaterThan(page.indexOf('id="stage-table"'));
  });

  it('counts each stage, and draws the same numbers as bars scaled to the largest', async () => {
    const page = await dashboard();
    expect(stageTable(page)).to.deep.equal({
      nominations: 3,
      invitations: 2,
      started: 10,
      submitted: 7,
      screened: 5,
      assigned: 3,
      reviewed: 1,
      decided: 0,
    });
    const detail = (key: string) =>
      words(section(page, new RegExp(`<tr id="stage-${key}">.*?<td>(.*?)</td></tr>`, 's')));
    expect(detail('nominations')).to.equal(
      'Confirmed by the nominator. Not counted: 2 not confirmed yet, 1 marked as spam.',
    );
    expect(detail('invitations')).to.equal('1 accepted.');
    expect(detail('started')).to.equal('2 drafts not submitted, 1 withdrawn.');
    expect(detail('submitted')).to.equal('2 waiting for screening.');
    expect(detail('screened')).to.equal('4 eligible, 1 not eligible.');
    expect(detail('reviewed')).to.equal(
      'Eligible applications with all the reviews their round asked for. 3 of 7 reviews submitted.',
    );

    const svg = section(page, /(<svg class="dashboard-funnel"[^>]*>)/);
    expect(svg).to.contain('role="img"');
    expect(svg).to.contain('aria-labelledby="funnel-title funnel-desc"');
    expect(page).to.contain(
      '<title id="funnel-title">From nominations to decisions in Alpha Program 2026–2027</title>',
    );
    const bars = chartBars(page);
    expect(bars.map((b) => b.label)).to.deep.equal([
      'Nominations',
      'Schools invited',
      'Applications started',
      'Submitted',
      'Screened',
      'Assigned to reviewers',
      'Reviews done',
      'Decided',
    ]);
    expect(Object.fromEntries(bars.map((b) => [b.label, b.count]))).to.deep.equal(stageTableByLabel(page));
    // The largest stage (10 started) is the full 270 wide; 3 of 10 is 81; none is nothing.
    expect(bars.map((b) => b.width)).to.deep.equal([81, 54, 270, 189, 135, 81, 27, 0]);
  });

  it('lists the reviewers late in a round past its due date, with their e-mail and round', async () => {
    const page = await dashboard();
    expect(words(section(page, /<p id="late-summary">(.*?)<\/p>/s))).to.match(/^2 reviewers late with 3 reviews\./);
    const rows = [...page.matchAll(/<tr id="late-(\d+)">(.*?)<\/tr>/gs)].map((m) => ({
      id: Number(m[1]),
      text: words(m[2]!),
      html: m[2]!,
    }));
    expect(rows.map((r) => r.id)).to.deep.equal([reviewers.rosa, reviewers.bob]);
    expect(rows[0]!.text).to.equal('Rosa Slow rosa@uni.example.edu 2 Round 1');
    expect(rows[0]!.html).to.contain('<a href="mailto:rosa@uni.example.edu">');
    expect(rows[0]!.html).to.contain(`<a href="/admin/rounds/${round1}">Round 1</a>`);
    expect(rows[1]!.text).to.equal('Bob Busy bob@uni.example.edu 1 Round 1');
    // Ann's only unsubmitted review is in the finalists' round, not due yet.
    expect(page).not.to.contain('ann@uni.example.edu');
    expect(page).not.to.contain('id="late-more"');
  });

  it('warns of what holds, and only that', async () => {
    expect(warningsOf(await dashboard())).to.deep.equal({
      unscreened: 'Submitted, not screened yet: 2 applications. Screen them',
      'not-in-round-1': 'Eligible, not in review round 1 yet: 1 application. Take them into round 1',
      short: 'Eligible, with fewer submitted reviews than their round asked for: 3 applications. See the review rounds',
      undecided: 'Eligible, without a decision: 4 applications. Decide them',
    });
    const page = readable(await dashboard());
    expect(page).to.contain(
      `<li class="notice" id="warning-unscreened">Submitted, not screened yet: <strong>2 applications</strong>. <a href="/admin/applications?cycle=${cycleA}&screening=needed">`,
    );
    expect(section(page, /id="warning-not-in-round-1">(.*?)<\/li>/s)).to.contain(`href="/admin/rounds/${round1}"`);
  });

  it('in review once closed: reviews outstanding, how many late, and when the current round is due', async () => {
    await setCycle(cycleA, { closedAt: at(-10) });
    const page = await dashboard();
    expect(phaseOf(page)).to.equal('In review');
    expect(nextStepOf(page)).to.equal('4 reviews outstanding, 3 late. Finalists is due on December 12, 2026.');
    expect(nextStepLinks(page)).to.deep.equal([
      `How Finalists is going → /admin/rounds/${round2}`,
      `Ranking of Finalists → /admin/rounds/${round2}/ranking`,
    ]);
    expect(page).not.to.contain('/close"');
  });

  it('deciding once decisions are taken: the undecided, then the preview; and warns of overrides and drafted citations', async () => {
    const [e1, e2] = eligible as [number, number];
    await h.db.insert(decisions).values([
      { applicationId: e1, cycleId: cycleA, level: 'gold', decidedAt: START, slug: 'alpha-1', textsDrafted: true },
      {
        applicationId: e2,
        cycleId: cycleA,
        level: 'silver',
        decidedAt: START,
        slug: 'alpha-2',
        overrideReason: 'Rosa’s review was read in the meeting.',
      },
    ]);
    const page = await dashboard();
    expect(phaseOf(page)).to.equal('Deciding');
    expect(nextStepOf(page)).to.equal(
      'Decide on the 2 applications still without a decision, then preview publishing.',
    );
    expect(nextStepLinks(page)).to.deep.equal([
      `Ranking of Finalists → /admin/rounds/${round2}/ranking`,
      `Decisions → /admin/cycles/${cycleA}/decisions`,
      `Preview publishing → /admin/cycles/${cycleA}/publish`,
    ]);
    expect(stageTable(page).decided).to.equal(2);
    const warnings = warningsOf(page);
    expect(warnings.overridden).to.equal(
      'Decided with fewer reviews than asked for: 1 decision. See the reasons given',
    );
    expect(warnings['drafted-citations']).to.equal(
      'Honoree citations still as the portal drafted them: 1 citation. Read and edit them',
    );
    expect(warnings.undecided).to.equal('Eligible, without a decision: 2 applications. Decide them');
  });

  it('drops each warning once it no longer holds', async () => {
    const [, e2, e3, e4] = eligible as [number, number, number, number];
    await h.db
      .update(applications)
      .set({ status: 'ineligible' })
      .where(and(eq(applications.cycleId, cycleA), eq(applications.status, 'submitted')));
    await h.db
      .update(decisions)
      .set({ textsDrafted: false, overrideReason: null })
      .where(eq(decisions.cycleId, cycleA));
    await h.db.insert(roundApplications).values({ roundId: round1, applicationId: e4 });
    await h.db.insert(decisions).values([
      { applicationId: e3, cycleId: cycleA, level: 'not_selected', decidedAt: START, slug: 'alpha-3' },
      { applicationId: e4, cycleId: cycleA, level: 'not_selected', decidedAt: START, slug: 'alpha-4' },
    ]);
    let page = await dashboard();
    expect(Object.keys(warningsOf(page))).to.deep.equal(['short']);
    expect(nextStepOf(page)).to.equal('Every eligible application has a decision: preview publishing, then publish.');
    // Every eligible application reviewed as its round asked: nothing left.
    for (const [app, who] of [
      [e2, reviewers.rosa],
      [e3, reviewers.bob],
      [e3, reviewers.rosa],
    ] as const) {
      await h.db
        .update(assignments)
        .set({ status: 'submitted' })
        .where(and(eq(assignments.applicationId, app), eq(assignments.reviewerId, who)));
    }
    await assign(round1, e4, reviewers.ann, 'submitted');
    await assign(round1, e4, reviewers.bob, 'submitted');
    page = await dashboard();
    expect(warningsOf(page)).to.deep.equal({});
    expect(page).to.contain('<p id="no-warnings">Nothing needs attention now.</p>');
    expect(words(section(page, /<p id="late-summary">(.*?)<\/p>/s))).to.equal('No reviewer is late.');
  });

  it('once published: the public list; and the default moves on to the next cycle under way', async () => {
    await setCycle(cycleA, { publishedAt: START });
    const published = await dashboard(`?cycle=${cycleA}`);
    expect(phaseOf(published)).to.equal('Published');
    expect(nextStepOf(published)).to.equal('The honorees are public since November 22, 2026.');
    expect(nextStepLinks(published)).to.deep.equal(['The honorees of 2026 → /honorees?year=2026']);

    const page = await dashboard();
    expect(phaseOf(page)).to.equal('Applications closed');
    expect(page).to.contain(
      `<h2 id="dashboard-title"><a href="/admin/cycles/${cycleB}">Beta Program 2026–2027</a></h2>`,
    );
    expect(nextStepOf(page)).to.equal('Screen the 1 application waiting, then set up review round 1.');
    expect(nextStepLinks(page)).to.deep.equal([
      `Applications waiting for screening → /admin/applications?cycle=${cycleB}&screening=needed`,
      `Review rounds → /admin/cycles/${cycleB}/rounds`,
    ]);
    expect(warningsOf(page)).to.deep.equal({
      unscreened: 'Submitted, not screened yet: 1 application. Screen them',
    });
  });

  it('switches cycles with ?cycle=, and shows the default for an id that is no cycle', async () => {
    const draft = await dashboard(`?cycle=${cycleC}`);
    expect(phaseOf(draft)).to.equal('Not open yet');
    expect(nextStepOf(draft)).to.equal(
      'Applications open on December 2, 2026. Before then, check the criteria and the eligibility questions and rules.',
    );
    expect(draft).to.match(
      new RegExp(`<option value="${cycleC}" selected>Gamma Program 2027–2028 \\(Not open yet\\)</option>`),
    );
    expect(draft).to.match(/<form method="get" action="\/admin" class="dashboard-switch">/);
    expect(draft).to.contain('<label for="cycle">Cycle</label>');
    expect(Object.values(stageTable(draft))).to.deep.equal([0, 0, 0, 0, 0, 0, 0, 0]);
    // Nothing anywhere: no bar, and no NaN.
    expect(chartBars(draft).map((b) => b.width)).to.deep.equal([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(draft).not.to.contain('NaN');
    expect(draft).to.contain('<p id="no-warnings">Nothing needs attention now.</p>');

    for (const bogus of ['?cycle=abc', '?cycle=0', '?cycle=999999', '?cycle=1e3', '?cycle[]=1']) {
      const page = await dashboard(bogus);
      expect(section(page, /<h2 id="dashboard-title">(.*?)<\/h2>/s), bogus).to.contain(`/admin/cycles/${cycleB}"`);
    }
  });

  it('lists at most 20 late reviewers, and counts the rest', async () => {
    const page = await dashboard(`?cycle=${cycleD}`);
    expect(words(section(page, /<p id="late-summary">(.*?)<\/p>/s))).to.match(/^22 reviewers late with 22 reviews\./);
    const listed = [...page.matchAll(/<tr id="late-\d+">\s*<td>([^<]+)<\/td>/g)].map((m) => m[1]);
    expect(listed).to.have.length(20);
    expect(listed[0]).to.equal('Late Reviewer 01');
    expect(listed[19]).to.equal('Late Reviewer 20');
    expect(page).not.to.contain('Late Reviewer 21');
    expect(words(section(page, /<p id="late-more">(.*?)<\/p>/s))).to.equal(
      'And 2 more late reviewers, not listed here: each round’s page lists them all.',
    );
  });

  it('shows the dashboard to admins only', async () => {
    expect(await dashboard(`?cycle=${cycleA}`)).to.contain('<svg class="dashboard-funnel"');
    expect((await h.agent().get('/admin')).headers.location).to.equal('/login?next=%2Fadmin');
    await createUser(h.db, { email: 'principal@school.example.org', roles: ['applicant'] });
    const applicant = h.agent();
    await signIn(applicant, 'principal@school.example.org');
    const refused = await applicant.get(`/admin?cycle=${cycleA}`);
    expect(refused.status).to.equal(403);
    expect(refused.text).not.to.contain('dashboard-funnel');
    // The header names the site (the first program); the cycle and its figures stay hidden.
    expect(refused.text).not.to.match(/Alpha Program \d{4}/);
  });
});

describe('the admin home with no cycle at all', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  it('says so kindly, links to programs, and keeps the list of admin pages', async () => {
    await createUser(h.db, { email: 'admin@program.example.org', roles: ['admin'] });
    const admin = h.agent();
    await signIn(admin, 'admin@program.example.org');
    const res = await admin.get('/admin?cycle=1');
    expect(res.status).to.equal(200);
    expect(words(section(res.text, /<div class="panel" id="no-cycle">(.*?)<\/div>/s))).to.equal(
      'There is no cycle yet. Set up a program and its first cycle, and this page will show how it is going.',
    );
    expect(res.text).to.contain('<a href="/admin/programs">Set up a program and its first cycle</a>');
    expect(res.text).not.to.contain('dashboard-switch');
    expect(res.text).to.contain('<a href="/admin/audit">Audit log</a>');
  });
});
