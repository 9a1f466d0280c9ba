// Accounts: registration, e-mail verification, password reset, admin creation. Signing in is
// server/auth/sign-in.ts.
// Functions take the database and named arguments, never req/res.
import { performance } from 'node:perf_hooks';
import { setTimeout as wait } from 'node:timers/promises';
import { eq, sql } from 'drizzle-orm';
import { sessions, users } from '../../../models/schema.js';
import { clearLoginFailures } from '../../auth/login-throttle.js';
import { hashPassword, passwordWeakness } from '../../auth/passwords.js';
import { EMAIL_MAX, findUserByEmail, normalizeEmail, type SessionUser } from '../../auth/sign-in.js';
import { EMAIL } from '../shared/form-input.js';
import { checkToken, consumeToken, issueToken, newToken, retireTokens } from '../../auth/tokens.js';
import type { Clock } from '../../clock.js';
import type { Database } from '../../db/client.js';
import { Invalid, TooManyRequests, type FieldErrors } from '../../errors.js';
import { msg, type Message } from '../../i18n/translate.js';
import { isLanguage } from '../../i18n/languages.js';
import { enqueueMail } from '../../mail/outbox.js';
import { isSuppressed } from '../../mail/unsubscribe.js';
import { takeRateLimitSlot } from '../shared/rate-limit.js';
import { oneLine } from '../../text.js';
import type { ServiceContext } from '../../context.js';

const NAME_MAX = 120;
const HOUR_MS = 60 * 60 * 1000;
/** Password-reset e-mails one account may receive per hour. */
const RESETS_PER_HOUR = 3;
/** Verification and "you already have an account" e-mails, per address and per network, per hour. */
const ACCOUNT_MAILS_PER_ADDRESS = 3;
const ACCOUNT_MAILS_PER_NETWORK = 20;

function emailProblem(email: string): Message | undefined {
  if (email === '') return msg('accounts.errors.emailRequired');
  if (email.length > EMAIL_MAX || !EMAIL.test(email)) {
    return msg('accounts.errors.email');
  }
  return undefined;
}

export function validateAccountFields(input: { name: unknown; email: unknown; password: unknown }) {
  const name = typeof input.name === 'string' ? oneLine(input.name) : '';
  const email = normalizeEmail(input.email);
  const password = typeof input.password === 'string' ? input.password : '';
  const errors: FieldErrors = {};
  if (name === '') errors.name = msg('accounts.errors.nameRequired');
  else if (name.length > NAME_MAX) errors.name = msg('forms.tooLong', { max: NAME_MAX });
  const emailError = emailProblem(email);
  if (emailError) errors.email = emailError;
  const weakness =
    password === '' ? msg('accounts.errors.passwordRequired') : passwordWeakness(password, { email, name });
  if (weakness) errors.password = weakness;
  if (Object.keys(errors).length > 0) throw new Invalid(errors);
  return { name, email, password };
}

function inMinutes(seconds: number): number {
  return Math.max(1, Math.ceil(seconds / 60));
}

/**
 * Registration and "send the link again" e-mail whatever address is typed in, so they are
 * limited per address and per network (in the database, so the limits hold across instances).
 * Every request counts, whether or not the address has an account, so reaching the limit says
 * nothing about who has one. Throws TooManyRequests; nothing is sent then.
 */
async function limitAccountMail(
  { db, clock }: Pick<ServiceContext, 'db' | 'clock'>,
  { email, address }: { email: string; address: string },
): Promise<void> {
  const perAddress = await takeRateLimitSlot(db, {
    key: `account-mail:email:${email}`,
    limit: ACCOUNT_MAILS_PER_ADDRESS,
    windowMs: HOUR_MS,
    clock,
  });
  if (!perAddress.allowed) {
    throw new TooManyRequests(
      msg('accounts.errors.mailPerAddress', { email, minutes: inMinutes(perAddress.retryAfterSeconds) }),
      perAddress.retryAfterSeconds,
    );
  }
  const perNetwork = await takeRateLimitSlot(db, {
    key: `account-mail:address:${address}`,
    limit: ACCOUNT_MAILS_PER_NETWORK,
    windowMs: HOUR_MS,
    clock,
  });
  if (!perNetwork.allowed) {
    throw new TooManyRequests(
      msg('accounts.errors.mailPerNetwork', { minutes: inMinutes(perNetwork.retryAfterSeconds) }),
      perNetwork.retryAfterSeconds,
    );
  }
}

