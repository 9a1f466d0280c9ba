// Applications written in Spanish go only to reviewers who read Spanish: the automatic plan keeps
// the rule and says plainly when the panel reads too little Spanish, a manual assignment asks
// before breaking it, and the reviewer's page says which language each answer is written in.
import { expect } from 'chai';
import { asc, eq } from 'drizzle-orm';
import {
  applicationAnswers,
  applications,
  assignments,
  criteria,
  cycleReviewers,
  reviewerProfiles,
  schools,
} from '../../../models/schema.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { closeApplicationsOf, createOpenCycle, createUser, signIn } from '../../helpers/factories.js';
import { csrfTokenFrom, readable, submitForm } from '../../helpers/forms.js';

type Agent = ReturnType<Harness['agent']>;

const ENGLISH_SCHOOLS = ['Lincoln High School', 'Roosevelt High School', 'Harbor High School'];
const SPANISH_SCHOOLS = ['Escuela Preparatoria del Valle', 'Academia Sol', 'Escuela Río Grande', 'Colegio Nopal'];
// Two reviewers read Spanish; four read English only.
const REVIEWERS = [
  { name: 'Ana Spanish', email: 'ana@univ-a.edu', reads: ['en', 'es'] },
  { name: 'Beto Spanish', email: 'beto@univ-b.edu', reads: ['en', 'es'] },
  { name: 'Cal English', email: 'cal@univ-c.edu', reads: ['en'] },
  { name: 'Dee English', email: 'dee@univ-d.edu', reads: ['en'] },
  { name: 'Eve English', email: 'eve@univ-e.edu', reads: ['en'] },
  { name: 'Flo English', email: 'flo@univ-f.edu', reads: ['en'] },
];

