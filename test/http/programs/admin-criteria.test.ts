import { expect } from 'chai';
import { asc, eq } from 'drizzle-orm';
import { applications, criteria, cycles, programs, schools } from '../../../models/schema.js';
import { DEMO_CRITERIA } from '../../../server/cli/demo-data.js';
import { createUser, signIn } from '../../helpers/factories.js';
import { readable, submitForm } from '../../helpers/forms.js';
import { startHarness, type Harness } from '../../helpers/harness.js';

type Agent = ReturnType<Harness['agent']>;

const BEFORE_OPENING = new Date('2026-11-22T12:00:00Z');
const AFTER_OPENING = new Date('2027-02-01T12:00:00Z');

const CYCLE_FIELDS = {
  year: '2027',
  name: 'Schools of Opportunity 2027',
  opensAt: '2027-01-15',
  nominationsCloseAt: '2027-02-15',
  applicationsCloseAt: '2027-03-15',
  reviewsDueAt: '2027-05-01',
  announcementAt: '2027-06-01',
  scoreMin: '1',
  scoreMax: '5',
  maxFileMb: '20',
  maxApplicationMb: '100',
  maxFilesPerCriterion: '10',
};

describe('admin: criteria and the rule of choice', () => {
  let h: Harness;
  let admin: Agent;
  let cycleId: number;

  const post = (page: string, action: string, fields: Record<string, string>) =>
    submitForm(admin, page, action, fields);
  const cycleCriteria = () =>
    h.db.select().from(criteria).where(eq(criteria.cycleId, cycleId)).orderBy(asc(criteria.position));
  const criterionFields = (c: (typeof DEMO_CRITERIA)[number]) => ({
    title: c.title,
    guidance: c.guidance,
    evidenceRequested: c.evidenceRequested,
    weight: '1',
    required: c.required ? 'required' : 'optional',
    wordLimit: '500',
  });

  before(async () => {
    h = await startHarness();
    await createUser(h.db, { email: 'admin@example.org', name: 'Ada Admin', roles: ['admin'] });
    admin = h.agent();
    await signIn(admin, 'admin@example.org');
  });
  after(() => h.close());
  afterEach(() => h.clock.set(BEFORE_OPENING));

  it('creates a program, its cycle, the ten criteria and the rule of choice (2 required, any 4 of 8)', async () => {
    const created = await post('/admin/programs/new', '/admin/programs/new', {
      name: 'Schools of Opportunity',
      slug: 'schools-of-opportunity',
    });
    const programId = Number(/\/admin\/programs\/(\d+)$/.exec(created.headers.location!)![1]);
    const cycle = await post(
      `/admin/programs/${programId}/cycles/new`,
      `/admin/programs/${programId}/cycles/new`,
      CYCLE_FIELDS,
    );
    expect(cycle.status).to.equal(303);
    cycleId = Number(/\/admin\/cycles\/(\d+)$/.exec(cycle.headers.location!)![1]);

    for (const c of DEMO_CRITERIA) {
      const res = await post(
        `/admin/cycles/${cycleId}/criteria/new`,
        `/admin/cycles/${cycleId}/criteria/new`,
        criterionFields(c),
      );
      expect(res.status, c.title).to.equal(303);
    }
    const rows = await cycleCriteria();
    expect(rows.map((r) => [r.position, r.title, r.required])).to.deep.equal(
      DEMO_CRITERIA.map((c, i) => [i + 1, c.title, c.required]),
    );

    const tooMany = await post(`/admin/cycles/${cycleId}/edit`, `/admin/cycles/${cycleId}/edit`, {
      ...CYCLE_FIELDS,
      optionalChoiceCount: '9',
    });
    expect(tooMany.status).to.equal(422);
    expect(tooMany.text).to.contain('This cycle has 8 optional criteria, so applicants can choose at most 8.');

    const saved = await post(`/admin/cycles/${cycleId}/edit`, `/admin/cycles/${cycleId}/edit`, {
      ...CYCLE_FIELDS,
      optionalChoiceCount: '4',
    });
    expect(saved.status).to.equal(303);
    const [row] = await h.db.select().from(cycles).where(eq(cycles.id, cycleId));
    expect(row?.optionalChoiceCount).to.equal(4);
    const overview = await admin.get(`/admin/cycles/${cycleId}`);
    expect(overview.text).to.contain(
      'Every applicant answers the 2 required criteria, then chooses 4 of the 8 optional ones.',
    );
    expect(overview.text).to.contain('Broadening and enriching learning opportunities');
  });

  const badCriteria: [string, Record<string, string>, string, string][] = [
    ['an empty title', { title: '   ' }, 'title', 'Enter the criterion’s title.'],
    ['a huge title', { title: 't'.repeat(100_000) }, 'title', 'Use at most 200 characters (this has 100000).'],
    ['a weight of zero', { weight: '0' }, 'weight', 'Enter the weight greater than 0 and at most 100.'],
    ['a negative weight', { weight: '-2' }, 'weight', 'Enter the weight greater than 0 and at most 100.'],
    [
      'a weight that is not a number',
      { weight: 'NaN' },
      'weight',
      'Enter the weight as a number with at most 3 decimal places',
    ],
    ['a weight in exponent notation', { weight: '1e5' }, 'weight', 'Enter the weight as a number'],
    ['a tiny word limit', { wordLimit: '5' }, 'wordLimit', 'Enter the word limit between 10 and 20000.'],
    [
      'no choice of required or optional',
      { required: 'maybe' },
      'required',
      'Choose whether every applicant answers this criterion',
    ],
    ['guidance far too long', { guidance: 'g'.repeat(6000) }, 'guidance', 'Use at most 5000 characters'],
  ];
  for (const [what, change, field, message] of badCriteria) {
    it(`refuses a criterion with ${what}`, async () => {
      const page = `/admin/cycles/${cycleId}/criteria/new`;
      const res = await post(page, page, { ...criterionFields(DEMO_CRITERIA[2]!), ...change });
      expect(res.status).to.equal(422);
      expect(readable(res.text)).to.contain(message);
      expect(res.text).to.contain(`href="#${field}"`);
      expect(await cycleCriteria()).to.have.length(10);
    });
  }

  it('refuses to make an optional criterion required when too few optional ones would be left', async () => {
    await h.db.update(cycles).set({ optionalChoiceCount: 8 }).where(eq(cycles.id, cycleId));
    const third = (await cycleCriteria())[2]!;
    const res = await post(`/admin/criteria/${third.id}/edit`, `/admin/criteria/${third.id}/edit`, {
      ...criterionFields(DEMO_CRITERIA[2]!),
      required: 'required',
    });
    expect(res.status).to.equal(422);
    expect(res.text).to.contain(
      'Applicants choose 8 of the optional criteria; making this one required would leave 7.',
    );

    const confirm = await admin.get(`/admin/criteria/${third.id}/delete`);
    expect(confirm.text).to.contain('This criterion cannot be deleted');
    expect(confirm.text).not.to.contain(`action="/admin/criteria/${third.id}/delete"`);
    const del = await post(`/admin/cycles/${cycleId}`, `/admin/criteria/${third.id}/delete`, {});
    expect(del.status).to.equal(422);
    expect(del.text).to.contain('deleting this one would leave 7');
    expect(await cycleCriteria()).to.have.length(10);
    await h.db.update(cycles).set({ optionalChoiceCount: 4 }).where(eq(cycles.id, cycleId));
  });

  it('moves criteria up and down, and says when one is already at the end', async () => {
    const [first, second] = await cycleCriteria();
    const down = await post(`/admin/cycles/${cycleId}`, `/admin/criteria/${first!.id}/move`, { direction: 'down' });
    expect(down.status).to.equal(303);
    expect((await cycleCriteria()).slice(0, 2).map((c) => c.id)).to.deep.equal([second!.id, first!.id]);
    await post(`/admin/cycles/${cycleId}`, `/admin/criteria/${first!.id}/move`, { direction: 'up' });
    expect((await cycleCriteria()).slice(0, 2).map((c) => c.id)).to.deep.equal([first!.id, second!.id]);

    await post(`/admin/cycles/${cycleId}`, `/admin/criteria/${first!.id}/move`, { direction: 'up' });
    expect((await admin.get(`/admin/cycles/${cycleId}`)).text).to.contain('The criterion is already first.');
    const sideways = await post(`/admin/cycles/${cycleId}`, `/admin/criteria/${first!.id}/move`, {
      direction: 'sideways',
    });
    expect(sideways.status).to.equal(303);
    expect((await admin.get(`/admin/cycles/${cycleId}`)).text).to.contain('Choose to move the criterion up or down.');
  });

  it('deletes a criterion after a confirmation page, and renumbers the rest', async () => {
    const page = `/admin/cycles/${cycleId}/criteria/new`;
    await post(page, page, { ...criterionFields(DEMO_CRITERIA[9]!), title: 'An eleventh criterion' });
    const extra = (await cycleCriteria()).find((c) => c.title === 'An eleventh criterion')!;
    const confirm = await admin.get(`/admin/criteria/${extra.id}/delete`);
    expect(readable(confirm.text)).to.contain('Delete the criterion “An eleventh criterion”');
    const res = await post(`/admin/criteria/${extra.id}/delete`, `/admin/criteria/${extra.id}/delete`, {});
    expect(res.status).to.equal(303);
    const rows = await cycleCriteria();
    expect(rows.map((r) => r.position)).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect((await admin.get(`/admin/criteria/${extra.id}/edit`)).status).to.equal(404);
  });

  describe('after the cycle opens', () => {
    it('shows the structure as locked, with the reason', async () => {
      h.clock.set(AFTER_OPENING);
      const first = (await cycleCriteria())[0]!;
      const form = await admin.get(`/admin/criteria/${first.id}/edit`);
      expect(form.text).to.contain('This cycle opened on January 15, 2027');
      expect(form.text).not.to.contain('name="weight"');
      expect(form.text).not.to.contain('name="required"');
      expect(form.text).to.contain('Required: every applicant answers it. Locked');
      const overview = await admin.get(`/admin/cycles/${cycleId}`);
      expect(overview.text).not.to.contain('/move"');
      expect(overview.text).not.to.contain('Add a criterion');
    });

    it('still lets the wording change, and the word limit go up', async () => {
      h.clock.set(AFTER_OPENING);
      const first = (await cycleCriteria())[0]!;
      const res = await post(`/admin/criteria/${first.id}/edit`, `/admin/criteria/${first.id}/edit`, {
        title: 'Broadening and enriching learning opportunities (revised)',
        guidance: 'Clearer guidance.',
        evidenceRequested: 'Course guide.',
        wordLimit: '750',
      });
      expect(res.status).to.equal(303);
      const [saved] = await h.db.select().from(criteria).where(eq(criteria.id, first.id));
      expect(saved).to.include({
        title: 'Broadening and enriching learning opportunities (revised)',
        guidance: 'Clearer guidance.',
        wordLimit: 750,
        required: true,
        weight: 1,
      });

      const lower = await post(`/admin/criteria/${first.id}/edit`, `/admin/criteria/${first.id}/edit`, {
        title: 'x',
        wordLimit: '100',
      });
      expect(lower.status).to.equal(422);
      expect(lower.text).to.contain('The word limit can only go up now (it is 750)');
    });

    it('keeps score anchors for the lowest, middle and highest scores, in both languages, checked like the rest', async () => {
      h.clock.set(AFTER_OPENING);
      const first = (await cycleCriteria())[0]!;
      const page = `/admin/criteria/${first.id}/edit`;
      const form = readable((await admin.get(page)).text);
      // The cycle scores 1 to 5: the anchors describe a 1, a 3 and a 5.
      expect(form).to.contain('What a 1 looks like');
      expect(form).to.contain('What a 3 looks like');
      expect(form).to.contain('What a 5 looks like');
      const anchors = {
        title: first.title,
        wordLimit: '750',
        anchorLow: 'Advanced courses are for a few.',
        anchorMiddle: 'Open to all, with little support.',
        anchorHigh: 'Every student takes one, with the support to succeed.',
        anchorHigh__es: 'Cada estudiante toma uno, con el apoyo para lograrlo.',
      };
      expect((await post(page, page, anchors)).status).to.equal(303);
      const [saved] = await h.db.select().from(criteria).where(eq(criteria.id, first.id));
      expect(saved).to.include({
        anchorLow: 'Advanced courses are for a few.',
        anchorMiddle: 'Open to all, with little support.',
        anchorHigh: 'Every student takes one, with the support to succeed.',
      });
      expect(saved?.translations.es?.anchorHigh).to.equal('Cada estudiante toma uno, con el apoyo para lograrlo.');
      const long = await post(page, page, { ...anchors, anchorLow: 'x'.repeat(1001) });
      expect(long.status).to.equal(422);
      expect(long.text).to.contain('Use at most 1000 characters (this has 1001).');
      expect(long.text).to.contain('Open to all, with little support.');
    });

    it('refuses a different weight or a switch to optional, with a message', async () => {
      h.clock.set(AFTER_OPENING);
      const first = (await cycleCriteria())[0]!;
      const res = await post(`/admin/criteria/${first.id}/edit`, `/admin/criteria/${first.id}/edit`, {
        title: first.title,
        wordLimit: '750',
        weight: '3',
        required: 'optional',
      });
      expect(res.status).to.equal(422);
      expect(res.text).to.contain('The weight cannot change. This cycle opened on January 15, 2027');
      expect(res.text).to.contain('Whether this criterion is required cannot change.');
      const [saved] = await h.db.select().from(criteria).where(eq(criteria.id, first.id));
      expect(saved).to.include({ weight: 1, required: true });
    });

    it('refuses to add, delete or move criteria, saying why', async () => {
      h.clock.set(AFTER_OPENING);
      const [first, second] = await cycleCriteria();
      const newPage = await admin.get(`/admin/cycles/${cycleId}/criteria/new`);
      expect(newPage.text).to.contain('Criteria cannot be added now');
      expect(newPage.text).not.to.contain('name="title"');

      const add = await post(
        `/admin/cycles/${cycleId}`,
        `/admin/cycles/${cycleId}/criteria/new`,
        criterionFields(DEMO_CRITERIA[3]!),
      );
      const del = await post(`/admin/cycles/${cycleId}`, `/admin/criteria/${second!.id}/delete`, {});
      const move = await post(`/admin/cycles/${cycleId}`, `/admin/criteria/${first!.id}/move`, { direction: 'down' });
      for (const res of [add, del, move]) {
        expect(res.status).to.equal(403);
        expect(res.text).to.contain(
          'This cycle opened on January 15, 2027: applicants may already be answering these criteria',
        );
      }
      expect((await cycleCriteria()).map((c) => c.id).slice(0, 2)).to.deep.equal([first!.id, second!.id]);
      expect(await cycleCriteria()).to.have.length(10);
      expect((await admin.get(`/admin/criteria/${second!.id}/delete`)).text).to.contain(
        'This criterion cannot be deleted',
      );
    });

    it('extends the deadline while the rule of choice stays as it was', async () => {
      h.clock.set(AFTER_OPENING);
      const res = await post(`/admin/cycles/${cycleId}/edit`, `/admin/cycles/${cycleId}/edit`, {
        ...CYCLE_FIELDS,
        applicationsCloseAt: '2027-03-31',
        optionalChoiceCount: '2',
      });
      expect(res.status).to.equal(303);
      const [cycle] = await h.db.select().from(cycles).where(eq(cycles.id, cycleId));
      expect(cycle?.applicationsCloseAt.toISOString()).to.equal('2027-03-31T23:59:59.000Z');
      expect(cycle?.optionalChoiceCount).to.equal(4);
    });
  });

  it('locks the structure before the opening date once a school has started an application', async () => {
    const [program] = await h.db.select().from(programs);
    const [later] = await h.db
      .insert(cycles)
      .values({
        programId: program!.id,
        year: 2029,
        name: 'Schools of Opportunity 2029',
        opensAt: new Date('2029-01-15T00:00:00Z'),
        nominationsCloseAt: new Date('2029-02-15T00:00:00Z'),
        applicationsCloseAt: new Date('2029-03-15T23:59:59Z'),
        reviewsDueAt: new Date('2029-05-01T00:00:00Z'),
        announcementAt: new Date('2029-06-01T00:00:00Z'),
      })
      .returning();
    const [school] = await h.db
      .insert(schools)
      .values({
        name: 'Lincoln High School',
        city: 'Lincoln',
        state: 'NE',
        level: 'high',
        matchKey: 'lincoln|lincoln|ne',
      })
      .returning();
    await h.db.insert(applications).values({ cycleId: later!.id, schoolId: school!.id });
    const res = await post(
      `/admin/cycles/${later!.id}`,
      `/admin/cycles/${later!.id}/criteria/new`,
      criterionFields(DEMO_CRITERIA[0]!),
    );
    expect(res.status).to.equal(403);
    expect(res.text).to.contain('Schools have already started applications to this cycle');
  });
});