/**
 * Creates an unverified applicant account and e-mails a verification link. Registering an
 * address that already has an account sends that person a note instead, and the page says the
 * same thing either way, so the form cannot be used to find out who has an account.
 */
export async function registerUser(
  { db, mail, clock }: ServiceContext,
  input: { name: unknown; email: unknown; password: unknown; next?: string; address: string; language?: string },
): Promise<{ email: string }> {
  // The language the page was read in: the account's, and its e-mail's, until the person picks one.
  const language = isLanguage(input.language) ? input.language : undefined;
  // Where to go after signing in (an invitation link, say), carried through the e-mailed link.
  const nextQuery = input.next && input.next !== '/' ? `?next=${encodeURIComponent(input.next)}` : '';
  const { name, email, password } = validateAccountFields(input);
  // Before hashing: a flood of registrations should not cost a hash each.
  await limitAccountMail({ db, clock }, { email, address: input.address });
  const passwordHash = await hashPassword(password);
  await db.transaction(async (tx) => {
    const [created] = await tx
      .insert(users)
      .values({ name, email, passwordHash, roles: ['applicant'], language: language ?? null })
      .onConflictDoNothing({ target: users.email })
      .returning({ id: users.id });
    if (!created) {
      const existing = await findUserByEmail(tx, email);
      await enqueueMail(tx, mail, {
        to: email,
        template: 'account-exists',
        data: { name: existing?.name ?? name, verified: Boolean(existing?.emailVerifiedAt) },
        language: existing?.language ?? language,
      });
      return;
    }
    await sendVerificationLink({ db: tx, mail, clock }, { user: { id: created.id, email, name, language }, nextQuery });
  });
  return { email };
}

/** Sends a fresh verification link if the address has an unverified account; silent otherwise. */
export async function resendVerification(
  { db, mail, clock }: ServiceContext,
  input: { email: unknown; address: string },
): Promise<void> {
  const email = normalizeEmail(input.email);
  const emailError = emailProblem(email);
  if (emailError) throw new Invalid({ email: emailError });
  await limitAccountMail({ db, clock }, { email, address: input.address });
  const user = await findUserByEmail(db, email);
  if (!user || user.emailVerifiedAt) return;
  await db.transaction((tx) => sendVerificationLink({ db: tx, mail, clock }, { user }));
}

/** Issues a verification token and e-mails its link; call inside the transaction that needs it. */
async function sendVerificationLink(
  { db, mail, clock }: ServiceContext,
  {
    user,
    nextQuery = '',
  }: { user: { id: number; email: string; name: string; language?: string | null }; nextQuery?: string },
): Promise<void> {
  const token = await issueToken(db, { userId: user.id, purpose: 'verify_email', clock });
  await enqueueMail(db, mail, {
    to: user.email,
    template: 'verify-email',
    data: { name: user.name, link: `${mail.baseUrl}/verify-email/${token}${nextQuery}` },
    ...(user.language ? { language: user.language } : {}),
  });
}

export type TokenProblem = { ok: false; reason: 'unknown' | 'used' | 'expired' };
export type TokenOutcome = { ok: true; email: string } | TokenProblem;

/** Confirms the address; the account's other verification links stop working. */
/**
 * Whether a verification link still works, and for which address, without using it: the page
 * the link opens asks for a press of a button, so a mail scanner fetching every link in an inbox
 * confirms nothing.
 */
