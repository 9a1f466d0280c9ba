// Honoree texts in every language: the citation and profile in the program's main language and
// in Spanish, edited side by side; a missing translation is pointed out on the decisions list and
// the publishing preview without stopping publication; the admin pages of decisions and
// publishing in Spanish; drafts written in the program's main language only.
import { expect } from 'chai';
import { eq } from 'drizzle-orm';
import { applicationAnswers, applications, criteria, decisions, programs, schools } from '../../../models/schema.js';
import { schoolMatchKey } from '../../../server/services/schools/match-key.js';
import { forgetSiteIdentity } from '../../../server/services/programs/identity.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { closeApplicationsOf, createOpenCycle, createUser, signIn } from '../../helpers/factories.js';
import { readable, submitForm } from '../../helpers/forms.js';

type Agent = ReturnType<Harness['agent']>;

/** The text of each textarea of a page, by name, as a browser would send it back. */
function textareas(html: string): Record<string, string> {
  return Object.fromEntries(
    [...html.matchAll(/<textarea id="[^"]+" name="([^"]+)"[^>]*>([^<]*)<\/textarea>/g)].map((m) => [
      m[1]!,
      readable(m[2]!),
    ]),
  );
}

describe('honoree texts in English and Spanish, and the decisions pages in Spanish', () => {
  let h: Harness;
  let admin: Agent;
  let cycleId: number;
  let lincoln: number;
  let cedar: number;

  async function addApplication(name: string, city: string) {
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
        matchKey: schoolMatchKey(name, city, 'OR'),
      })
      .returning();
    const [app] = await h.db
      .insert(applications)
      .values({ cycleId, schoolId: school!.id, status: 'eligible', submittedAt: h.clock() })
      .returning();
    const [first] = await h.db.select().from(criteria).where(eq(criteria.cycleId, cycleId)).limit(1);
    await h.db
      .insert(applicationAnswers)
      .values({ applicationId: app!.id, criterionId: first!.id, chosen: true, answer: '' });
    return app!.id;
  }

  const decide = (applicationId: number, level: string) =>
    submitForm(admin, `/admin/cycles/${cycleId}/decisions`, `/admin/decisions/${applicationId}`, {
      level,
      cycleId: String(cycleId),
      overrideReason: 'The texts are under test, not the reviews.',
    });
  const profileUrl = (applicationId: number) => `/admin/decisions/${applicationId}/profile`;
  const saveProfile = (applicationId: number, fields: Record<string, string | string[]>) =>
    submitForm(admin, profileUrl(applicationId), profileUrl(applicationId), fields);
  const translationsOf = async (applicationId: number) =>
    (await h.db.select().from(decisions).where(eq(decisions.applicationId, applicationId)))[0]!.translations;

  before(async () => {
    h = await startHarness();
    cycleId = await createOpenCycle(h.db, h.clock());
    await createUser(h.db, { email: 'admin@program.example.org', name: 'Ada Admin', roles: ['admin'] });
    lincoln = await addApplication('Lincoln High School', 'Portland');
    cedar = await addApplication('Cedar High School', 'Eugene');
    await closeApplicationsOf(h.db, cycleId, h.clock());
    admin = h.agent();
    await signIn(admin, 'admin@program.example.org');
    expect((await decide(lincoln, 'gold')).status).to.equal(303);
  });
  after(() => h.close());

  it('shows the English and the Spanish citation and profile side by side', async () => {
    const page = await admin.get(profileUrl(lincoln));
    expect(page.status).to.equal(200);
    expect(Object.keys(textareas(page.text)).slice(0, 4)).to.deep.equal([
      'citation',
      'citation__es',
      'profile',
      'profile__es',
    ]);
    const citations = /<fieldset class="translated-field" id="citation-texts">([\s\S]*?)<\/fieldset>/.exec(
      page.text,
    )![1]!;
    expect(citations).to.contain('<label for="citation" lang="en">English (main language)</label>');
    expect(citations).to.contain('<label for="citation__es" lang="en">Spanish</label>');
    expect(citations).to.contain('Optional. Left empty, people reading in Spanish see the English text.');
    expect(page.text).to.contain('Drafts are written in English only, the program’s main language');
  });

  it('points out a missing Spanish citation and profile on the list and the preview, without blocking publishing', async () => {
    const list = readable((await admin.get(`/admin/cycles/${cycleId}/decisions`)).text);
    expect(list).to.contain(
      '<span class="muted" data-missing-translation="es">No Spanish citation or profile yet</span>',
    );
    const preview = readable((await admin.get(`/admin/cycles/${cycleId}/publish`)).text);
    expect(preview).to.contain(
      '1 honoree has no Spanish citation or profile yet. Until they are written, people reading in Spanish see the English texts instead. This does not stop publishing.',
    );
    expect(preview).to.contain('data-missing-translation="es">No Spanish citation or profile yet</span>');
    // What stops this preview is the undecided Cedar application, not the translation.
    const problems = /Not ready to publish:<\/p><ul>([\s\S]*?)<\/ul>/.exec(preview)![1]!;
    expect(problems).to.equal('<li>1 eligible application has no decision yet.</li>');
  });

  it('saves a Spanish citation and profile beside the English ones and shows both again', async () => {
    const texts = textareas((await admin.get(profileUrl(lincoln))).text);
    const saved = await saveProfile(lincoln, {
      ...texts,
      citation: 'For opening every course to every student.',
      citation__es: 'Por abrir todos los cursos a todos los estudiantes.',
      profile__es: 'Primer párrafo.\r\n\r\nSegundo párrafo.',
    });
    expect(saved.status).to.equal(303);
    const [row] = await h.db.select().from(decisions).where(eq(decisions.applicationId, lincoln));
    expect(row!.citation).to.equal('For opening every course to every student.');
    expect(row!.translations).to.deep.equal({
      es: {
        citation: 'Por abrir todos los cursos a todos los estudiantes.',
        profile: 'Primer párrafo.\n\nSegundo párrafo.',
      },
    });
    const again = textareas((await admin.get(profileUrl(lincoln))).text);
    expect(again).to.include({
      citation: 'For opening every course to every student.',
      citation__es: 'Por abrir todos los cursos a todos los estudiantes.',
      profile__es: 'Primer párrafo.\n\nSegundo párrafo.',
    });
    expect(again.profile).to.equal(row!.profile);

    // Filled in, the notes are gone.
    const list = (await admin.get(`/admin/cycles/${cycleId}/decisions`)).text;
    expect(list).not.to.contain('data-missing-translation');
    const preview = (await admin.get(`/admin/cycles/${cycleId}/publish`)).text;
    expect(preview).not.to.contain('no Spanish citation or profile yet');
    expect(preview).not.to.contain('data-missing-translation');
  });

  it('names only the text still missing, and an emptied translation falls back again', async () => {
    const texts = textareas((await admin.get(profileUrl(lincoln))).text);
    expect((await saveProfile(lincoln, { ...texts, profile__es: '  ' })).status).to.equal(303);
    expect(await translationsOf(lincoln)).to.deep.equal({
      es: { citation: 'Por abrir todos los cursos a todos los estudiantes.' },
    });
    const list = readable((await admin.get(`/admin/cycles/${cycleId}/decisions`)).text);
    expect(list).to.contain('data-missing-translation="es">No Spanish profile yet</span>');
    expect(list).not.to.contain('No Spanish citation');
  });

  it('refuses overlong and hostile translations with a message beside the field, keeping what was typed', async () => {
    const before = await translationsOf(lincoln);
    const texts = textareas((await admin.get(profileUrl(lincoln))).text);
    const tooLong = await saveProfile(lincoln, {
      ...texts,
      citation__es: 'x'.repeat(301),
      profile__es: 'Un perfil con un carácter de escape\u001b[31m escondido.',
    });
    expect(tooLong.status).to.equal(422);
    const page = readable(tooLong.text);
    expect(page).to.match(/id="citation__es-error"[^>]*>[^]*?Use at most 300 characters \(this has 301\)\./);
    expect(page).to.match(/id="profile__es-error"[^>]*>[^]*?Remove the invisible control characters from this text/);
    expect(page).to.contain('<a href="#citation__es">Use at most 300 characters (this has 301).</a>');
    expect(page).to.contain(
      'aria-describedby="citation-hint citation__es-fallback citation__es-error" aria-invalid="true"',
    );
    expect(textareas(tooLong.text)).to.include({ citation__es: 'x'.repeat(301), citation: texts.citation });
    // A control character in the main text is refused too.
    const nul = await saveProfile(lincoln, { ...texts, citation: 'Bell\u0007' });
    expect(nul.status).to.equal(422);
    expect(readable(nul.text)).to.match(/id="citation-error"[^>]*>[^]*?Remove the invisible control characters/);
    // Sent twice (forged), a translation is left as it was; unknown languages are ignored.
    const twice = await saveProfile(lincoln, { ...texts, citation__es: ['uno', 'dos'], citation__xx: 'nope' });
    expect(twice.status).to.equal(303);
    expect(await translationsOf(lincoln)).to.deep.equal(before);
  });

  it('writes the decisions, profile and publishing pages in Spanish', async () => {
    const es = (url: string) => admin.get(url).set('Accept-Language', 'es');
    const list = readable((await es(`/admin/cycles/${cycleId}/decisions`)).text);
    expect(list).to.contain('<html lang="es">');
    expect(list).to.contain('Oro 1 · Plata 0 · No seleccionadas 0 · Sin decidir 1');
    expect(list).to.contain(
      '1 postulación elegible no tiene decisión todavía; 1 de ellas tiene menos evaluaciones de las que pidió su ronda.',
    );
    expect(list).to.contain('Falta el perfil en español');
    expect(list).to.contain('<span class="badge badge-gold">Oro</span>');
    expect(list).to.contain('<label for="filter">Mostrar</label>');
    expect(list).to.contain('<option value="undecided">Sin decidir</option>');
    expect(list).not.to.match(/Mark the rest|Undecided|Citation and profile/);

    const profile = readable((await es(profileUrl(lincoln))).text);
    expect(profile).to.contain('<label for="citation" lang="es">Inglés (idioma principal)</label>');
    expect(profile).to.contain('<label for="citation__es" lang="es">Español</label>');
    expect(profile).to.contain('Opcional. Si lo deja vacío, quienes leen en español ven el texto en inglés.');
    expect(profile).to.contain('Guardar el perfil');
    expect(profile).not.to.match(/Save the profile|Highlights per criterion|Read the application/);

    const preview = readable((await es(`/admin/cycles/${cycleId}/publish`)).text);
    expect(preview).to.contain('Situación de la convocatoria: <strong>En decisiones</strong>.');
    expect(preview).to.contain('1 postulación elegible no tiene decisión todavía.');
    expect(preview).to.contain('<li>0 a contactos de escuelas de nivel Oro</li>');
    expect(preview).not.to.match(/Outcomes|Honorees to publish|Not ready to publish/);

    const audit = readable((await es('/admin/audit')).text);
    expect(audit).to.contain('Registro de actividad');
    expect(audit).to.contain('<th scope="col">Cuándo</th><th scope="col">Quién</th>');
  });

  it('gives service messages in Spanish: a refused decision and a refused profile', async () => {
    const bad = await submitForm(admin, `/admin/cycles/${cycleId}/decisions`, `/admin/decisions/${cedar}`, {
      level: 'platinum',
      cycleId: String(cycleId),
    });
    const flashed = readable((await admin.get(bad.headers.location!).set('Accept-Language', 'es')).text);
    expect(flashed).to.contain('Elija Oro, Plata o no seleccionada.');
    const page = await admin.get(`${profileUrl(lincoln)}?lang=es`);
    const form = new URLSearchParams({ _csrf: /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!, citation: ' ' });
    const refused = await admin
      .post(profileUrl(lincoln))
      .set('Accept-Language', 'es')
      .type('form')
      .send(form.toString());
    expect(refused.status).to.equal(422);
    expect(readable(refused.text)).to.contain(
      'Escriba la cita: una o dos oraciones que aparecen junto al nombre de la escuela.',
    );
    // ?lang=es chose Spanish for this account; back to English for the tests that follow.
    await admin.get('/admin?lang=en');
  });

  it('drafts a new honoree’s texts in the program’s main language only, with English as the other column', async () => {
    await h.db.update(programs).set({ defaultLanguage: 'es' });
    forgetSiteIdentity(h.db);
    expect((await decide(cedar, 'silver')).status).to.equal(303);
    const [row] = await h.db.select().from(decisions).where(eq(decisions.applicationId, cedar));
    expect(row!.profile).to.match(
      /^Cedar High School es una escuela secundaria en Eugene, OR \(Eugene Public Schools\), con 1540 estudiantes; el 38[.,]5 % tiene derecho a almuerzo gratuito o a precio reducido\.$/,
    );
    expect(row!.translations).to.deep.equal({});
    const page = readable((await admin.get(profileUrl(cedar)).set('Accept-Language', 'en')).text);
    expect(page).to.contain('<label for="citation" lang="en">Spanish (main language)</label>');
    expect(page).to.contain('<label for="citation__en" lang="en">English</label>');
    expect(page).to.contain('Drafts are written in Spanish only');
    const list = readable((await admin.get(`/admin/cycles/${cycleId}/decisions`).set('Accept-Language', 'en')).text);
    expect(list).to.contain('data-missing-translation="en">No English citation or profile yet</span>');
  });
});
