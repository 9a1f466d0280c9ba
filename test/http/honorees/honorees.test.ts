import { expect } from 'chai';
import { eq } from 'drizzle-orm';
import { applications, criteria, cycles, decisions, type DecisionLevel } from '../../../models/schema.js';
import { schools } from '../../../models/schema.js';
import { DEMO_CRITERIA, demoCycleDates } from '../../../server/cli/demo-data.js';
import { honoreeExportRows } from '../../../server/services/honorees/honorees.js';
import { snapshotHonoreeSchools } from '../../../server/services/decisions/publishing.js';
import { schoolMatchKey } from '../../../server/services/schools/match-key.js';
import { startHarness, TEST_BASE_URL, type Harness } from '../../helpers/harness.js';
import { createUser, signIn, createOpenCycle } from '../../helpers/factories.js';
import { submitForm } from '../../helpers/forms.js';

const DAY = 24 * 60 * 60 * 1000;

/** The content of a <meta> tag, by property (Open Graph) or name. */
function meta(html: string, key: string): string | undefined {
  return new RegExp(`<meta (?:property|name)="${key}" content="([^"]*)">`).exec(html)?.[1];
}

describe('the public honorees: list, pages, criteria and open data', () => {
  let h: Harness;
  let currentCycle: number;
  let cycle2025: number;
  let futureCycle: number;
  let lincolnApp: number;

  async function addHonoree(
    cycleId: number,
    school: { name: string; city: string; state: string },
    level: DecisionLevel,
    slug: string,
    extra: Partial<typeof decisions.$inferInsert> = {},
  ) {
    const [s] = await h.db
      .insert(schools)
      .values({
        ...school,
        district: `${school.city} District`,
        level: 'high',
        enrollment: 1540,
        frlPercent: 38.5,
        iepPercent: 12,
        website: 'https://school.example.org',
        matchKey: schoolMatchKey(school.name, school.city, school.state),
      })
      .returning();
    const [a] = await h.db
      .insert(applications)
      .values({ cycleId, schoolId: s!.id, status: 'eligible', submittedAt: h.clock() })
      .returning();
    await h.db.insert(decisions).values({
      applicationId: a!.id,
      cycleId,
      level,
      decidedAt: h.clock(),
      slug,
      citation: `Citation of ${school.name}.`,
      ...extra,
    });
    return a!.id;
  }

  async function addCycle(programId: number, year: number, published: boolean, opens: Date) {
    const [c] = await h.db
      .insert(cycles)
      .values({
        programId,
        year,
        name: `Schools of Opportunity ${year}–${year + 1}`,
        ...demoCycleDates(opens),
        optionalChoiceCount: 4,
        publishedAt: published ? new Date(`${year + 1}-05-01T12:00:00Z`) : null,
      })
      .returning();
    await h.db.insert(criteria).values(DEMO_CRITERIA.map((crit, i) => ({ ...crit, cycleId: c!.id, position: i + 1 })));
    return c!.id;
  }

  before(async () => {
    h = await startHarness();
    currentCycle = await createOpenCycle(h.db, h.clock());
    const [seeded] = await h.db.select().from(cycles).where(eq(cycles.id, currentCycle));
    cycle2025 = await addCycle(seeded!.programId, 2025, true, new Date('2025-10-01T00:00:00Z'));
    const cycle2024 = await addCycle(seeded!.programId, 2024, true, new Date('2024-10-01T00:00:00Z'));
    futureCycle = await addCycle(seeded!.programId, 2027, false, new Date(h.clock().getTime() + 300 * DAY));

    lincolnApp = await addHonoree(
      cycle2025,
      { name: 'Lincoln High School', city: 'Portland', state: 'OR' },
      'gold',
      'lincoln-high-school',
      {
        citation: 'For opening every advanced course to every student.',
        profile: 'Lincoln detracked its ninth grade in 2019.\n\nNow every student takes <b>honors</b> English.',
        highlights: [
          { criterionId: 1, title: 'Broadening and enriching learning opportunities', text: 'Detracked ninth grade.' },
        ],
      },
    );
    for (let i = 1; i <= 22; i += 1) {
      const state = i % 2 === 0 ? 'WA' : 'OR';
      await addHonoree(
        cycle2025,
        { name: `School ${String(i).padStart(2, '0')}`, city: state === 'WA' ? 'Tacoma' : 'Eugene', state },
        'silver',
        `school-${i}`,
      );
    }
    await addHonoree(
      cycle2025,
      { name: 'Rivera High School', city: 'Portland', state: 'OR' },
      'not_selected',
      'rivera-high-school',
    );
    await addHonoree(cycle2024, { name: '=cmd', city: 'Spokane', state: 'WA' }, 'gold', 'cmd', {
      citation: '+SUM(A1:A9) for "equity", always',
    });
    await addHonoree(
      cycle2024,
      { name: '100% Open_Access Academy', city: 'Salem', state: 'OR' },
      'silver',
      '100-open-access-academy',
    );
    // Decided in the current cycle, which is not published: never public.
    await addHonoree(currentCycle, { name: 'Secret Prep', city: 'Bend', state: 'OR' }, 'gold', 'secret-prep');
    // What publishing does: the schools as they stand become the honorees' public profiles.
    await snapshotHonoreeSchools(h.db, cycle2025);
    await snapshotHonoreeSchools(h.db, cycle2024);
  });
  after(() => h.close());

  it('lists the honorees of published cycles, newest first, Gold first, 20 a page', async () => {
    const page1 = await h.agent().get('/honorees');
    expect(page1.status).to.equal(200);
    expect(page1.text).to.contain('<title>Honorees · Schools of Opportunity</title>');
    expect(page1.text).to.contain('25 honorees · page 1 of 2');
    const names = [...page1.text.matchAll(/<h2><a href="([^"]+)">([^<]+)<\/a><\/h2>/g)].map((m) => [m[1], m[2]]);
    expect(names).to.have.length(20);
    expect(names[0]).to.deep.equal(['/honorees/2025/lincoln-high-school', 'Lincoln High School']);
    expect(names[1]).to.deep.equal(['/honorees/2025/school-1', 'School 01']);
    for (const hidden of ['Rivera High School', 'Secret Prep']) expect(page1.text).not.to.contain(hidden);
    expect(page1.text).to.contain('href="/honorees?page&#x3D;2" rel="next"');
    const page2 = await h.agent().get('/honorees?page=2');
    expect(page2.text).to.contain('School 22');
    expect(page2.text).to.contain('>&#x3D;cmd</a>');
    expect(page2.text).to.contain('100% Open_Access Academy');
    expect(page2.text).not.to.contain('rel="next"');
    expect((await h.agent().get('/honorees?page=9')).text).to.contain('No honoree matches.');
  });

  it('has a description and Open Graph tags for sharing', async () => {
    const page = await h.agent().get('/honorees');
    expect(meta(page.text, 'description')).to.equal(
      '25 schools recognized for closing opportunity gaps: citations, profiles and school facts.',
    );
    expect(meta(page.text, 'og:title')).to.equal('Honorees');
    expect(meta(page.text, 'og:type')).to.equal('website');
    expect(meta(page.text, 'og:url')).to.equal(`${TEST_BASE_URL}/honorees`);
    expect(meta(page.text, 'og:description')).to.equal(meta(page.text, 'description'));
  });

  it('filters by year, state and level, and searches names and cities', async () => {
    const count = async (query: string) =>
      /(\d+) honorees?/.exec((await h.agent().get(`/honorees?${query}`)).text)?.[1];
    expect(await count('year=2024')).to.equal('2');
    expect(await count('year=2026')).to.equal('0');
    expect(await count('state=WA')).to.equal('12');
    expect(await count('state=wa&level=gold')).to.equal('1');
    expect(await count('level=gold')).to.equal('2');
    expect(await count('q=portland')).to.equal('1');
    expect(await count('q=LINCOLN')).to.equal('1');
    expect(await count('q=tacoma&level=silver')).to.equal('11');
    expect(await count('q=100%25')).to.equal('1');
    expect(await count('q=_')).to.equal('1');
    expect(await count('q=secret')).to.equal('0');
    expect(await count('year=abc&state=ZZ&level=not_selected')).to.equal('25');
    const filtered = await h.agent().get('/honorees?year=2024&state=WA&level=gold&q=cmd');
    expect(filtered.text).to.contain(
      '<title>Gold honorees in WA, 2024 matching “cmd” · Schools of Opportunity</title>',
    );
    expect(meta(filtered.text, 'og:url')).to.equal(
      `${TEST_BASE_URL}/honorees?year&#x3D;2024&amp;state&#x3D;WA&amp;level&#x3D;gold&amp;q&#x3D;cmd`,
    );
    expect(filtered.text).to.contain('<option value="2024" selected>');
    // The open-data link is inside a translated message, whose links are escaped as &#38;.
    expect(filtered.text).to.contain('href="/honorees.csv?year=2024&#38;state=WA&#38;level=gold&#38;q=cmd"');
  });

  it('shows one honoree with its citation, profile, highlights, school facts and share tags', async () => {
    const page = await h.agent().get('/honorees/2025/lincoln-high-school');
    expect(page.status).to.equal(200);
    // The year is said one way, by the cycle's name: in the title, the heading, the share tags.
    const named = 'Lincoln High School, Gold honoree of Schools of Opportunity 2025–2026';
    expect(page.text).to.contain(`<title>${named} · Schools of Opportunity</title>`);
    expect(meta(page.text, 'og:title')).to.equal(named);
    expect(page.text).to.contain(
      '<span class="badge badge-gold">Gold</span> honoree of Schools of Opportunity 2025–2026</p>',
    );
    expect(page.text).to.contain('<a href="/honorees?year=2025">← Honorees of Schools of Opportunity 2025–2026</a>');
    const textContent = page.text.replace(/<[^>]+>/g, ' ');
    expect(textContent.match(/\b2025\b(?!–2026)/g), 'no bare year beside the cycle name').to.equal(null);
    expect(meta(page.text, 'description')).to.equal('For opening every advanced course to every student.');
    expect(meta(page.text, 'og:type')).to.equal('article');
    expect(meta(page.text, 'og:url')).to.equal(`${TEST_BASE_URL}/honorees/2025/lincoln-high-school`);
    expect(meta(page.text, 'og:site_name')).to.equal('Schools of Opportunity');
    expect(page.text).to.contain('<p>Lincoln detracked its ninth grade in 2019.</p>');
    expect(page.text).to.contain('<p>Now every student takes &lt;b&gt;honors&lt;/b&gt; English.</p>');
    expect(page.text).to.contain(
      '<dt>Broadening and enriching learning opportunities</dt><dd>Detracked ninth grade.</dd>',
    );
    expect(page.text).to.contain('<dt>Location</dt><dd>Portland, OR</dd>');
    expect(page.text).to.contain('<dt>Free or reduced-price lunch</dt><dd>38.5%</dd>');
    expect(page.text).to.contain(`href="/cycles/${cycle2025}/criteria"`);
    const silver = await h.agent().get('/honorees/2025/school-3');
    expect(meta(silver.text, 'description')).to.equal('Citation of School 03.');
  });

  it('answers 404 for unknown, not selected and unpublished honorees', async () => {
    for (const url of [
      '/honorees/2025/rivera-high-school',
      '/honorees/2026/secret-prep',
      '/honorees/2024/lincoln-high-school',
      '/honorees/2025/no-such-school',
      '/honorees/25/lincoln-high-school',
      '/honorees/2025/Lincoln_High',
    ]) {
      expect((await h.agent().get(url)).status, url).to.equal(404);
    }
  });

  it('shows a profile corrected after publishing at once', async () => {
    await createUser(h.db, { email: 'admin@program.example.org', name: 'Ada Admin', roles: ['admin'] });
    const admin = h.agent();
    await signIn(admin, 'admin@program.example.org');
    const url = `/admin/decisions/${lincolnApp}/profile`;
    const form = await admin.get(url);
    expect(form.text).to.contain('href="/honorees/2025/lincoln-high-school"');
    const res = await submitForm(admin, url, url, {
      citation: 'For opening every course, corrected.',
      profile: 'A corrected profile.',
      highlight_1: 'ignored',
    });
    expect(res.status).to.equal(303);
    const page = await h.agent().get('/honorees/2025/lincoln-high-school');
    expect(page.text).to.contain('For opening every course, corrected.');
    expect(page.text).to.contain('<p>A corrected profile.</p>');
    expect(page.text).not.to.contain('detracked its ninth grade');
    expect((await admin.get('/admin/audit')).text).to.contain(
      'Edited the profile of Lincoln High School (Schools of Opportunity 2025–2026), after publishing',
    );
  });

  it('exports the honorees as JSON with the list’s filters', async () => {
    const all = await h.agent().get('/honorees.json');
    expect(all.status).to.equal(200);
    expect(all.headers['access-control-allow-origin']).to.equal('*');
    expect(all.headers['content-type']).to.equal('application/json; charset=utf-8');
    expect(all.body.count).to.equal(25);
    expect(all.body.honorees).to.have.length(25);
    // Streamed as it is read, not built whole first: no length is known up front. (Signed in, so
    // no copy kept for anonymous visitors answers instead.)
    await createUser(h.db, { email: 'reader@open-data.example.org' });
    const reader = h.agent();
    await signIn(reader, 'reader@open-data.example.org');
    const streamed = await reader.get('/honorees.json');
    expect(streamed.headers['transfer-encoding']).to.equal('chunked');
    expect(streamed.headers['content-length']).to.equal(undefined);
    expect(streamed.body).to.deep.equal(all.body);
    const wa = await h.agent().get('/honorees.json?state=WA&level=gold');
    expect(wa.body).to.deep.equal({
      count: 1,
      filters: { state: 'WA', level: 'gold' },
      honorees: [
        {
          year: 2024,
          cycle: 'Schools of Opportunity 2024–2025',
          program: 'Schools of Opportunity',
          level: 'gold',
          school: '=cmd',
          district: 'Spokane District',
          city: 'Spokane',
          state: 'WA',
          citation: '+SUM(A1:A9) for "equity", always',
          url: `${TEST_BASE_URL}/honorees/2024/cmd`,
          publishedAt: '2025-05-01T12:00:00.000Z',
          language: 'en',
          citations: { en: '+SUM(A1:A9) for "equity", always', es: '+SUM(A1:A9) for "equity", always' },
          citationLanguages: { en: 'en', es: 'en' },
        },
      ],
    });
    const names = (await h.agent().get('/honorees.json?q=school')).body.honorees.map(
      (r: { school: string }) => r.school,
    );
    expect(names).not.to.include('Rivera High School');
    expect(names).not.to.include('Secret Prep');
  });

  it('exports the honorees as CSV, safe to open in a spreadsheet', async () => {
    const res = await h.agent().get('/honorees.csv?year=2024');
    expect(res.status).to.equal(200);
    expect(res.headers['content-type']).to.equal('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).to.equal('attachment; filename=honorees-2026-11-22.csv');
    const lines = res.text.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).to.equal(
      'year,cycle,program,level,school,district,city,state,citation,url,published_at,' +
        'language,citation_en,citation_en_language,citation_es,citation_es_language',
    );
    const citation = `"'+SUM(A1:A9) for ""equity"", always"`;
    expect(lines).to.include(
      `2024,Schools of Opportunity 2024–2025,Schools of Opportunity,gold,'=cmd,Spokane District,Spokane,WA,${citation},${TEST_BASE_URL}/honorees/2024/cmd,2025-05-01T12:00:00.000Z,` +
        `en,${citation},en,${citation},en`,
    );
    expect(lines.filter((l) => l !== '')).to.have.length(3);
    const all = await h.agent().get('/honorees.csv');
    expect(all.text).not.to.contain('Rivera High School');
    expect(all.text).not.to.contain('Secret Prep');
  });

  it('reads the export in batches', async () => {
    const rows = [];
    for await (const row of honoreeExportRows(h.db, {}, TEST_BASE_URL, 4)) rows.push(row.school);
    expect(rows).to.have.length(25);
    expect(new Set(rows).size).to.equal(25);
  });

  it('shows the criteria of each cycle that has opened', async () => {
    const page = await h.agent().get(`/cycles/${currentCycle}/criteria`);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain(
      '<title>The criteria of Schools of Opportunity 2026–2027 · Schools of Opportunity</title>',
    );
    expect(meta(page.text, 'og:url')).to.equal(`${TEST_BASE_URL}/cycles/${currentCycle}/criteria`);
    expect(meta(page.text, 'description')).to.contain('2 required criteria and 4 chosen from 8 others');
    expect(page.text).to.contain('<strong>A healthy school culture</strong>');
    expect(page.text).to.contain('Evidence: Code of conduct');
    expect(page.text).not.to.contain('The honorees of 2026');
    expect((await h.agent().get(`/cycles/${cycle2025}/criteria`)).text).to.contain('href="/honorees?year=2025"');
    expect((await h.agent().get(`/cycles/${futureCycle}/criteria`)).status).to.equal(404);
    expect((await h.agent().get('/cycles/999999/criteria')).status).to.equal(404);
    expect((await h.agent().get('/cycles/abc/criteria')).status).to.equal(404);
  });
});
