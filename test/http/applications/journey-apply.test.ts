// The whole path from an empty portal to a submitted application, only through the pages people
// use: an admin sets up the program, a principal registers, confirms the address from the
// e-mail, adds the school, applies and submits, and the admin finds the application.
import { expect } from 'chai';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { STRONG_PASSWORD, createUser, signIn } from '../../helpers/factories.js';
import { linkIn, submitForm, followConfirmLink } from '../../helpers/forms.js';
import { LINCOLN, saveCriterion, words } from '../../helpers/applicant.js';

type Agent = ReturnType<Harness['agent']>;

const PROGRAM = 'Schools of Opportunity';
const CYCLE = 'Schools of Opportunity 2027–2028';
const CRITERIA = [
  { title: 'Broadening and enriching learning opportunities', required: 'required' },
  { title: 'A healthy school culture', required: 'required' },
  { title: 'Family and community engagement', required: 'optional' },
  { title: 'Effective student supports', required: 'optional' },
] as const;
const CYCLE_FIELDS = {
  year: '2027',
  name: '',
  opensAt: '2026-12-01',
  nominationsCloseAt: '2027-01-15',
  applicationsCloseAt: '2027-02-15',
  reviewsDueAt: '2027-04-01',
  announcementAt: '2027-05-03',
  scoreMin: '1',
  scoreMax: '5',
  maxFileMb: '20',
  maxApplicationMb: '100',
  maxFilesPerCriterion: '10',
};
const PRINCIPAL = { name: 'Pat Principal', email: 'pat.principal@lincoln.pps.example.org' };

/** Sends a form from its own page, expects the 303 a successful form answers, and opens where it leads. */
async function submitAndFollow(
  agent: Agent,
  pagePath: string,
  fields: Record<string, string | string[]>,
  action = pagePath,
) {
  const res = await submitForm(agent, pagePath, action, fields);
  expect(res.status, res.text).to.equal(303);
  const location = res.headers.location ?? '';
  const page = await agent.get(location);
  expect(page.status, page.text).to.equal(200);
  return { location, text: page.text };
}

function firstNumber(pattern: RegExp, html: string): number {
  const match = pattern.exec(html);
  if (!match?.[1]) throw new Error(`${pattern} not found in:\n${html}`);
  return Number(match[1]);
}