export async function checkVerificationLink(
  { db, clock }: Pick<ServiceContext, 'db' | 'clock'>,
  { token }: { token: string },
): Promise<TokenOutcome> {
  const check = await checkToken(db, { token, purpose: 'verify_email', clock });
  if (!check.ok) return check;
  const [user] = await db.select({ email: users.email }).from(users).where(eq(users.id, check.userId));
  return user ? { ok: true, email: user.email } : { ok: false, reason: 'unknown' };
}

export async function verifyEmail(
  { db, clock }: Pick<ServiceContext, 'db' | 'clock'>,
  { token }: { token: string },
): Promise<TokenOutcome> {
  return db.transaction(async (tx) => {
    const check = await consumeToken(tx, { token, purpose: 'verify_email', clock });
    if (!check.ok) return check;
    const [user] = await tx
      .update(users)
      .set({
        emailVerifiedAt: sql`coalesce(${users.emailVerifiedAt}, ${clock().toISOString()}::timestamptz)`,
        updatedAt: clock(),
      })
      .where(eq(users.id, check.userId))
      .returning({ email: users.email });
    return user ? { ok: true, email: user.email } : { ok: false, reason: 'unknown' };
  });
}

/**
 * Every answer to "forgot password" takes at least this long. Writing the e-mail (in the
 * account's language, from the program's edited template) is work the other way cannot imitate
 * statement for statement, and it made an account's answer half as slow again; padded to this,
 * both take the same time on any but an overloaded machine.
 */
const RESET_ANSWER_FLOOR_MS = 200;

/**
 * E-mails a reset link if the address has an account (and has not had three this hour); the
 * caller shows the same page either way. Both ways do the same work, one transaction with a
 * rate-counter write and the statements of a reset link, and take at least
 * RESET_ANSWER_FLOOR_MS, so the time taken does not tell an outsider which addresses have
 * accounts.
 */
export async function requestPasswordReset(
  { db, mail, clock }: ServiceContext,
  input: { email: unknown },
): Promise<void> {
  const email = normalizeEmail(input.email);
  const emailError = emailProblem(email);
  if (emailError) throw new Invalid({ email: emailError });
  const started = performance.now();
  try {
    await resetOrImitate({ db, mail, clock }, email);
  } finally {
    const left = RESET_ANSWER_FLOOR_MS - (performance.now() - started);
    if (left > 0) await wait(left);
  }
}

async function resetOrImitate({ db, mail, clock }: ServiceContext, email: string): Promise<void> {
  const user = await findUserByEmail(db, email);
  await db.transaction(async (tx) => {
    // Counted for unknown addresses too, so that every request commits one write.
    const { allowed } = await takeRateLimitSlot(tx, {
      key: `reset-password:${email}`,
      limit: RESETS_PER_HOUR,
      windowMs: HOUR_MS,
      clock,
    });
    if (user && allowed) await sendResetLink({ db: tx, mail, clock }, user);
    else await imitateResetLink({ db: tx, clock }, email);
  });
}

/** A new link replaces the ones sent before: only the latest e-mail's link works. */
async function sendResetLink(
  { db, mail, clock }: ServiceContext,
  user: { id: number; email: string; name: string; language: string | null },
): Promise<void> {
  await retireTokens(db, { userId: user.id, purpose: 'reset_password', clock });
  const token = await issueToken(db, { userId: user.id, purpose: 'reset_password', clock });
  await enqueueMail(db, mail, {
    to: user.email,
    template: 'password-reset',
    data: { name: user.name, link: `${mail.baseUrl}/reset-password/${token}` },
    ...(user.language ? { language: user.language } : {}),
  });
}

/** No account has this id: ids start at 1. */
const NO_ACCOUNT = 0;

/**
 * What sendResetLink does, step for step, changing nothing: a token is made, and each of its
 * three statements has a counterpart that finds no row.
 */
