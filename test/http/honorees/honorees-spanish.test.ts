// The public pages in Spanish: the program's own words (name, description, cycle, criteria,
// citations, profiles) in Spanish where the program wrote them, its default words where not, and
// open data carrying both languages.
import { expect } from 'chai';
import { asc, eq } from 'drizzle-orm';
import { applications, criteria, cycles, decisions, programs, schools } from '../../../models/schema.js';
import { DEMO_CRITERIA, demoCycleDates } from '../../../server/cli/demo-data.js';
import { snapshotHonoreeSchools } from '../../../server/services/decisions/publishing.js';
import { schoolMatchKey } from '../../../server/services/schools/match-key.js';
import { startHarness, TEST_BASE_URL, type Harness } from '../../helpers/harness.js';
import { createOpenCycle } from '../../helpers/factories.js';
import { readable } from '../../helpers/forms.js';

const LINCOLN_CITATION = 'For opening every advanced course to every student.';
const LINCOLN_CITATION_ES = 'Por abrir cada curso avanzado a cada estudiante.';
const GRANT_CITATION = 'For a ninth grade where nobody is left behind.';

describe('the public pages in Spanish', () => {
  let h: Harness;
  let currentCycle: number;
  let cycle2025: number;
  let translatedTitle: string;
  let untranslatedTitle: string;

  async function addHonoree(
    school: { name: string; city: string },
    slug: string,
    extra: Partial<typeof decisions.$inferInsert>,
  ) {
    const [s] = await h.db
      .insert(schools)
      .values({
        ...school,
        state: 'OR',
        district: `${school.city} District`,
        level: 'high',
        matchKey: schoolMatchKey(school.name, school.city, 'OR'),
      })
      .returning();
    const [a] = await h.db
      .insert(applications)
      .values({ cycleId: cycle2025, schoolId: s!.id, status: 'eligible', submittedAt: h.clock() })
      .returning();
    await h.db
      .insert(decisions)
      .values({ applicationId: a!.id, cycleId: cycle2025, level: 'gold', decidedAt: h.clock(), slug, ...extra });
  }

  before(async () => {
    h = await startHarness();
    currentCycle = await createOpenCycle(h.db, h.clock());
    const [current] = await h.db.select().from(cycles).where(eq(cycles.id, currentCycle));
    await h.db
      .update(programs)
      .set({
        translations: {
          es: { name: 'Escuelas de Oportunidad', description: 'Un programa que reconoce a escuelas públicas.' },
        },
      })
      .where(eq(programs.id, current!.programId));
    await h.db
      .update(cycles)
      .set({ translations: { es: { name: 'Escuelas de Oportunidad 2026–2027' } } })
      .where(eq(cycles.id, currentCycle));
    const list = await h.db
      .select()
      .from(criteria)
      .where(eq(criteria.cycleId, currentCycle))
      .orderBy(asc(criteria.position));
    const translated = list.find((c) => c.required)!;
    translatedTitle = translated.title;
    const untranslated = list.find((c) => c.required && c.id !== translated.id)!;
    untranslatedTitle = untranslated.title;
    // The demo criteria come with Spanish: this one is left without, as a program may.
    await h.db.update(criteria).set({ translations: {} }).where(eq(criteria.id, untranslated.id));
    await h.db
      .update(criteria)
      .set({
        translations: {
          es: { title: 'Una cultura escolar sana', guidance: 'Cómo la escuela cuida a cada estudiante.' },
        },
      })
      .where(eq(criteria.id, translated.id));

    const [c] = await h.db
      .insert(cycles)
      .values({
        programId: current!.programId,
        year: 2025,
        name: 'Schools of Opportunity 2025–2026',
        translations: { es: { name: 'Escuelas de Oportunidad 2025–2026' } },
        ...demoCycleDates(new Date('2025-10-01T00:00:00Z')),
        optionalChoiceCount: 4,
        publishedAt: new Date('2026-05-01T12:00:00Z'),
      })
      .returning();
    cycle2025 = c!.id;
    await h.db
      .insert(criteria)
      .values(DEMO_CRITERIA.map((crit, i) => ({ ...crit, cycleId: cycle2025, position: i + 1 })));
    await addHonoree({ name: 'Lincoln High School', city: 'Portland' }, 'lincoln-high-school', {
      citation: LINCOLN_CITATION,
      profile: 'Lincoln detracked its ninth grade in 2019.',
      translations: {
        es: { citation: LINCOLN_CITATION_ES, profile: 'Lincoln eliminó los grupos por nivel en noveno grado en 2019.' },
      },
    });
    // No Spanish written for this one: Spanish readers get the program's English.
    await addHonoree({ name: 'Grant High School', city: 'Eugene' }, 'grant-high-school', {
      citation: GRANT_CITATION,
      profile: 'Grant pairs every ninth grader with a mentor.',
    });
    await snapshotHonoreeSchools(h.db, cycle2025);
  });
  after(() => h.close());

  it('home page: the program, its cycle and its criteria in Spanish, the rest in the default language', async () => {
    const page = readable((await h.agent().get('/?lang=es')).text);
    expect(page).to.contain('<h1>Escuelas de Oportunidad</h1>');
    expect(page).to.contain('<p class="lead">Un programa que reconoce a escuelas públicas.</p>');
    expect(page).to.contain('<h2 id="cycle-title">Escuelas de Oportunidad 2026–2027</h2>');
    expect(page).to.contain('Las postulaciones están abiertas hasta el ');
    expect(page).to.contain('<a class="button" href="/my/applications">Postular a su escuela</a>');
    expect(page).to.contain('<dt>Cierran las nominaciones</dt>');
    expect(page).to.contain(
      '<li><strong>Una cultura escolar sana</strong><p>Cómo la escuela cuida a cada estudiante.</p></li>',
    );
    expect(page).to.contain(`<li><strong>${untranslatedTitle}</strong>`);
    expect(page).not.to.contain(translatedTitle);

    const english = readable((await h.agent().get('/')).text);
    expect(english).to.contain('<h1>Schools of Opportunity</h1>');
    expect(english).to.contain('Applications are open until ');
    expect(english).to.contain(`<li><strong>${translatedTitle}</strong>`);
  });

  it('criteria page in Spanish, with the cycle’s Spanish name', async () => {
    const res = await h.agent().get(`/cycles/${currentCycle}/criteria`).set('Accept-Language', 'es-US,es;q=0.9');
    expect(res.status).to.equal(200);
    const page = readable(res.text);
    expect(page).to.contain('<title>Los criterios de Escuelas de Oportunidad 2026–2027 · ');
    expect(page).to.contain('Cada escuela responde los 2 criterios obligatorios y luego elige 4 de los otros 8.');
    expect(page).to.contain('<strong>Una cultura escolar sana</strong><p>Cómo la escuela cuida a cada estudiante.</p>');
    expect(page).to.contain(`<strong>${untranslatedTitle}</strong>`);
    expect(page).to.contain('<h2>Obligatorios</h2>');
    expect(page).to.match(/Evidencia: /);
  });

  it('an honoree’s page in Spanish: its Spanish citation and profile, or its own words marked as English', async () => {
    const lincoln = readable((await h.agent().get('/honorees/2025/lincoln-high-school?lang=es')).text);
    expect(lincoln).to.contain(
      '<title>Lincoln High School, reconocida con Oro en Escuelas de Oportunidad 2025–2026 · ',
    );
    expect(lincoln).to.contain(
      '<span class="badge badge-gold">Oro</span> escuela reconocida en Escuelas de Oportunidad 2025–2026</p>',
    );
    expect(lincoln).to.contain(`<p class="lead">${LINCOLN_CITATION_ES}</p>`);
    expect(lincoln).to.contain('<p>Lincoln eliminó los grupos por nivel en noveno grado en 2019.</p>');
    expect(lincoln).to.contain('<dt>Ubicación</dt><dd>Portland, OR</dd>');
    expect(lincoln).not.to.contain(LINCOLN_CITATION);

    const grant = readable((await h.agent().get('/honorees/2025/grant-high-school?lang=es')).text);
    expect(grant).to.contain(`<p class="lead" lang="en">${GRANT_CITATION}</p>`);
    expect(grant).to.contain('<div lang="en">');
    expect(grant).to.contain('<h2>Perfil</h2>');

    const english = readable((await h.agent().get('/honorees/2025/lincoln-high-school')).text);
    expect(english).to.contain(`<p class="lead">${LINCOLN_CITATION}</p>`);
    expect(english).to.contain(
      '<span class="badge badge-gold">Gold</span> honoree of Schools of Opportunity 2025–2026',
    );
  });

  it('the list in Spanish, its filters and counts included', async () => {
    const page = readable((await h.agent().get('/honorees?lang=es&year=2025&level=gold')).text);
    expect(page).to.contain('<h1>Escuelas reconocidas con Oro de 2025</h1>');
    expect(page).to.contain('<p id="result-count">2 escuelas reconocidas</p>');
    expect(page).to.contain(`<p>${LINCOLN_CITATION_ES}</p>`);
    expect(page).to.contain(`<p lang="en">${GRANT_CITATION}</p>`);
    expect(page).to.contain(
      'Datos abiertos, con los mismos filtros: <a href="/honorees.json?year=2025&#38;level=gold">JSON</a>',
    );
    // The filters' labels and options (the shared field partial).
    expect(page).to.contain('<label for="q">Escuela o ciudad</label>');
    expect(page).to.contain('<option value="gold" selected>Oro</option>');
  });

  it('open data carries the citation in every language, and says which language each is in', async () => {
    const json = await h.agent().get('/honorees.json?year=2025').set('Accept-Language', 'es');
    const byName = new Map(
      (json.body.honorees as Array<{ school: string }>).map((row) => [row.school, row as Record<string, unknown>]),
    );
    expect(byName.get('Lincoln High School')).to.deep.include({
      citation: LINCOLN_CITATION,
      language: 'en',
      citations: { en: LINCOLN_CITATION, es: LINCOLN_CITATION_ES },
      citationLanguages: { en: 'en', es: 'es' },
    });
    expect(byName.get('Grant High School')).to.deep.include({
      citation: GRANT_CITATION,
      citations: { en: GRANT_CITATION, es: GRANT_CITATION },
      citationLanguages: { en: 'en', es: 'en' },
    });

    const csv = await h.agent().get('/honorees.csv?year=2025');
    const lines = csv.text.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).to.match(
      /,citation,url,published_at,language,citation_en,citation_en_language,citation_es,citation_es_language$/,
    );
    expect(lines).to.include(
      `2025,Schools of Opportunity 2025–2026,Schools of Opportunity,gold,Lincoln High School,Portland District,Portland,OR,` +
        `${LINCOLN_CITATION},${TEST_BASE_URL}/honorees/2025/lincoln-high-school,2026-05-01T12:00:00.000Z,` +
        `en,${LINCOLN_CITATION},en,${LINCOLN_CITATION_ES},es`,
    );
  });
});
