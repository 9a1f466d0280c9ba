import { expect } from 'chai';
import { hashPassword, passwordWeakness, verifyPassword } from '../../../server/auth/passwords.js';
import { safeNextPath } from '../../../server/auth/sign-in.js';
import { textIn } from '../../../server/i18n/translate.js';

/** The weakness in English words (passwordWeakness gives a Message, put into words by the page). */
const weakness = (...args: Parameters<typeof passwordWeakness>) => textIn('en', passwordWeakness(...args));

describe('passwords', () => {
  it('hashes with argon2id and verifies only the right password', async () => {
    const hash = await hashPassword('a long and private phrase');
    expect(hash).to.match(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(hash, 'a long and private phrase')).to.equal(true);
    expect(await verifyPassword(hash, 'a long and private phrasE')).to.equal(false);
    expect(await verifyPassword('not a hash', 'anything')).to.equal(false);
  });

  it('explains why a password is too weak', () => {
    expect(weakness('short')).to.equal('Use at least 10 characters.');
    expect(weakness('x'.repeat(201))).to.equal('Use at most 200 characters.');
    expect(weakness('Password123')).to.equal('This password is too common; choose one that is hard to guess.');
    expect(weakness('aaaaaaaaaaaa')).to.equal('This password is too common; choose one that is hard to guess.');
    expect(weakness('abababababab')).to.equal('Use a greater variety of characters.');
    expect(weakness('mjohnson-2026!', { email: 'mjohnson@school.org' })).to.equal(
      'Do not use your e-mail address in your password.',
    );
    expect(weakness('Maria Lopez 2026', { name: 'Maria Lopez' })).to.equal('Do not use your name in your password.');
    expect(passwordWeakness('correct horse battery staple', { email: 'pat@example.org', name: 'Pat' })).to.equal(
      undefined,
    );
  });
});

describe('safeNextPath', () => {
  it('keeps paths on this site and drops everything else', () => {
    expect(safeNextPath('/admin/outbox?before=10')).to.equal('/admin/outbox?before=10');
    for (const bad of [
      '//evil.example',
      'https://evil.example',
      '/\\evil.example',
      'admin',
      '',
      undefined,
      ['/x'],
      '/' + 'a'.repeat(600),
    ]) {
      expect(safeNextPath(bad), String(bad)).to.equal('/');
    }
  });
});
