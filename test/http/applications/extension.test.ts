// A later deadline for one school: given by an admin with a reason kept in the audit log; that
// school alone may then change and submit, and sees its own deadline; the others do not.
import { expect } from 'chai';
import { asc, eq } from 'drizzle-orm';
import { applications, auditLog, criteria, cycles } from '../../../models/schema.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { createUser, signIn, createOpenCycle } from '../../helpers/factories.js';
import { readable, submitForm } from '../../helpers/forms.js';
import { GOOD_ELIGIBILITY, LINCOLN, addSchool, completeAndSubmit, startApplication } from '../../helpers/applicant.js';

const DAY = 24 * 60 * 60 * 1000;

describe('a deadline extended for one school', () => {
  let h: Harness;
  let deadline: Date;
  let lincolnApp: number;
  let vistaApp: number;
  let lincoln: ReturnType<Harness['agent']>;
  let vista: ReturnType<Harness['agent']>;
  let admin: ReturnType<Harness['agent']>;
  let cycleCriteria: Array<{ id: number; required: boolean }>;
  const extensionPage = () => `/admin/applications/${lincolnApp}/extension`;
  const eligibility = (agent: typeof lincoln, id: number) =>
    submitForm(agent, `/applications/${id}/eligibility`, `/applications/${id}/eligibility`, GOOD_ELIGIBILITY);

  before(async () => {
    h = await startHarness();
    const cycleId = await createOpenCycle(h.db, h.clock());
    deadline = (await h.db.select().from(cycles).where(eq(cycles.id, cycleId)))[0]!.applicationsCloseAt;
    cycleCriteria = await h.db
      .select()
      .from(criteria)
      .where(eq(criteria.cycleId, cycleId))
      .orderBy(asc(criteria.position));
    await createUser(h.db, { email: 'admin@program.example.org', name: 'Ada Admin', roles: ['admin'] });
    await createUser(h.db, { email: 'principal@lincoln.pps.example.org', name: 'Pat Principal' });
    await createUser(h.db, { email: 'head@vista.example.org', name: 'Val Head' });
    lincoln = h.agent();
    await signIn(lincoln, 'principal@lincoln.pps.example.org');
    lincolnApp = await startApplication(lincoln, await addSchool(lincoln), cycleId);
    vista = h.agent();
    await signIn(vista, 'head@vista.example.org');
    vistaApp = await startApplication(
      vista,
      await addSchool(vista, { ...LINCOLN, name: 'Vista Academy', website: '' }),
      cycleId,
    );
    admin = h.agent();
    await signIn(admin, 'admin@program.example.org');
    h.clock.set(new Date(deadline.getTime() + DAY)); // a day after the cycle's deadline
  });
  after(() => h.close());

  it('leaves every school closed after the deadline until an admin extends one', async () => {
    expect((await eligibility(lincoln, lincolnApp)).status).to.equal(403);
    expect((await eligibility(vista, vistaApp)).status).to.equal(403);
  });

  it('asks for a later moment and a reason, and keeps what was typed', async () => {
    const form = readable((await admin.get(extensionPage())).text);
    expect(form).to.contain('Extend the deadline for Lincoln High School');
    const missing = await submitForm(admin, extensionPage(), extensionPage(), {
      day: '2026-12-01',
      time: '17:00',
      reason: '',
    });
    expect(missing.status).to.equal(422);
    expect(readable(missing.text)).to.contain('Say why this school gets more time; it is kept in the audit log.');
    expect(missing.text).to.match(/name="time" type="time"[^>]* value="17:00"/);
    const early = await submitForm(admin, extensionPage(), extensionPage(), {
      day: deadline.toISOString().slice(0, 10),
      time: '00:00',
      reason: 'Medical leave',
    });
    expect(early.status).to.equal(422);
    expect(readable(early.text)).to.contain('Choose a moment after the cycle’s deadline');
    expect(
      (await h.db.select().from(applications).where(eq(applications.id, lincolnApp)))[0]!.deadlineExtendedTo,
    ).to.equal(null);
  });

  it('extends it for that school alone, with the reason in the audit log', async () => {
    const day = new Date(deadline.getTime() + 5 * DAY).toISOString().slice(0, 10);
    const res = await submitForm(admin, extensionPage(), extensionPage(), {
      day,
      time: '23:59',
      reason: 'The principal was on medical leave in the last week.',
    });
    expect(res.status, res.text).to.equal(303);
    expect(res.headers.location).to.equal(`/applications/${lincolnApp}`);
    const [row] = await h.db.select().from(applications).where(eq(applications.id, lincolnApp));
    expect(row!.deadlineExtendedTo!.toISOString()).to.equal(`${day}T23:59:59.000Z`);
    const [entry] = await h.db.select().from(auditLog).where(eq(auditLog.action, 'application.extend_deadline'));
    expect(entry!.summary).to.match(
      /^Extended the deadline of Lincoln High School \(.+\) to .+: The principal was on medical leave in the last week\.$/,
    );

    const page = readable((await lincoln.get(`/applications/${lincolnApp}`)).text);
    expect(page).to.contain('11:59 PM UTC (extended for this school)');
    await completeAndSubmit(lincoln, lincolnApp, cycleCriteria);
    expect((await h.db.select().from(applications).where(eq(applications.id, lincolnApp)))[0]!.status).to.equal(
      'submitted',
    );
    expect((await eligibility(vista, vistaApp)).status).to.equal(403);
  });

  it('closes that school too once its own deadline passes', async () => {
    h.clock.set(new Date(deadline.getTime() + 6 * DAY));
    const reopen = await submitForm(lincoln, `/applications/${lincolnApp}`, `/applications/${lincolnApp}/reopen`, {});
    expect(reopen.status).to.equal(403);
    expect(readable(reopen.text)).to.contain('The extended deadline for this application has passed.');
  });

  it('keeps the extension to admins', async () => {
    expect((await lincoln.get(extensionPage())).status).to.equal(403);
    const post = await submitForm(lincoln, `/applications/${lincolnApp}`, extensionPage(), {
      day: '2030-01-01',
      time: '23:59',
      reason: 'I would like more time',
    });
    expect(post.status).to.equal(403);
  });
});
