import { expect } from 'chai';
import { and, eq } from 'drizzle-orm';
import { applicationAnswers, assignments, cycles, reviewRounds, reviewScores } from '../../../models/schema.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { createUser, signIn, createOpenCycle } from '../../helpers/factories.js';
import { submitForm } from '../../helpers/forms.js';
import { LINCOLN } from '../../helpers/applicant.js';
import { confirmedNomination, submittedApplication } from '../../helpers/review-setup.js';

type Agent = ReturnType<Harness['agent']>;
const DAY = 24 * 60 * 60 * 1000;

/** Posts the review form the way a browser does; pairs allow a field to be repeated. */
async function postReview(agent: Agent, assignmentId: number, fields: Array<[string, string]>) {
  // Pairs, so that a test can send one field twice, as a forged form would.
  const form = Object.create(null) as Record<string, string[]>; // hostile names like "constructor" too
  for (const [name, value] of fields) (form[name] ??= []).push(value);
  return submitForm(agent, `/reviews/${assignmentId}`, `/reviews/${assignmentId}`, form);
}

describe('reviewers score their assigned applications', () => {
  let h: Harness;
  let cycleId: number;
  let applicationId: number;
  let scored: Array<{ id: number; title: string }>;
  let roundId: number;
  const ids: Record<'rita' | 'ravi' | 'rosa', number> = { rita: 0, ravi: 0, rosa: 0 };
  const agents = {} as Record<'rita' | 'ravi' | 'rosa', Agent>;

  /** A complete review: every chosen criterion scored, a recommendation, and any extra fields. */
  const fullReview = (score: string, comment: string, extra: Array<[string, string]> = []): Array<[string, string]> => [
    ...scored.flatMap((c): Array<[string, string]> => [
      [`score_${c.id}`, score],
      [`comment_${c.id}`, comment],
    ]),
    ['recommendation', 'gold'],
    ...extra,
  ];

  before(async () => {
    h = await startHarness();
    cycleId = await createOpenCycle(h.db, h.clock());
    const lincoln = await submittedApplication(h, cycleId, {
      email: 'principal@lincoln.pps.example.org',
      name: 'Pat Principal',
      profile: LINCOLN,
      files: [{ name: 'sample.pdf', as: 'Lincoln HS budget.pdf' }],
    });
    applicationId = lincoln.applicationId;
    const { cycleCriteria, schoolId } = lincoln;
    const first = cycleCriteria[0]!;
    scored = cycleCriteria.filter((c) => c.required).concat(cycleCriteria.filter((c) => !c.required).slice(0, 4));
    await h.db
      .update(applicationAnswers)
      .set({
        answer:
          'Lincoln High School serves Portland families in Portland Public Schools. At Lincoln, every class is detracked.',
      })
      .where(and(eq(applicationAnswers.applicationId, applicationId), eq(applicationAnswers.criterionId, first.id)));

    // A confirmed nomination with a letter, made directly: its path through the pages is tested elsewhere.
    await confirmedNomination(h, {
      cycleId,
      schoolId,
      applicationId,
      district: 'Portland Public Schools',
      reason: 'Lincoln HS opened its AP classes to everyone in Portland.',
      criterionIds: [first.id],
      storedName: 'ab/ab' + '0'.repeat(30),
      letterName: 'Letter from Lincoln parents.pdf',
    });

    const [round] = await h.db
      .insert(reviewRounds)
      .values({ cycleId, number: 1, name: 'Round 1', dueAt: new Date(h.clock().getTime() + 10 * DAY) })
      .returning();
    roundId = round!.id;
    for (const name of ['rita', 'ravi', 'rosa'] as const) {
      const user = await createUser(h.db, {
        email: `${name}@panel.example.net`,
        name: `${name[0]!.toUpperCase()}${name.slice(1)} Reviewer`,
        roles: ['reviewer'],
      });
      const [row] = await h.db.insert(assignments).values({ roundId, applicationId, reviewerId: user.id }).returning();
      ids[name] = row!.id;
      agents[name] = h.agent();
      await signIn(agents[name], `${name}@panel.example.net`);
    }
  });
  after(() => h.close());

  it('lists the assigned applications with their due date and status', async () => {
    const page = await agents.rita.get('/reviews');
    expect(page.status).to.equal(200);
    expect(page.text).to.contain(`href="/reviews/${ids.rita}">Lincoln High School</a>`);
    expect(page.text).to.contain('Portland, OR');
    expect(page.text).to.contain('Round 1');
    expect(page.text).to.contain('Not started');
    expect(page.text).to.contain('0 of 6 criteria');
    expect(page.text).to.match(/<time datetime="[^"]+">[^<]+ UTC<\/time>/);
  });

  it('shows the application: answers, evidence, nominations, and guidance beside each score', async () => {
    const page = await agents.rita.get(`/reviews/${ids.rita}`);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('At Lincoln, every class is detracked.');
    expect(page.text).to.contain('Lincoln HS budget.pdf');
    expect(page.text).to.contain('Lincoln HS opened its AP classes to everyone in Portland.');
    expect(page.text).to.contain('Nia Neighbor');
    for (const c of scored) expect(page.text).to.contain(`name="score_${c.id}" value="5"`);
    expect(page.text).to.contain('aria-describedby="guidance-');
    expect(page.text).to.contain('5 (highest)');
    expect(page.text).to.contain(
      'You will see the other reviewers’ reviews of this application here once you submit yours.',
    );
    expect(page.text).not.to.contain('name="siteVisitNotes"');
  });

  it('saves a partial draft and shows it again', async () => {
    const [c1] = scored;
    const res = await postReview(agents.rita, ids.rita, [
      ['action', 'save'],
      [`score_${c1!.id}`, '4'],
      [`comment_${c1!.id}`, 'Detracked ninth grade.'],
    ]);
    expect(res.status, res.text).to.equal(303);
    const page = await agents.rita.get(`/reviews/${ids.rita}`);
    expect(page.text).to.contain('Your draft is saved.');
    expect(page.text).to.contain(`name="score_${c1!.id}" value="4" checked`);
    expect(page.text).to.contain('Detracked ninth grade.');
    const [row] = await h.db.select().from(assignments).where(eq(assignments.id, ids.rita));
    expect(row?.status).to.equal('draft');
    expect((await agents.rita.get('/reviews')).text).to.contain('1 of 6 criteria');
  });

  it('refuses to submit without every score and a recommendation, keeping what was typed', async () => {
    const [c1, c2] = scored;
    const res = await postReview(agents.rita, ids.rita, [
      ['action', 'submit'],
      [`score_${c1!.id}`, '4'],
      [`comment_${c2!.id}`, 'Still thinking about culture.'],
    ]);
    expect(res.status).to.equal(422);
    expect(res.text).to.contain(`Criterion 2 “${c2!.title}”: choose a score.`);
    expect(res.text).to.contain('Choose your overall recommendation.');
    expect(res.text).to.contain(`href="#score_${c2!.id}"`);
    expect(res.text).to.contain('Still thinking about culture.');
    expect(res.text).to.contain(`name="score_${c1!.id}" value="4" checked`);
    const [row] = await h.db.select().from(assignments).where(eq(assignments.id, ids.rita));
    expect(row?.status).to.equal('draft');
  });

  it('answers hostile or out-of-scale input with 422 and a message, never 500', async () => {
    const c = scored[0]!.id;
    const cases: Array<{ fields: Array<[string, string]>; message: string }> = [
      { fields: [[`score_${c}`, '6']], message: 'Criterion 1: choose one score from 1 to 5.' },
      { fields: [[`score_${c}`, '0']], message: 'Criterion 1: choose one score from 1 to 5.' },
      { fields: [[`score_${c}`, '3.5']], message: 'Criterion 1: choose one score from 1 to 5.' },
      { fields: [[`score_${c}`, '99999999999999999999']], message: 'Criterion 1: choose one score from 1 to 5.' },
      { fields: [[`score_${c}`, '<script>alert(1)</script>']], message: 'Criterion 1: choose one score from 1 to 5.' },
      {
        fields: [
          [`score_${c}`, '2'],
          [`score_${c}`, '3'],
        ],
        message: 'Criterion 1: choose one score from 1 to 5.',
      },
      { fields: [['recommendation', 'platinum']], message: 'Choose Gold, Silver or Not recommended.' },
      {
        fields: [
          ['recommendation', 'gold'],
          ['recommendation', 'silver'],
        ],
        message: 'Choose Gold, Silver or Not recommended.',
      },
      {
        fields: [[`comment_${c}`, 'x'.repeat(5001)]],
        message: 'Keep the comment on criterion 1 to 5,000 characters (this has 5,001).',
      },
      {
        fields: [['confidentialNote', 'y'.repeat(6000)]],
        message: 'Keep the note to the program staff to 5,000 characters (this has 6,000).',
      },
      {
        fields: [
          ['confidentialNote', 'a'],
          ['confidentialNote', 'b'],
        ],
        message: 'Send the note to the program staff once.',
      },
    ];
    for (const { fields, message } of cases) {
      const res = await postReview(agents.ravi, ids.ravi, [['action', 'save'], ...fields]);
      expect(res.status, JSON.stringify(fields).slice(0, 80)).to.equal(422);
      expect(res.text, message).to.contain(message);
      expect(res.text).not.to.contain('<script>alert(1)</script>');
    }
    const [row] = await h.db.select().from(assignments).where(eq(assignments.id, ids.ravi));
    expect(row?.status).to.equal('assigned');
    // Control characters are dropped rather than refused; unknown and unchosen fields are ignored.
    const odd = await postReview(agents.ravi, ids.ravi, [
      ['action', 'save'],
      ['confidentialNote', 'nul\u0000here'],
      ['score_999999', '3'],
      ['__proto__', 'x'],
      ['action', 'submit'],
    ]);
    expect(odd.status, odd.text).to.equal(303);
    const [saved] = await h.db.select().from(assignments).where(eq(assignments.id, ids.ravi));
    expect(saved?.confidentialNote).to.equal('nulhere');
    expect(saved?.status).to.equal('draft');
    expect((await agents.ravi.get('/reviews/abc')).status).to.equal(404);
    expect((await agents.ravi.get('/reviews/99999999999999999999')).status).to.equal(404);
  });

  it('shows the other submitted reviews only after submitting, and never their confidential notes', async () => {
    const submitted = await postReview(
      agents.rita,
      ids.rita,
      fullReview('4', 'Rita: strong detracking.', [
        ['action', 'submit'],
        ['confidentialNote', 'RITA-SECRET'],
      ]),
    );
    expect(submitted.status, submitted.text).to.equal(303);
    const ritaPage = await agents.rita.get(`/reviews/${ids.rita}`);
    expect(ritaPage.text).to.contain('Your review is submitted.');
    expect(ritaPage.text).to.contain('No other reviewer has submitted a review of this application yet.');

    // Ravi has not submitted: nothing of Rita's review reaches him.
    const raviBefore = await agents.ravi.get(`/reviews/${ids.ravi}`);
    expect(raviBefore.text).not.to.contain('Rita: strong detracking.');
    expect(raviBefore.text).to.contain('once you submit yours');

    const raviSubmits = await postReview(
      agents.ravi,
      ids.ravi,
      fullReview('2', 'Ravi: Lincoln tracks math.', [
        ['action', 'submit'],
        ['confidentialNote', 'RAVI-SECRET'],
      ]),
    );
    expect(raviSubmits.status, raviSubmits.text).to.equal(303);
    const raviAfter = await agents.ravi.get(`/reviews/${ids.ravi}`);
    expect(raviAfter.text).to.contain('Rita: strong detracking.');
    expect(raviAfter.text).to.contain('Reviewer A');
    expect(raviAfter.text).not.to.contain('RITA-SECRET');
    expect(raviAfter.text).not.to.contain('Rita Reviewer</h3>');

    const ritaAfter = await agents.rita.get(`/reviews/${ids.rita}`);
    expect(ritaAfter.text).to.contain('Ravi: Lincoln tracks math.');
    expect(ritaAfter.text).to.contain('Reviewer A');
    expect(ritaAfter.text).to.contain('Recommendation: Gold');
    expect(ritaAfter.text).not.to.contain('RAVI-SECRET');
    // Rosa's draft stays hers: the others never see a review before it is submitted.
    await postReview(agents.rosa, ids.rosa, [
      ['action', 'save'],
      [`comment_${scored[0]!.id}`, 'Rosa draft thoughts'],
    ]);
    expect((await agents.rita.get(`/reviews/${ids.rita}`)).text).not.to.contain('Rosa draft thoughts');
    expect((await agents.rosa.get(`/reviews/${ids.rosa}`)).text).not.to.contain('Ravi: Lincoln tracks math.');
  });

  it('keeps a submitted review editable, and complete, until the due date', async () => {
    const c = scored[0]!.id;
    const edited = await postReview(
      agents.rita,
      ids.rita,
      fullReview('3', 'Rita, on second thought.', [['action', 'submit']]),
    );
    expect(edited.status).to.equal(303);
    const cleared = await postReview(agents.rita, ids.rita, [
      ['action', 'save'],
      [`score_${c}`, ''],
      ['recommendation', 'gold'],
    ]);
    expect(cleared.status).to.equal(422);
    expect(cleared.text).to.contain('choose a score.');
    const [row] = await h.db.select().from(assignments).where(eq(assignments.id, ids.rita));
    expect(row?.status).to.equal('submitted');
    const [score] = await h.db
      .select()
      .from(reviewScores)
      .where(and(eq(reviewScores.assignmentId, ids.rita), eq(reviewScores.criterionId, c)));
    expect(score).to.deep.include({ score: 3, comment: 'Rita, on second thought.' });
  });

  it('redacts the school everywhere in a blind cycle, file names and downloads included', async () => {
    await h.db.update(cycles).set({ blindReview: true }).where(eq(cycles.id, cycleId));
    try {
      const dashboard = await agents.rita.get('/reviews');
      const page = await agents.rita.get(`/reviews/${ids.rita}`);
      for (const res of [dashboard, page]) {
        expect(res.status).to.equal(200);
        expect(res.text).to.contain(`Application no. ${applicationId}`);
        for (const word of ['lincoln', 'portland', 'nia neighbor'])
          expect(res.text.toLowerCase(), word).not.to.contain(word);
      }
      expect(page.text).to.contain(
        '[school] serves [city] families in [district]. At [school], every class is detracked.',
      );
      expect(page.text).to.contain('[school] opened its AP classes to everyone in [city].');
      expect(page.text).to.contain('Ravi: [school] tracks math.');
      expect(page.text).to.contain('Evidence 1.pdf');
      expect(page.text).to.contain('Evidence 2.pdf');
      expect(page.text).to.contain('Nominator 1');
      const links = [...page.text.matchAll(/href="(\/reviews\/\d+\/(?:nominations\/\d+\/)?files\/[0-9a-f-]+)"/g)].map(
        (m) => m[1]!,
      );
      expect(links).to.have.length(2);
      const names = [];
      for (const link of links) {
        const file = await agents.rita.get(link);
        expect(file.status, link).to.equal(200);
        expect(file.headers['content-disposition']).to.match(/^attachment; filename="Evidence \d\.pdf"$/);
        names.push(file.headers['content-disposition']);
      }
      expect(names.join()).to.contain('Evidence 1.pdf').and.to.contain('Evidence 2.pdf');
    } finally {
      await h.db.update(cycles).set({ blindReview: false }).where(eq(cycles.id, cycleId));
    }
    const open = await agents.rita.get(`/reviews/${ids.rita}`);
    const link = /href="(\/reviews\/\d+\/files\/[0-9a-f-]+)"/.exec(open.text)![1]!;
    expect((await agents.rita.get(link)).headers['content-disposition']).to.equal(
      'attachment; filename="Lincoln HS budget.pdf"',
    );
  });

  it('asks for site-visit notes in a finalist round', async () => {
    const [finals] = await h.db
      .insert(reviewRounds)
      .values({
        cycleId,
        number: 2,
        name: 'Finalists',
        siteVisit: true,
        dueAt: new Date(h.clock().getTime() + 20 * DAY),
      })
      .returning();
    const [own] = await h.db.select().from(assignments).where(eq(assignments.id, ids.rita));
    const [assignment] = await h.db
      .insert(assignments)
      .values({ roundId: finals!.id, applicationId, reviewerId: own!.reviewerId })
      .returning();
    const page = await agents.rita.get(`/reviews/${assignment!.id}`);
    expect(page.text).to.contain('name="siteVisitNotes"');
    const missing = await postReview(agents.rita, assignment!.id, fullReview('5', 'Finals.', [['action', 'submit']]));
    expect(missing.status).to.equal(422);
    expect(missing.text).to.contain('Write your notes from the site visit.');
    const done = await postReview(
      agents.rita,
      assignment!.id,
      fullReview('5', 'Finals.', [
        ['action', 'submit'],
        ['siteVisitNotes', 'Visited two detracked classes.'],
      ]),
    );
    expect(done.status).to.equal(303);
    const [row] = await h.db.select().from(assignments).where(eq(assignments.id, assignment!.id));
    expect(row).to.deep.include({
      status: 'submitted',
      siteVisitNotes: 'Visited two detracked classes.',
      recommendation: 'gold',
    });
    // Round 1's reviews are not the finalist round's: Ravi's review does not show here.
    expect((await agents.rita.get(`/reviews/${assignment!.id}`)).text).not.to.contain('Ravi: Lincoln tracks math.');
  });

  it('refuses any change after the due date, with the reason, and keeps what was typed', async () => {
    h.clock.set(new Date(h.clock().getTime() + 11 * DAY));
    const page = await agents.rita.get(`/reviews/${ids.rita}`);
    expect(page.text).to.contain('The due date of this round has passed; reviews can no longer be changed.');
    expect(page.text).to.contain('<fieldset disabled>');
    expect(page.text).not.to.contain('value="submit"');
    const late = await postReview(
      agents.rita,
      ids.rita,
      fullReview('1', 'Too late to change.', [['action', 'submit']]),
    );
    expect(late.status).to.equal(403);
    expect(late.text).to.contain('The due date of this round has passed');
    expect(late.text).to.contain('Too late to change.');
    const [score] = await h.db
      .select()
      .from(reviewScores)
      .where(and(eq(reviewScores.assignmentId, ids.rita), eq(reviewScores.criterionId, scored[0]!.id)));
    expect(score?.score).to.equal(3);
    expect((await agents.rita.get('/reviews')).text).not.to.contain(`href="/reviews/${ids.rita}"`);
  });

  it('keeps the reviewer pages from applicants', async () => {
    const applicant = h.agent();
    await signIn(applicant, 'principal@lincoln.pps.example.org');
    expect((await applicant.get('/reviews')).status).to.equal(403);
    expect((await applicant.get(`/reviews/${ids.rita}`)).status).to.equal(403);
  });
});
