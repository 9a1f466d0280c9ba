// The review panel: admins invite reviewers by e-mail; the link lets a reviewer set a password
// (or sign in) and describe themself; admins see the panel and set each member's maximum load.
import { joinFirstRound, reviewsDueAt } from './rounds.js';
import { createHash, randomBytes } from 'node:crypto';
import { and, asc, count, eq, sql } from 'drizzle-orm';
import {
  criteria,
  cycleReviewers,
  cycles,
  GRADE_LEVELS,
  reviewerInvitations,
  reviewerProfiles,
  users,
  US_STATES,
} from '../../../models/schema.js';
import { hashPassword, passwordWeakness } from '../../auth/passwords.js';
import { rowsOf, type Database } from '../../db/client.js';
import { Invalid, NotFound, type FieldErrors } from '../../errors.js';
import { isLanguage } from '../../i18n/languages.js';
import { msg } from '../../i18n/translate.js';
import { enqueueMail } from '../../mail/outbox.js';
import { checkInteger, EMAIL, singleLine } from '../shared/form-input.js';
import { cycleTimeZone } from '../programs/time-zone.js';

import type { ServiceContext } from '../../context.js';

const INVITATION_LIFETIME_MS = 30 * 24 * 60 * 60 * 1000;
export const MAX_INVITES_AT_ONCE = 300;

const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * Invites every address in a pasted list (commas, semicolons, spaces or lines). Addresses
 * already on the panel are skipped; an invitation not yet accepted is sent again with a new link.
 */
export async function inviteReviewers(
  { db, clock, mail }: ServiceContext,
  { cycleId, emailsText, adminId }: { cycleId: number; emailsText: string; adminId: number },
) {
  const candidates = [
    ...new Set(
      emailsText
        .split(/[\s,;]+/)
        .map((e) => e.trim().toLowerCase().replace(/^<|>$/g, ''))
        .filter(Boolean),
    ),
  ];
  if (candidates.length === 0) throw new Invalid({ emails: msg('panel.admin.errors.noEmails') });
  if (candidates.length > MAX_INVITES_AT_ONCE)
    throw new Invalid({ emails: msg('panel.admin.errors.tooMany', { max: MAX_INVITES_AT_ONCE }) });
  const invalid = candidates.filter((e) => !EMAIL.test(e) || e.length > 254);
  if (invalid.length > 0)
    throw new Invalid({ emails: msg('panel.admin.errors.notEmails', { emails: invalid.slice(0, 10).join(', ') }) });
  const [cycle] = await db.select().from(cycles).where(eq(cycles.id, cycleId));
  if (!cycle) throw new Invalid({ emails: msg('panel.admin.errors.noCycle') });
  const dueAt = await reviewsDueAt(db, cycle);
  const zone = await cycleTimeZone(db, cycleId);
  const onPanel = new Set(
    (
      await db
        .select({ email: users.email })
        .from(cycleReviewers)
        .innerJoin(users, eq(users.id, cycleReviewers.userId))
        .where(eq(cycleReviewers.cycleId, cycleId))
    ).map((r) => r.email),
  );
  const invited: string[] = [];
  const skipped: string[] = [];
  const now = clock();
  await db.transaction(async (tx) => {
    for (const email of candidates) {
      if (onPanel.has(email)) {
        skipped.push(email);
        continue;
      }
      const token = randomBytes(32).toString('base64url');
      const values = {
        tokenHash: hashOf(token),
        expiresAt: new Date(now.getTime() + INVITATION_LIFETIME_MS),
        invitedBy: adminId,
        createdAt: now,
        acceptedAt: null,
        acceptedBy: null,
      };
      await tx
        .insert(reviewerInvitations)
        .values({ cycleId, email, ...values })
        .onConflictDoUpdate({ target: [reviewerInvitations.cycleId, reviewerInvitations.email], set: values });
      await enqueueMail(tx, mail, {
        to: email,
        template: 'reviewer-invitation',
        data: {
          cycleName: cycle.name,
          link: `${mail.baseUrl}/reviewer-invitations/${token}`,
          deadline: { at: dueAt, zone },
        },
      });
      invited.push(email);
    }
  });
  return { invited, skipped };
}