describe('assignment by the languages reviewers read', () => {
  let h: Harness;
  let admin: Agent;
  let cycleId: number;
  let roundId: number;
  const spanishApps: number[] = [];
  const englishApps: number[] = [];
  const reviewerIds: number[] = [];

  before(async () => {
    h = await startHarness();
    cycleId = await createOpenCycle(h.db, h.clock());
    const cycleCriteria = await h.db
      .select()
      .from(criteria)
      .where(eq(criteria.cycleId, cycleId))
      .orderBy(asc(criteria.position));
    const optional = cycleCriteria.filter((c) => !c.required).slice(0, 3);
    const schoolsByLanguage: Array<[string, string[], number[]]> = [
      ['en', ENGLISH_SCHOOLS, englishApps],
      ['es', SPANISH_SCHOOLS, spanishApps],
    ];
    for (const [language, names, ids] of schoolsByLanguage) {
      for (const [i, name] of names.entries()) {
        const [school] = await h.db
          .insert(schools)
          .values({
            name,
            district: `District ${language}${i}`,
            city: 'Springfield',
            state: 'TX',
            level: 'high',
            matchKey: name,
          })
          .returning();
        const [app] = await h.db
          .insert(applications)
          .values({ cycleId, schoolId: school!.id, status: 'eligible', submittedAt: h.clock() })
          .returning();
        await h.db.insert(applicationAnswers).values(
          optional.map((c) => ({
            applicationId: app!.id,
            criterionId: c.id,
            chosen: true,
            language,
            answer: language === 'es' ? 'Nuestros estudiantes leen todos los días.' : 'Our students read every day.',
          })),
        );
        ids.push(app!.id);
      }
    }
    for (const r of REVIEWERS) {
      const user = await createUser(h.db, { email: r.email, name: r.name, roles: ['reviewer'] });
      await h.db.insert(cycleReviewers).values({ cycleId, userId: user.id, maxLoad: 6 });
      await h.db.insert(reviewerProfiles).values({ userId: user.id, state: 'TX', languagesRead: r.reads });
      reviewerIds.push(user.id);
    }
    await createUser(h.db, { email: 'admin@program.org', name: 'Ada Admin', roles: ['admin'] });
    admin = h.agent();
    await signIn(admin, 'admin@program.org');
    await closeApplicationsOf(h.db, cycleId, h.clock());
    const created = await submitForm(admin, `/admin/cycles/${cycleId}/rounds`, `/admin/cycles/${cycleId}/rounds`, {
      name: 'Round 1',
      k: '2',
      dueAt: '2026-12-31',
      reminderDaysBefore: '3',
    });
    expect(created.status, created.text).to.equal(303);
    roundId = Number(/\/admin\/rounds\/(\d+)$/.exec(created.headers.location ?? '')?.[1]);
  });
  after(() => h.close());

  const readsSpanish = (reviewerId: number) => reviewerIds.slice(0, 2).includes(reviewerId);
  const setReads = (index: number, languagesRead: string[]) =>
    h.db.update(reviewerProfiles).set({ languagesRead }).where(eq(reviewerProfiles.userId, reviewerIds[index]!));

  it('says plainly when too few reviewers read Spanish, in English and in Spanish', async () => {
    await setReads(1, ['en']);
    const page = await admin.get(`/admin/rounds/${roundId}/auto`);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain(
      '4 applications written in Spanish need 2 reviewers each who read Spanish; only 1 reviewer on the panel reads Spanish.',
    );
    expect(page.text).to.contain('it is written in Spanish, and only 1 reviewer of the round reads it');
    const spanish = await admin.get(`/admin/rounds/${roundId}/auto?lang=es`);
    expect(spanish.text).to.contain(
      '4 postulaciones escritas en español necesitan 2 evaluadores cada una que lean español; solo 1 evaluador del panel lee español.',
    );
    expect(spanish.text).to.contain('Asignación automática: vista previa');
    await admin.get(`/admin/rounds/${roundId}/auto?lang=en`);
    await setReads(1, ['en', 'es']);
  });

  it('never gives a Spanish application to a reviewer who does not read Spanish', async () => {
    const page = await admin.get(`/admin/rounds/${roundId}/auto`);
    expect(page.text).to.contain('This plan adds <strong>14 assignments</strong> and covers every application');
    expect(page.text).not.to.contain('Languages the panel does not read enough of');
    const plan = /name="plan" value="([0-9a-f]+)"/.exec(page.text)?.[1] ?? '';
    const form = new URLSearchParams({ _csrf: csrfTokenFrom(page.text), plan });
    const confirmed = await admin.post(`/admin/rounds/${roundId}/auto`).type('form').send(form.toString());
    expect(confirmed.status).to.equal(303);
    const rows = await h.db.select().from(assignments).where(eq(assignments.roundId, roundId));
    expect(rows).to.have.length(14);
    const spanishRows = rows.filter((r) => spanishApps.includes(r.applicationId));
    expect(spanishRows).to.have.length(8);
    expect(spanishRows.every((r) => readsSpanish(r.reviewerId))).to.equal(true);
    const round = await admin.get(`/admin/rounds/${roundId}`);
    expect(round.text).to.match(/Escuela Preparatoria del Valle<\/a><\/td>(<td>\d+<\/td>){4}<td>Spanish<\/td>/);
  });

  it('asks before assigning by hand a reviewer who does not read the application’s language', async () => {
    const assignPage = `/admin/rounds/${roundId}/assign`;
    const fields = { applicationId: String(spanishApps[0]), reviewerId: String(reviewerIds[2]) };
    const warned = await submitForm(admin, assignPage, assignPage, fields);
    expect(warned.status).to.equal(422);
    expect(readable(warned.text)).to.contain(
      `Cal English does not read Spanish, the language application ${spanishApps[0]} is written in.`,
    );
    expect(warned.text).to.contain('name="despiteLanguage"');
    expect(await h.db.select().from(assignments).where(eq(assignments.reviewerId, reviewerIds[2]!))).to.satisfy(
      (rows: Array<{ applicationId: number }>) => rows.every((r) => r.applicationId !== spanishApps[0]),
    );
    const anyway = await submitForm(admin, assignPage, assignPage, { ...fields, despiteLanguage: 'on' });
    expect(anyway.status).to.equal(303);
    const after = await admin.get(assignPage);
    expect(after.text).to.contain('although they do not read its language');
  });

  it('shows the reviewer which language each answer is written in', async () => {
    const reviewer = h.agent();
    await signIn(reviewer, 'ana@univ-a.edu');
    const [mine] = await h.db
      .select()
      .from(assignments)
      .where(eq(assignments.reviewerId, reviewerIds[0]!))
      .then((rows) => rows.filter((r) => spanishApps.includes(r.applicationId)));
    const page = await reviewer.get(`/reviews/${mine!.id}`);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('<span class="muted answer-language">Written in Spanish</span>');
    expect(page.text).to.contain('<div class="answer-text" lang="es">Nuestros estudiantes leen todos los días.</div>');
    const dashboard = await reviewer.get('/reviews');
    expect(dashboard.text).to.contain('Written in Spanish');

    const spanish = await reviewer.get(`/reviews/${mine!.id}?lang=es`);
    expect(spanish.text).to.contain('<span class="muted answer-language">Escrita en español</span>');
    expect(spanish.text).to.contain('Guardar borrador');
    expect(spanish.text).to.contain('Su recomendación');
    const saved = await submitForm(reviewer, `/reviews/${mine!.id}`, `/reviews/${mine!.id}`, { action: 'submit' });
    expect(saved.status).to.equal(422);
    expect(saved.text).to.contain('La evaluación todavía no se puede enviar.');
    expect(saved.text).to.contain('Elija su recomendación general.');
  });
});
