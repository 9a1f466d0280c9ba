// An application's own page tells its school the outcome once the cycle is published: the level
// and the honoree page, or that it was not selected; before publishing, nothing of a decision.
import { expect } from 'chai';
import { asc, eq } from 'drizzle-orm';
import { criteria, cycles, decisions } from '../../../models/schema.js';
import { snapshotHonoreeSchools } from '../../../server/services/decisions/publishing.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { createOpenCycle, createUser, signIn } from '../../helpers/factories.js';
import { addSchool, completeAndSubmit, LINCOLN, startApplication } from '../../helpers/applicant.js';

type Agent = ReturnType<Harness['agent']>;

const CYCLE = 'Schools of Opportunity 2026–2027';

describe('the outcome on an application’s page', () => {
  let h: Harness;
  let cycleId: number;
  let lincoln: { agent: Agent; applicationId: number };
  let rivera: { agent: Agent; applicationId: number };

  async function applicantWhoApplies(email: string, school: typeof LINCOLN) {
    await createUser(h.db, { email, name: 'Pat Principal' });
    const agent = h.agent();
    await signIn(agent, email);
    const applicationId = await startApplication(agent, await addSchool(agent, school), cycleId);
    const cycleCriteria = await h.db
      .select()
      .from(criteria)
      .where(eq(criteria.cycleId, cycleId))
      .orderBy(asc(criteria.position));
    await completeAndSubmit(agent, applicationId, cycleCriteria);
    return { agent, applicationId };
  }

  before(async () => {
    h = await startHarness();
    cycleId = await createOpenCycle(h.db, h.clock());
    lincoln = await applicantWhoApplies('principal@lincoln.pps.example.org', LINCOLN);
    rivera = await applicantWhoApplies('head@rivera.example.org', {
      ...LINCOLN,
      name: 'Rivera High School',
      website: 'https://rivera.example.org',
    });
    for (const [applicationId, level, slug] of [
      [lincoln.applicationId, 'gold', 'lincoln-high-school'],
      [rivera.applicationId, 'not_selected', 'rivera-high-school'],
    ] as const) {
      await h.db.insert(decisions).values({ applicationId, cycleId, level, decidedAt: h.clock(), slug });
    }
  });
  after(() => h.close());

  it('once published, and not before: the level in the cycle with a link to the honoree page, or "Not selected"', async () => {
    for (const { agent, applicationId } of [lincoln, rivera]) {
      const page = (await agent.get(`/applications/${applicationId}`)).text;
      expect(page).not.to.contain('Outcome');
      expect(page).not.to.contain('Recognized');
      expect(page).not.to.contain('Not selected');
    }

    await h.db.update(cycles).set({ publishedAt: h.clock() }).where(eq(cycles.id, cycleId));
    await snapshotHonoreeSchools(h.db, cycleId);

    const gold = (await lincoln.agent.get(`/applications/${lincoln.applicationId}`)).text;
    expect(gold).to.contain('<h2 id="outcome-title">Outcome</h2>');
    expect(gold).to.contain(
      `<p>Recognized at the Gold level in ${CYCLE} — <a href="/honorees/2026/lincoln-high-school">see the honoree page</a>.</p>`,
    );
    expect((await h.agent().get('/honorees/2026/lincoln-high-school')).status).to.equal(200);

    const notSelected = (await rivera.agent.get(`/applications/${rivera.applicationId}`)).text;
    expect(notSelected).to.contain(`<p>Not selected in ${CYCLE}.`);
    expect(notSelected).not.to.contain('Recognized');
    expect(notSelected).not.to.contain('/honorees/2026/');
  });
});