describe('the whole journey: an admin opens a cycle and a principal applies through the pages', () => {
  let h: Harness;
  let admin: Agent;
  let principal: Agent;
  let programId: number;
  let cycleId: number;
  let criterionIds: number[];
  let applicationId: number;

  before(async () => {
    h = await startHarness();
    await createUser(h.db, { email: 'ada.admin@program.example.org', name: 'Ada Admin', roles: ['admin'] });
    admin = h.agent();
    principal = h.agent();
  });
  after(() => h.close());

  it('the admin signs in and creates the program', async () => {
    const signedIn = await signIn(admin, 'ada.admin@program.example.org');
    expect(signedIn.status).to.equal(303);
    expect((await admin.get('/admin')).text).to.contain('Welcome, Ada Admin.');

    const created = await submitAndFollow(admin, '/admin/programs/new', {
      name: PROGRAM,
      slug: 'schools-of-opportunity',
      description: 'Recognizes public high schools that close opportunity gaps.',
    });
    programId = firstNumber(/^\/admin\/programs\/(\d+)$/, created.location);
    expect(created.text).to.contain(`The program “${PROGRAM}” is created. Add its first cycle.`);
    expect(created.text).to.contain('<code>schools-of-opportunity</code>');
    expect(created.text).to.contain('No cycles yet.');
  });

  it('the admin creates a cycle that opens in the future, with four criteria and a rule of choice', async () => {
    const created = await submitAndFollow(admin, `/admin/programs/${programId}/cycles/new`, CYCLE_FIELDS);
    cycleId = firstNumber(/^\/admin\/cycles\/(\d+)$/, created.location);
    expect(created.text).to.contain(`The cycle “${CYCLE}” is created. Add its criteria next.`);
    expect(created.text).to.contain('Not open yet');
    expect(created.text).to.contain('No criteria yet.');

    for (const [index, criterion] of CRITERIA.entries()) {
      const added = await submitAndFollow(admin, `/admin/cycles/${cycleId}/criteria/new`, {
        title: criterion.title,
        guidance: `What reviewers look for in criterion ${index + 1}.`,
        evidenceRequested: index === 0 ? 'Course guide and master schedule' : '',
        weight: '1',
        required: criterion.required,
        wordLimit: '500',
      });
      expect(added.location).to.equal(`/admin/cycles/${cycleId}`);
      expect(added.text).to.contain(`The criterion “${criterion.title}” is added.`);
    }
    const overview = (await admin.get(`/admin/cycles/${cycleId}`)).text;
    criterionIds = [...overview.matchAll(/<tr id="criterion-(\d+)">/g)].map((m) => Number(m[1]));
    expect(criterionIds).to.have.length(4);
    expect(overview).to.contain('Evidence: Course guide and master schedule');
    expect(overview).to.contain(
      'Every applicant answers the 2 required criteria, then chooses 0 of the 2 optional ones.',
    );

    const edited = await submitAndFollow(admin, `/admin/cycles/${cycleId}/edit`, {
      ...CYCLE_FIELDS,
      name: CYCLE,
      optionalChoiceCount: '1',
    });
    expect(edited.location).to.equal(`/admin/cycles/${cycleId}`);
    expect(edited.text).to.contain('The cycle is saved.');
    expect(edited.text).to.contain('then chooses 1 of the 2 optional ones.');
    expect(edited.text).to.contain('Files up to 20 MB each, 100 MB per application, 10 files per criterion');
  });

  it('the admin adds an eligibility question and a rule over its answer', async () => {
    const question = await submitAndFollow(admin, `/admin/cycles/${cycleId}/eligibility/questions/new`, {
      key: 'school_type',
      prompt: 'What kind of school is it?',
      help: 'Only public and charter schools can be recognized.',
      kind: 'choice',
      options: 'public\ncharter\nprivate',
    });
    expect(question.location).to.equal(`/admin/cycles/${cycleId}/eligibility`);
    expect(question.text).to.contain('The question “school_type” is added.');
    expect(question.text).to.contain('Choice from a list: public, charter, private');

    const rule = await submitAndFollow(admin, `/admin/cycles/${cycleId}/eligibility/rules/new`, {
      subject: 'answer.school_type',
      operator: 'one_of',
      values: 'public, charter',
      other: '',
      margin: '',
      message: 'Only public and charter schools are eligible.',
    });
    expect(rule.text).to.contain('The rule is added.');
    expect(rule.text).to.contain('Answer: What kind of school is it? (school_type) is one of public, charter');
    // The program has not written it in Spanish yet, and the page says so.
    expect(rule.text).to.contain(
      '<td>Only public and charter schools are eligible.<br><span class="muted missing-translation">Spanish missing</span></td>',
    );
    expect((await admin.get(`/admin/cycles/${cycleId}`)).text).to.contain('1 question and 1 automatic rule.');
  });

  it('the cycle opens when its opening day comes', async () => {
    const before = (await principal.get('/')).text;
    expect(before).to.contain(`<h2 id="cycle-title">${CYCLE}</h2>`);
    expect(before).not.to.contain('Applications are open');
    h.clock.set(new Date('2026-12-02T09:00:00Z'));
    expect((await principal.get('/')).text).to.contain(
      'Applications are open until Monday, February 15, 2027, 11:59 PM UTC.',
    );
    const overview = (await admin.get(`/admin/cycles/${cycleId}`)).text;
    expect(overview).to.contain('Open for applications');
    expect(overview).to.contain('This cycle opened on December 1, 2026');
    expect((await admin.get(`/admin/programs/${programId}`)).text).to.match(/<td>Open for applications<\/td>/);
  });

  it('a principal registers, confirms the address from the e-mail, and signs in', async () => {
    const registered = await submitForm(principal, '/register', '/register', {
      ...PRINCIPAL,
      password: STRONG_PASSWORD,
    });
    expect(registered.status, registered.text).to.equal(303);
    expect((await principal.get(registered.headers.location!)).text).to.contain(`We sent a link to ${PRINCIPAL.email}`);

    expect(await h.deliverMail()).to.equal(1);
    const mail = await h.sink.waitFor((m) => m.to.includes(PRINCIPAL.email));
    expect(mail.subject).to.equal(`Confirm your e-mail address for ${PROGRAM}`); // the portal speaks as its program
    expect(mail.text).to.contain(`Hello ${PRINCIPAL.name}`);
    const verified = await followConfirmLink(principal, linkIn(mail.text, '/verify-email/'));
    expect(verified.status).to.equal(303);
    expect((await principal.get(verified.headers.location!)).text).to.contain(
      `Your e-mail address ${PRINCIPAL.email} is confirmed.`,
    );

    const signedIn = await signIn(principal, PRINCIPAL.email);
    expect(signedIn.status, signedIn.text).to.equal(303);
    const home = await principal.get('/');
    expect(home.text).to.contain(`Signed in as ${PRINCIPAL.name}`);
    const mine = await principal.get('/my/applications');
    expect(mine.text).to.contain('You have no applications yet.');
    expect(mine.text).to.contain('You are not a contact of any school yet.');
  });

  it('the principal adds the school and starts its application', async () => {
    const { enrollment: _e, frlPercent: _f, iepPercent: _i, ...withoutFigures } = LINCOLN;
    const added = await submitAndFollow(principal, '/schools/new', withoutFigures, '/schools');
    expect(added.location).to.equal('/my/applications');
    expect(added.text).to.contain('Lincoln High School is added, and you are its contact.');
    expect(added.text).to.match(/<li>Lincoln High School, Portland, OR · <a href="\/schools\/\d+\/contacts">Contacts/);
    expect(added.text).to.contain(
      `<strong>Lincoln High School</strong> — ${CYCLE} (deadline Monday, February 15, 2027, 11:59 PM UTC)`,
    );

    const schoolId = firstNumber(/name="schoolId" value="(\d+)"/, added.text);
    expect(firstNumber(/name="cycleId" value="(\d+)"/, added.text)).to.equal(cycleId);
    const started = await submitAndFollow(
      principal,
      '/my/applications',
      { schoolId: String(schoolId), cycleId: String(cycleId) },
      '/applications',
    );
    applicationId = firstNumber(/^\/applications\/(\d+)$/, started.location);
    expect(started.text).to.contain(`Lincoln High School <span class="subtitle">${CYCLE}</span>`);
    expect(started.text).to.contain('>Draft</span>');
    expect(started.text).to.contain(`Application no. ${applicationId}`);
    expect(started.text).to.contain('7 things left before you can submit.');

    const review = (await principal.get(`/applications/${applicationId}/review`)).text;
    expect(review).to.contain('Still missing');
    for (const item of [
      'Eligibility: answer “What kind of school is it?”',
      'School profile: enter the number of students.',
      'School profile: enter the share of students on free or reduced-price lunch.',
      'School profile: enter the share of students with IEPs.',
      'Choose 1 of the optional criteria (0 chosen).',
      `Criterion 1 “${CRITERIA[0].title}”: write your answer.`,
      `Criterion 2 “${CRITERIA[1].title}”: write your answer.`,
    ]) {
      expect(review).to.contain(item);
    }
  });

  it('the principal answers eligibility, completes the profile and chooses an optional criterion', async () => {
    const base = `/applications/${applicationId}`;
    const eligibility = await principal.get(`${base}/eligibility`);
    expect(eligibility.text).to.contain('<legend>What kind of school is it?</legend>');
    expect(eligibility.text).to.contain('Only public and charter schools can be recognized.');
    const answered = await submitAndFollow(principal, `${base}/eligibility`, { q_school_type: 'public' });
    expect(answered.location).to.equal(`${base}/profile`);
    expect(answered.text).to.contain('Eligibility answers saved.');
    expect(answered.text).to.contain('value="Lincoln High School"');

    const profiled = await submitAndFollow(principal, `${base}/profile`, LINCOLN);
    expect(profiled.location).to.equal(`${base}/criteria`);
    expect(profiled.text).to.contain('School profile saved.');
    expect(profiled.text).to.contain('<legend>Choose 1 of these</legend>');
    expect(profiled.text).to.contain(`<label for="chosen-${criterionIds[3]}">4. ${CRITERIA[3].title}</label>`);

    const chosen = await submitAndFollow(principal, `${base}/criteria`, { chosen: String(criterionIds[3]) });
    expect(chosen.text).to.contain('Your choice of criteria is saved.');
    expect(chosen.text).to.contain(`id="chosen-${criterionIds[3]}" name="chosen" value="${criterionIds[3]}" checked`);
    expect(chosen.text).not.to.contain(`value="${criterionIds[2]}" checked`);
    expect(chosen.text).to.contain(`<a href="${base}/criteria/${criterionIds[3]}">Answer criterion 4</a>`);

    const overview = (await principal.get(base)).text;
    expect(overview).to.contain('<dt>Students</dt><dd>1540</dd>');
    expect(overview).to.contain('<dt>Free or reduced-price lunch</dt><dd>38.5%</dd>');
  });

  it('the principal writes the answers and uploads a PDF and a Word document', async () => {
    const base = `/applications/${applicationId}`;
    const form = (await principal.get(`${base}/criteria/${criterionIds[0]}`)).text;
    expect(form).to.contain(`action="${base}/criteria/${criterionIds[0]}?_csrf=`);
    expect(form).to.contain('enctype="multipart/form-data"');
    expect(form).to.contain('Course guide and master schedule');

    const first = await saveCriterion(principal, applicationId, criterionIds[0]!, {
      answer: words(120, 'opportunity'),
      files: [{ name: 'sample.pdf', as: 'Course guide 2026.pdf' }],
    });
    expect(first.status, first.text).to.equal(303);
    const firstPage = (await principal.get(first.headers.location!)).text;
    expect(firstPage).to.contain('Saved, with 1 new file.');
    expect(firstPage).to.contain('120 of 500 words saved.');
    expect(firstPage).to.match(/<a href="\/applications\/\d+\/files\/[^"]+\/view"[^>]*>Course guide 2026\.pdf<\/a>/);

    const second = await saveCriterion(principal, applicationId, criterionIds[1]!, { answer: words(80, 'culture') });
    expect(second.status, second.text).to.equal(303);
    expect((await principal.get(second.headers.location!)).text).to.contain('Answer saved.');

    const optional = await saveCriterion(principal, applicationId, criterionIds[3]!, {
      answer: words(60, 'support'),
      files: [{ name: 'sample.docx', as: 'Advisory program.docx' }],
    });
    expect(optional.status, optional.text).to.equal(303);
    const optionalPage = (await principal.get(optional.headers.location!)).text;
    expect(optionalPage).to.contain('Saved, with 1 new file.');
    expect(optionalPage).to.contain('Advisory program.docx');
  });

  it('the review page lists nothing missing, and the principal submits', async () => {
    const base = `/applications/${applicationId}`;
    const review = (await principal.get(`${base}/review`)).text;
    expect(review).not.to.contain('Still missing');
    expect(review).to.contain('Everything needed is here.');
    expect(review).to.contain(`${CRITERIA[0].title}</a> — 120 of 500 words, 1 file</li>`);
    expect(review).to.contain(`${CRITERIA[1].title}</a> — 80 of 500 words, 0 files</li>`);
    expect(review).to.contain(`${CRITERIA[3].title}</a> — 60 of 500 words, 1 file</li>`);
    expect(review).not.to.contain(CRITERIA[2].title);

    const submitted = await submitAndFollow(principal, `${base}/review`, {}, `${base}/submit`);
    expect(submitted.location).to.equal(base);
    expect(submitted.text).to.contain(
      'Your application is submitted. We e-mailed a confirmation to every contact of the school.',
    );
    expect(submitted.text).to.contain('>Submitted</span>');
    expect(submitted.text).to.contain('Submitted on Dec 2, 2026');
    expect(submitted.text).to.contain('Withdraw the application');
  });

  it('the principal receives the confirmation and sees the application as submitted', async () => {
    expect(await h.deliverMail()).to.equal(1);
    const mail = await h.sink.waitFor((m) => m.subject.startsWith('Application received'));
    expect(mail.to).to.deep.equal([PRINCIPAL.email]);
    expect(mail.subject).to.equal(`Application received: Lincoln High School, ${CYCLE}`);
    expect(mail.text).to.contain(`Hello ${PRINCIPAL.name}`);
    expect(mail.text).to.contain(`Application number: ${applicationId}`);
    expect(mail.text).to.contain(`1. ${CRITERIA[0].title} — 120 words, 1 file`);
    expect(mail.text).to.contain(`2. ${CRITERIA[1].title} — 80 words, 0 files`);
    expect(mail.text).to.contain(`4. ${CRITERIA[3].title} — 60 words, 1 file`);
    expect(mail.text).not.to.contain(CRITERIA[2].title);
    expect(linkIn(mail.text, '/applications/')).to.equal(`/applications/${applicationId}`);

    const mine = (await principal.get('/my/applications')).text;
    expect(mine).to.contain(`<a href="/applications/${applicationId}">Lincoln High School</a>`);
    expect(mine).to.contain('<span class="badge badge-submitted">Submitted</span>');
    expect(mine).not.to.contain('Start the application');
  });

  it('the admin finds the submitted application, with no eligibility flag', async () => {
    const list = (await admin.get('/admin/applications')).text;
    expect(list).to.contain(`<td>${applicationId}</td>`);
    expect(list).to.contain(`<a href="/applications/${applicationId}">Lincoln High School</a>`);
    expect(list).to.contain('Portland, OR');
    expect(list).to.contain(`<td>${CYCLE}</td>`);
    expect(list).to.contain('<span class="badge badge-submitted">Submitted</span>');
    expect(list).to.contain('<td>December 2, 2026</td>');
    expect(list).not.to.contain('Needs screening');

    const seen = (await admin.get(`/applications/${applicationId}`)).text;
    expect(seen).to.contain(`Application no. ${applicationId}`);
    expect(seen).to.contain('← Administration');
    expect(seen).not.to.contain('Withdraw the application');
  });
});
