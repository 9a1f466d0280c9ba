// A program's time zone: its deadlines are typed and read in it, on pages and in e-mails, on both
// sides of a daylight-saving change (Mountain Time: UTC−7 until March 14, 2027, UTC−6 after).
import { expect } from 'chai';
import { eq } from 'drizzle-orm';
import { criteria, cycles, programs } from '../../../models/schema.js';
import { createUser, signIn } from '../../helpers/factories.js';
import { inputValues, readable, submitForm } from '../../helpers/forms.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { confirm, confirmLinkFor, nominate, NOMINATION } from '../../helpers/nominator.js';

type Agent = ReturnType<Harness['agent']>;

describe('a program’s time zone', () => {
  let h: Harness;
  let admin: Agent;
  let programId: number;
  let cycleId: number;

  before(async () => {
    h = await startHarness(); // the clock reads November 22, 2026, 12:00 UTC
    await createUser(h.db, { email: 'admin@example.org', name: 'Ada Admin', roles: ['admin'] });
    admin = h.agent();
    await signIn(admin, 'admin@example.org');
  });
  after(() => h.close());

  it('is chosen from the list of zones when the program is created, and refused when it is no zone', async () => {
    const fields = { name: 'Schools of Opportunity', slug: 'schools-of-opportunity', description: '' };
    const form = await admin.get('/admin/programs/new');
    expect(form.text).to.contain('<option value="America/Denver">America/Denver</option>');
    const bad = await submitForm(admin, '/admin/programs/new', '/admin/programs/new', {
      ...fields,
      timeZone: 'Mars/Olympus_Mons',
    });
    expect(bad.status).to.equal(422);
    expect(readable(bad.text)).to.contain('Choose the program’s time zone from the list, like America/Denver.');
    expect(await h.db.select().from(programs)).to.deep.equal([]);

    const res = await submitForm(admin, '/admin/programs/new', '/admin/programs/new', {
      ...fields,
      timeZone: 'America/Denver',
    });
    expect(res.status).to.equal(303);
    const [program] = await h.db.select().from(programs);
    programId = program!.id;
    expect(program!.timeZone).to.equal('America/Denver');
  });

  it('reads the dates of a cycle in the zone, the deadline exact to the minute, across the spring change', async () => {
    const newCycle = `/admin/programs/${programId}/cycles/new`;
    const res = await submitForm(admin, newCycle, newCycle, {
      year: '2027',
      name: '',
      opensAt: '2026-11-22',
      nominationsCloseAt: '2027-03-01',
      applicationsCloseAt: '2027-03-13',
      applicationsCloseTime: '17:00',
      reviewsDueAt: '2027-05-01',
      announcementAt: '2027-06-01',
      scoreMin: '1',
      scoreMax: '5',
      maxFileMb: '20',
      maxApplicationMb: '100',
      maxFilesPerCriterion: '10',
    });
    expect(res.status, res.text).to.equal(303);
    const [cycle] = await h.db.select().from(cycles).where(eq(cycles.programId, programId));
    cycleId = cycle!.id;
    expect(cycle!.opensAt.toISOString()).to.equal('2026-11-22T07:00:00.000Z'); // midnight MST
    expect(cycle!.nominationsCloseAt.toISOString()).to.equal('2027-03-02T06:59:59.000Z'); // end of March 1, MST
    expect(cycle!.applicationsCloseAt.toISOString()).to.equal('2027-03-14T00:00:59.000Z'); // 5:00 PM MST

    // Two days later, after the change to daylight time: 11:59 PM MDT is 05:59 UTC.
    const edit = `/admin/cycles/${cycleId}/edit`;
    const form = await admin.get(edit);
    expect(form.text).to.match(
      /id="applicationsCloseAt" name="applicationsCloseAt" type="date"[^>]* value="2027-03-13"/,
    );
    expect(form.text).to.match(
      /id="applicationsCloseTime" name="applicationsCloseTime" type="time"[^>]* value="17:00"/,
    );
    expect(form.text).to.contain('All dates are in the program’s time zone, America/Denver');
    const fields = inputValues(form.text);
    const saved = await submitForm(admin, edit, edit, {
      ...fields,
      applicationsCloseAt: '2027-03-15',
      applicationsCloseTime: '23:59',
    });
    expect(saved.status, saved.text).to.equal(303);
    const [moved] = await h.db.select().from(cycles).where(eq(cycles.id, cycleId));
    expect(moved!.applicationsCloseAt.toISOString()).to.equal('2027-03-16T05:59:59.000Z');
    expect(moved!.opensAt.toISOString()).to.equal('2026-11-22T07:00:00.000Z'); // unchanged
  });

  it('writes the deadline for people on the pages, in the zone', async () => {
    await h.db.insert(criteria).values({ cycleId, position: 1, title: 'Broadening learning', required: true });
    const home = readable((await h.agent().get('/')).text);
    expect(home).to.contain('Applications are open until Monday, March 15, 2027, 11:59 PM MT.');
    const cyclePage = readable((await admin.get(`/admin/cycles/${cycleId}`)).text);
    expect(cyclePage).to.contain('Monday, March 15, 2027, 11:59 PM MT');
    expect(cyclePage).not.to.contain('UTC');
  });

  it('writes the deadline the same way in the e-mail inviting a nominated school', async () => {
    const parent = h.agent();
    expect((await nominate(parent, NOMINATION)).status).to.equal(303);
    await confirm(parent, await confirmLinkFor(h, NOMINATION.nominatorEmail));
    await h.deliverMail();
    const invitation = await h.sink.waitFor((m) => m.to.includes(NOMINATION.contactEmail));
    expect(invitation.text).to.contain('Monday, March 15, 2027, 11:59 PM MT');
    expect(invitation.text).not.to.contain('GMT');
  });

  it('moves every page to a new zone when the admins change it', async () => {
    const edit = `/admin/programs/${programId}/edit`;
    const res = await submitForm(admin, edit, edit, {
      name: 'Schools of Opportunity',
      slug: 'schools-of-opportunity',
      description: '',
      timeZone: 'America/New_York',
    });
    expect(res.status).to.equal(303);
    // The same instant, 05:59 UTC, is 1:59 AM the next day in New York.
    expect(readable((await h.agent().get('/')).text)).to.contain(
      'Applications are open until Tuesday, March 16, 2027, 1:59 AM ET.',
    );
  });
});