export async function findReviewerInvitation(db: Database, token: string, now: Date) {
  if (token.length === 0 || token.length > 200) return undefined;
  const [row] = await db
    .select({ invitation: reviewerInvitations, cycleName: cycles.name })
    .from(reviewerInvitations)
    .innerJoin(cycles, eq(cycles.id, reviewerInvitations.cycleId))
    .where(eq(reviewerInvitations.tokenHash, hashOf(token)));
  if (!row) return undefined;
  const [account] = await db.select({ id: users.id }).from(users).where(eq(users.email, row.invitation.email));
  return { ...row, expired: row.invitation.expiresAt <= now, hasAccount: Boolean(account) };
}

export interface ProfileInput {
  affiliation: string;
  district: string;
  state: string;
  /** Titles of the cycle's criteria the reviewer knows well: matched against schools' choices. */
  expertise: string[];
  gradeLevels: string[];
  /** The languages the reviewer reads: assignment gives them only applications written in these. */
  languagesRead: string[];
  maxLoad: string;
}

export function profileFormFrom(body: Record<string, unknown> | undefined): ProfileInput {
  const text = (name: string) => (typeof body?.[name] === 'string' ? (body[name] as string) : '');
  return {
    affiliation: text('affiliation'),
    district: text('district'),
    state: text('state'),
    expertise: ([] as unknown[]).concat(body?.expertise ?? []).filter((v): v is string => typeof v === 'string'),
    gradeLevels: ([] as unknown[]).concat(body?.gradeLevels ?? []).filter((v): v is string => typeof v === 'string'),
    languagesRead: ([] as unknown[])
      .concat(body?.languagesRead ?? [])
      .filter((v): v is string => typeof v === 'string'),
    maxLoad: text('maxLoad'),
  };
}

export function validateProfile(input: ProfileInput, errors: FieldErrors) {
  const affiliation = singleLine(input.affiliation);
  const district = singleLine(input.district);
  const state = input.state.trim().toUpperCase();
  if (affiliation.length > 200) errors.affiliation = msg('panel.fields.errors.tooLong');
  if (district.length > 200) errors.district = msg('panel.fields.errors.tooLong');
  if (state !== '' && !(US_STATES as readonly string[]).includes(state))
    errors.state = msg('panel.fields.errors.state');
  const expertise = [...new Set(input.expertise.map((t) => t.trim()).filter(Boolean))];
  if (expertise.length > 20 || expertise.some((t) => t.length > 300))
    errors.expertise = msg('panel.fields.errors.expertise');
  const gradeLevels = input.gradeLevels.filter((g) => (GRADE_LEVELS as readonly string[]).includes(g));
  const languagesRead = [...new Set(input.languagesRead)];
  if (languagesRead.length === 0) errors.languagesRead = msg('panel.fields.errors.languagesNone');
  else if (!languagesRead.every(isLanguage)) errors.languagesRead = msg('panel.fields.errors.languagesUnknown');
  const maxLoadText = input.maxLoad.trim();
  if (!/^\d{1,3}$/.test(maxLoadText) || Number(maxLoadText) > 100) errors.maxLoad = msg('panel.fields.errors.maxLoad');
  return {
    affiliation,
    district,
    state: state || null,
    expertise,
    gradeLevels,
    languagesRead: languagesRead.sort(),
    maxLoad: Number(maxLoadText),
  };
}

async function joinPanel(
  db: Database,
  {
    userId,
    cycleId,
    profile,
    now,
  }: { userId: number; cycleId: number; profile: ReturnType<typeof validateProfile>; now: Date },
) {
  const { maxLoad, ...details } = profile;
  await db
    .insert(reviewerProfiles)
    .values({ userId, ...details, updatedAt: now })
    .onConflictDoUpdate({ target: reviewerProfiles.userId, set: { ...details, updatedAt: now } });
  await db
    .insert(cycleReviewers)
    .values({ cycleId, userId, maxLoad, joinedAt: now })
    .onConflictDoUpdate({ target: [cycleReviewers.cycleId, cycleReviewers.userId], set: { maxLoad } });
  await joinFirstRound(db, { cycleId, userIds: [userId] });
  await db
    .update(users)
    .set({
      roles: sql`(select array_agg(distinct r) from unnest(${users.roles} || array['reviewer']::text[]) r)`,
      updatedAt: now,
    })
    .where(eq(users.id, userId));
}

