import { expect } from 'chai';
import {
  DEFAULT_THROTTLE,
  clearLoginFailures,
  recordLoginFailure,
  throttleBeforeLogin,
} from '../../../server/auth/login-throttle.js';
import type { DatabaseHandle } from '../../../server/db/client.js';
import { TooManyRequests } from '../../../server/errors.js';
import { createTestDatabase } from '../../helpers/database.js';
import { createTestClock } from '../../helpers/harness.js';

describe('login throttle', () => {
  let database: DatabaseHandle;
  const policy = {
    ...DEFAULT_THROTTLE,
    slowAfter: 3,
    delayStepMs: 500,
    maxDelayMs: 1_500,
    lockAfterPerAccount: 6,
    lockAfterPerAddress: 50,
  };
  before(async () => {
    database = await createTestDatabase();
  });
  after(() => database.close());

  it('adds a growing delay after a few failures, then pauses the account, then forgets', async () => {
    const clock = createTestClock();
    const who = { email: 'a@example.org', address: '10.0.0.1', policy, clock };
    const delays: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      delays.push(await throttleBeforeLogin(database.db, who));
      await recordLoginFailure(database.db, who);
    }
    expect(delays).to.deep.equal([0, 0, 0, 500, 1_000]);
    expect(await throttleBeforeLogin(database.db, who)).to.equal(1_500);
    await recordLoginFailure(database.db, who);

    let paused: unknown;
    try {
      await throttleBeforeLogin(database.db, who);
    } catch (error) {
      paused = error;
    }
    expect(paused).to.be.instanceOf(TooManyRequests);
    expect((paused as TooManyRequests).retryAfterSeconds).to.equal(15 * 60);

    clock.advance(15 * 60 * 1000 + 1);
    expect(await throttleBeforeLogin(database.db, who)).to.equal(0, 'a new window starts after the pause');
    await recordLoginFailure(database.db, who);
    expect(await throttleBeforeLogin(database.db, who)).to.equal(0);

    await clearLoginFailures(database.db, 'a@example.org');
    expect(await throttleBeforeLogin(database.db, who)).to.equal(0);
  });

  it('starts counting afresh when failures are far apart', async () => {
    const clock = createTestClock();
    const who = { email: 'b@example.org', address: '10.0.0.2', policy, clock };
    for (let i = 0; i < 10; i += 1) {
      await recordLoginFailure(database.db, who);
      clock.advance(16 * 60 * 1000);
    }
    expect(await throttleBeforeLogin(database.db, who)).to.equal(0);
  });
});
