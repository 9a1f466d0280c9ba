// The administration in Spanish and in English: each admin page of the dashboard, screening,
// nominations, schools, contacts and backups speaks the admin's language (?lang=es is remembered on
// the account), a bad form says what is wrong in it, and admins see the languages people wrote in:
// each nomination's, and the languages of an application's answers.
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { and, asc, eq } from 'drizzle-orm';
import { applicationAnswers, criteria, nominations } from '../../../models/schema.js';
import { addSchool, completeAndSubmit, startApplication } from '../../helpers/applicant.js';
import { createOpenCycle, createUser, signIn } from '../../helpers/factories.js';
import { readable, submitForm } from '../../helpers/forms.js';
import { startHarness, type Harness } from '../../helpers/harness.js';

const HOUR = 60 * 60 * 1000;

/** The words a person reads in a page: tags dropped, entities read, spaces folded. */
const words = (html: string) =>
  readable(html.replace(/<[^>]+>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();

describe('the administration in Spanish and English', () => {
  let h: Harness;
  let spanish: ReturnType<Harness['agent']>;
  let english: ReturnType<Harness['agent']>;
  let cycleId: number;
  let applicationId: number;
  let schoolId: number;

  before(async () => {
    h = await startHarness({ config: { backup: { dir: '/var/backups/laurel', everyMs: 6 * HOUR, keep: 7 } } });
    cycleId = await createOpenCycle(h.db, h.clock());
    await createUser(h.db, { email: 'ana@program.example.org', name: 'Ana Admin', roles: ['admin'] });
    await createUser(h.db, { email: 'ada@program.example.org', name: 'Ada Admin', roles: ['admin'] });
    await createUser(h.db, { email: 'principal@lincoln.pps.example.org' });
    await createUser(h.db, { email: 'reviewer@uni.example.edu', roles: ['reviewer'] });

    const principal = h.agent();
    await signIn(principal, 'principal@lincoln.pps.example.org');
    schoolId = await addSchool(principal);
    applicationId = await startApplication(principal, schoolId, cycleId);
    const cycleCriteria = await h.db
      .select()
      .from(criteria)
      .where(eq(criteria.cycleId, cycleId))
      .orderBy(asc(criteria.position));
    await completeAndSubmit(principal, applicationId, cycleCriteria);
    // One answer written in Spanish, as its author said.
    await h.db
      .update(applicationAnswers)
      .set({ language: 'es' })
      .where(
        and(
          eq(applicationAnswers.applicationId, applicationId),
          eq(applicationAnswers.criterionId, cycleCriteria[0]!.id),
        ),
      );

    const now = h.clock();
    const nomination = (nominatorEmail: string, language: string) => ({
      cycleId,
      schoolName: 'Garfield Elementary',
      city: 'Phoenix',
      state: 'AZ',
      matchKey: 'garfield elementary|phoenix|AZ',
      nominatorName: nominatorEmail === 'rosa@example.com' ? 'Rosa Madre' : 'Tom Parent',
      nominatorEmail,
      relationship: 'parent' as const,
      reason: language === 'es' ? 'Los maestros conocen a cada estudiante.' : 'Teachers know every student.',
      status: 'confirmed' as const,
      confirmTokenHash: randomBytes(16).toString('hex'),
      confirmExpiresAt: now,
      confirmedAt: now,
      language,
    });
    await h.db.insert(nominations).values([nomination('rosa@example.com', 'es'), nomination('tom@example.com', 'en')]);

    spanish = h.agent();
    await signIn(spanish, 'ana@program.example.org');
    // The choice is remembered on Ana's account: every page after this one is in Spanish.
    const home = await spanish.get('/admin?lang=es');
    expect(home.status).to.equal(200);
    english = h.agent();
    await signIn(english, 'ada@program.example.org');
  });
  after(() => h.close());

  it('writes the dashboard in Spanish for Ana and in English for Ada', async () => {
    const es = await spanish.get('/admin');
    expect(es.text).to.contain('<html lang="es">');
    expect(es.text).to.contain('<h1>Administración</h1>');
    expect(es.text).to.contain('<h3>Próximo paso</h3>');
    expect(es.text).to.match(/<strong id="dashboard-phase">Abierta a postulaciones<\/strong>/);
    const text = words(es.text);
    expect(text).to.contain('Las postulaciones cierran el');
    expect(text).to.contain('hasta ahora, 1 postulación enviada.');
    expect(readable(es.text)).to.contain(
      '<li class="notice" id="warning-unscreened">Enviadas, sin revisión de elegibilidad todavía: <strong>1 postulación</strong>.',
    );
    expect(text).to.contain('Confirmadas por la persona que nomina.');
    expect(text).to.contain('Todas las páginas de administración');
    expect(es.text).to.contain('<a href="/admin/backups">Copias de seguridad</a>');
    expect(es.text).not.to.contain('Next step');

    const en = await english.get('/admin');
    expect(en.text).to.contain('<html lang="en">');
    expect(en.text).to.contain('<h3>Next step</h3>');
    expect(en.text).to.contain(
      '<li class="notice" id="warning-unscreened">Submitted, not screened yet: <strong>1 application</strong>.',
    );
    expect(en.text).not.to.contain('Próximo paso');
  });

  it('lists and screens applications in Spanish, with the languages of the answers', async () => {
    const list = words((await spanish.get('/admin/applications?screening=needed')).text);
    expect(list).to.contain('Solo las que esperan la revisión de elegibilidad');
    expect(list).to.contain('Revisar: ninguna regla falló');
    expect(list).to.contain('Enviada');

    const page = await spanish.get(`/admin/applications/${applicationId}/screening`);
    expect(page.status).to.equal(200);
    const text = words(page.text);
    expect(text).to.contain('Reglas automáticas');
    expect(text).to.contain('¿La escuela es elegible?');
    expect(page.text).to.contain(
      '<p id="answer-languages">La escuela escribió sus respuestas en inglés y español.</p>',
    );

    const en = await english.get(`/admin/applications/${applicationId}/screening`);
    expect(en.text).to.contain('<p id="answer-languages">The school wrote its answers in English and Spanish.</p>');
    expect(words(en.text)).to.contain('Is the school eligible?');
  });

  it('says what is wrong with a screening decision in Spanish', async () => {
    const url = `/admin/applications/${applicationId}/screening`;
    const res = await submitForm(spanish, url, url, { reason: 'no sé' });
    expect(res.status).to.equal(422);
    const text = words(res.text);
    expect(text).to.contain('Hay un problema');
    expect(text).to.contain('Elija elegible o no elegible.');
    expect(res.text).to.contain('no sé');

    const ineligible = await submitForm(spanish, url, url, { decision: 'ineligible' });
    expect(ineligible.status).to.equal(422);
    expect(words(ineligible.text)).to.contain('Explique por qué la escuela no es elegible');

    const en = await submitForm(english, url, url, { reason: 'hmm' });
    expect(en.status).to.equal(422);
    expect(words(en.text)).to.contain('Choose eligible or not eligible.');
  });

  it('shows the extension form in Spanish', async () => {
    const page = words((await spanish.get(`/admin/applications/${applicationId}/extension`)).text);
    expect(page).to.contain('Extender la fecha límite de Lincoln High School');
    expect(page).to.contain('Un día en la zona horaria del programa, UTC.');
    expect(page).to.contain('Exacta al minuto: 23:59 mantiene abierta la postulación');
    expect(page).to.contain('Por ejemplo: el director estaba de licencia médica.');
  });

  it('shows the language of each nomination, in the list, the group page and the CSV', async () => {
    const list = await spanish.get('/admin/nominations');
    expect(list.status).to.equal(200);
    const listText = words(list.text);
    expect(listText).to.contain('Nominaciones');
    expect(listText).to.contain('Escritas en');
    expect(listText).to.contain('1 escuela.');
    expect(list.text).to.match(/<td data-languages>Inglés, Español<\/td>/);
    const href = /href="(\/admin\/nominations\/groups\/[^"]+)">Garfield Elementary<\/a>/.exec(list.text)?.[1];
    expect(href).to.be.a('string');

    const group = await spanish.get(href!);
    const rosa = /<article class="nomination"[^>]*>([\s\S]*?)<\/article>/g;
    const articles = [...group.text.matchAll(rosa)].map((m) => words(m[1]!));
    const rosaText = articles.find((a) => a.includes('Rosa Madre'))!;
    expect(rosaText).to.contain('Idioma Español');
    expect(rosaText).to.contain('Relación con la escuela Madre, padre o tutor');
    expect(rosaText).to.contain('Confirmada');
    expect(articles.find((a) => a.includes('Tom Parent'))).to.contain('Idioma Inglés');
    expect(group.text).to.contain('<blockquote class="answer-text" lang="es">Los maestros conocen a cada estudiante.');
    expect(words(group.text)).to.contain('Invitar a la escuela a postularse');

    const en = await english.get(href!);
    const enArticles = [...en.text.matchAll(rosa)].map((m) => words(m[1]!));
    expect(enArticles.find((a) => a.includes('Rosa Madre'))).to.contain('Language Spanish');
    expect(enArticles.find((a) => a.includes('Tom Parent'))).to.contain('Language English');
    const enList = await english.get('/admin/nominations');
    expect(enList.text).to.contain('<th scope="col">Written in</th>');
    expect(enList.text).to.match(/<td data-languages>English, Spanish<\/td>/);

    const csv = await spanish.get('/admin/nominations.csv').buffer(true);
    const lines = String(csv.text)
      .replace(/^\uFEFF/, '')
      .split('\r\n');
    expect(lines[0]).to.equal(
      'id,convocatoria,estado,escuela,distrito escolar,ciudad,estado (EE. UU.),nombre de quien nomina,correo de quien nomina,relación,criterios,motivo,confirmada el,id de la postulación',
    );
    expect(lines.find((l) => l.includes('rosa@example.com'))).to.contain(',"Madre, padre o tutor",');
  });

  it('says what is missing from an invitation in Spanish', async () => {
    const res = await submitForm(spanish, '/admin/nominations/invite', '/admin/nominations/invite', {
      cycleId: String(cycleId),
      schoolName: '',
      city: '',
      state: '',
      email: 'x',
    });
    expect(res.status).to.equal(422);
    const text = words(res.text);
    expect(text).to.contain('Invitar a una escuela a postularse');
    expect(text).to.contain('Escriba el nombre de la escuela.');
    expect(text).to.contain('Escriba la ciudad o el pueblo.');
    expect(text).to.contain('Elija el estado.');
    expect(text).to.contain('Escriba el correo electrónico del contacto de la escuela');
  });

  it('shows schools, a school and the contact requests in Spanish', async () => {
    const list = words((await spanish.get('/admin/schools')).text);
    expect(list).to.contain('Escuelas');
    expect(list).to.contain('Buscar');
    expect(list).to.contain('Piden unirse');
    const school = words((await spanish.get(`/admin/schools/${schoolId}`)).text);
    expect(school).to.contain('Personas que actúan en nombre de la escuela');
    expect(school).to.contain('Guardar el perfil');
    const contacts = words((await spanish.get('/admin/contacts')).text);
    expect(contacts).to.contain('Personas que piden ser contactos de una escuela');
    expect(contacts).to.contain('No hay solicitudes pendientes.');
    expect(words((await english.get('/admin/contacts')).text)).to.contain('No requests are waiting.');
  });

  it('shows the backups page in Spanish', async () => {
    const page = await spanish.get('/admin/backups');
    expect(page.text).to.contain('<h1>Copias de seguridad</h1>');
    const text = words(page.text);
    expect(text).to.contain('Cada 6 horas en /var/backups/laurel, conservando las 7 más recientes.');
    expect(text).to.contain('npm run backup -- FILE');
    expect(text).to.contain('Todavía no hay copias de seguridad registradas.');
    expect(words((await english.get('/admin/backups')).text)).to.contain(
      'Every 6 hours into /var/backups/laurel, keeping the newest 7.',
    );
  });

  it('tells a reviewer in Spanish that the administration is for admins', async () => {
    const reviewer = h.agent();
    await signIn(reviewer, 'reviewer@uni.example.edu');
    const res = await reviewer.get('/admin/nominations').set('Accept-Language', 'es');
    expect(res.status).to.equal(403);
    expect(words(res.text)).to.contain(
      'Esta página es para administradores del programa, y su cuenta no es de ese tipo.',
    );
  });
});
