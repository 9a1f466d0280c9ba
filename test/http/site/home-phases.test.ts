// The home page says where the current cycle stands in plain words, and offers "Apply" and
// "Nominate a school" only while they can be done.
import { expect } from 'chai';
import { eq } from 'drizzle-orm';
import { cycles } from '../../../models/schema.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { createOpenCycle } from '../../helpers/factories.js';
import { readable } from '../../helpers/forms.js';

const DAY = 24 * 60 * 60 * 1000;
const START = new Date('2026-11-22T12:00:00Z');
const APPLY_BUTTON = '<a class="button" href="/my/applications">Apply for your school</a>';
const NOMINATE_BUTTON = '<a class="button" href="/nominate">Nominate a school</a>';
const APPLY_MENU = '<li><a href="/my/applications">Apply</a></li>';

/** The sentence under the cycle's name, as a person reads it. */
function statusLine(html: string): string {
  const match = /<p class="status[^"]*">(.*?)<\/p>/s.exec(html);
  if (!match?.[1]) throw new Error(`No status line in:\n${html}`);
  return readable(match[1].replace(/<[^>]+>/g, '')).trim();
}

describe('the home page through the phases of a cycle', () => {
  let h: Harness;
  let cycleId: number;
  const home = async () => {
    const res = await h.agent().get('/');
    expect(res.status).to.equal(200);
    return res.text;
  };
  const setCycle = (values: Partial<typeof cycles.$inferInsert>) =>
    h.db.update(cycles).set(values).where(eq(cycles.id, cycleId));

  before(async () => {
    // The test rewrites the cycle's rows directly and moves the clock back and forth, which no
    // running portal sees: the rendered-page cache is off here (public-cache.test.ts covers it).
    h = await startHarness({ publicCache: false });
    // Opened 30 days ago; nominations close in 30 days, applications in 60; honorees in 150.
    cycleId = await createOpenCycle(h.db, START);
  });
  after(() => h.close());
  beforeEach(() => h.clock.set(START));

  it('before the cycle opens: says when applications open, and offers neither button', async () => {
    h.clock.set(new Date(START.getTime() - 31 * DAY));
    const page = await home();
    expect(statusLine(page)).to.equal('Applications open on October 23, 2026.');
    for (const offer of [APPLY_BUTTON, NOMINATE_BUTTON, APPLY_MENU]) expect(page).not.to.contain(offer);
  });

  it('while open: the deadline, "Apply for your school" beside "Nominate a school", and "Apply" in the menu', async () => {
    const page = await home();
    expect(statusLine(page)).to.equal('Applications are open until Thursday, January 21, 2027, 12:00 PM UTC.');
    expect(page).to.contain(APPLY_BUTTON);
    expect(page).to.contain(NOMINATE_BUTTON);
    expect(page).to.match(new RegExp(`${APPLY_BUTTON}\\s*${NOMINATE_BUTTON}`));
    expect(page).to.contain(APPLY_MENU);
    // A visitor who follows "Apply" signs in first, and comes back to apply.
    const apply = await h.agent().get('/my/applications');
    expect(apply.status).to.equal(303);
    expect(apply.headers.location).to.equal('/login?next=%2Fmy%2Fapplications');
  });

  it('after the nominations deadline: still "Apply", no longer "Nominate a school"', async () => {
    h.clock.set(new Date(START.getTime() + 40 * DAY));
    const page = await home();
    expect(statusLine(page)).to.equal('Applications are open until Thursday, January 21, 2027, 12:00 PM UTC.');
    expect(page).to.contain(APPLY_BUTTON);
    expect(page).not.to.contain(NOMINATE_BUTTON);
  });

  it('with an early close to come: the close is the date given, for applications and nominations', async () => {
    await setCycle({ closedAt: new Date(START.getTime() + 10 * DAY) });
    const page = await home();
    expect(statusLine(page)).to.equal('Applications are open until Wednesday, December 2, 2026, 12:00 PM UTC.');
    expect(page).to.contain('<dt>Nominations close</dt><dd><time datetime="2026-12-02T12:00:00.000Z">December 2, 2026');
    expect(page).to.contain(NOMINATE_BUTTON);
  });

  it('once closed early: applications are closed, the announcement date, and nothing to apply or nominate', async () => {
    await setCycle({ closedAt: new Date(START.getTime() - DAY) });
    const page = await home();
    expect(statusLine(page)).to.equal('Applications are closed; the honorees will be announced on April 21, 2027.');
    for (const offer of [APPLY_BUTTON, NOMINATE_BUTTON, APPLY_MENU]) expect(page).not.to.contain(offer);
  });

  it('past the announced date but not published: promises no date that has gone by', async () => {
    h.clock.set(new Date(START.getTime() + 151 * DAY));
    expect(statusLine(await home())).to.equal('Applications are closed; the honorees will be announced soon.');
  });

  it('once published: the honorees are announced, with a link to them', async () => {
    await setCycle({ publishedAt: new Date(START.getTime() + 140 * DAY) });
    h.clock.set(new Date(START.getTime() + 151 * DAY));
    const page = await home();
    expect(statusLine(page)).to.equal('The honorees of Schools of Opportunity 2026–2027 are announced.');
    expect(page).to.contain('<a href="/honorees?year=2026">The honorees of Schools of Opportunity 2026–2027</a>');
    for (const offer of [APPLY_BUTTON, NOMINATE_BUTTON, APPLY_MENU]) expect(page).not.to.contain(offer);
  });
});
