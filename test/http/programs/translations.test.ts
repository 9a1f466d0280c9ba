// The program's own words in both languages: each translatable text is edited next to its
// translation, checked like the column, stored in `translations`, and missing ones are named on
// the lists. The admin pages speak Spanish too.
import { expect } from 'chai';
import { eq } from 'drizzle-orm';
import { criteria, cycles, eligibilityQuestions, programs } from '../../../models/schema.js';
import { createUser, signIn } from '../../helpers/factories.js';
import { readable, submitForm } from '../../helpers/forms.js';
import { startHarness, type Harness } from '../../helpers/harness.js';

type Agent = ReturnType<Harness['agent']>;

const CYCLE = {
  year: '2027',
  name: 'Schools of Opportunity 2027',
  opensAt: '2027-01-15',
  nominationsCloseAt: '2027-02-15',
  applicationsCloseAt: '2027-03-15',
  reviewsDueAt: '2027-05-01',
  announcementAt: '2027-06-01',
  scoreMin: '1',
  scoreMax: '5',
  maxFileMb: '20',
  maxApplicationMb: '100',
  maxFilesPerCriterion: '10',
};

const CRITERION = {
  title: 'A healthy school culture',
  guidance: 'Fair, restorative discipline.',
  evidenceRequested: 'Code of conduct.',
  weight: '1',
  required: 'required',
  wordLimit: '500',
};

