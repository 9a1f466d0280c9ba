import { expect } from 'chai';
import { asc, eq } from 'drizzle-orm';
import { eligibilityQuestions, eligibilityRules } from '../../../models/schema.js';
import { createCycle2027, createUser, signIn } from '../../helpers/factories.js';
import { readable, submitForm } from '../../helpers/forms.js';
import { startHarness, type Harness } from '../../helpers/harness.js';

type Agent = ReturnType<Harness['agent']>;

const AFTER_OPENING = new Date('2027-02-01T12:00:00Z');

describe('admin: eligibility questions and rules', () => {
  let h: Harness;
  let admin: Agent;
  let cycleId: number;
  let questionsPage: string;
  let rulesPage: string;

  const post = (page: string, action: string, fields: Record<string, string>) =>
    submitForm(admin, page, action, fields);
  const questions = () =>
    h.db
      .select()
      .from(eligibilityQuestions)
      .where(eq(eligibilityQuestions.cycleId, cycleId))
      .orderBy(asc(eligibilityQuestions.position));
  const rules = () =>
    h.db
      .select()
      .from(eligibilityRules)
      .where(eq(eligibilityRules.cycleId, cycleId))
      .orderBy(asc(eligibilityRules.position));
  const addQuestion = (fields: Record<string, string>) => post(questionsPage, questionsPage, fields);
  const addRule = (fields: Record<string, string>) =>
    post(rulesPage, rulesPage, { values: '', other: '', margin: '', ...fields });

  before(async () => {
    h = await startHarness();
    await createUser(h.db, { email: 'admin@example.org', name: 'Ada Admin', roles: ['admin'] });
    admin = h.agent();
    await signIn(admin, 'admin@example.org');
    const { cycle } = await createCycle2027(h.db, 'schools-of-opportunity');
    cycleId = cycle!.id;
    questionsPage = `/admin/cycles/${cycleId}/eligibility/questions/new`;
    rulesPage = `/admin/cycles/${cycleId}/eligibility/rules/new`;
  });
  after(() => h.close());
  afterEach(() => h.clock.set(new Date('2026-11-22T12:00:00Z')));

  it('adds questions of each kind and lists them', async () => {
    const choice = await addQuestion({
      key: 'school_type',
      prompt: 'What kind of school is it?',
      help: 'Public and public charter high schools are eligible.',
      kind: 'choice',
      options: 'public\r\ncharter\r\n\r\nprivate\r\nother',
    });
    expect(choice.status).to.equal(303);
    expect(choice.headers.location).to.equal(`/admin/cycles/${cycleId}/eligibility`);
    await addQuestion({
      key: 'district_iep_percent',
      prompt: 'District IEP share (%)?',
      kind: 'number',
      options: 'ignored',
    });
    await addQuestion({ key: 'zero_tolerance', prompt: 'Zero-tolerance discipline?', kind: 'yes_no' });
    expect((await questions()).map((q) => [q.position, q.key, q.kind, q.options])).to.deep.equal([
      [1, 'school_type', 'choice', ['public', 'charter', 'private', 'other']],
      [2, 'district_iep_percent', 'number', []],
      [3, 'zero_tolerance', 'yes_no', []],
    ]);
    const page = await admin.get(`/admin/cycles/${cycleId}/eligibility`);
    expect(page.text).to.contain('<code>school_type</code>');
    expect(page.text).to.contain('Choice from a list: public, charter, private, other');
  });

  const badQuestions: [string, Record<string, string>, string, string][] = [
    [
      'a key with capitals and spaces',
      { key: 'School Type' },
      'key',
      'Use lowercase letters a–z, digits and underscores, starting with a letter',
    ],
    ['a key already used', { key: 'school_type' }, 'key', 'Another question of this cycle already uses this key.'],
    ['no key', { key: '' }, 'key', 'Enter a key, like school_type.'],
    ['no prompt', { prompt: '' }, 'prompt', 'Enter the question as applicants will read it.'],
    ['an unknown kind', { kind: 'essay' }, 'kind', 'Choose the kind of answer'],
    ['a choice with one option', { options: 'only' }, 'options', 'Enter at least two options, one per line.'],
    ['repeated options', { options: 'a\nb\na' }, 'options', 'Each option may appear only once.'],
    ['a huge prompt', { prompt: 'p'.repeat(50_000) }, 'prompt', 'Use at most 500 characters'],
    ['huge options', { options: 'o\n'.repeat(50_000) }, 'options', 'The options are too long'],
  ];
  for (const [what, change, field, message] of badQuestions) {
    it(`refuses a question with ${what}`, async () => {
      const res = await addQuestion({
        key: 'level_check',
        prompt: 'Level?',
        kind: 'choice',
        options: 'a\nb',
        ...change,
      });
      expect(res.status).to.equal(422);
      expect(readable(res.text)).to.contain(message);
      expect(res.text).to.contain(`href="#${field}"`);
      expect(await questions()).to.have.length(3);
    });
  }

  it('adds the real program’s rules', async () => {
    const results = [
      await addRule({
        subject: 'answer.school_type',
        operator: 'one_of',
        values: 'public, charter',
        message: 'Only public and charter schools are eligible.',
      }),
      await addRule({ subject: 'school.frlPercent', operator: 'at_least', values: '10', message: 'At least 10% FRL.' }),
      await addRule({
        subject: 'school.iepPercent',
        operator: 'not_below',
        other: 'answer.district_iep_percent',
        margin: '2',
        message: 'IEP share too low.',
      }),
      await addRule({
        subject: 'answer.zero_tolerance',
        operator: 'equals',
        values: 'no',
        message: 'No zero tolerance.',
      }),
      await addRule({ subject: 'school.level', operator: 'one_of', values: 'high', message: 'High schools only.' }),
    ];
    expect(results.map((r) => r.status)).to.deep.equal([303, 303, 303, 303, 303]);
    expect((await rules()).map((r) => [r.subject, r.operator, r.values, r.other, r.margin])).to.deep.equal([
      ['answer.school_type', 'one_of', ['public', 'charter'], null, null],
      ['school.frlPercent', 'at_least', ['10'], null, null],
      ['school.iepPercent', 'not_below', [], 'answer.district_iep_percent', 2],
      ['answer.zero_tolerance', 'equals', ['no'], null, null],
      ['school.level', 'one_of', ['high'], null, null],
    ]);
    const page = readable((await admin.get(`/admin/cycles/${cycleId}/eligibility`)).text);
    expect(page).to.contain('School profile: % of students on free or reduced-price lunch is at least 10');
    expect(page).to.contain(
      'School profile: % of students with an IEP is not below Answer: District IEP share (%)? (district_iep_percent) minus 2',
    );
  });

  const badRules: [string, Record<string, string>, string, string][] = [
    ['no subject', { subject: '' }, 'subject', 'Choose what the rule checks.'],
    [
      'a subject naming no question',
      { subject: 'answer.nope' },
      'subject',
      'This cycle has no eligibility question with the key “nope”.',
    ],
    [
      'an unknown school field',
      { subject: 'school.password' },
      'subject',
      'Choose what the rule checks from the list.',
    ],
    ['an unknown operator', { operator: 'like' }, 'operator', 'Choose how the rule compares, from the list.'],
    [
      'a value not among the options',
      { values: 'public, magnet' },
      'values',
      '“magnet” is not one of the possible answers: public, charter, private, other.',
    ],
    ['no values', { values: ' , ' }, 'values', 'Enter at least one allowed value.'],
    [
      'a number comparison on a choice',
      { operator: 'at_least', values: '10' },
      'operator',
      '“is at least” compares numbers, and the value checked is not a number.',
    ],
    [
      'a number that is not a number',
      { subject: 'school.enrollment', operator: 'at_most', values: 'ten' },
      'values',
      '“ten” is not a number.',
    ],
    [
      'two values for at least',
      { subject: 'school.enrollment', operator: 'at_least', values: '10, 20' },
      'values',
      '“is at least” compares with one value; enter only one.',
    ],
    [
      'yes or no answered with maybe',
      { subject: 'answer.zero_tolerance', operator: 'equals', values: 'maybe' },
      'values',
      'is not one of the possible answers: yes, no.',
    ],
    [
      'not below without a comparison',
      { subject: 'school.iepPercent', operator: 'not_below', other: '' },
      'other',
      'Choose the value to compare with',
    ],
    [
      'not below compared with itself',
      { subject: 'school.iepPercent', operator: 'not_below', other: 'school.iepPercent' },
      'other',
      'Compare with a different value than the one checked.',
    ],
    [
      'not below compared with a choice',
      { subject: 'school.iepPercent', operator: 'not_below', other: 'answer.school_type' },
      'other',
      'Choose a number to compare with.',
    ],
    [
      'a negative margin',
      { subject: 'school.iepPercent', operator: 'not_below', other: 'school.frlPercent', margin: '-1' },
      'margin',
      'Enter the margin as a number of at least 0',
    ],
    ['no message', { message: '' }, 'message', 'Enter the message admins see when a school fails this rule.'],
    ['huge values', { values: 'v,'.repeat(3500) }, 'values', 'The values are too long'],
  ];
  for (const [what, change, field, message] of badRules) {
    it(`refuses a rule with ${what}`, async () => {
      const res = await addRule({
        subject: 'answer.school_type',
        operator: 'one_of',
        values: 'public',
        message: 'm',
        ...change,
      });
      expect(res.status).to.equal(422);
      expect(readable(res.text)).to.contain(message);
      expect(res.text).to.contain(`href="#${field}"`);
      expect(await rules()).to.have.length(5);
    });
  }

  it('edits a rule and deletes one after a confirmation page', async () => {
    const [first, , , , last] = await rules();
    const edit = await post(
      `/admin/eligibility/rules/${first!.id}/edit`,
      `/admin/eligibility/rules/${first!.id}/edit`,
      {
        subject: 'answer.school_type',
        operator: 'one_of',
        values: 'public\ncharter\nother',
        other: '',
        margin: '',
        message: 'Public, charter or other.',
      },
    );
    expect(edit.status).to.equal(303);
    expect((await rules())[0]).to.include({ message: 'Public, charter or other.' });
    expect((await rules())[0]!.values).to.deep.equal(['public', 'charter', 'other']);

    const confirm = await admin.get(`/admin/eligibility/rules/${last!.id}/delete`);
    expect(confirm.text).to.contain('Delete the rule</button>');
    const del = await post(
      `/admin/eligibility/rules/${last!.id}/delete`,
      `/admin/eligibility/rules/${last!.id}/delete`,
      {},
    );
    expect(del.status).to.equal(303);
    expect(await rules()).to.have.length(4);
    expect((await admin.get(`/admin/eligibility/rules/${last!.id}/edit`)).status).to.equal(404);
  });

  it('renames a question’s key in the rules that use it', async () => {
    const [type] = await questions();
    const res = await post(
      `/admin/eligibility/questions/${type!.id}/edit`,
      `/admin/eligibility/questions/${type!.id}/edit`,
      {
        key: 'school_kind',
        prompt: type!.prompt,
        help: type!.help,
        kind: 'choice',
        options: 'public\ncharter\nprivate\nother',
      },
    );
    expect(res.status).to.equal(303);
    expect((await rules())[0]!.subject).to.equal('answer.school_kind');
  });

  it('refuses a question change that would break a rule using it', async () => {
    const [type] = await questions();
    const fields = { key: 'school_kind', prompt: type!.prompt, help: '' };
    const kind = await post(
      `/admin/eligibility/questions/${type!.id}/edit`,
      `/admin/eligibility/questions/${type!.id}/edit`,
      { ...fields, kind: 'number' },
    );
    expect(kind.status).to.equal(422);
    expect(readable(kind.text)).to.contain(
      'The rule “Public, charter or other.” uses this question and would no longer work',
    );
    const options = await post(
      `/admin/eligibility/questions/${type!.id}/edit`,
      `/admin/eligibility/questions/${type!.id}/edit`,
      {
        ...fields,
        kind: 'choice',
        options: 'public\nprivate',
      },
    );
    expect(options.status).to.equal(422);
    expect(readable(options.text)).to.contain('“charter” is not one of the possible answers: public, private.');
    expect(options.text).to.contain('href="#options"');
  });

  it('refuses to delete a question a rule uses, and deletes one no rule uses', async () => {
    const [type, iep, zero] = await questions();
    const confirm = await admin.get(`/admin/eligibility/questions/${type!.id}/delete`);
    expect(readable(confirm.text)).to.contain(
      'A rule uses this question (“Public, charter or other.”). Change or delete it first.',
    );
    expect(confirm.text).not.to.contain(`action="/admin/eligibility/questions/${type!.id}/delete"`);
    const refused = await post(
      `/admin/cycles/${cycleId}/eligibility`,
      `/admin/eligibility/questions/${iep!.id}/delete`,
      {},
    );
    expect(refused.status).to.equal(422);
    expect(refused.text).to.contain('A rule uses this question');

    const [zeroRule] = (await rules()).filter((r) => r.subject === 'answer.zero_tolerance');
    await post(
      `/admin/eligibility/rules/${zeroRule!.id}/delete`,
      `/admin/eligibility/rules/${zeroRule!.id}/delete`,
      {},
    );
    const ok = await post(
      `/admin/eligibility/questions/${zero!.id}/delete`,
      `/admin/eligibility/questions/${zero!.id}/delete`,
      {},
    );
    expect(ok.status).to.equal(303);
    expect((await questions()).map((q) => q.key)).to.deep.equal(['school_kind', 'district_iep_percent']);
  });

  it('stays editable after the cycle opens, says so, and keeps question keys', async () => {
    h.clock.set(AFTER_OPENING);
    const page = await admin.get(`/admin/cycles/${cycleId}/eligibility`);
    expect(page.text).to.contain('This cycle opened on January 15, 2027. Questions and rules can still change');
    const [type] = await questions();
    const form = await admin.get(`/admin/eligibility/questions/${type!.id}/edit`);
    expect(form.text).to.contain('answers already given are stored under this key, so it no longer changes.');
    const saved = await post(
      `/admin/eligibility/questions/${type!.id}/edit`,
      `/admin/eligibility/questions/${type!.id}/edit`,
      {
        key: 'school_kind',
        prompt: 'What type of school is it?',
        help: '',
        kind: 'choice',
        options: 'public\ncharter\nprivate\nother',
      },
    );
    expect(saved.status).to.equal(303);
    const renamed = await submitForm(
      admin,
      `/admin/eligibility/questions/${type!.id}/edit`,
      `/admin/eligibility/questions/${type!.id}/edit`,
      {
        key: 'renamed',
        prompt: 'x',
        kind: 'yes_no',
      },
    );
    expect(renamed.status).to.equal(422);
    expect(readable(renamed.text)).to.contain(
      'The key cannot change after the cycle opened: answers already given are stored under “school_kind”.',
    );
    const rule = await addRule({
      subject: 'school.enrollment',
      operator: 'at_least',
      values: '100',
      message: 'Big enough.',
    });
    expect(rule.status).to.equal(303);
    expect((await questions())[0]).to.include({ key: 'school_kind', prompt: 'What type of school is it?' });
  });

  it('answers 404 for questions and rules that do not exist', async () => {
    for (const path of [
      '/admin/eligibility/questions/abc/edit',
      '/admin/eligibility/rules/99999/edit',
      '/admin/cycles/99999/eligibility',
      '/admin/eligibility/rules/1.5/delete',
    ]) {
      expect((await admin.get(path)).status, path).to.equal(404);
    }
  });
});
