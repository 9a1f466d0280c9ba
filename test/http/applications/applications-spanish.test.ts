// The application journey in Spanish: every section of the application in the reader's language,
// the program's own words (questions, criteria) in their Spanish translation where it exists, and
// each answer stored with the language the applicant says it is written in.
import { expect } from 'chai';
import { and, asc, eq } from 'drizzle-orm';
import { applicationAnswers, criteria, eligibilityQuestions, evidenceFiles } from '../../../models/schema.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { createOpenCycle, createUser, signIn } from '../../helpers/factories.js';
import { csrfTokenFrom, readable, submitForm } from '../../helpers/forms.js';
import { addSchool, saveCriterion, startApplication } from '../../helpers/applicant.js';

type Agent = ReturnType<Harness['agent']>;

/** Posts a criterion's multipart form with the answer and, when given, its language. */
async function postAnswer(agent: Agent, pagePath: string, answer: string, language?: string | string[]) {
  const page = await agent.get(pagePath);
  const token = csrfTokenFrom(page.text.replace(/\?_csrf=([^"]+)"/, ' name="_csrf" value="$1"'));
  let request = agent.post(`${pagePath}?_csrf=${encodeURIComponent(token)}`).field('answer', answer);
  for (const value of ([] as string[]).concat(language ?? [])) request = request.field('language', value);
  return request;
}

describe('the application journey in Spanish', () => {
  let h: Harness;
  let applicant: Agent;
  let base: string;
  let applicationId: number;
  let required: Array<typeof criteria.$inferSelect>;

  before(async () => {
    h = await startHarness();
    const cycleId = await createOpenCycle(h.db, h.clock());
    await createUser(h.db, { email: 'directora@lincoln.example.org', name: 'Ana Directora' });
    applicant = h.agent();
    await signIn(applicant, 'directora@lincoln.example.org');
    applicationId = await startApplication(applicant, await addSchool(applicant), cycleId);
    base = `/applications/${applicationId}`;
    required = (
      await h.db.select().from(criteria).where(eq(criteria.cycleId, cycleId)).orderBy(asc(criteria.position))
    ).filter((c) => c.required);
    // The program translated this question and criterion; the zero-tolerance question has only English.
    await h.db
      .update(eligibilityQuestions)
      .set({
        translations: {
          es: {
            prompt: '¿Qué tipo de escuela es?',
            help: 'Las escuelas públicas y chárter son elegibles.',
            options: 'pública\nchárter\nprivada\notra',
          },
        },
      })
      .where(and(eq(eligibilityQuestions.cycleId, cycleId), eq(eligibilityQuestions.key, 'school_type')));
    await h.db
      .update(eligibilityQuestions)
      .set({ translations: {} })
      .where(and(eq(eligibilityQuestions.cycleId, cycleId), eq(eligibilityQuestions.key, 'zero_tolerance')));
    await h.db
      .update(criteria)
      .set({ translations: { es: { title: 'Ampliar las oportunidades de aprendizaje' } } })
      .where(eq(criteria.id, required[0]!.id));
    // The language switcher remembers Spanish on the account.
    expect((await applicant.get('/my/applications?lang=es')).status).to.equal(200);
  });
  after(() => h.close());

  it('shows “My applications” and the overview in Spanish', async () => {
    const mine = readable((await applicant.get('/my/applications')).text);
    expect(mine).to.contain('<html lang="es"');
    expect(mine).to.contain('<h1>Mis postulaciones</h1>');
    expect(mine).to.contain('Termine y envíe la postulación antes del');
    expect(mine).to.contain('Borrador');
    expect(mine).not.to.contain('Finish and submit by');

    const overview = readable((await applicant.get(base)).text);
    expect(overview).to.contain(`Postulación n.º ${applicationId}`);
    expect(overview).to.contain('Ver lo que falta');
    expect(overview).to.contain('Escuela secundaria');
    expect(overview).to.contain('Secciones de la postulación');
  });

  it('asks the eligibility questions in their Spanish translation, and the others as written', async () => {
    const page = readable((await applicant.get(`${base}/eligibility`)).text);
    expect(page).to.contain('<legend>¿Qué tipo de escuela es?</legend>');
    expect(page).to.contain('Las escuelas públicas y chárter son elegibles.');
    expect(page).to.contain('value="private"> privada</label>');
    // Untranslated: the program's own (English) words, with the yes/no answers in Spanish.
    expect(page).to.contain('Does the school use zero-tolerance discipline policies?');
    expect(page).to.contain('value="yes"> Sí</label>');
    expect(page).not.to.contain('What kind of school is it?');
  });

  it('refuses bad eligibility answers with Spanish field messages', async () => {
    const res = await submitForm(applicant, `${base}/eligibility`, `${base}/eligibility`, {
      q_school_type: 'castle',
      q_district_iep_percent: 'mucho',
      q_zero_tolerance: 'maybe',
    });
    expect(res.status).to.equal(422);
    const page = readable(res.text);
    expect(page).to.contain('Elija una de las opciones.');
    expect(page).to.contain('Escriba un número, como 12 o 12.5.');
    expect(page).to.contain('Elija sí o no.');
    expect(page).to.contain('Hay un problema');
  });

  it('refuses a bad school profile with Spanish field messages', async () => {
    const res = await submitForm(applicant, `${base}/profile`, `${base}/profile`, {
      name: '',
      city: 'Portland',
      state: 'OR',
      level: 'high',
      enrollment: 'muchos',
      frlPercent: '120',
      iepPercent: '12',
    });
    expect(res.status).to.equal(422);
    const page = readable(res.text);
    expect(page).to.contain('Escriba el nombre de la escuela.');
    expect(page).to.contain('Escriba el número de estudiantes, como 1250.');
    expect(page).to.contain('como un número del 0 al 100');
    expect(page).to.match(/<option value="high" selected>Escuela secundaria[^<]*<\/option>/);
  });

  it('offers the answer’s language, the page’s by default, and stores the one chosen', async () => {
    const pagePath = `${base}/criteria/${required[0]!.id}`;
    const form = readable((await applicant.get(pagePath)).text);
    expect(form).to.contain('Criterio 1: Ampliar las oportunidades de aprendizaje');
    expect(form).to.contain('Idioma de su respuesta');
    expect(form).to.match(/<option value="es" lang="es" selected>Español<\/option>/);
    expect(form).to.match(/<option value="en" lang="en">English<\/option>/);

    const answer =
      'Nuestra escuela ofrece clases avanzadas a todos los estudiantes, sin exámenes de admisión ni requisitos previos.';
    const saved = await postAnswer(applicant, pagePath, answer, 'es');
    expect(saved.status, saved.text).to.equal(303);
    const [row] = await h.db
      .select()
      .from(applicationAnswers)
      .where(
        and(eq(applicationAnswers.applicationId, applicationId), eq(applicationAnswers.criterionId, required[0]!.id)),
      );
    expect(row?.language).to.equal('es');
    // Accented words count as words: 16 of them.
    expect(row?.wordCount).to.equal(16);
    expect(readable((await applicant.get(pagePath)).text)).to.contain('Se guardó la respuesta.');

    // In English, the same answer is "Written in Spanish", and the form keeps Spanish selected.
    const english = readable((await applicant.get(`${base}/review?lang=en`)).text);
    expect(english).to.contain('16 of 500 words · Written in Spanish');
    expect(readable((await applicant.get(pagePath)).text)).to.match(/<option value="es" lang="es" selected>/);
    const spanish = readable((await applicant.get(`${base}/review?lang=es`)).text);
    expect(spanish).to.contain('16 de 500 palabras · Escrita en español');
    expect(readable((await applicant.get(base)).text)).to.contain('Escrita en español');
  });

  it('refuses an unknown language with a field message, keeping what was typed and the language saved', async () => {
    const pagePath = `${base}/criteria/${required[0]!.id}`;
    for (const language of ['fr', ['es', 'en']]) {
      const res = await postAnswer(applicant, pagePath, 'Otro texto que no se guarda.', language);
      expect(res.status).to.equal(422);
      const page = readable(res.text);
      expect(page).to.contain('Elija el idioma en que está escrita la respuesta.');
      expect(page).to.contain('Otro texto que no se guarda.</textarea>');
    }
    const [row] = await h.db
      .select()
      .from(applicationAnswers)
      .where(
        and(eq(applicationAnswers.applicationId, applicationId), eq(applicationAnswers.criterionId, required[0]!.id)),
      );
    expect(row?.language).to.equal('es');
    expect(row?.answer).to.match(/^Nuestra escuela/);
  });

  it('says in Spanish when an answer is over the word limit, and lists what is missing', async () => {
    const pagePath = `${base}/criteria/${required[1]!.id}`;
    const res = await postAnswer(applicant, pagePath, Array.from({ length: 501 }, () => 'educación').join(' '), 'es');
    expect(res.status).to.equal(422);
    expect(readable(res.text)).to.contain('Se guardó, pero la respuesta tiene 501 palabras y el límite es de 500.');

    const review = readable((await applicant.get(`${base}/review`)).text);
    expect(review).to.contain('<h2>Revisar y enviar</h2>');
    expect(review).to.contain('Elegibilidad: responda “¿Qué tipo de escuela es?”');
    expect(review).to.contain('Perfil de la escuela');
    expect(review).to.contain('la respuesta tiene 501 palabras; el límite es de 500.');
    const submit = await submitForm(applicant, `${base}/review`, `${base}/submit`, {});
    expect(submit.status).to.equal(422);
    expect(readable(submit.text)).to.contain('La postulación todavía no está completa.');
  });

  it('shows the criteria choice in Spanish and refuses too many with a Spanish message', async () => {
    const page = readable((await applicant.get(`${base}/criteria`)).text);
    expect(page).to.contain(
      'Todas las escuelas responden los criterios obligatorios y eligen <strong>4</strong> de los demás.',
    );
    const ids = [...page.matchAll(/name="chosen" value="(\d+)"/g)].map((m) => m[1]!);
    const res = await submitForm(applicant, `${base}/criteria`, `${base}/criteria`, { chosen: ids.slice(0, 5) });
    expect(res.status).to.equal(422);
    expect(readable(res.text)).to.contain('Elija como máximo 4 de los criterios opcionales; usted marcó 5.');
  });

  it('lists in Spanish why each file was refused', async () => {
    const res = await saveCriterion(applicant, applicationId, required[0]!.id, {
      files: [{ name: 'fake.pdf' }, { name: 'empty.pdf' }],
    });
    expect(res.status).to.equal(422);
    const page = readable(res.text);
    expect(page).to.contain(
      '<li>“fake.pdf” parece ser texto sin formato, no un PDF. ' +
        'Suba un archivo PDF, Word (.doc, .docx), Excel (.xls, .xlsx), PNG o JPEG.</li>',
    );
    expect(page).to.contain('<li>“empty.pdf” está vacío. Revise el archivo y vuelva a elegirlo.</li>');
    expect(page).not.to.contain('looks like');
    expect(await h.db.select().from(evidenceFiles).where(eq(evidenceFiles.applicationId, applicationId))).to.deep.equal(
      [],
    );
  });
});