describe('admin: the program’s texts in English and Spanish', () => {
  let h: Harness;
  let admin: Agent;
  let programId: number;
  let cycleId: number;
  let criterionId: number;

  const post = (page: string, fields: Record<string, string>) => submitForm(admin, page, page, fields);
  const criterionRow = async () => (await h.db.select().from(criteria).where(eq(criteria.id, criterionId)))[0]!;

  before(async () => {
    h = await startHarness();
    await createUser(h.db, { email: 'admin@example.org', name: 'Ada Admin', roles: ['admin'] });
    admin = h.agent();
    await signIn(admin, 'admin@example.org');
    const created = await post('/admin/programs/new', { name: 'Schools of Opportunity', slug: 'soo' });
    programId = Number(/\/admin\/programs\/(\d+)$/.exec(created.headers.location!)![1]);
    const cycle = await post(`/admin/programs/${programId}/cycles/new`, CYCLE);
    cycleId = Number(/\/admin\/cycles\/(\d+)$/.exec(cycle.headers.location!)![1]);
  });
  after(() => h.close());

  it('stores a criterion in English and Spanish, and its form shows both side by side', async () => {
    const res = await post(`/admin/cycles/${cycleId}/criteria/new`, {
      ...CRITERION,
      title__es: 'Un ambiente escolar sano',
      guidance__es: 'Disciplina justa y restaurativa.',
      evidenceRequested__es: 'Código de conducta.',
    });
    expect(res.status).to.equal(303);
    const [row] = await h.db.select().from(criteria).where(eq(criteria.cycleId, cycleId));
    criterionId = row!.id;
    expect(row!.title).to.equal('A healthy school culture');
    expect(row!.translations).to.deep.equal({
      es: {
        title: 'Un ambiente escolar sano',
        guidance: 'Disciplina justa y restaurativa.',
        evidenceRequested: 'Código de conducta.',
      },
    });
    const form = await admin.get(`/admin/criteria/${criterionId}/edit`);
    expect(form.text).to.match(/<label for="title">Title \(English\)/);
    expect(form.text).to.match(/<label for="title__es">Title \(Spanish\)/);
    expect(form.text).to.match(/id="title" name="title"[^>]*value="A healthy school culture"/);
    expect(form.text).to.match(/id="title__es" name="title__es"[^>]*value="Un ambiente escolar sano"/);
    expect(form.text).to.contain('>Disciplina justa y restaurativa.</textarea>');
  });

  it('re-renders an overlong or hostile translation with a message beside it, keeping everything typed', async () => {
    const page = `/admin/criteria/${criterionId}/edit`;
    const res = await post(page, {
      ...CRITERION,
      title: 'A healthy, welcoming culture',
      title__es: 'x'.repeat(201),
      guidance__es: '<script>alert(1)</script>',
    });
    expect(res.status).to.equal(422);
    expect(readable(res.text)).to.contain('Use at most 200 characters (this has 201).');
    expect(res.text).to.contain('href="#title__es"');
    expect(res.text).to.match(/id="title__es"[^>]*aria-invalid="true"/);
    expect(res.text).to.contain('value="A healthy, welcoming culture"');
    expect(res.text).to.contain('&lt;script&gt;alert(1)&lt;/script&gt;</textarea>');
    expect(res.text).not.to.contain('<script>alert(1)</script>');
    // Nothing was saved.
    expect((await criterionRow()).title).to.equal('A healthy school culture');
  });

  it('stores a hostile translation as text, and ignores languages and fields it does not know', async () => {
    const page = `/admin/criteria/${criterionId}/edit`;
    const res = await post(page, {
      ...CRITERION,
      title__es: 'Un ambiente <b>sano</b>',
      title__fr: 'Une culture scolaire saine',
      title__en: 'Sneaked into the default',
      weight__es: '7',
      __proto__es: 'x',
    });
    expect(res.status).to.equal(303);
    const row = await criterionRow();
    expect(row.title).to.equal('A healthy school culture');
    expect(Object.keys(row.translations)).to.deep.equal(['es']);
    expect(row.translations.es).to.deep.equal({
      title: 'Un ambiente <b>sano</b>',
      guidance: 'Disciplina justa y restaurativa.',
      evidenceRequested: 'Código de conducta.',
    });
  });

  it('names the missing translation on the cycle page until it is given', async () => {
    await post(`/admin/criteria/${criterionId}/edit`, {
      ...CRITERION,
      title__es: 'Un ambiente escolar sano',
      guidance__es: '',
      evidenceRequested__es: '',
    });
    const before = await admin.get(`/admin/cycles/${cycleId}`);
    expect(readable(before.text)).to.match(/A healthy school culture<\/strong>[\s\S]*?Spanish missing/);
    await post(`/admin/criteria/${criterionId}/edit`, {
      ...CRITERION,
      title__es: 'Un ambiente escolar sano',
      guidance__es: 'Disciplina justa y restaurativa.',
      evidenceRequested__es: 'Código de conducta.',
    });
    const after = await admin.get(`/admin/cycles/${cycleId}`);
    expect(after.text).not.to.match(
      new RegExp(`id="criterion-${criterionId}"[\\s\\S]*?Spanish missing[\\s\\S]*?</tr>`),
    );
    // The cycle's own name has no Spanish yet: the cycle page and the program page say so.
    expect(after.text).to.contain('id="cycle-missing"');
    const program = await admin.get(`/admin/programs/${programId}`);
    expect(program.text).to.contain('Spanish missing');
    const saved = await post(`/admin/cycles/${cycleId}/edit`, {
      ...CYCLE,
      optionalChoiceCount: '0',
      name__es: 'Schools of Opportunity, convocatoria 2027',
    });
    expect(
      saved.status,
      readable(saved.text)
        .replace(/[\s\S]*There is a problem/, '')
        .slice(0, 600),
    ).to.equal(303);
    const [cycle] = await h.db.select().from(cycles).where(eq(cycles.id, cycleId));
    expect(cycle!.translations).to.deep.equal({ es: { name: 'Schools of Opportunity, convocatoria 2027' } });
    expect((await admin.get(`/admin/cycles/${cycleId}`)).text).not.to.contain('id="cycle-missing"');
  });

  it('keeps eligibility option labels per language, one per option, and notes a missing one', async () => {
    const page = `/admin/cycles/${cycleId}/eligibility/questions/new`;
    const question = {
      key: 'school_type',
      prompt: 'What kind of school is it?',
      kind: 'choice',
      options: 'public\ncharter',
      prompt__es: '¿Qué tipo de escuela es?',
    };
    const wrongCount = await post(page, { ...question, options__es: 'Pública' });
    expect(wrongCount.status).to.equal(422);
    expect(readable(wrongCount.text)).to.contain(
      'Give one label per option, in the same order as the options (2 options)',
    );
    expect(await post(page, question)).to.have.property('status', 303);
    const list = await admin.get(`/admin/cycles/${cycleId}/eligibility`);
    expect(list.text).to.contain('Spanish missing');
    const [row] = await h.db.select().from(eligibilityQuestions).where(eq(eligibilityQuestions.cycleId, cycleId));
    const edit = `/admin/eligibility/questions/${row!.id}/edit`;
    expect(await post(edit, { ...question, options__es: 'Pública\nChárter' })).to.have.property('status', 303);
    const [saved] = await h.db.select().from(eligibilityQuestions).where(eq(eligibilityQuestions.id, row!.id));
    expect(saved!.options).to.deep.equal(['public', 'charter']);
    expect(saved!.translations).to.deep.equal({
      es: { prompt: '¿Qué tipo de escuela es?', options: 'Pública\nChárter' },
    });
    expect((await admin.get(`/admin/cycles/${cycleId}/eligibility`)).text).not.to.contain('Spanish missing');
  });

  it('shows the admin pages in Spanish', async () => {
    const cyclePage = await admin.get(`/admin/cycles/${cycleId}?lang=es`);
    expect(cyclePage.text).to.contain('<html lang="es"');
    expect(cyclePage.text).to.contain('Todavía no está abierta');
    expect(cyclePage.text).to.contain('Agregar un criterio');
    const form = await admin.get(`/admin/criteria/${criterionId}/edit?lang=es`);
    expect(form.text).to.match(/<label for="title">Título \(inglés\)/);
    expect(form.text).to.match(/<label for="title__es">Título \(español\)/);
    const refused = await submitForm(
      admin,
      `/admin/cycles/${cycleId}/criteria/new?lang=es`,
      `/admin/cycles/${cycleId}/criteria/new`,
      {
        ...CRITERION,
        title: '',
      },
    );
    expect(refused.status).to.equal(422);
    expect(readable(refused.text)).to.contain('Escriba el título del criterio.');
    // A number's message names the field in Spanish too, not only the sentence around it.
    const tiny = await submitForm(
      admin,
      `/admin/cycles/${cycleId}/criteria/new?lang=es`,
      `/admin/cycles/${cycleId}/criteria/new`,
      { ...CRITERION, wordLimit: '5' },
    );
    expect(tiny.status).to.equal(422);
    expect(readable(tiny.text)).to.contain('Escriba el límite de palabras entre 10 y 20000.');
    const eligibility = await admin.get(`/admin/cycles/${cycleId}/eligibility?lang=es`);
    expect(eligibility.text).to.contain('Reglas automáticas');
    expect(eligibility.text).to.contain('Elección de una lista');
    const program = await admin.get(`/admin/programs/${programId}/edit?lang=es`);
    expect(program.text).to.contain('Idioma de los textos del programa');
  });

  it('changes the default language: translated texts become the columns, the old ones their translations', async () => {
    await admin.get('/admin/programs?lang=en');
    await post(`/admin/programs/${programId}/edit`, {
      name: 'Schools of Opportunity',
      slug: 'soo',
      description: 'Recognizing schools.',
      description__es: 'Reconoce a las escuelas.',
      timeZone: 'UTC',
      defaultLanguage: 'en',
    });
    const bad = await post(`/admin/programs/${programId}/edit`, {
      name: 'Schools of Opportunity',
      slug: 'soo',
      timeZone: 'UTC',
      defaultLanguage: 'klingon',
    });
    expect(bad.status).to.equal(422);
    expect(readable(bad.text)).to.contain('Choose the language of the program’s texts from the list.');
    const res = await post(`/admin/programs/${programId}/edit`, {
      name: 'Schools of Opportunity',
      slug: 'soo',
      description: 'Recognizing schools.',
      description__es: 'Reconoce a las escuelas.',
      timeZone: 'UTC',
      defaultLanguage: 'es',
    });
    expect(res.status).to.equal(303);
    const [program] = await h.db.select().from(programs).where(eq(programs.id, programId));
    expect(program!.defaultLanguage).to.equal('es');
    expect(program!.description).to.equal('Reconoce a las escuelas.');
    expect(program!.translations.en).to.deep.equal({ description: 'Recognizing schools.' });
    const row = await criterionRow();
    expect(row.title).to.equal('Un ambiente escolar sano');
    expect(row.translations).to.deep.equal({
      en: {
        title: 'A healthy school culture',
        guidance: 'Fair, restorative discipline.',
        evidenceRequested: 'Code of conduct.',
      },
    });
    const page = await admin.get(`/admin/programs/${programId}`);
    expect(page.text).to.match(/id="program-language">Español</);
    const form = await admin.get(`/admin/criteria/${criterionId}/edit`);
    expect(form.text).to.match(/<label for="title">Title \(Spanish\)/);
    expect(form.text).to.match(/id="title__en"[^>]*value="A healthy school culture"/);
  });
});
