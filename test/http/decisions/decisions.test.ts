import { expect } from 'chai';
import { asc, eq, inArray } from 'drizzle-orm';
import {
  applicationAnswers,
  applications,
  auditLog,
  criteria,
  decisions,
  schoolContacts,
  schools,
} from '../../../models/schema.js';
import { draftExcerpt, slugify } from '../../../server/services/decisions/honoree-texts.js';
import { schoolMatchKey } from '../../../server/services/schools/match-key.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { closeApplicationsOf, createUser, signIn, createOpenCycle } from '../../helpers/factories.js';
import { readable, submitForm } from '../../helpers/forms.js';

type Agent = ReturnType<Harness['agent']>;

const FIRST_ANSWER =
  'Every ninth grader takes the same English and science courses. Honors work is open to all students by choice! ' +
  'We ended tracking in 2019 after a faculty vote, and the share of Black and Latino students in AP classes doubled in three years, ' +
  'which the district now studies as a model for its other high schools and reports on every year to the board.';
const LONG_SENTENCE = Array.from({ length: 70 }, (_, i) => `word${i}`).join(' ') + '.';

describe('admins decide applications, with who and when, and draft the honoree texts', () => {
  let h: Harness;
  let admin: Agent;
  let cycleId: number;
  let adminId: number;
  const apps: Record<'lincoln' | 'lincolnSalem' | 'draft', number> = { lincoln: 0, lincolnSalem: 0, draft: 0 };
  let firstCriteria: Array<{ id: number; title: string }>;

  async function addApplication(name: string, city: string, contact: string, status: 'eligible' | 'submitted') {
    const [school] = await h.db
      .insert(schools)
      .values({
        name,
        city,
        state: 'OR',
        district: `${city} Public Schools`,
        level: 'high',
        enrollment: 1540,
        frlPercent: 38.5,
        iepPercent: 12,
        matchKey: schoolMatchKey(name, city, 'OR'),
      })
      .returning();
    const user = await createUser(h.db, { email: contact, name: `Principal of ${city}` });
    await h.db.insert(schoolContacts).values({ schoolId: school!.id, userId: user.id, status: 'active' });
    const [app] = await h.db
      .insert(applications)
      .values({ cycleId, schoolId: school!.id, status, submittedAt: h.clock() })
      .returning();
    const cycleCriteria = await h.db
      .select()
      .from(criteria)
      .where(eq(criteria.cycleId, cycleId))
      .orderBy(asc(criteria.position));
    const chosen = cycleCriteria.filter((c) => c.required).concat(cycleCriteria.filter((c) => !c.required).slice(0, 4));
    firstCriteria = chosen;
    await h.db.insert(applicationAnswers).values(
      chosen.map((c, i) => ({
        applicationId: app!.id,
        criterionId: c.id,
        chosen: true,
        answer:
          i === 0
            ? FIRST_ANSWER
            : i === 1
              ? LONG_SENTENCE
              : i === 2
                ? ''
                : `Answer about ${c.title}. More detail follows here.`,
      })),
    );
    // An optional criterion answered but not chosen is left out of the highlights.
    const notChosen = cycleCriteria.filter((c) => !c.required)[5]!;
    await h.db
      .insert(applicationAnswers)
      .values({ applicationId: app!.id, criterionId: notChosen.id, chosen: false, answer: 'Not chosen. Ignore me.' });
    return app!.id;
  }

  // These applications are in no review round: each decision says why it comes without reviews.
  const decide = (applicationId: number, level: string) =>
    submitForm(admin, `/admin/cycles/${cycleId}/decisions`, `/admin/decisions/${applicationId}`, {
      level,
      cycleId: String(cycleId),
      overrideReason: 'The texts are under test, not the reviews.',
    });

  before(async () => {
    h = await startHarness();
    cycleId = await createOpenCycle(h.db, h.clock());
    adminId = (await createUser(h.db, { email: 'admin@program.example.org', name: 'Ada Admin', roles: ['admin'] })).id;
    apps.lincoln = await addApplication('Lincoln High School', 'Portland', 'principal@lincoln.example.org', 'eligible');
    apps.lincolnSalem = await addApplication(
      'Lincoln High School',
      'Salem',
      'principal@lincoln-salem.example.org',
      'eligible',
    );
    apps.draft = await addApplication('Vista Academy', 'Bend', 'head@vista.example.org', 'submitted');
    await closeApplicationsOf(h.db, cycleId, h.clock());
    admin = h.agent();
    await signIn(admin, 'admin@program.example.org');
  });
  after(() => h.close());

  it('drafts excerpts of whole sentences up to 60 words, and slugs from names', () => {
    expect(draftExcerpt(FIRST_ANSWER)).to.equal(
      'Every ninth grader takes the same English and science courses. Honors work is open to all students by choice!',
    );
    expect(draftExcerpt(LONG_SENTENCE).split(' ')).to.have.length(60);
    expect(draftExcerpt(LONG_SENTENCE)).to.match(/word59…$/);
    expect(draftExcerpt('  ')).to.equal('');
    expect(slugify('École Saint-Étienne High School (Main)')).to.equal('ecole-saint-etienne-high-school-main');
  });

  it('lists the eligible applications, undecided, with decision controls', async () => {
    const page = await admin.get(`/admin/cycles/${cycleId}/decisions`);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('Gold 0 · Silver 0 · Not selected 0 · Undecided 2');
    expect(page.text).to.contain('Portland, OR');
    expect(page.text).to.contain('Salem, OR');
    expect(page.text).not.to.contain('Vista Academy');
    expect(page.text).to.contain(`action="/admin/decisions/${apps.lincoln}"`);
  });

  it('records the decision with who and when, and drafts the citation and highlights', async () => {
    const res = await decide(apps.lincoln, 'gold');
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal(`/admin/cycles/${cycleId}/decisions`);
    const [row] = await h.db.select().from(decisions).where(eq(decisions.applicationId, apps.lincoln));
    expect(row).to.include({ level: 'gold', decidedBy: adminId, slug: 'lincoln-high-school', cycleId });
    expect(row!.decidedAt.toISOString()).to.equal(h.clock().toISOString());
    expect(row!.citation).to.equal('Every ninth grader takes the same English and science courses.');
    expect(row!.profile).to.equal(
      'Lincoln High School is a high school in Portland, OR (Portland Public Schools), serving 1,540 students; 38.5% qualify for free or reduced-price lunch.',
    );
    expect(row!.highlights.map((x) => x.criterionId)).to.deep.equal([
      firstCriteria[0]!.id,
      firstCriteria[1]!.id,
      ...firstCriteria.slice(3).map((c) => c.id),
    ]);
    expect(row!.highlights[0]!.title).to.equal('Broadening and enriching learning opportunities');
    for (const highlight of row!.highlights) expect(highlight.text.split(' ').length).to.be.at.most(60);
    expect(row!.highlights[2]!.text).to.equal(`Answer about ${firstCriteria[3]!.title}. More detail follows here.`);

    const page = await admin.get(`/admin/cycles/${cycleId}/decisions`);
    expect(page.text).to.contain('Gold 1 · Silver 0 · Not selected 0 · Undecided 1');
    expect(page.text).to.match(/Ada Admin<br><span class="muted">Nov 22, 2026, 12:00 PM UTC<\/span>/);
  });

  it('keeps slugs unique in the cycle: a second Lincoln High School gets its city', async () => {
    h.clock.advance(60_000);
    expect((await decide(apps.lincolnSalem, 'not_selected')).status).to.equal(303);
    const [salem] = await h.db.select().from(decisions).where(eq(decisions.applicationId, apps.lincolnSalem));
    expect(salem).to.include({ level: 'not_selected', slug: 'lincoln-high-school-salem', citation: '', profile: '' });
    expect(salem!.highlights).to.deep.equal([]);
  });

  it('changes a decision, keeping the texts the admin wrote, and logs the change', async () => {
    await h.db.update(decisions).set({ citation: 'Edited by hand.' }).where(eq(decisions.applicationId, apps.lincoln));
    h.clock.advance(60_000);
    expect((await decide(apps.lincoln, 'silver')).status).to.equal(303);
    const [row] = await h.db.select().from(decisions).where(eq(decisions.applicationId, apps.lincoln));
    expect(row).to.include({ level: 'silver', citation: 'Edited by hand.', slug: 'lincoln-high-school' });
    expect(row!.decidedAt.toISOString()).to.equal(h.clock().toISOString());
    const log = await h.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, 'decision.decide'))
      .orderBy(asc(auditLog.id));
    const because = ' — with fewer reviews than asked: The texts are under test, not the reviews.';
    expect(log.map((e) => e.summary)).to.deep.equal([
      `Gold for Lincoln High School (Schools of Opportunity 2026–2027)${because}`,
      `Not selected for Lincoln High School (Schools of Opportunity 2026–2027)${because}`,
      `Silver for Lincoln High School (Schools of Opportunity 2026–2027), was Gold${because}`,
    ]);
    expect(log.every((e) => e.actorId === adminId)).to.equal(true);
  });

  it('refuses an unknown level and an application that is not eligible', async () => {
    const bad = await decide(apps.lincolnSalem, 'platinum');
    expect(bad.status).to.equal(303);
    expect((await admin.get(bad.headers.location!)).text).to.contain('Choose Gold, Silver or not selected.');
    const notEligible = await decide(apps.draft, 'gold');
    expect(notEligible.status).to.equal(403);
    expect(notEligible.text).to.contain('Only applications screened as eligible can be decided.');
    expect(await h.db.select().from(decisions).where(eq(decisions.applicationId, apps.draft))).to.have.length(0);
    expect((await decide(999999, 'gold')).status).to.equal(404);
  });

  it('edits the citation, profile and highlights within their limits', async () => {
    const url = `/admin/decisions/${apps.lincoln}/profile`;
    const form = await admin.get(url);
    expect(form.text).to.contain('Edited by hand.');
    expect(form.text).to.contain('Not public: the cycle is not published');
    expect(form.text).not.to.contain('Not chosen. Ignore me.');
    const tooLong = await submitForm(admin, url, url, {
      citation: 'x'.repeat(301),
      profile: 'ok',
      [`highlight_${firstCriteria[0]!.id}`]: 'y'.repeat(1001),
    });
    expect(tooLong.status).to.equal(422);
    expect(tooLong.text).to.contain('Use at most 300 characters (this has 301).');
    expect(tooLong.text).to.contain('Use at most 1000 characters (this has 1001).');
    const empty = await submitForm(admin, url, url, { citation: ' ', profile: '' });
    expect(empty.text).to.contain('Write the citation');

    const saved = await submitForm(admin, url, url, {
      citation: 'For opening every course to every student.',
      profile: 'First paragraph.\r\n\r\nSecond paragraph.',
      [`highlight_${firstCriteria[0]!.id}`]: 'Detracked ninth grade.',
      [`highlight_${firstCriteria[1]!.id}`]: '',
      highlight_999999: 'not a criterion of this application',
    });
    expect(saved.status).to.equal(303);
    const [row] = await h.db.select().from(decisions).where(eq(decisions.applicationId, apps.lincoln));
    expect(row).to.include({
      citation: 'For opening every course to every student.',
      profile: 'First paragraph.\n\nSecond paragraph.',
    });
    expect(row!.highlights.map((x) => x.text)).to.deep.equal([
      'Detracked ninth grade.',
      ...firstCriteria.slice(3).map((c) => `Answer about ${c.title}. More detail follows here.`),
    ]);
    const notHonoree = await admin.get(`/admin/decisions/${apps.lincolnSalem}/profile`);
    expect(notHonoree.text).to.contain('This application was not selected');
    expect((await admin.get(`/admin/decisions/${apps.draft}/profile`)).status).to.equal(404);
  });

  it('shows nothing of a decision before publishing', async () => {
    const visitor = h.agent();
    expect((await visitor.get('/honorees')).text).not.to.contain('Lincoln High School');
    expect((await visitor.get('/honorees/2026/lincoln-high-school')).status).to.equal(404);
    const json = await visitor.get('/honorees.json');
    expect(json.body).to.deep.include({ count: 0, honorees: [] });
    const csv = await visitor.get('/honorees.csv');
    expect(csv.text.trim().split('\r\n')).to.have.length(1);
    const principal = h.agent();
    await signIn(principal, 'principal@lincoln.example.org');
    const mine = await principal.get('/my/applications');
    expect(mine.status).to.equal(200);
    expect(mine.text).to.contain('Lincoln High School');
    expect(mine.text).to.contain('Eligible — in review');
    expect(mine.text).not.to.match(/Gold|Silver|not selected|lincoln-high-school/i);
  });

  it('shows admins the audit log with actor names, filtered by action and paged by keyset', async () => {
    const page = await admin.get('/admin/audit');
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('Ada Admin');
    expect(page.text).to.contain('decision.decide');
    expect(page.text).to.contain('Silver for Lincoln High School (Schools of Opportunity 2026–2027), was Gold');
    expect(page.text).to.contain('decision.edit_profile');
    const filtered = await admin.get('/admin/audit?action=decision.edit_profile');
    expect(filtered.text).to.contain('Edited the profile of Lincoln High School');
    expect(filtered.text).not.to.contain('was Gold');
    await h.db.insert(auditLog).values(
      Array.from({ length: 60 }, (_, i) => ({
        actorId: adminId,
        action: 'criteria.edit',
        subjectType: 'criterion',
        subjectId: String(i),
        summary: `Edited criterion ${i}`,
      })),
    );
    const first = await admin.get('/admin/audit');
    expect(first.text).to.contain('Edited criterion 59');
    expect(first.text).not.to.contain('Edited criterion 9<');
    const next = /href="\/admin\/audit\?before&#x3D;(\d+)" rel="next"/.exec(first.text)?.[1];
    const older = await admin.get(`/admin/audit?before=${next}`);
    expect(older.text).to.contain('Edited criterion 9<');
    expect(older.text).to.contain('was Gold');
  });

  it('keeps decisions, profiles, publishing and the audit log for admins only', async () => {
    const principal = h.agent();
    await signIn(principal, 'principal@lincoln.example.org');
    const urls = [
      `/admin/cycles/${cycleId}/decisions`,
      `/admin/decisions/${apps.lincoln}/profile`,
      `/admin/cycles/${cycleId}/publish`,
      '/admin/audit',
    ];
    for (const url of urls) expect((await principal.get(url)).status, url).to.equal(403);
    for (const url of [
      `/admin/decisions/${apps.lincoln}`,
      `/admin/decisions/${apps.lincoln}/profile`,
      `/admin/cycles/${cycleId}/publish`,
      `/admin/cycles/${cycleId}/unpublish`,
    ]) {
      const res = await submitForm(principal, '/my/applications', url, { level: 'gold', citation: 'x' });
      expect(res.status, url).to.equal(403);
    }
    const anonymous = await h.agent().get('/admin/audit');
    expect(anonymous.status).to.equal(303);
    expect(anonymous.headers.location).to.match(/^\/login/);
    const [row] = await h.db.select().from(decisions).where(eq(decisions.applicationId, apps.lincoln));
    expect(row!.level).to.equal('silver');
  });

  it('marks the rest not selected in one confirmed step, naming how many lack reviews', async () => {
    const cedar = await addApplication('Cedar High School', 'Eugene', 'principal@cedar.example.org', 'eligible');
    const dogwood = await addApplication('Dogwood High School', 'Medford', 'principal@dogwood.example.org', 'eligible');
    const list = `/admin/cycles/${cycleId}/decisions`;
    const page = readable((await admin.get(list)).text);
    // Neither is in a review round, so neither has the one review asked of every application.
    expect(page).to.contain(
      '2 eligible applications have no decision yet; 2 of them have fewer reviews than its round asked for.',
    );
    expect(page).to.contain(
      'data-confirm="Mark 2 applications not selected, 2 with too few reviews? Their schools will be told after review that they were not selected, when you publish."',
    );
    expect(page).to.contain('<table class="stack-on-phone decisions-table">');
    const rest = (fields: Record<string, string>) =>
      submitForm(admin, list, `/admin/cycles/${cycleId}/decisions/rest`, fields);
    const undecided = async () =>
      (
        await h.db
          .select()
          .from(decisions)
          .where(inArray(decisions.applicationId, [cedar, dogwood]))
      ).length;

    await rest({ expected: '2' });
    expect(readable((await admin.get(list)).text)).to.contain(
      '2 of these applications have fewer reviews than its round asked for. Say why you decide on them anyway.',
    );
    await rest({ expected: '3', overrideReason: 'Late applications; the panel had finished.' });
    expect(readable((await admin.get(list)).text)).to.contain(
      'The undecided applications changed since you looked: there are 2 now.',
    );
    expect(await undecided()).to.equal(0);

    const done = await rest({ expected: '2', overrideReason: 'Late applications; the panel had finished.' });
    expect(done.headers.location).to.equal(list);
    expect(readable((await admin.get(list)).text)).to.contain('2 applications are now not selected.');
    const rows = await h.db
      .select()
      .from(decisions)
      .where(inArray(decisions.applicationId, [cedar, dogwood]));
    expect(rows.map((r) => [r.level, r.overrideReason, r.decidedBy])).to.deep.equal([
      ['not_selected', 'Late applications; the panel had finished.', adminId],
      ['not_selected', 'Late applications; the panel had finished.', adminId],
    ]);
    expect(readable((await admin.get(list)).text)).not.to.contain('Mark the rest not selected');
    const [entry] = await h.db.select().from(auditLog).where(eq(auditLog.action, 'decision.decide_rest'));
    expect(entry?.summary).to.match(
      /^Marked 2 applications of .+ not selected together; 2 with fewer reviews than asked: Late applications; the panel had finished\.$/,
    );
    // The decided ones were never touched.
    const [lincoln] = await h.db.select().from(decisions).where(eq(decisions.applicationId, apps.lincoln));
    expect(lincoln!.level).to.equal('silver');
  });

  it('writes the audit log in the reader’s language, and an older entry in the English it was kept in', async () => {
    const spanish = readable((await admin.get('/admin/audit?action=decision.decide&lang=es')).text);
    expect(spanish).to.contain(
      'Decisión para Lincoln High School (Schools of Opportunity 2026–2027): Plata; antes era Oro — ' +
        'con menos evaluaciones de las pedidas: The texts are under test, not the reviews.',
    );
    expect(spanish).not.to.contain('was Gold');
    expect(readable((await admin.get('/admin/audit?action=decision.decide_rest&lang=es')).text)).to.match(
      /Se marcaron 2 postulaciones de .+ como no seleccionadas en un solo paso; 2 con menos evaluaciones de las pedidas: Late applications; the panel had finished\./,
    );
    // Written straight into the table, as entries were before summaries became messages.
    expect((await admin.get('/admin/audit?action=criteria.edit&lang=es')).text).to.contain('Edited criterion 59<');
    const english = readable((await admin.get('/admin/audit?action=decision.decide&lang=en')).text);
    expect(english).to.contain(
      'Silver for Lincoln High School (Schools of Opportunity 2026–2027), was Gold — with fewer reviews than asked',
    );
    expect(english).not.to.contain('Decisión para');
  });
});
