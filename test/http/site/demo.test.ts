import { expect } from 'chai';
import { desc, eq } from 'drizzle-orm';
import { cycles, reviewRounds } from '../../../models/schema.js';
import { seedDemo } from '../../../server/cli/seed-demo.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { submitForm } from '../../helpers/forms.js';

describe('the demo program of a fresh start', () => {
  let h: Harness;
  let admin: ReturnType<Harness['agent']>;

  before(async () => {
    h = await startHarness();
    const login = await seedDemo(h.db, h.clock);
    admin = h.agent();
    const res = await submitForm(admin, '/login', '/login', { email: login.email, password: login.password });
    expect(res.status).to.equal(303);
  });
  after(() => h.close());

  it('has something real on every public page', async () => {
    const anonymous = h.agent();
    const home = await anonymous.get('/');
    expect(home.text).to.contain('Applications are open until');
    const honorees = await anonymous.get('/honorees');
    expect(honorees.status).to.equal(200);
    for (const school of ['Roosevelt High School', 'Central High School', 'Oakland Technical High School'])
      expect(honorees.text).to.contain(school);
    const link = /href="(\/honorees\/\d{4}\/[a-z0-9-]+)"/.exec(honorees.text)?.[1];
    const page = await anonymous.get(link!);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('og:title');
    expect((await anonymous.get('/nominate')).text).to.contain('Nominate a school');
  });

  it('has something real on every admin page', async () => {
    const [current] = await h.db.select().from(cycles).orderBy(desc(cycles.year)).limit(1);
    const [round] = await h.db.select().from(reviewRounds).where(eq(reviewRounds.cycleId, current!.id));
    const pages: Array<[string, string]> = [
      ['/admin', 'Administration'],
      ['/admin/applications', 'Jefferson High School'],
      ['/admin/applications?screening=needed', 'Harbor Charter High School'],
      ['/admin/nominations', 'Madison High School'],
      ['/admin/programs', 'Schools of Opportunity'],
      [`/admin/cycles/${current!.id}`, 'Broadening and enriching learning opportunities'],
      [`/admin/cycles/${current!.id}/reviewers`, 'Dr. Alice Moreno'],
      [`/admin/cycles/${current!.id}/conflicts`, 'Conflicts of interest'],
      [`/admin/cycles/${current!.id}/rounds`, 'Round 1'],
      [`/admin/rounds/${round!.id}`, 'Dr. Alice Moreno'],
      [`/admin/rounds/${round!.id}/ranking`, 'Jefferson High School'],
      [`/admin/cycles/${current!.id}/decisions`, 'Jefferson High School'],
      [`/admin/cycles/${current!.id}/publish`, 'Publish'],
      ['/admin/audit', 'Audit'],
      ['/admin/contacts', 'school contacts'],
      ['/admin/outbox', 'Outgoing e-mail'],
    ];
    for (const [url, expected] of pages) {
      const res = await admin.get(url);
      expect(res.status, url).to.equal(200);
      expect(res.text, url).to.contain(expected);
      expect(res.text, url).not.to.contain('Something went wrong');
    }
  });
});
