// Registration and "send the confirmation link again" e-mail whatever address is typed in: they
// must not let anyone flood an inbox, and reaching the limit must not tell who has an account.
import { expect } from 'chai';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { STRONG_PASSWORD, createUser } from '../../helpers/factories.js';
import { readable, submitForm } from '../../helpers/forms.js';

const HOUR_MS = 60 * 60 * 1000;

describe('limits on account e-mail', function () {
  this.timeout(60_000);
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  const register = (email: string) =>
    submitForm(h.agent(), '/register', '/register', { name: 'Rae Newcomer', email, password: STRONG_PASSWORD });
  const resend = (email: string) => submitForm(h.agent(), '/login', '/verify-email/resend', { email });
  const sentTo = (email: string) => h.sink.messages.filter((m) => m.to.includes(email)).length;

  it('sends at most three e-mails an hour to one address, saying so the same way whether or not it has an account', async () => {
    await createUser(h.db, { email: 'existing@example.org', name: 'Existing Person' });
    const statuses = { existing: [] as number[], fresh: [] as number[] };
    const refusals: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      for (const who of ['existing', 'fresh'] as const) {
        const res = await register(`${who}@example.org`);
        statuses[who].push(res.status);
        if (res.status !== 429) continue;
        const seconds = Number(res.headers['retry-after']);
        expect(seconds).to.be.within(1, 3600);
        refusals.push(readable(res.text).replaceAll(`${who}@example.org`, 'ADDRESS'));
      }
    }
    expect(statuses.existing).to.deep.equal([303, 303, 303, 429, 429]);
    expect(statuses.fresh).to.deep.equal([303, 303, 303, 429, 429]);
    expect(refusals[0]).to.contain(
      'Several e-mails to ADDRESS were asked for in the last hour, so we are not sending another one yet. ' +
        'Please look for them in that inbox (and its spam folder), or try again in 60 minutes.',
    );
    expect(refusals[0]).to.contain('value="ADDRESS"');
    const withoutTokens = refusals.map((page) => page.replace(/name="_csrf" value="[^"]+"/g, ''));
    expect(new Set(withoutTokens).size, 'the refusals read the same for both addresses').to.equal(1);

    await h.deliverMail();
    expect(sentTo('existing@example.org')).to.equal(3);
    expect(sentTo('fresh@example.org')).to.equal(3);

    h.clock.advance(HOUR_MS);
    expect((await register('existing@example.org')).status, 'an hour later').to.equal(303);
    await h.deliverMail();
    expect(sentTo('existing@example.org')).to.equal(4);
  });

  it('counts "send the link again" with registration, for known and unknown addresses alike', async () => {
    h.clock.advance(HOUR_MS);
    await createUser(h.db, { email: 'waiting@example.org', verified: false });
    expect((await register('waiting@example.org')).status).to.equal(303);
    const statuses = { waiting: [] as number[], nobody: [] as number[] };
    for (let i = 0; i < 3; i += 1) {
      statuses.waiting.push((await resend('waiting@example.org')).status);
      statuses.nobody.push((await resend('nobody@example.org')).status);
    }
    expect(statuses.waiting).to.deep.equal([303, 303, 429]);
    expect(statuses.nobody).to.deep.equal([303, 303, 303]);
    const refused = await resend('nobody@example.org');
    expect(refused.status).to.equal(429);
    expect(refused.headers['retry-after']).to.match(/^\d+$/);
    expect(readable(refused.text)).to.contain('Several e-mails to nobody@example.org were asked for in the last hour');

    await h.deliverMail();
    expect(sentTo('waiting@example.org')).to.equal(3);
    expect(sentTo('nobody@example.org')).to.equal(0);
  });

  it('sends at most twenty such e-mails an hour to addresses asked for from one network', async () => {
    h.clock.advance(HOUR_MS);
    const before = h.sink.messages.length;
    for (let i = 0; i < 20; i += 1) {
      expect((await register(`teacher${i}@school.example.org`)).status, `registration ${i + 1}`).to.equal(303);
    }
    const refused = await register('teacher20@school.example.org');
    expect(refused.status).to.equal(429);
    expect(refused.headers['retry-after']).to.match(/^\d+$/);
    expect(readable(refused.text)).to.contain(
      'Many accounts and confirmation links were asked for from your network in the last hour. Please try again in',
    );
    expect((await resend('teacher0@school.example.org')).status).to.equal(429);

    await h.deliverMail();
    expect(h.sink.messages.length - before).to.equal(20);
    expect(sentTo('teacher20@school.example.org')).to.equal(0);
  });
});