async function imitateResetLink({ db, clock }: Pick<ServiceContext, 'db' | 'clock'>, email: string): Promise<void> {
  const { token } = newToken();
  await retireTokens(db, { userId: NO_ACCOUNT, purpose: 'reset_password', clock });
  await checkToken(db, { token, purpose: 'reset_password', clock });
  await isSuppressed(db, email);
}

/**
 * Sets a new password from a reset link and signs the account out everywhere. The link proves
 * the person owns the address, so it also confirms the address (retiring its verification
 * links) and clears the count of failed sign-ins: the new password works at once.
 */
export async function resetPassword(
  { db, clock }: Pick<ServiceContext, 'db' | 'clock'>,
  input: { token: string; password: unknown; confirm: unknown },
): Promise<{ ok: true; user: SessionUser } | TokenProblem> {
  const password = typeof input.password === 'string' ? input.password : '';
  return db.transaction(async (tx) => {
    const check = await consumeToken(tx, { token: input.token, purpose: 'reset_password', clock });
    if (!check.ok) return check;
    const [user] = await tx.select().from(users).where(eq(users.id, check.userId));
    if (!user) return { ok: false, reason: 'unknown' };
    const weakness = password === '' ? msg('accounts.errors.passwordRequired') : passwordWeakness(password, user);
    const errors: FieldErrors = {};
    if (weakness) errors.password = weakness;
    else if (input.confirm !== password) errors.confirm = msg('accounts.errors.passwordsDiffer');
    // Throwing rolls the transaction back, so the link still works for a second try.
    if (Object.keys(errors).length > 0) throw new Invalid(errors);
    await tx
      .update(users)
      .set({
        passwordHash: await hashPassword(password),
        // Whoever can read the inbox owns the address: a reset also proves it.
        emailVerifiedAt: user.emailVerifiedAt ?? clock(),
        updatedAt: clock(),
      })
      .where(eq(users.id, user.id));
    await retireTokens(tx, { userId: user.id, purpose: 'verify_email', clock });
    await tx.delete(sessions).where(sql`(${sessions.data} -> 'passport' ->> 'user') = ${String(user.id)}`);
    await clearLoginFailures(tx, user.email);
    return {
      ok: true,
      user: { id: user.id, email: user.email, name: user.name, roles: user.roles, language: user.language },
    };
  });
}

/** Creates a verified admin, or promotes and re-passwords an existing account. */
export async function createOrPromoteAdmin(
  db: Database,
  input: { email: unknown; password: unknown; name: unknown },
  clock: Clock,
): Promise<{ id: number; created: boolean }> {
  const { name, email, password } = validateAccountFields(input);
  const passwordHash = await hashPassword(password);
  const now = clock();
  return db.transaction(async (tx) => {
    const existing = await findUserByEmail(tx, email);
    if (existing) {
      const roles = existing.roles.includes('admin') ? existing.roles : [...existing.roles, 'admin' as const];
      await tx
        .update(users)
        .set({ roles, name, passwordHash, emailVerifiedAt: existing.emailVerifiedAt ?? now, updatedAt: now })
        .where(eq(users.id, existing.id));
      // A new password set from the server retires reset links already e-mailed, as a reset does.
      await retireTokens(tx, { userId: existing.id, purpose: 'reset_password', clock });
      return { id: existing.id, created: false };
    }
    const [created] = await tx
      .insert(users)
      .values({ name, email, passwordHash, roles: ['admin'], emailVerifiedAt: now })
      .returning({ id: users.id });
    if (!created) throw new Error('The user insert returned no row');
    return { id: created.id, created: true };
  });
}

/** Remembers the language a signed-in person chose, for their pages and their e-mail. */
export async function setAccountLanguage(db: Database, userId: number, language: string): Promise<void> {
  await db.update(users).set({ language }).where(eq(users.id, userId));
}
