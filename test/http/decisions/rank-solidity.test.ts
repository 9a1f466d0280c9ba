// How solid a round's ranking is, on the ranking page: each application's possible ranks, the
// lines of the decisions (or drawn by hand) and the fragile decisions they run through, which
// applications one more review would settle, a chart, and a new review changing the answer.
import { expect } from 'chai';
import { decisions } from '../../../models/schema.js';
import { rankSolidity } from '../../../server/services/decisions/rank-solidity.js';
import { createOpenCycle, createUser, signIn } from '../../helpers/factories.js';
import { readable } from '../../helpers/forms.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { scoredRound, type ScoredRound } from '../../helpers/scored-round.js';

type Agent = ReturnType<Harness['agent']>;

// Summit is far ahead; Ridge and Valley tie just behind it with reviewers who disagree; the rest
// are well below.
const SCORES: Record<string, number[]> = {
  Summit: [5, 5, 5],
  Ridge: [4, 2, 4],
  Valley: [2, 4, 4],
  Meadow: [1, 1, 2],
  Brook: [1, 2, 1],
  Creek: [2, 1, 1],
};

describe('admins: how solid the ranking is', () => {
  let h: Harness;
  let admin: Agent;
  let cycleId: number;
  let round: ScoredRound;
  let roundId: number;
  let ids: Record<string, number>;

  const page = async (query = '') => {
    const res = await admin.get(`/admin/rounds/${roundId}/ranking${query}`);
    expect(res.status, res.text).to.equal(200);
    return readable(res.text);
  };
  const possible = (html: string, name: string) => {
    const row = html.split(`<tr data-application="${ids[name]}">`)[1]!.split('</tr>')[0]!;
    return /<td data-cell="possible">(.*?)<\/td>/
      .exec(row)![1]!
      .replace(/<[^>]+>/g, '')
      .trim();
  };

  before(async () => {
    h = await startHarness();
    cycleId = await createOpenCycle(h.db, h.clock());
    await createUser(h.db, { email: 'admin@program.example.org', name: 'Ada Admin', roles: ['admin'] });
    round = await scoredRound(h, cycleId, SCORES);
    ({ roundId, ids } = round);
    admin = h.agent();
    await signIn(admin, 'admin@program.example.org');
  });
  after(() => h.close());

  it('gives each application its possible ranks, and says no line is drawn before any decision', async () => {
    const html = await page();
    expect(html).to.contain('How solid is this ranking?');
    expect(html).to.contain('No decision yet: draw the lines below');
    expect(possible(html, 'Summit')).to.equal('1–1');
    // Ridge and Valley tie: either may be second or third.
    expect(possible(html, 'Ridge')).to.equal('2–3');
    expect(possible(html, 'Valley')).to.equal('2–3');
    expect(html).not.to.contain('Fragile');
    expect(html).to.contain('<svg');
    expect(html).to.contain('Possible ranks of the applications on this page');
  });

  it('flags the tie a drawn Gold line runs through, and suggests one more reviewer for it', async () => {
    const html = await page('?gold=2&silver=0');
    expect(html).to.contain('Lines drawn for this view: Gold for the first 2, Silver for the next 0.');
    expect(html).to.contain('A line runs through the possible ranks of 2 applications');
    expect(possible(html, 'Ridge')).to.equal('2–3 Fragile');
    expect(possible(html, 'Valley')).to.equal('2–3 Fragile');
    expect(possible(html, 'Summit')).to.equal('1–1');
    const suggestions = html.split('<ol id="solidity-suggestions">')[1]!.split('</ol>')[0]!;
    expect(suggestions).to.contain('Ridge High School');
    expect(suggestions).to.contain('Valley High School');
    expect(suggestions).not.to.contain('Summit');
    expect(suggestions).to.match(/chance of being above the Gold line/);
  });

  it('refuses lines that are not whole numbers with a message beside the field, and keeps the page', async () => {
    const res = await admin.get(
      `/admin/rounds/${roundId}/ranking?gold=${encodeURIComponent('<b>2</b>')}&silver=${'9'.repeat(400)}`,
    );
    expect(res.status).to.equal(200);
    const html = readable(res.text);
    expect(html).to.contain('Enter a whole number from 0 to 100000.');
    expect(html).to.contain('No decision yet');
    // What was typed is shown back as text, never as markup.
    expect(res.text).to.contain('value="&lt;b&gt;2&lt;/b&gt;"');
    expect(res.text).not.to.contain('<b>2</b>');
  });

  it('takes the lines from the decisions once there are some', async () => {
    await h.db.insert(decisions).values([
      { applicationId: ids.Summit!, cycleId, level: 'gold', decidedAt: h.clock(), slug: 'summit' },
      { applicationId: ids.Ridge!, cycleId, level: 'gold', decidedAt: h.clock(), slug: 'ridge' },
      { applicationId: ids.Valley!, cycleId, level: 'silver', decidedAt: h.clock(), slug: 'valley' },
    ]);
    const html = await page();
    expect(html).to.contain('The lines are where the decisions put them: Gold for the first 2, Silver for the next 1.');
    expect(possible(html, 'Ridge')).to.equal('2–3 Fragile');
  });

  it('works again when a review changes the round, and answers from memory until then', async () => {
    const before = await rankSolidity(h.db, roundId);
    const again = await rankSolidity(h.db, roundId);
    expect(again.intervals?.get(ids.Ridge!)).to.deep.equal(before.intervals?.get(ids.Ridge!));
    // A fourth reviewer who rates Ridge highly settles it above Valley.
    await round.review(round.reviewerIds[3]!, ids.Ridge!, 5);
    const after = await rankSolidity(h.db, roundId);
    expect(after.intervals?.get(ids.Ridge!)?.rank).to.equal(2);
    expect(after.intervals?.get(ids.Valley!)?.rank).to.equal(3);
    expect(after.intervals?.get(ids.Ridge!)?.reviews).to.equal(4);
  });

  it('shows the section in Spanish', async () => {
    const html = readable((await admin.get(`/admin/rounds/${roundId}/ranking?lang=es&gold=2&silver=1`)).text);
    expect(html).to.contain('¿Qué tan firme es esta clasificación?');
    expect(html).to.contain('Frágil');
    expect(html).to.contain('Puestos posibles');
  });
});