export type AcceptOutcome = { userId: number; created: boolean };

/**
 * Accepts an invitation: with a new account (name and password from the form) when the address
 * has none, or for the signed-in owner of the address. The link proves the address.
 */
export async function acceptReviewerInvitation(
  { db, clock }: Pick<ServiceContext, 'db' | 'clock'>,
  {
    token,
    signedIn,
    account,
    profileInput,
  }: {
    token: string;
    signedIn?: { id: number; email: string };
    account?: { name: string; password: string };
    profileInput: ProfileInput;
  },
): Promise<AcceptOutcome> {
  const now = clock();
  const found = await findReviewerInvitation(db, token, now);
  if (!found || found.expired) throw new Invalid({ token: msg('panel.invitation.errors.notValid') });
  const { invitation } = found;
  const errors: FieldErrors = {};
  if (signedIn && signedIn.email !== invitation.email) {
    throw new Invalid({ token: msg('panel.invitation.errors.otherAddress', { email: invitation.email }) });
  }
  let name = '';
  if (!signedIn) {
    name = singleLine(account?.name);
    if (name === '') errors.name = msg('panel.invitation.errors.nameRequired');
    else if (name.length > 120) errors.name = msg('panel.invitation.errors.nameTooLong');
    const weakness = account?.password
      ? passwordWeakness(account.password, { email: invitation.email, name })
      : msg('panel.invitation.errors.passwordRequired');
    if (weakness) errors.password = weakness;
  }
  const profile = validateProfile(profileInput, errors);
  if (Object.keys(errors).length > 0) throw new Invalid(errors);
  const passwordHash = !signedIn && account ? await hashPassword(account.password) : undefined;
  return db.transaction(async (tx) => {
    let userId = signedIn?.id;
    let created = false;
    if (!userId) {
      const [row] = await tx
        .insert(users)
        .values({
          email: invitation.email,
          name,
          passwordHash: passwordHash!,
          roles: ['reviewer'],
          emailVerifiedAt: now,
        })
        .onConflictDoNothing({ target: users.email })
        .returning({ id: users.id });
      if (!row) throw new Invalid({ token: msg('panel.invitation.errors.accountExists', { email: invitation.email }) });
      userId = row.id;
      created = true;
    }
    await joinPanel(tx, { userId, cycleId: invitation.cycleId, profile, now });
    await tx
      .update(reviewerInvitations)
      .set({
        acceptedAt: sql`coalesce(${reviewerInvitations.acceptedAt}, ${now.toISOString()}::timestamptz)`,
        acceptedBy: userId,
      })
      .where(eq(reviewerInvitations.id, invitation.id));
    return { userId, created };
  });
}

/** The criteria titles a reviewer can claim expertise in, for a cycle. */
export async function expertiseChoices(db: Database, cycleId: number): Promise<string[]> {
  const rows = await db
    .select({ title: criteria.title })
    .from(criteria)
    .where(eq(criteria.cycleId, cycleId))
    .orderBy(asc(criteria.position));
  return rows.map((r) => r.title);
}

export async function reviewerProfileOf(db: Database, userId: number) {
  const [profile] = await db.select().from(reviewerProfiles).where(eq(reviewerProfiles.userId, userId));
  const panels = await db
    .select({ cycleId: cycleReviewers.cycleId, cycleName: cycles.name, maxLoad: cycleReviewers.maxLoad })
    .from(cycleReviewers)
    .innerJoin(cycles, eq(cycles.id, cycleReviewers.cycleId))
    .where(eq(cycleReviewers.userId, userId))
    .orderBy(asc(cycles.opensAt));
  return { profile, panels };
}

