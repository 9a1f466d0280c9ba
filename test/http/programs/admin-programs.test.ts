import { expect } from 'chai';
import { asc, eq } from 'drizzle-orm';
import { criteria, cycles, eligibilityQuestions, eligibilityRules, programs } from '../../../models/schema.js';
import { createUser, signIn } from '../../helpers/factories.js';
import { csrfTokenFrom, readable, submitForm } from '../../helpers/forms.js';
import { startHarness, type Harness } from '../../helpers/harness.js';

type Agent = ReturnType<Harness['agent']>;

const CYCLE_2027 = {
  year: '2027',
  name: '',
  opensAt: '2027-01-15',
  nominationsCloseAt: '2027-02-15',
  applicationsCloseAt: '2027-03-15',
  reviewsDueAt: '2027-05-01',
  announcementAt: '2027-06-01',
  scoreMin: '1',
  scoreMax: '5',
  blindReview: 'on',
  maxFileMb: '20',
  maxApplicationMb: '100',
  maxFilesPerCriterion: '10',
};

describe('admin: programs and cycles', () => {
  let h: Harness;
  let admin: Agent;
  let programId: number;
  let cycleId: number;

  async function post(page: string, action: string, fields: Record<string, string>) {
    return submitForm(admin, page, action, fields);
  }

  before(async () => {
    h = await startHarness();
    await createUser(h.db, { email: 'admin@example.org', name: 'Ada Admin', roles: ['admin'] });
    admin = h.agent();
    await signIn(admin, 'admin@example.org');
  });
  after(() => h.close());

  describe('programs', () => {
    it('creates a program and lists it', async () => {
      const res = await post('/admin/programs/new', '/admin/programs/new', {
        name: 'Schools of Opportunity',
        slug: 'schools-of-opportunity',
        description: 'Recognizing public high schools that close opportunity gaps.',
      });
      expect(res.status).to.equal(303);
      const [program] = await h.db.select().from(programs).where(eq(programs.slug, 'schools-of-opportunity'));
      programId = program!.id;
      expect(res.headers.location).to.equal(`/admin/programs/${programId}`);
      const page = await admin.get(res.headers.location!);
      expect(readable(page.text)).to.contain('The program “Schools of Opportunity” is created. Add its first cycle.');
      expect(page.text).to.contain('No cycles yet.');
      const list = await admin.get('/admin/programs');
      expect(list.text).to.contain(`<a href="/admin/programs/${programId}">Schools of Opportunity</a>`);
    });

    it('says what is wrong with each field, and keeps what was typed', async () => {
      const res = await post('/admin/programs/new', '/admin/programs/new', {
        name: '',
        slug: 'Bad Slug!',
        description: 'kept',
      });
      expect(res.status).to.equal(422);
      const text = readable(res.text);
      expect(text).to.contain('There is a problem');
      expect(text).to.contain('Enter the program’s name.');
      expect(text).to.contain('Use only lowercase letters a–z, digits and single hyphens between them');
      expect(res.text).to.contain('value="Bad Slug!"');
      expect(res.text).to.contain('>kept</textarea>');
      expect(res.text).to.match(/id="slug"[^>]*aria-describedby="slug-hint slug-error" aria-invalid="true"/);
    });

    it('refuses a short name another program uses, as a field error', async () => {
      const res = await post('/admin/programs/new', '/admin/programs/new', {
        name: 'Copycat',
        slug: 'schools-of-opportunity',
      });
      expect(res.status).to.equal(422);
      expect(res.text).to.contain('Another program already uses this short name. Choose a different one.');
      await post('/admin/programs/new', '/admin/programs/new', { name: 'Readiness', slug: 'readiness' });
      const edit = await post(`/admin/programs/${programId}/edit`, `/admin/programs/${programId}/edit`, {
        name: 'Schools of Opportunity',
        slug: 'readiness',
      });
      expect(edit.status).to.equal(422);
      expect(edit.text).to.contain('Another program already uses this short name.');
    });

    it('answers hostile and huge input with 422 or 413, never 500, and escapes what it shows', async () => {
      const huge = await post('/admin/programs/new', '/admin/programs/new', {
        name: 'x'.repeat(150_000),
        slug: 'huge',
      });
      expect(huge.status).to.equal(422);
      expect(huge.text).to.contain('Use at most 120 characters (this has 150000).');
      const tooLarge = await post('/admin/programs/new', '/admin/programs/new', {
        name: 'x'.repeat(300_000),
        slug: 'huge',
      });
      expect(tooLarge.status).to.equal(413);
      const script = await post('/admin/programs/new', '/admin/programs/new', {
        name: '<script>alert(1)</script>',
        slug: '../../etc',
      });
      expect(script.status).to.equal(422);
      expect(script.text).not.to.contain('<script>alert(1)</script>');
      expect(script.text).to.contain('&lt;script&gt;alert(1)&lt;/script&gt;');
      const page = await admin.get('/admin/programs/new');
      const repeated = await admin
        .post('/admin/programs/new')
        .type('form')
        .send(`name=a&name=b&slug=x&slug=y&_csrf=${encodeURIComponent(csrfTokenFrom(page.text))}`);
      expect(repeated.status).to.equal(422);
      expect(await h.db.select().from(programs).where(eq(programs.slug, 'x'))).to.have.length(0);
    });

    it('edits a program', async () => {
      const res = await post(`/admin/programs/${programId}/edit`, `/admin/programs/${programId}/edit`, {
        name: 'Schools of Opportunity',
        slug: 'schools-of-opportunity',
        description: 'Closing opportunity gaps.',
      });
      expect(res.status).to.equal(303);
      const [program] = await h.db.select().from(programs).where(eq(programs.id, programId));
      expect(program?.description).to.equal('Closing opportunity gaps.');
    });

    it('pages through many programs', async () => {
      await h.db
        .insert(programs)
        .values(
          Array.from({ length: 25 }, (_, i) => ({ name: `Zeta ${String(i).padStart(2, '0')}`, slug: `zeta-${i}` })),
        );
      const first = await admin.get('/admin/programs');
      expect(first.text).to.contain('href="/admin/programs?page=2"');
      expect(first.text).not.to.contain('Zeta 24');
      const second = await admin.get('/admin/programs?page=2');
      expect(second.text).to.contain('Zeta 24');
      expect(second.text).to.contain('href="/admin/programs?page=1"');
      expect((await admin.get('/admin/programs?page=abc')).status).to.equal(200);
    });

    it('answers 404 for ids that are not numbers or do not exist', async () => {
      for (const path of [
        '/admin/programs/abc',
        '/admin/programs/99999',
        '/admin/programs/1e3/edit',
        '/admin/cycles/-1',
        '/admin/cycles/99999999999999999999/edit',
        '/admin/cycles/0',
      ]) {
        expect((await admin.get(path)).status, path).to.equal(404);
      }
    });
  });

  describe('cycles', () => {
    const newCycle = () => `/admin/programs/${programId}/cycles/new`;

    it('creates a cycle with dates at UTC midnight and the deadline at the end of its day', async () => {
      const form = await admin.get(newCycle());
      expect(form.text).to.contain('All dates are in the program’s time zone, UTC, and must be in this order.');
      expect(form.text).to.match(/name="applicationsCloseTime" type="time"[^>]* value="23:59"/);
      const res = await post(newCycle(), newCycle(), CYCLE_2027);
      expect(res.status).to.equal(303);
      const [cycle] = await h.db.select().from(cycles).where(eq(cycles.programId, programId));
      cycleId = cycle!.id;
      expect(res.headers.location).to.equal(`/admin/cycles/${cycleId}`);
      expect(cycle).to.include({
        year: 2027,
        name: 'Schools of Opportunity 2027–2028',
        scoreMin: 1,
        scoreMax: 5,
        blindReview: true,
        optionalChoiceCount: 0,
      });
      expect(cycle!.opensAt.toISOString()).to.equal('2027-01-15T00:00:00.000Z');
      expect(cycle!.applicationsCloseAt.toISOString()).to.equal('2027-03-15T23:59:59.000Z');
      expect(cycle!.maxFileBytes).to.equal(20 * 1024 * 1024);
      expect(cycle!.maxApplicationBytes).to.equal(100 * 1024 * 1024);
      const page = await admin.get(`/admin/cycles/${cycleId}`);
      expect(page.text).to.contain('Not open yet');
      expect(page.text).to.contain('Files up to 20 MB each, 100 MB per application, 10 files per criterion');
    });

    it('refuses a second cycle for the same year, as a field error', async () => {
      const res = await post(newCycle(), newCycle(), CYCLE_2027);
      expect(res.status).to.equal(422);
      expect(res.text).to.contain('This program already has a 2027 cycle.');
    });

    const badCycles: [string, Record<string, string>, string, string][] = [
      [
        'dates out of order',
        { nominationsCloseAt: '2027-01-01' },
        'nominationsCloseAt',
        '“Nominations close” cannot come before “Applications open” (January 15, 2027).',
      ],
      [
        'reviews due on the deadline day',
        { reviewsDueAt: '2027-03-15' },
        'reviewsDueAt',
        'Reviews are due after applications close (Monday, March 15, 2027, 23:59, UTC): choose a later day.',
      ],
      [
        'a date that does not exist',
        { announcementAt: '2027-02-30' },
        'announcementAt',
        'Enter a real date for “Honorees announced”, like 2027-03-15.',
      ],
      [
        'a date that is not a date',
        { reviewsDueAt: 'next tuesday' },
        'reviewsDueAt',
        'Enter a real date for “Reviews due”',
      ],
      ['a missing date', { opensAt: '' }, 'opensAt', 'Enter a date for “Applications open”.'],
      [
        'an opening date in the past',
        { year: '2026', opensAt: '2026-11-01' },
        'opensAt',
        'The opening date has passed.',
      ],
      [
        'a scale upside down',
        { scoreMin: '5', scoreMax: '5' },
        'scoreMax',
        'The highest score must be greater than the lowest (5).',
      ],
      ['a scale beyond 100', { scoreMax: '1000' }, 'scoreMax', 'Enter the highest score between 0 and 100.'],
      ['a scale that is not a number', { scoreMin: '1.5' }, 'scoreMin', 'Enter the lowest score as a whole number'],
      ['a year that is not a number', { year: '2028abc' }, 'year', 'Enter the year as a whole number'],
      ['a huge year', { year: '99999999999999999999' }, 'year', 'Enter the year as a whole number'],
      [
        'an application total below one file',
        { maxFileMb: '50', maxApplicationMb: '40' },
        'maxApplicationMb',
        'The total for one application cannot be smaller than the largest single file.',
      ],
      [
        'a file size that is not a number',
        { maxFileMb: 'Infinity' },
        'maxFileMb',
        'Enter the largest file size in MB as a number',
      ],
      [
        'no files allowed',
        { maxFilesPerCriterion: '0' },
        'maxFilesPerCriterion',
        'Enter the number of files per criterion between 1 and 100.',
      ],
      ['a name far too long', { name: 'n'.repeat(20_000) }, 'name', 'Use at most 160 characters'],
    ];
    for (const [what, change, field, message] of badCycles) {
      it(`refuses ${what}`, async () => {
        const res = await post(newCycle(), newCycle(), { ...CYCLE_2027, year: '2030', ...change });
        expect(res.status).to.equal(422);
        expect(readable(res.text)).to.contain(message);
        expect(res.text).to.contain(`href="#${field}"`);
        expect(res.text).to.match(new RegExp(`id="${field}"[^>]*aria-invalid="true"`));
      });
    }

    it('refuses a rule of choice larger than the number of optional criteria', async () => {
      const res = await post(`/admin/cycles/${cycleId}/edit`, `/admin/cycles/${cycleId}/edit`, {
        ...CYCLE_2027,
        optionalChoiceCount: '1',
      });
      expect(res.status).to.equal(422);
      expect(res.text).to.contain('This cycle has no optional criteria yet, so applicants cannot choose any');
    });

    it('lets the deadline be extended after the cycle opens, and keeps the opening date', async () => {
      h.clock.set(new Date('2027-02-01T12:00:00Z'));
      try {
        const form = await admin.get(`/admin/cycles/${cycleId}/edit`);
        expect(form.text).not.to.contain('name="opensAt"');
        expect(form.text).to.contain('January 15, 2027 — the cycle has opened, so this date no longer changes.');
        expect(form.text).not.to.contain('name="optionalChoiceCount"');
        const res = await post(`/admin/cycles/${cycleId}/edit`, `/admin/cycles/${cycleId}/edit`, {
          ...CYCLE_2027,
          opensAt: '2027-01-20',
          applicationsCloseAt: '2027-04-01',
          reviewsDueAt: '2027-05-15',
        });
        expect(res.status).to.equal(303);
        const [cycle] = await h.db.select().from(cycles).where(eq(cycles.id, cycleId));
        expect(cycle!.opensAt.toISOString()).to.equal('2027-01-15T00:00:00.000Z');
        expect(cycle!.applicationsCloseAt.toISOString()).to.equal('2027-04-01T23:59:59.000Z');

        const past = await post(`/admin/cycles/${cycleId}/edit`, `/admin/cycles/${cycleId}/edit`, {
          ...CYCLE_2027,
          applicationsCloseAt: '2027-01-31',
        });
        expect(past.status).to.equal(422);
        expect(past.text).to.contain('a deadline in the past would close applications retroactively');
        const lower = await post(`/admin/cycles/${cycleId}/edit`, `/admin/cycles/${cycleId}/edit`, {
          ...CYCLE_2027,
          applicationsCloseAt: '2027-04-01',
          maxFileMb: '10',
        });
        expect(lower.status).to.equal(422);
        expect(lower.text).to.contain('The largest file size can only go up once the cycle has opened');
        const raised = await post(`/admin/cycles/${cycleId}/edit`, `/admin/cycles/${cycleId}/edit`, {
          ...CYCLE_2027,
          applicationsCloseAt: '2027-04-01',
          reviewsDueAt: '2027-05-15',
          maxFileMb: '25.5',
        });
        expect(raised.status).to.equal(303);
        const [after] = await h.db.select().from(cycles).where(eq(cycles.id, cycleId));
        expect(after!.maxFileBytes).to.equal(25.5 * 1024 * 1024);
        expect((await admin.get(`/admin/cycles/${cycleId}/edit`)).text).to.contain(
          'name="maxFileMb" type="number" inputmode="decimal" min="0.1" step="0.01" required value="25.5"',
        );
      } finally {
        h.clock.set(new Date('2026-11-22T12:00:00Z'));
      }
    });

    it('keeps the score scale once applications have closed', async () => {
      h.clock.set(new Date('2027-04-10T00:00:00Z'));
      try {
        const res = await post(`/admin/cycles/${cycleId}/edit`, `/admin/cycles/${cycleId}/edit`, {
          ...CYCLE_2027,
          applicationsCloseAt: '2027-04-01',
          reviewsDueAt: '2027-05-15',
          scoreMin: '0',
          scoreMax: '10',
          maxFileMb: '25.5',
        });
        expect(res.status).to.equal(303);
        const [cycle] = await h.db.select().from(cycles).where(eq(cycles.id, cycleId));
        expect([cycle!.scoreMin, cycle!.scoreMax]).to.deep.equal([1, 5]);
      } finally {
        h.clock.set(new Date('2026-11-22T12:00:00Z'));
      }
    });

    it('copies a cycle into next year with its criteria, questions and rules, dates one year later', async () => {
      await h.db.insert(criteria).values([
        { cycleId, position: 1, title: 'Broadening learning opportunities', required: true, weight: 2, wordLimit: 800 },
        {
          cycleId,
          position: 2,
          title: 'A healthy school culture',
          required: false,
          evidenceRequested: 'Code of conduct',
        },
      ]);
      // Closed early this year: next year is open at its own dates all the same.
      await h.db
        .update(cycles)
        .set({ optionalChoiceCount: 1, draftReminderDays: 5, closedAt: new Date('2027-03-01T00:00:00Z') })
        .where(eq(cycles.id, cycleId));
      await h.db.insert(eligibilityQuestions).values({
        cycleId,
        position: 1,
        key: 'school_type',
        prompt: 'What kind of school?',
        kind: 'choice',
        options: ['public', 'charter', 'private'],
      });
      await h.db.insert(eligibilityRules).values([
        {
          cycleId,
          position: 1,
          subject: 'answer.school_type',
          operator: 'one_of',
          values: ['public', 'charter'],
          message: 'Public or charter only.',
        },
        {
          cycleId,
          position: 2,
          subject: 'school.iepPercent',
          operator: 'not_below',
          other: 'school.frlPercent',
          margin: 2,
          message: 'IEP share.',
        },
      ]);

      const res = await post(`/admin/cycles/${cycleId}`, `/admin/cycles/${cycleId}/copy`, {});
      expect(res.status).to.equal(303);
      const [copy] = await h.db.select().from(cycles).where(eq(cycles.year, 2028));
      expect(res.headers.location).to.equal(`/admin/cycles/${copy!.id}`);
      expect(copy).to.include({
        programId,
        name: 'Schools of Opportunity 2028–2029',
        scoreMin: 1,
        scoreMax: 5,
        blindReview: true,
        optionalChoiceCount: 1,
      });
      expect(copy!.opensAt.toISOString()).to.equal('2028-01-15T00:00:00.000Z');
      expect(copy!.applicationsCloseAt.toISOString()).to.equal('2028-04-01T23:59:59.000Z');
      expect(copy!.announcementAt.toISOString()).to.equal('2028-06-01T00:00:00.000Z');
      expect(copy).to.include({ closedAt: null, publishedAt: null, draftReminderDays: 5 });

      const copied = await h.db
        .select()
        .from(criteria)
        .where(eq(criteria.cycleId, copy!.id))
        .orderBy(asc(criteria.position));
      expect(
        copied.map((c) => [c.position, c.title, c.required, c.weight, c.wordLimit, c.evidenceRequested]),
      ).to.deep.equal([
        [1, 'Broadening learning opportunities', true, 2, 800, ''],
        [2, 'A healthy school culture', false, 1, 500, 'Code of conduct'],
      ]);
      const questions = await h.db
        .select()
        .from(eligibilityQuestions)
        .where(eq(eligibilityQuestions.cycleId, copy!.id));
      expect(questions.map((q) => [q.key, q.kind, q.options])).to.deep.equal([
        ['school_type', 'choice', ['public', 'charter', 'private']],
      ]);
      const rules = await h.db
        .select()
        .from(eligibilityRules)
        .where(eq(eligibilityRules.cycleId, copy!.id))
        .orderBy(asc(eligibilityRules.position));
      expect(rules.map((r) => [r.subject, r.operator, r.values, r.other, r.margin, r.message])).to.deep.equal([
        ['answer.school_type', 'one_of', ['public', 'charter'], null, null, 'Public or charter only.'],
        ['school.iepPercent', 'not_below', [], 'school.frlPercent', 2, 'IEP share.'],
      ]);
      expect(await h.db.select().from(criteria).where(eq(criteria.cycleId, cycleId))).to.have.length(2);

      const page = await admin.get(res.headers.location!);
      expect(readable(page.text)).to.contain(
        '“Schools of Opportunity 2028–2029” is created from “Schools of Opportunity 2027–2028”',
      );
      expect((await admin.get(`/admin/cycles/${cycleId}`)).text).to.contain(
        `The program already has its next cycle: <a href="/admin/cycles/${copy!.id}">`,
      );
    });

    it('refuses to copy into a year that already exists, and says so', async () => {
      const overview = await admin.get(`/admin/cycles/${cycleId}`);
      const res = await admin
        .post(`/admin/cycles/${cycleId}/copy`)
        .type('form')
        .send({ _csrf: csrfTokenFrom(overview.text) });
      expect(res.status).to.equal(303);
      expect(res.headers.location).to.equal(`/admin/cycles/${cycleId}`);
      const page = await admin.get(`/admin/cycles/${cycleId}`);
      expect(page.text).to.contain('The program already has a 2028 cycle, so this one cannot be copied into it.');
      expect(await h.db.select().from(cycles).where(eq(cycles.year, 2028))).to.have.length(1);
    });
  });
});
