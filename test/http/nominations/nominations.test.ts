import { expect } from 'chai';
import { asc, eq } from 'drizzle-orm';
import { criteria, cycles, evidenceFiles, nominations, schoolInvitations } from '../../../models/schema.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { STRONG_PASSWORD, createUser, createOpenCycle } from '../../helpers/factories.js';
import { csrfTokenFrom, linkIn, readable, submitForm, followConfirmLink } from '../../helpers/forms.js';
import { completeAndSubmit } from '../../helpers/applicant.js';
import { confirm, confirmLinkFor, nominate, NOMINATION } from '../../helpers/nominator.js';
import { DiskStore } from '../../../server/storage/disk-store.js';

describe('nominations', () => {
  let h: Harness;
  let cycleId: number;

  before(async () => {
    h = await startHarness();
    cycleId = await createOpenCycle(h.db, h.clock());
  });
  after(() => h.close());

  it('takes a nomination without an account, counts it only once confirmed, then invites the school once', async () => {
    const agent = h.agent();
    const [first] = await h.db
      .select()
      .from(criteria)
      .where(eq(criteria.cycleId, cycleId))
      .orderBy(asc(criteria.position));
    const res = await nominate(agent, { ...NOMINATION, criterionIds: [String(first!.id)] }, [
      { name: 'sample.pdf', as: 'newsletter.pdf' },
    ]);
    expect(res.status, res.text).to.equal(303);
    expect((await agent.get('/nominate/sent')).text).to.contain('We sent a link to maria@example.com');
    const [row] = await h.db.select().from(nominations);
    expect(row?.status).to.equal('unconfirmed');
    expect(row?.criterionIds).to.deep.equal([first!.id]);
    expect(await h.db.select().from(evidenceFiles).where(eq(evidenceFiles.nominationId, row!.id))).to.have.length(1);

    const link = await confirmLinkFor(h, 'maria@example.com');
    const page = await agent.get(link);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('You nominated Lincoln H.S.');
    expect((await h.db.select().from(nominations))[0]?.status, 'opening the link alone confirms nothing').to.equal(
      'unconfirmed',
    );

    const confirmed = await confirm(agent, link);
    expect(confirmed.status).to.equal(200);
    expect(confirmed.text).to.contain('your nomination counts');
    await h.deliverMail();
    const invitation = await h.sink.waitFor((m) => m.to.includes('principal@lincoln.pps.example.org'));
    expect(invitation.subject).to.equal(
      `Lincoln H.S. is invited to apply to ${(await h.db.query.cycles.findFirst())!.name}`,
    );
    expect(invitation.text).to.contain('1 member of your community nominated Lincoln H.S.');

    const again = await agent.get(link);
    expect(again.text).to.contain('Already confirmed');
    const secondPost = await agent
      .post(link)
      .type('form')
      .send({ _csrf: csrfTokenFrom(page.text) });
    expect(secondPost.text).to.contain('Already confirmed');
    expect(await h.db.select().from(schoolInvitations)).to.have.length(1);
  });

  it('groups nominations of one school however it is written, and sends no second invitation', async () => {
    const agent = h.agent();
    await nominate(agent, {
      ...NOMINATION,
      schoolName: 'lincoln high school',
      city: 'PORTLAND',
      nominatorEmail: 'sam@example.com',
      nominatorName: 'Sam Student',
      relationship: 'student',
    });
    await confirm(agent, await confirmLinkFor(h, 'sam@example.com'));
    await h.deliverMail();
    const rows = await h.db.select().from(nominations).where(eq(nominations.status, 'confirmed'));
    expect(new Set(rows.map((r) => r.matchKey)).size).to.equal(1);
    expect(await h.db.select().from(schoolInvitations)).to.have.length(1);
    expect(h.sink.messages.filter((m) => m.to.includes('principal@lincoln.pps.example.org'))).to.have.length(1);
  });

  it('lets the invited principal register from the link and apply; the nominations come along and nominators hear of it', async () => {
    const invitation = h.sink.messages.find((m) => m.to.includes('principal@lincoln.pps.example.org'))!;
    const link = linkIn(invitation.text, '/invitations/');
    const principal = h.agent();
    const signInFirst = await principal.get(link);
    expect(signInFirst.text).to.contain('Create an account');
    await submitForm(principal, `/register?next=${encodeURIComponent(link)}`, '/register', {
      name: 'Pat Principal',
      email: 'principal@lincoln.pps.example.org',
      password: STRONG_PASSWORD,
      next: link,
    });
    await h.deliverMail();
    const verify = await h.sink.waitFor(
      (m) => m.to.includes('principal@lincoln.pps.example.org') && m.subject.startsWith('Confirm your e-mail'),
    );
    const verified = await followConfirmLink(
      principal,
      linkIn(verify.text, '/verify-email/').concat(`?next=${encodeURIComponent(link)}`),
    );
    expect(verified.headers.location).to.contain(`next=${encodeURIComponent(link)}`);
    const signedIn = await submitForm(principal, verified.headers.location!, '/login', {
      email: 'principal@lincoln.pps.example.org',
      password: STRONG_PASSWORD,
      next: link,
    });
    expect(signedIn.headers.location).to.equal(link);

    const opened = await principal.get(link);
    expect(opened.status).to.equal(303);
    expect(opened.headers.location).to.match(/^\/schools\/new\?/);
    const form = await principal.get(opened.headers.location!);
    expect(form.text).to.contain('value="Lincoln H.S."');
    const invitationToken = link.split('/').pop()!;
    const added = await submitForm(principal, opened.headers.location!, '/schools', {
      name: 'Lincoln High School',
      district: 'Portland Public Schools',
      city: 'Portland',
      state: 'OR',
      level: 'high',
      website: 'https://lincoln.pps.example.org',
      enrollment: '1540',
      frlPercent: '38',
      iepPercent: '12',
      invitation: invitationToken,
    });
    expect(added.headers.location).to.equal(link);
    // Opening the link again shows what the button will do, and changes nothing by itself.
    const offer = await principal.get(link);
    expect(offer.status).to.equal(200);
    expect(offer.text).to.contain('Start the application');
    const started = await submitForm(principal, link, link, {});
    const applicationId = Number(/^\/applications\/(\d+)$/.exec(started.headers.location ?? '')?.[1]);
    expect(applicationId).to.be.greaterThan(0);

    const attached = await h.db.select().from(nominations).where(eq(nominations.applicationId, applicationId));
    expect(attached.map((n) => n.nominatorEmail).sort()).to.deep.equal(['maria@example.com', 'sam@example.com']);

    const cycleCriteria = await h.db
      .select()
      .from(criteria)
      .where(eq(criteria.cycleId, cycleId))
      .orderBy(asc(criteria.position));
    await completeAndSubmit(principal, applicationId, cycleCriteria);
    await h.deliverMail();
    for (const email of ['maria@example.com', 'sam@example.com']) {
      const notice = await h.sink.waitFor(
        (m) => m.to.includes(email) && m.subject === 'Lincoln High School has applied',
      );
      expect(notice.text).to.contain('the school you nominated, has submitted its application');
    }
  });

  it('refuses an expired or unknown confirmation link with a clear page, and purges it', async () => {
    const agent = h.agent();
    await nominate(agent, { ...NOMINATION, schoolName: 'Jefferson High', nominatorEmail: 'late@example.com' });
    const link = await confirmLinkFor(h, 'late@example.com');
    h.clock.advance(8 * 24 * 60 * 60 * 1000);
    try {
      const page = await agent.get(link);
      expect(page.status).to.equal(410);
      expect(page.text).to.contain('This confirmation link has expired');
      expect((await confirm(agent, '/nominations/confirm/nonsense').catch(() => undefined))?.status ?? 404).to.equal(
        404,
      );
      const { purgeUnconfirmedNominations } = await import('../../../server/services/nominations/nominations.js');
      expect(await purgeUnconfirmedNominations(h.db, new DiskStore(h.dataDir), h.clock())).to.equal(1);
      expect(await h.db.select().from(nominations).where(eq(nominations.schoolName, 'Jefferson High'))).to.have.length(
        0,
      );
    } finally {
      h.clock.set(new Date('2026-11-22T12:00:00Z'));
    }
  });

  it('keeps what was typed when a field or a file is refused, and stores nothing', async () => {
    const before = await h.db.select().from(nominations);
    const agent = h.agent();
    const bad = await nominate(agent, {
      ...NOMINATION,
      nominatorEmail: 'not an address',
      reason: 'Great school. '.repeat(200),
    });
    expect(bad.status).to.equal(422);
    expect(bad.text).to.contain('Enter your e-mail address');
    expect(bad.text).to.contain('Use at most 300 words; you wrote 400.');
    expect(bad.text).to.contain('value="Lincoln H.S."');
    const disguised = await nominate(agent, { ...NOMINATION, nominatorEmail: 'files@example.com' }, [
      { name: 'fake.pdf' },
    ]);
    expect(disguised.status).to.equal(422);
    expect(disguised.text).to.contain('fake.pdf');
    expect(disguised.text).to.contain('Choose your files again.');
    expect(await h.db.select().from(nominations)).to.have.length(before.length);
  });

  it('quietly drops what a robot sends through the hidden field, and limits nominations per address', async () => {
    const before = await h.db.select().from(nominations);
    const robot = await nominate(h.agent(), {
      ...NOMINATION,
      nominatorEmail: 'bot@example.com',
      website: 'http://spam.example',
    });
    expect(robot.status).to.equal(303);
    expect(await h.db.select().from(nominations)).to.have.length(before.length);

    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      statuses.push(
        (await nominate(h.agent(), { ...NOMINATION, schoolName: `School ${i}`, nominatorEmail: 'eager@example.com' }))
          .status,
      );
    }
    expect(statuses).to.deep.equal([303, 303, 303, 303, 303, 429]);
    const limited = await nominate(h.agent(), {
      ...NOMINATION,
      schoolName: 'One more',
      nominatorEmail: 'eager@example.com',
    });
    expect(limited.text).to.contain('You have sent 5 nominations from this e-mail address today.');
  });

  it('tells nominators, before they write, who reads their name and words', async () => {
    const page = readable((await h.agent().get('/nominate')).text);
    expect(page).to.contain(
      'The program’s staff and its reviewers read your name, how you know the school, what you write and the files you send; only the staff see your e-mail address. The school does not see your nomination.',
    );
    await h.db.update(cycles).set({ blindReview: true }).where(eq(cycles.id, cycleId));
    try {
      expect(readable((await h.agent().get('/nominate')).text)).to.contain(
        'Reviewers read what you write, the files you send and how you know the school, without your name.',
      );
    } finally {
      await h.db.update(cycles).set({ blindReview: false }).where(eq(cycles.id, cycleId));
    }
  });

  it('shows nothing of nominations to the public or to other nominators', async () => {
    const anonymous = h.agent();
    for (const url of ['/', '/nominate', '/nominate/sent', '/nominate?q=lincoln']) {
      const res = await anonymous.get(url);
      expect(res.text, url).not.to.contain('maria@example.com');
      expect(res.text, url).not.to.contain('opened its advanced courses');
    }
    const files = await h.db
      .select()
      .from(evidenceFiles)
      .where(eq(evidenceFiles.nominationId, (await h.db.select().from(nominations))[0]!.id));
    const nominator = h.agent();
    await createUser(h.db, { email: 'sam@example.com' }).catch(() => undefined);
    for (const url of [`/nominations/1/files/${files[0]!.publicId}`, '/admin/nominations']) {
      const res = await nominator.get(url);
      expect([303, 403, 404], url).to.include(res.status);
      expect(res.text).not.to.contain('newsletter.pdf');
    }
  });

  it('honours the unsubscribe link in every e-mail', async () => {
    const notice = h.sink.messages.find(
      (m) => m.subject === 'Lincoln High School has applied' && m.to.includes('maria@example.com'),
    )!;
    // mailparser folds List-* headers into one "list" object.
    const list = notice.headers.get('list') as { unsubscribe: { url: string }; 'unsubscribe-post': { name: string } };
    expect(list['unsubscribe-post'].name).to.equal('List-Unsubscribe=One-Click');
    const link = /https?:\/\/\S*\/unsubscribe\?\S+/.exec(notice.text)![0];
    expect(list.unsubscribe.url).to.equal(link);
    const path = new URL(link).pathname + new URL(link).search;
    const page = await h.agent().get(path);
    expect(page.text).to.contain('Stop all e-mail to maria@example.com?');
    const done = await h.agent().post(path);
    expect(done.status).to.equal(200);
    expect(done.text).to.contain('Schools of Opportunity will not e-mail maria@example.com again');
    const forged = await h.agent().post(path.replace(/t=[^&]+/, 't=forged'));
    expect(forged.status).to.equal(404);

    // A new nomination for another school: its invitation-free notices skip Maria, but the
    // confirmation she asks for still arrives.
    await nominate(h.agent(), { ...NOMINATION, schoolName: 'Grant High', contactEmail: '' });
    const confirmation = await confirmLinkFor(h, 'maria@example.com', 1);
    expect(confirmation).to.match(/^\/nominations\/confirm\//);
  });
});