export async function updateReviewerProfile(
  { db, clock }: Pick<ServiceContext, 'db' | 'clock'>,
  { userId, cycleId, input }: { userId: number; cycleId: number; input: ProfileInput },
): Promise<void> {
  const errors: FieldErrors = {};
  const profile = validateProfile(input, errors);
  if (Object.keys(errors).length > 0) throw new Invalid(errors);
  const [onPanel] = await db
    .select({ userId: cycleReviewers.userId })
    .from(cycleReviewers)
    .where(and(eq(cycleReviewers.cycleId, cycleId), eq(cycleReviewers.userId, userId)));
  if (!onPanel) throw new Invalid({ maxLoad: msg('panel.profile.notOnThisPanel') });
  await joinPanel(db, { userId, cycleId, profile, now: clock() });
}

/** The invitations sent for a cycle's panel, for the admins' page (at most 1,000, by address). */
export async function panelInvitations(db: Database, cycleId: number) {
  return db
    .select({
      email: reviewerInvitations.email,
      createdAt: reviewerInvitations.createdAt,
      acceptedAt: reviewerInvitations.acceptedAt,
      expiresAt: reviewerInvitations.expiresAt,
    })
    .from(reviewerInvitations)
    .where(eq(reviewerInvitations.cycleId, cycleId))
    .orderBy(asc(reviewerInvitations.email))
    .limit(1000);
}

export const PANEL_PAGE_SIZE = 50;

/** The cycle's panel with each reviewer's maximum load and their profile, a page at a time. */
export async function cyclePanel(db: Database, cycleId: number, page: number) {
  const rows = await db.execute(sql`
    select u.id as user_id, u.name, u.email, cr.max_load, p.affiliation, p.state, p.expertise, p.grade_levels,
      p.languages_read
    from cycle_reviewers cr
    join users u on u.id = cr.user_id
    left join reviewer_profiles p on p.user_id = cr.user_id
    where cr.cycle_id = ${cycleId}
    order by u.name, u.id
    limit ${PANEL_PAGE_SIZE + 1} offset ${(page - 1) * PANEL_PAGE_SIZE}`);
  const list = rowsOf<Record<string, unknown>>(rows).map((r) => ({
    userId: Number(r.user_id),
    name: String(r.name),
    email: String(r.email),
    maxLoad: Number(r.max_load),
    affiliation: (r.affiliation as string | null) ?? '',
    state: (r.state as string | null) ?? '',
    expertise: (r.expertise as string[] | null) ?? [],
    gradeLevels: (r.grade_levels as string[] | null) ?? [],
    languagesRead: (r.languages_read as string[] | null) ?? ['en'],
  }));
  const [total] = await db.select({ n: count() }).from(cycleReviewers).where(eq(cycleReviewers.cycleId, cycleId));
  return { rows: list.slice(0, PANEL_PAGE_SIZE), hasMore: list.length > PANEL_PAGE_SIZE, total: total?.n ?? 0 };
}

/** Sets a panel member's maximum load for the cycle, and in round 1, which uses the panel's. */
export async function setCycleMaxLoad(
  db: Database,
  { cycleId, userId, maxLoad }: { cycleId: number; userId: number; maxLoad: unknown },
) {
  const errors: FieldErrors = {};
  const value = checkInteger(errors, 'maxLoad', maxLoad, { min: 0, max: 1000, label: msg('forms.label.maxLoad') });
  if (value === undefined) throw new Invalid(errors);
  await db.transaction(async (tx) => {
    const changed = await tx
      .update(cycleReviewers)
      .set({ maxLoad: value })
      .where(and(eq(cycleReviewers.cycleId, cycleId), eq(cycleReviewers.userId, userId)))
      .returning({ userId: cycleReviewers.userId });
    if (changed.length === 0) throw new NotFound(msg('panel.admin.errors.notOnPanel'));
    await tx.execute(sql`
      update round_reviewers rr set max_load = ${value}
      from review_rounds r where r.id = rr.round_id and r.cycle_id = ${cycleId} and r.number = 1 and rr.user_id = ${userId}`);
  });
}
