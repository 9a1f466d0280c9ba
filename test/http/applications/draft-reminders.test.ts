// Reminders of unfinished drafts: off by default, set per cycle by the admins, one per
// application and deadline, never to a school that submitted, never after the deadline.
import { expect } from 'chai';
import { asc, eq } from 'drizzle-orm';
import { criteria, cycles } from '../../../models/schema.js';
import { runDraftReminders } from '../../../server/services/applications/draft-reminders.js';
import { startHarness, TEST_BASE_URL, TEST_MAIL_FROM, type Harness } from '../../helpers/harness.js';
import { createUser, signIn, createOpenCycle } from '../../helpers/factories.js';
import { inputValues, readable, submitForm } from '../../helpers/forms.js';
import { LINCOLN, addSchool, completeAndSubmit, startApplication } from '../../helpers/applicant.js';

const DAY = 24 * 60 * 60 * 1000;

describe('reminders of unfinished drafts', () => {
  let h: Harness;
  let cycleId: number;
  let deadline: Date;
  let draftId: number;
  let admin: ReturnType<Harness['agent']>;
  const run = () =>
    runDraftReminders({
      db: h.db,
      clock: h.clock,
      mail: { baseUrl: TEST_BASE_URL, mailFrom: TEST_MAIL_FROM, clock: h.clock },
    });
  const reminders = () => h.sink.messages.filter((m) => m.subject.startsWith('Reminder: the application of'));

  before(async () => {
    h = await startHarness();
    cycleId = await createOpenCycle(h.db, h.clock());
    deadline = (await h.db.select().from(cycles).where(eq(cycles.id, cycleId)))[0]!.applicationsCloseAt;
    const cycleCriteria = await h.db
      .select()
      .from(criteria)
      .where(eq(criteria.cycleId, cycleId))
      .orderBy(asc(criteria.position));
    await createUser(h.db, { email: 'admin@program.example.org', name: 'Ada Admin', roles: ['admin'] });
    await createUser(h.db, { email: 'principal@lincoln.pps.example.org', name: 'Pat Principal' });
    await createUser(h.db, { email: 'head@vista.example.org', name: 'Val Head' });

    const drafting = h.agent();
    await signIn(drafting, 'principal@lincoln.pps.example.org');
    draftId = await startApplication(drafting, await addSchool(drafting), cycleId);

    const submitting = h.agent();
    await signIn(submitting, 'head@vista.example.org');
    const vista = await addSchool(submitting, { ...LINCOLN, name: 'Vista Academy', website: '' });
    await completeAndSubmit(submitting, await startApplication(submitting, vista, cycleId), cycleCriteria);

    admin = h.agent();
    await signIn(admin, 'admin@program.example.org');
  });
  after(() => h.close());

  it('sends nothing while the cycle has no reminder set', async () => {
    h.clock.set(new Date(deadline.getTime() - DAY));
    expect(await run()).to.equal(0);
    await h.deliverMail();
    expect(reminders()).to.have.length(0);
  });

  it('is set on the cycle form, from 1 to 60 days, or left empty for none', async () => {
    const edit = `/admin/cycles/${cycleId}/edit`;
    const form = await admin.get(edit);
    expect(form.text).to.contain('Remind unfinished applications, days before the deadline');
    const fields = inputValues(form.text);
    const refused = await submitForm(admin, edit, edit, { ...fields, draftReminderDays: '0' });
    expect(refused.status).to.equal(422);
    expect(readable(refused.text)).to.contain('the number of days before the deadline');
    const saved = await submitForm(admin, edit, edit, { ...fields, draftReminderDays: '3' });
    expect(saved.status, saved.text).to.equal(303);
    expect((await h.db.select().from(cycles).where(eq(cycles.id, cycleId)))[0]!.draftReminderDays).to.equal(3);
  });

  it('reminds each draft once, inside the window, and never the school that submitted', async () => {
    h.clock.set(new Date(deadline.getTime() - 4 * DAY));
    expect(await run()).to.equal(0); // not yet: 4 days before a 3-day window

    h.clock.set(new Date(deadline.getTime() - 2 * DAY - 60_000));
    expect(await run()).to.equal(1);
    await h.deliverMail();
    const [mail] = reminders();
    expect(mail!.to).to.deep.equal(['principal@lincoln.pps.example.org']);
    expect(mail!.subject).to.equal('Reminder: the application of Lincoln High School is not submitted yet');
    expect(mail!.text).to.contain('Hello Pat Principal,');
    expect(mail!.text).to.contain('(3 days from now)');
    expect(mail!.text).to.contain(`${TEST_BASE_URL}/applications/${draftId}`);
    expect(mail!.text).not.to.contain('Vista Academy');

    expect(await run()).to.equal(0); // never twice for the same deadline
    await h.deliverMail();
    expect(reminders()).to.have.length(1);
  });

  it('reminds again after the deadline is extended, and never after it passes', async () => {
    const extended = new Date(deadline.getTime() + 7 * DAY);
    await h.db.update(cycles).set({ applicationsCloseAt: extended }).where(eq(cycles.id, cycleId));
    h.clock.set(new Date(extended.getTime() - DAY));
    expect(await run()).to.equal(1);
    h.clock.set(new Date(extended.getTime() + 60_000));
    await h.db
      .update(cycles)
      .set({ applicationsCloseAt: new Date(extended.getTime() + 1000) })
      .where(eq(cycles.id, cycleId));
    expect(await run()).to.equal(0);
    await h.deliverMail();
    expect(reminders()).to.have.length(2);
  });
});
