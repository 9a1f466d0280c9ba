// A message from the staff to a group of people in a cycle: each group holds exactly the right
// people, each once; the preview says how many; a stale count is refused; those who unsubscribed
// get nothing; the log says what went to whom.
import { expect } from 'chai';
import { eq } from 'drizzle-orm';
import {
  applications,
  assignments,
  cycleReviewers,
  nominations,
  outbox,
  programMessages,
  reviewRounds,
  schoolContacts,
  schools,
} from '../../../models/schema.js';
import { suppress } from '../../../server/mail/unsubscribe.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { createUser, signIn, createOpenCycle } from '../../helpers/factories.js';
import { readable, submitForm } from '../../helpers/forms.js';

type Agent = ReturnType<Harness['agent']>;
const DAY = 24 * 60 * 60 * 1000;

describe('messages to a group of people in a cycle', () => {
  let h: Harness;
  let admin: Agent;
  let cycleId: number;
  const page = () => `/admin/cycles/${cycleId}/messages`;
  const MESSAGE = {
    segment: 'drafts',
    subject: 'Two weeks left to submit',
    body: 'Your application is still a draft.\n\nWe are here to help: write to us with any question.',
  };

  async function school(name: string, status: 'draft' | 'submitted', contacts: Array<[string, string]>) {
    const [s] = await h.db
      .insert(schools)
      .values({ name, city: 'Portland', state: 'OR', level: 'high', matchKey: name.toLowerCase() })
      .returning();
    for (const [email, person] of contacts) {
      const user = await createUser(h.db, { email, name: person });
      await h.db.insert(schoolContacts).values({ schoolId: s!.id, userId: user.id, status: 'active' });
    }
    const [a] = await h.db
      .insert(applications)
      .values({ cycleId, schoolId: s!.id, status, submittedAt: status === 'submitted' ? h.clock() : null })
      .returning();
    return a!.id;
  }

  async function nomination(schoolName: string, nominatorEmail: string, applicationId: number | null) {
    await h.db.insert(nominations).values({
      cycleId,
      schoolName,
      city: 'Portland',
      state: 'OR',
      matchKey: schoolName.toLowerCase(),
      nominatorName: nominatorEmail.split('@')[0]!,
      nominatorEmail,
      relationship: 'parent',
      reason: 'A school that opens doors.',
      status: 'confirmed',
      confirmTokenHash: `hash-${Math.random()}`,
      confirmExpiresAt: new Date(h.clock().getTime() + DAY),
      confirmedAt: h.clock(),
      applicationId,
    });
  }

  before(async () => {
    h = await startHarness();
    cycleId = await createOpenCycle(h.db, h.clock());
    await createUser(h.db, { email: 'admin@program.example.org', name: 'Ada Admin', roles: ['admin'] });
    const lincoln = await school('Lincoln High School', 'draft', [
      ['principal@lincoln.example.org', 'Pat Principal'],
      ['counselor@lincoln.example.org', 'Chris Counselor'],
    ]);
    await school('Grant High School', 'draft', [['principal@grant.example.org', 'Gus Grant']]);
    const vista = await school('Vista Academy', 'submitted', [['head@vista.example.org', 'Val Head']]);
    // Maria nominated two schools that never submitted: she is one person in the group.
    await nomination('Roosevelt High School', 'maria@example.com', null);
    await nomination('Lincoln High School', 'maria@example.com', lincoln);
    await nomination('Vista Academy', 'sam@example.com', vista);

    const [round] = await h.db
      .insert(reviewRounds)
      .values({ cycleId, number: 1, name: 'Round 1', dueAt: new Date(h.clock().getTime() + 30 * DAY) })
      .returning();
    for (const [email, status] of [
      ['rita@uni.example.edu', 'draft'],
      ['sam.reviewer@uni.example.edu', 'submitted'],
    ] as const) {
      const reviewer = await createUser(h.db, { email, roles: ['reviewer'] });
      await h.db.insert(cycleReviewers).values({ cycleId, userId: reviewer.id, maxLoad: 5 });
      await h.db
        .insert(assignments)
        .values({ roundId: round!.id, applicationId: vista, reviewerId: reviewer.id, status });
    }
    admin = h.agent();
    await signIn(admin, 'admin@program.example.org');
  });
  after(() => h.close());

  it('offers each group with the number of people in it', async () => {
    const form = readable((await admin.get(page())).text);
    expect(form).to.contain('Contacts of schools with an unfinished draft (3 people)');
    expect(form).to.contain('Contacts of schools that submitted (1 person)');
    expect(form).to.contain('Reviewers with unfinished reviews (1 person)');
    expect(form).to.contain('Nominators of schools that did not apply (1 person)');
    expect(form).to.contain('All reviewers of the panel (2 people)');
  });

  it('checks the message and shows whom it reaches before anything is sent', async () => {
    const empty = await submitForm(admin, page(), `${page()}/preview`, { segment: 'everyone', subject: '', body: '' });
    expect(empty.status).to.equal(422);
    const text = readable(empty.text);
    expect(text).to.contain('Choose who the message is for.');
    expect(text).to.contain('Write the subject line.');
    expect(text).to.contain('Write the message.');

    const preview = readable((await submitForm(admin, page(), `${page()}/preview`, MESSAGE)).text);
    expect(preview).to.contain('To <strong>Contacts of schools with an unfinished draft</strong>: 3 people');
    expect(preview).to.contain('<p class="preserve-lines">We are here to help: write to us with any question.</p>');
    expect(preview).to.contain('Send to 3 people');
    expect(await h.db.select().from(programMessages)).to.deep.equal([]);
  });

  it('refuses a send when the group changed since the preview', async () => {
    const res = await submitForm(admin, page(), page(), { ...MESSAGE, expected: '2' });
    expect(res.status).to.equal(422);
    expect(readable(res.text)).to.contain('The group changed since you looked: it has 3 people now.');
    expect(await h.db.select().from(programMessages)).to.deep.equal([]);
  });

  it('sends to each person of the group once, not to those who unsubscribed, and logs it', async () => {
    await suppress(h.db, 'principal@grant.example.org');
    const res = await submitForm(admin, page(), page(), { ...MESSAGE, expected: '3' });
    expect(res.status, res.text).to.equal(303);
    const shown = readable((await admin.get(res.headers.location!)).text);
    expect(shown).to.contain('2 e-mails are on the way. 1 person has unsubscribed and got nothing.');
    expect(shown).to.contain('<td>counselor@lincoln.example.org</td>');
    expect(shown).to.contain('<td>principal@lincoln.example.org</td>');
    expect(shown).not.to.contain('grant.example.org');

    await h.deliverMail();
    const mails = h.sink.messages.filter((m) => m.subject === 'Two weeks left to submit');
    expect(mails.map((m) => m.to[0]).sort()).to.deep.equal([
      'counselor@lincoln.example.org',
      'principal@lincoln.example.org',
    ]);
    const pat = mails.find((m) => m.to.includes('principal@lincoln.example.org'))!;
    expect(pat.text).to.contain('Hello Pat Principal,');
    expect(pat.text).to.contain('We are here to help: write to us with any question.');
    expect(pat.html).to.contain('<p style="white-space:pre-line;">Your application is still a draft.</p>');

    const log = readable((await admin.get(page())).text);
    expect(log).to.contain('Two weeks left to submit');
    expect(log).to.match(/Contacts of schools with an unfinished draft<\/td><td>3<\/td><td>Ada Admin/);
    const [message] = await h.db.select().from(programMessages);
    expect((await h.db.select().from(outbox).where(eq(outbox.programMessageId, message!.id))).length).to.equal(2);
  });

  it('reaches reviewers with unfinished reviews, and nominators of schools that did not apply, once each', async () => {
    for (const [segment, who] of [
      ['unfinished_reviews', ['rita@uni.example.edu']],
      ['nominators_not_applied', ['maria@example.com']],
    ] as const) {
      const subject = `A word for ${segment}`;
      const res = await submitForm(admin, page(), page(), { segment, subject, body: 'Thank you.', expected: '1' });
      expect(res.status, res.text).to.equal(303);
      await h.deliverMail();
      expect(h.sink.messages.filter((m) => m.subject === subject).map((m) => m.to[0])).to.deep.equal(who);
    }
  });

  it('keeps messages to admins', async () => {
    await createUser(h.db, { email: 'someone@example.org' });
    const someone = h.agent();
    await signIn(someone, 'someone@example.org');
    expect((await someone.get(page())).status).to.equal(403);
    const post = await submitForm(someone, '/', page(), { ...MESSAGE, expected: '3' });
    expect(post.status).to.equal(403);
    expect(await h.db.select().from(programMessages)).to.have.length(3);
  });
});
