// argon2id with the OWASP-recommended minimum (19 MiB, 2 passes, 1 lane), which is also
// @node-rs/argon2's default; spelled out so an upgrade of the library cannot weaken it.
import { hash, verify, type Algorithm } from '@node-rs/argon2';
import { msg, type Message } from '../i18n/translate.js';

const ARGON2_OPTIONS = {
  // Algorithm.Argon2id; a const enum, which isolated modules cannot read by name.
  algorithm: 2 as Algorithm,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/**
 * A hash of a random password, verified against when the account does not exist so that a
 * failed sign-in takes the same time whether or not the address is registered.
 */
let dummyHash: Promise<string> | undefined;
export function timingDummyHash(): Promise<string> {
  dummyHash ??= hashPassword(`no-such-account-${Math.random()}`);
  return dummyHash;
}

const COMMON_PASSWORDS = new Set([
  'password',
  'password1',
  'password123',
  'passw0rd',
  '12345678',
  '123456789',
  '1234567890',
  'qwertyuiop',
  'qwerty123',
  'iloveyou',
  'letmein123',
  'welcome123',
  'admin123',
  'administrator',
  'changeme',
  'changeme123',
  'football',
  'baseball',
  'sunshine',
  'princess',
  'trustno1',
  'superman',
  'dragon123',
  'monkey123',
  'abc12345',
  'abcdefgh',
  '11111111',
  '00000000',
  'schoolsofopportunity',
  'laurel123',
  'teacher123',
  'principal',
  'education',
]);

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 200;

/** Returns why a password is too weak, or undefined when it is acceptable. */
export function passwordWeakness(
  password: string,
  context: { email?: string; name?: string } = {},
): Message | undefined {
  if (password.length < PASSWORD_MIN_LENGTH) {
    return msg('accounts.errors.passwordShort', { min: PASSWORD_MIN_LENGTH });
  }
  if (password.length > PASSWORD_MAX_LENGTH) {
    return msg('accounts.errors.passwordLong', { max: PASSWORD_MAX_LENGTH });
  }
  const lower = password.toLowerCase();
  if (COMMON_PASSWORDS.has(lower) || /^(.)\1+$/.test(password)) {
    return msg('accounts.errors.passwordCommon');
  }
  const emailName = context.email?.split('@')[0]?.toLowerCase();
  if (emailName && emailName.length >= 4 && lower.includes(emailName)) {
    return msg('accounts.errors.passwordEmail');
  }
  if (context.name && context.name.trim().length >= 4 && lower.includes(context.name.trim().toLowerCase())) {
    return msg('accounts.errors.passwordName');
  }
  if (new Set(password).size < 4) {
    return msg('accounts.errors.passwordVariety');
  }
  return undefined;
}
