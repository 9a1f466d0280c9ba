// The committee's export of a round: the CSV, a row per submitted review, and the report to
// print, both in the order the committee discusses the applications, with possible ranks,
// decisions and confidential notes marked; admins only.
import { expect } from 'chai';
import { decisions } from '../../../models/schema.js';
import { createOpenCycle, createUser, signIn } from '../../helpers/factories.js';
import { readable } from '../../helpers/forms.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { scoredRound, type ScoredRound } from '../../helpers/scored-round.js';

type Agent = ReturnType<Harness['agent']>;

const SCORES: Record<string, number[]> = {
  Summit: [5, 5, 5],
  Ridge: [4, 3, 4],
  // The same scores as Ridge: the same rank, discussed first by name.
  Glen: [4, 3, 4],
  Meadow: [1, 2, 1],
  Quiet: [],
};

/** The CSV's lines as cells (no cell here holds a comma or a line break). */
const csvRows = (text: string) =>
  text
    .replace(/^\uFEFF/, '')
    .trim()
    .split('\r\n')
    .map((line) => line.split(','));

describe('admins: the committee’s export of a round', () => {
  let h: Harness;
  let admin: Agent;
  let cycleId: number;
  let round: ScoredRound;

  before(async () => {
    h = await startHarness();
    cycleId = await createOpenCycle(h.db, h.clock());
    await createUser(h.db, { email: 'admin@program.example.org', name: 'Ada Admin', roles: ['admin'] });
    round = await scoredRound(h, cycleId, SCORES, {
      extra: {
        Summit: { comment: '=HYPERLINK("http://evil.example/")', confidentialNote: 'I taught there in 2010.' },
      },
    });
    await h.db
      .insert(decisions)
      .values({ applicationId: round.ids.Summit!, cycleId, level: 'gold', decidedAt: h.clock(), slug: 'summit' });
    admin = h.agent();
    await signIn(admin, 'admin@program.example.org');
  });
  after(() => h.close());

  it('exports a row per review in the committee’s order, with possible ranks, decisions and marked notes', async () => {
    const res = await admin.get(`/admin/rounds/${round.roundId}/committee.csv`);
    expect(res.status).to.equal(200);
    expect(res.headers['content-type']).to.match(/^text\/csv/);
    expect(res.headers['content-disposition']).to.match(/^attachment; filename="?committee-first-reading-/);
    const [header, ...rows] = csvRows(res.text);
    expect(header!.slice(0, 12)).to.deep.equal([
      'Rank',
      'Possible ranks',
      'Fragile decision',
      'Application no.',
      'School',
      'State',
      'Weighted mean',
      'Normalized',
      'Decision',
      'Reviewer',
      'Review score (weighted mean)',
      'Recommendation',
    ]);
    expect(header!.at(-1)).to.equal('Confidential note (admins only)');
    expect(rows.map((r) => [r[0], r[4]])).to.deep.equal([
      ['1', 'Summit High School'],
      ['1', 'Summit High School'],
      ['1', 'Summit High School'],
      ['2', 'Glen High School'],
      ['2', 'Glen High School'],
      ['2', 'Glen High School'],
      ['2', 'Ridge High School'],
      ['2', 'Ridge High School'],
      ['2', 'Ridge High School'],
      ['4', 'Meadow High School'],
      ['4', 'Meadow High School'],
      ['4', 'Meadow High School'],
      // Not reviewed yet: still on the list, last, without a rank.
      ['', 'Quiet High School'],
    ]);
    expect(rows.every((r) => r.length === header!.length)).to.equal(true);
    const summit = rows[0]!;
    expect(summit.slice(1, 3)).to.deep.equal(['1–1', 'no']);
    expect(summit[8]).to.equal('Gold');
    expect(summit.at(-1)).to.equal('I taught there in 2010.');
    // A comment that looks like a formula is written as text.
    expect(res.text).to.contain(`'=HYPERLINK(`);
    expect(rows.at(-1)![1]).to.equal('');
  });

  it('writes the report to print in the same order, confidential notes marked, with no script', async () => {
    const res = await admin.get(`/admin/rounds/${round.roundId}/committee`);
    expect(res.status).to.equal(200);
    expect(res.headers['content-type']).to.match(/^text\/html/);
    const html = readable(res.text);
    expect(html).to.contain('<html lang="en">');
    expect(html).not.to.contain('<script');
    expect(html).to.contain('<h1>Committee report — First reading</h1>');
    const order = [...html.matchAll(/<h2 id="entry-\d+">(\d+)\. (\w+) High School/g)].map((m) => `${m[1]} ${m[2]}`);
    expect(order).to.deep.equal(['1 Summit', '2 Glen', '3 Ridge', '4 Meadow', '5 Quiet']);
    // Glen and Ridge share rank 2, as their possible ranks count it.
    expect(html).to.match(/Glen High School[\s\S]*?<dt>Rank<\/dt><dd>2<\/dd>[\s\S]*?<dt>Possible ranks<\/dt><dd>2–/);
    expect(html).to.match(/Ridge High School[\s\S]*?<dt>Rank<\/dt><dd>2<\/dd>[\s\S]*?<dt>Possible ranks<\/dt><dd>2–/);
    expect(html).to.match(
      /<p class="confidential-note"><strong>Confidential note \(admins only\):<\/strong> I taught there in 2010\.<\/p>/,
    );
    expect(html).to.contain('=HYPERLINK("http://evil.example/")');
    expect(html).to.contain('No submitted review yet.');
    expect(html.trimEnd()).to.match(/<\/html>$/);
  });

  it('writes both in Spanish for a Spanish-speaking admin', async () => {
    const csv = await admin.get(`/admin/rounds/${round.roundId}/committee.csv?lang=es`);
    expect(csvRows(csv.text)[0]!.slice(0, 3)).to.deep.equal(['Puesto', 'Puestos posibles', 'Decisión frágil']);
    const report = readable((await admin.get(`/admin/rounds/${round.roundId}/committee?lang=es`)).text);
    expect(report).to.contain('<html lang="es">');
    expect(report).to.contain('Informe para el comité — First reading');
  });

  it('keeps both from reviewers and visitors', async () => {
    const reviewer = h.agent();
    await signIn(reviewer, 'r1@panel.example.org');
    for (const url of [`/admin/rounds/${round.roundId}/committee`, `/admin/rounds/${round.roundId}/committee.csv`]) {
      expect((await reviewer.get(url)).status, url).to.equal(403);
      const visitor = await h.agent().get(url);
      expect(visitor.status, url).to.equal(303);
      expect(visitor.headers.location).to.match(/^\/login/);
    }
    expect((await admin.get('/admin/rounds/999999/committee')).status).to.equal(404);
  });
});
