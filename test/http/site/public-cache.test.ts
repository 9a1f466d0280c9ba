// Anonymous visitors of public pages get rendered copies (middleware/public-cache.ts): with an
// ETag and a 304, dropped at once by an admin's change on this instance, within a second on
// another instance, when a cycle's date passes; never shown to someone signed in.
import { expect } from 'chai';
import { eq, sql } from 'drizzle-orm';
import supertest from 'supertest';
import { programs, publicContentVersion } from '../../../models/schema.js';
import { rowsOf } from '../../../server/db/client.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { createOpenCycle, createUser, signIn } from '../../helpers/factories.js';
import { submitForm } from '../../helpers/forms.js';

const DAY = 24 * 60 * 60 * 1000;
const START = new Date('2026-11-22T12:00:00Z');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('rendered copies of public pages', () => {
  let h: Harness;
  let programId: number;
  let admin: ReturnType<Harness['agent']>;
  /** Changes what the home page says behind the portal's back, as no visitor could. */
  const describeProgramAs = (description: string) =>
    h.db.update(programs).set({ description }).where(eq(programs.id, programId));
  const version = async () => Number((await h.db.select().from(publicContentVersion))[0]?.version);
  /** The version once the bumps of earlier requests (recorded after their answers) have landed. */
  const settledVersion = async () => {
    for (let last = await version(); ;) {
      await sleep(150);
      const now = await version();
      if (now === last) return now;
      last = now;
    }
  };
  const versionReaches = async (expected: number) => {
    for (let waited = 0; waited < 3000 && (await version()) !== expected; waited += 50) await sleep(50);
    return version();
  };
  const saveIdentity = (fields: Record<string, string>) =>
    submitForm(admin, `/admin/programs/${programId}/identity`, `/admin/programs/${programId}/identity`, {
      shortName: 'SOO',
      primaryColor: '#1d4f91',
      mailSenderName: 'Schools of Opportunity',
      contactEmail: 'info@opportunity.example.org',
      postalAddress: '',
      privacyNotice: '',
      accessibilityStatement: '',
      ...fields,
    });

  before(async () => {
    h = await startHarness();
    h.clock.set(START);
    await createOpenCycle(h.db, START);
    programId = (await h.db.select().from(programs))[0]!.id;
    await createUser(h.db, { email: 'admin@program.example.org', roles: ['admin'] });
    admin = h.agent();
    await signIn(admin, 'admin@program.example.org');
  });
  after(() => h.close());

  it('answers the second anonymous visitor from the copy, with an ETag that gives a 304', async () => {
    await describeProgramAs('First words.');
    await saveIdentity({});
    const first = await supertest(h.app).get('/');
    expect(first.status).to.equal(200);
    expect(first.text).to.contain('First words.');
    expect(first.headers['cache-control']).to.equal('public, no-cache');
    expect(first.headers.vary).to.equal('Cookie, Accept-Language, Accept-Encoding');
    expect(first.headers['set-cookie']).to.equal(undefined);
    const etag = first.headers.etag as string;
    expect(etag).to.be.a('string');

    await describeProgramAs('Changed behind the portal.');
    const second = await supertest(h.app).get('/');
    expect(second.text).to.equal(first.text);
    expect(second.headers.etag).to.equal(etag);
    for (const header of ['content-security-policy', 'x-content-type-options', 'x-frame-options', 'content-type']) {
      expect(second.headers[header], header).to.be.a('string').and.equal(first.headers[header]);
    }
    // The copy is compressed in the background once stored: plain until then, on a busy machine.
    let compressed = await supertest(h.app).get('/').set('Accept-Encoding', 'gzip, br');
    for (let tries = 0; compressed.headers['content-encoding'] !== 'gzip' && tries < 100; tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      compressed = await supertest(h.app).get('/').set('Accept-Encoding', 'gzip, br');
    }
    expect(compressed.headers['content-encoding']).to.equal('gzip');
    expect(Number(compressed.headers['content-length'])).to.be.below(Buffer.byteLength(first.text));
    expect(compressed.text).to.equal(first.text);
    const revalidated = await supertest(h.app).get('/').set('If-None-Match', etag);
    expect(revalidated.status).to.equal(304);
    expect(revalidated.text).to.equal('');
  });

  it('shares one copy across parameters no page reads, and renders a search afresh', async () => {
    await describeProgramAs('Before the newsletter.');
    await saveIdentity({});
    await supertest(h.app).get('/');
    await describeProgramAs('After the newsletter.');
    const fromNewsletter = await supertest(h.app).get('/?utm_source=newsletter&utm_medium=email');
    expect(fromNewsletter.text).to.contain('Before the newsletter.');
    const search = await supertest(h.app).get('/?q=lincoln');
    expect(search.text).to.contain('After the newsletter.');
    expect(search.headers['cache-control']).to.equal(undefined);
  });

  it('sends a kept copy with the headers its page set (open data stays readable by other sites)', async () => {
    await saveIdentity({});
    const first = await supertest(h.app).get('/honorees.json');
    const second = await supertest(h.app).get('/honorees.json');
    expect(second.status).to.equal(200);
    expect(second.headers.etag).to.be.a('string');
    for (const header of ['access-control-allow-origin', 'cross-origin-resource-policy', 'content-type']) {
      expect(second.headers[header], header).to.equal(first.headers[header]);
    }
    expect(second.headers['access-control-allow-origin']).to.equal('*');
    expect(second.body).to.deep.equal(first.body);
  });

  it('never shows the copy to someone signed in', async () => {
    await supertest(h.app).get('/');
    await describeProgramAs('Only the signed-in see this yet.');
    const signedIn = await admin.get('/');
    expect(signedIn.text).to.contain('Only the signed-in see this yet.');
    expect((await supertest(h.app).get('/')).text).not.to.contain('Only the signed-in see this yet.');
  });

  it('drops every copy when an admin’s change succeeds, and only then', async () => {
    await describeProgramAs('Published by an admin.');
    const before = await settledVersion();
    const refused = await saveIdentity({ primaryColor: 'not a colour' });
    expect(refused.status).to.equal(422);
    expect(await settledVersion()).to.equal(before);
    expect((await supertest(h.app).get('/')).text).not.to.contain('Published by an admin.');

    const saved = await saveIdentity({});
    expect(saved.status).to.equal(303);
    expect(await versionReaches(before + 1)).to.equal(before + 1);
    expect((await supertest(h.app).get('/')).text).to.contain('Published by an admin.');
  });

  it('has another instance drop its copies within a second of the change', async () => {
    const other = h.instance();
    await describeProgramAs('Seen by both instances.');
    await saveIdentity({});
    expect((await supertest(other).get('/')).text).to.contain('Seen by both instances.');
    await describeProgramAs('Changed on the first instance.');
    expect((await supertest(other).get('/')).text).not.to.contain('Changed on the first instance.');
    await saveIdentity({});
    await sleep(1100);
    expect((await supertest(other).get('/')).text).to.contain('Changed on the first instance.');
  });

  it('drops the copies when a cycle’s date passes, to the minute', async () => {
    h.clock.set(new Date(START.getTime() + 60 * DAY - 60_000));
    await saveIdentity({});
    expect((await supertest(h.app).get('/')).text).to.contain('Applications are open until');
    h.clock.set(new Date(START.getTime() + 60 * DAY + 1000));
    const after = (await supertest(h.app).get('/')).text;
    expect(after).not.to.contain('Applications are open until');
    expect(after).to.contain('Applications are closed');
  });

  it('keeps no copy of a page that failed, and renders afresh for a visitor with a message cookie', async () => {
    h.clock.set(START);
    const [row] = rowsOf<{ next: number }>(await h.db.execute(sql`select max(id) + 1 as next from cycles`));
    const next = Number(row!.next);
    expect((await supertest(h.app).get(`/cycles/${next}/criteria`)).status).to.equal(404);
    const cycleId = await createOpenCycle(h.db, START, { name: 'Second Program' });
    expect(cycleId).to.equal(next);
    expect((await supertest(h.app).get(`/cycles/${next}/criteria`)).status).to.equal(200);

    await saveIdentity({});
    await supertest(h.app).get('/');
    await describeProgramAs('Seen with a message to show.');
    expect((await supertest(h.app).get('/')).text).not.to.contain('Seen with a message to show.');
    const withMessage = await supertest(h.app).get('/').set('Cookie', 'laurel.flash=s%3Atampered');
    expect(withMessage.text).to.contain('Seen with a message to show.');
    expect(withMessage.headers['cache-control']).to.equal(undefined);
  });
});
