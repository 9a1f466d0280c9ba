import { expect } from 'chai';
import { criteria, cycles, eligibilityQuestions, eligibilityRules, programs } from '../../../models/schema.js';
import { createCycle2027, createUser, signIn } from '../../helpers/factories.js';
import { csrfTokenFrom } from '../../helpers/forms.js';
import { startHarness, type Harness } from '../../helpers/harness.js';

describe('admin programs, cycles, criteria and eligibility: who may use them', () => {
  let h: Harness;
  let getPaths: string[];
  let postPaths: string[];

  const tableSizes = async () =>
    Promise.all(
      [programs, cycles, criteria, eligibilityQuestions, eligibilityRules].map(
        async (t) => (await h.db.select().from(t)).length,
      ),
    );

  before(async () => {
    h = await startHarness();
    await createUser(h.db, { email: 'principal@lincoln.example.org', roles: ['applicant'] });
    await createUser(h.db, { email: 'reviewer@example.org', roles: ['reviewer'] });
    const { program, cycle } = await createCycle2027(h.db, 'soo');
    const [criterion] = await h.db
      .insert(criteria)
      .values({ cycleId: cycle!.id, position: 1, title: 'Culture' })
      .returning();
    const [question] = await h.db
      .insert(eligibilityQuestions)
      .values({ cycleId: cycle!.id, position: 1, key: 'zero_tolerance', prompt: 'Zero tolerance?', kind: 'yes_no' })
      .returning();
    const [rule] = await h.db
      .insert(eligibilityRules)
      .values({
        cycleId: cycle!.id,
        position: 1,
        subject: 'answer.zero_tolerance',
        operator: 'equals',
        values: ['no'],
        message: 'No.',
      })
      .returning();
    const [p, c, k, q, r] = [program!.id, cycle!.id, criterion!.id, question!.id, rule!.id];
    getPaths = [
      '/admin/programs',
      '/admin/programs/new',
      `/admin/programs/${p}`,
      `/admin/programs/${p}/edit`,
      `/admin/programs/${p}/cycles/new`,
      `/admin/cycles/${c}`,
      `/admin/cycles/${c}/edit`,
      `/admin/cycles/${c}/criteria/new`,
      `/admin/criteria/${k}/edit`,
      `/admin/criteria/${k}/delete`,
      `/admin/cycles/${c}/eligibility`,
      `/admin/cycles/${c}/eligibility/questions/new`,
      `/admin/eligibility/questions/${q}/edit`,
      `/admin/eligibility/questions/${q}/delete`,
      `/admin/cycles/${c}/eligibility/rules/new`,
      `/admin/eligibility/rules/${r}/edit`,
      `/admin/eligibility/rules/${r}/delete`,
    ];
    postPaths = [
      '/admin/programs/new',
      `/admin/programs/${p}/edit`,
      `/admin/programs/${p}/cycles/new`,
      `/admin/cycles/${c}/edit`,
      `/admin/cycles/${c}/copy`,
      `/admin/cycles/${c}/criteria/new`,
      `/admin/criteria/${k}/edit`,
      `/admin/criteria/${k}/delete`,
      `/admin/criteria/${k}/move`,
      `/admin/cycles/${c}/eligibility/questions/new`,
      `/admin/eligibility/questions/${q}/edit`,
      `/admin/eligibility/questions/${q}/delete`,
      `/admin/cycles/${c}/eligibility/rules/new`,
      `/admin/eligibility/rules/${r}/edit`,
      `/admin/eligibility/rules/${r}/delete`,
    ];
  });
  after(() => h.close());

  it('sends anonymous visitors to sign in, for every page and every form', async () => {
    const before = await tableSizes();
    const agent = h.agent();
    for (const path of getPaths) {
      const res = await agent.get(path);
      expect(res.status, path).to.equal(303);
      expect(res.headers.location, path).to.equal(`/login?next=${encodeURIComponent(path)}`);
    }
    const token = csrfTokenFrom((await agent.get('/login')).text);
    for (const path of postPaths) {
      const res = await agent
        .post(path)
        .type('form')
        .send({ _csrf: token, name: 'Sneaky', slug: 'sneaky', direction: 'down', title: 'x' });
      expect(res.status, path).to.equal(303);
      expect(res.headers.location, path).to.equal(`/login?next=${encodeURIComponent('/admin')}`);
    }
    expect(await tableSizes()).to.deep.equal(before);
  });

  for (const [who, email] of [
    ['applicants', 'principal@lincoln.example.org'],
    ['reviewers', 'reviewer@example.org'],
  ] as const) {
    it(`refuses ${who} with 403, for every page and every form`, async () => {
      const before = await tableSizes();
      const agent = h.agent();
      await signIn(agent, email);
      for (const path of getPaths) {
        const res = await agent.get(path);
        expect(res.status, path).to.equal(403);
        expect(res.text, path).to.contain('This page is for admins of the program, and your account is not one.');
      }
      const token = csrfTokenFrom((await agent.get('/')).text);
      for (const path of postPaths) {
        const res = await agent
          .post(path)
          .type('form')
          .send({ _csrf: token, name: 'Sneaky', slug: 'sneaky', direction: 'down', title: 'x' });
        expect(res.status, path).to.equal(403);
      }
      expect(await tableSizes()).to.deep.equal(before);
    });
  }
});
