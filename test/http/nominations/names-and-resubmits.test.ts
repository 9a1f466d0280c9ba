// One-line fields arrive with line breaks (pasted, or forged) and forms arrive twice (a double
// click). Names are folded to one line at input, nominations of a school with such a name work,
// an admin can correct a school's name, and the same nomination form sent twice is stored once.
import { expect } from 'chai';
import { eq } from 'drizzle-orm';
import { auditLog, nominations, schools } from '../../../models/schema.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { createUser, signIn, createOpenCycle } from '../../helpers/factories.js';
import { readable, submitForm } from '../../helpers/forms.js';
import { LINCOLN, addSchool } from '../../helpers/applicant.js';
import { confirm, confirmLinkFor, nominate, NOMINATION, nominationToken } from '../../helpers/nominator.js';

const BROKEN = ['Lincoln\r\nHigh', 'Lincoln\nHigh', 'Lincoln\u2028High', 'Lincoln\u2029High', 'Lincoln\tHigh\u0085'];

describe('one-line names and forms sent twice', () => {
  let h: Harness;

  before(async () => {
    h = await startHarness();
    await createOpenCycle(h.db, h.clock());
    await createUser(h.db, { email: 'admin@program.example.org', name: 'Ada Admin', roles: ['admin'] });
  });
  after(() => h.close());

  it('folds line breaks out of a nominated school’s name, district and city, and the nomination goes through', async () => {
    for (const [index, broken] of BROKEN.entries()) {
      const email = `nominator${index}@example.net`;
      const agent = h.agent();
      const res = await nominate(agent, {
        ...NOMINATION,
        schoolName: `${broken} School`,
        district: 'Portland\r\nPublic Schools',
        city: 'Port\u2028land',
        nominatorName: 'Maria\nParent',
        nominatorEmail: email,
        contactEmail: `principal${index}@lincoln.pps.example.org`,
      });
      expect(res.status, `${JSON.stringify(broken)}: ${res.text}`).to.equal(303);
      const [row] = await h.db.select().from(nominations).where(eq(nominations.nominatorEmail, email));
      expect(row!.schoolName).to.equal('Lincoln High School');
      expect(row!.district).to.equal('Portland Public Schools');
      expect(row!.city).to.equal('Port land');
      expect(row!.nominatorName).to.equal('Maria Parent');
      const confirmed = await confirm(agent, await confirmLinkFor(h, email));
      expect(confirmed.status, JSON.stringify(broken)).to.equal(200);
    }
    await h.deliverMail();
    const invitation = await h.sink.waitFor((m) => m.to.includes('principal0@lincoln.pps.example.org'));
    expect(invitation.subject).to.match(/^Lincoln High School is invited to apply to /);
  });

  it('folds line breaks out of a new school’s profile', async () => {
    await createUser(h.db, { email: 'principal@grant.example.org', name: 'Gia Principal' });
    const principal = h.agent();
    await signIn(principal, 'principal@grant.example.org');
    const schoolId = await addSchool(principal, {
      ...LINCOLN,
      name: 'Grant\r\nHigh\u2028School',
      district: 'Portland\nPublic Schools',
      city: 'Port\u2029land',
      website: 'https://grant.example.org',
    });
    const [school] = await h.db.select().from(schools).where(eq(schools.id, schoolId));
    expect([school!.name, school!.district, school!.city]).to.deep.equal([
      'Grant High School',
      'Portland Public Schools',
      'Port land',
    ]);
  });

  it('lets an admin correct a school’s name and profile, with the change in the audit log', async () => {
    // A name stored before input was folded: the admin is the one who can fix it.
    const [school] = await h.db.select().from(schools).where(eq(schools.name, 'Grant High School'));
    await h.db.update(schools).set({ name: 'Grant\nHigh\u2028School' }).where(eq(schools.id, school!.id));
    const admin = h.agent();
    await signIn(admin, 'admin@program.example.org');
    const url = `/admin/schools/${school!.id}`;
    const form = await admin.get(url);
    expect(form.status).to.equal(200);
    const refused = await submitForm(admin, url, url, { ...LINCOLN, name: '', website: 'https://grant.example.org' });
    expect(refused.status).to.equal(422);
    expect(readable(refused.text)).to.contain("Enter the school's name.");
    const saved = await submitForm(admin, url, url, {
      ...LINCOLN,
      name: 'Ulysses S. Grant High School',
      website: 'https://grant.example.org',
      enrollment: '1700',
    });
    expect(saved.status).to.equal(303);
    const [after] = await h.db.select().from(schools).where(eq(schools.id, school!.id));
    expect(after!.name).to.equal('Ulysses S. Grant High School');
    expect(after!.enrollment).to.equal(1700);
    const [entry] = await h.db.select().from(auditLog).where(eq(auditLog.action, 'school.edit'));
    expect(entry!.summary).to.contain('Ulysses S. Grant High School');
    expect(entry!.summary).to.contain('name');
    expect(JSON.stringify(entry!.details)).to.contain('Grant\\nHigh');
  });

  it('stores a nomination once when its form is sent twice, one after the other or at the same moment', async () => {
    const agent = h.agent();
    const page = await agent.get('/nominate');
    const key = /name="submissionKey" value="([^"]+)"/.exec(page.text)?.[1];
    expect(key).to.be.a('string');
    const token = nominationToken(page.text);
    const send = (nominatorEmail: string) => {
      let request = agent.post(`/nominate?_csrf=${encodeURIComponent(token)}`);
      for (const [name, value] of Object.entries({ ...NOMINATION, nominatorEmail, submissionKey: key! }))
        request = request.field(name, value);
      return request;
    };
    const first = await send('double@example.net');
    const second = await send('double@example.net');
    expect([first.status, second.status]).to.deep.equal([303, 303]);
    expect(
      await h.db.select().from(nominations).where(eq(nominations.nominatorEmail, 'double@example.net')),
    ).to.have.length(1);

    const racing = await agent.get('/nominate');
    const raceKey = /name="submissionKey" value="([^"]+)"/.exec(racing.text)![1]!;
    const raceToken = nominationToken(racing.text);
    const race = () => {
      let request = agent.post(`/nominate?_csrf=${encodeURIComponent(raceToken)}`);
      for (const [name, value] of Object.entries({
        ...NOMINATION,
        nominatorEmail: 'race@example.net',
        submissionKey: raceKey,
      }))
        request = request.field(name, value);
      return request;
    };
    const results = await Promise.all([race(), race(), race()]);
    expect(results.map((r) => r.status)).to.deep.equal([303, 303, 303]);
    expect(
      await h.db.select().from(nominations).where(eq(nominations.nominatorEmail, 'race@example.net')),
    ).to.have.length(1);
    await h.deliverMail();
    expect(h.sink.messages.filter((m) => m.to.includes('double@example.net'))).to.have.length(1);
    expect(h.sink.messages.filter((m) => m.to.includes('race@example.net'))).to.have.length(1);

    // The same form sent again for another school (back, edit, send): a second nomination, not a lost one.
    let edited = agent.post(`/nominate?_csrf=${encodeURIComponent(token)}`);
    for (const [name, value] of Object.entries({
      ...NOMINATION,
      schoolName: 'Roosevelt High School',
      nominatorEmail: 'double@example.net',
      submissionKey: key!,
    }))
      edited = edited.field(name, value);
    expect((await edited).status).to.equal(303);
    const both = await h.db.select().from(nominations).where(eq(nominations.nominatorEmail, 'double@example.net'));
    expect(both.map((n) => n.schoolName).sort()).to.deep.equal(['Lincoln H.S.', 'Roosevelt High School']);

    // A fresh form is a new nomination.
    expect((await nominate(agent, { ...NOMINATION, nominatorEmail: 'double@example.net' })).status).to.equal(303);
    expect(
      await h.db.select().from(nominations).where(eq(nominations.nominatorEmail, 'double@example.net')),
    ).to.have.length(3);
  });
});
