// Loaded into the portal process by test/cli/faults.test.ts (NODE_OPTIONS=--import): on SIGUSR2
// an exception and a promise rejection escape, as a library's bug would, so the test can see the
// process guard in server/index.ts log them and keep serving.
import process from 'node:process';
import { setTimeout } from 'node:timers';

process.on('SIGUSR2', () => {
  setTimeout(() => {
    throw new Error('escaped on purpose by the test');
  });
  void Promise.reject(new Error('rejected on purpose by the test'));
});
