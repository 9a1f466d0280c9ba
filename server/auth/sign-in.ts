// Signing in: checking a password (with the throttle that slows guessing), reading the signed-in
// person back from the session, and where to send them afterwards. Passport calls these; the
// account's life (registration, verification, reset) is server/services/accounts/accounts.ts.
import { eq } from 'drizzle-orm';
import { users, type Role } from '../../models/schema.js';
import type { Clock } from '../clock.js';
import type { Database } from '../db/client.js';
import { clearLoginFailures, recordLoginFailure, throttleBeforeLogin, type ThrottlePolicy } from './login-throttle.js';
import { timingDummyHash, verifyPassword } from './passwords.js';

export const EMAIL_MAX = 254;

export interface SessionUser {
  id: number;
  email: string;
  name: string;
  roles: Role[];
  /** The language the person chose (server/i18n); null: the browser's. */
  language: string | null;
}

export function normalizeEmail(email: unknown): string {
  return typeof email === 'string' ? email.trim().toLowerCase() : '';
}

export async function findUserByEmail(db: Database, email: string) {
  const [user] = await db.select().from(users).where(eq(users.email, email));
  return user;
}

export type LoginOutcome =
  { ok: true; user: SessionUser } | { ok: false; reason: 'invalid' | 'unverified'; email: string };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Checks a password, counting failures. Throws TooManyRequests while sign-in is paused for the
 * account or the address.
 */
export async function authenticate(
  { db, clock, throttle }: { db: Database; clock: Clock; throttle: ThrottlePolicy },
  input: { email: unknown; password: unknown; address: string },
): Promise<LoginOutcome> {
  const email = normalizeEmail(input.email).slice(0, EMAIL_MAX);
  const password = typeof input.password === 'string' ? input.password.slice(0, 1000) : '';
  const delay = await throttleBeforeLogin(db, { email, address: input.address, policy: throttle, clock });
  if (delay > 0) await sleep(delay);
  const user = email ? await findUserByEmail(db, email) : undefined;
  const matches = await verifyPassword(user?.passwordHash ?? (await timingDummyHash()), password);
  if (!user || !matches || password === '') {
    await recordLoginFailure(db, { email, address: input.address, policy: throttle, clock });
    return { ok: false, reason: 'invalid', email };
  }
  if (!user.emailVerifiedAt) return { ok: false, reason: 'unverified', email };
  await clearLoginFailures(db, email);
  return {
    ok: true,
    user: { id: user.id, email: user.email, name: user.name, roles: user.roles, language: user.language },
  };
}

export async function findSessionUser(db: Database, id: number): Promise<SessionUser | undefined> {
  const [user] = await db
    .select({ id: users.id, email: users.email, name: users.name, roles: users.roles, language: users.language })
    .from(users)
    .where(eq(users.id, id));
  return user;
}

/** Only same-site paths: `next=//evil.example` or `next=https://...` would be an open redirect. */
export function safeNextPath(value: unknown): string {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) {
    return '/';
  }
  return value.length > 500 ? '/' : value;
}
