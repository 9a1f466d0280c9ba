// Invitations to apply: one per school and cycle, sent when a nomination is confirmed or by an
// admin by hand, and what opening one does (creating a new school, asking to join an existing one,
// or going on to the application). Nominations themselves are nominations.ts and links.ts.

import { createHash, randomBytes } from 'node:crypto';
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import {
  applications,
  cycles,
  programs,
  nominations,
  schoolContacts,
  schoolInvitations,
  schools,
  users,
  type Cycle,
  type School,
  type SchoolInvitation,
  US_STATES,
} from '../../../models/schema.js';
import type { ServiceContext } from '../../context.js';
import type { Database } from '../../db/client.js';
import { Invalid, NotFound, type FieldErrors } from '../../errors.js';
import { msg } from '../../i18n/translate.js';
import { enqueueMail } from '../../mail/outbox.js';
import { applicationsCloseAt } from '../programs/phase.js';
import { emailMatchesSchoolDomain, requestToJoinSchool } from '../schools/contacts.js';
import { schoolMatchKey } from '../schools/match-key.js';
import { checkText, EMAIL, text } from '../shared/form-input.js';
import { listNominationGroups } from './groups.js';
import { applicationsOpen } from '../programs/phase.js';

const n = nominations;

async function confirmedCount(db: Database, cycleId: number, matchKey: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(distinct ${nominations.nominatorEmail})::int` })
    .from(nominations)
    .where(
      and(eq(nominations.cycleId, cycleId), eq(nominations.matchKey, matchKey), eq(nominations.status, 'confirmed')),
    );
  return row?.n ?? 0;
}

/**
 * Invites a school to apply, once per school and cycle. Returns false when it was invited
 * already (by an admin, or by a nomination whose invitation was accepted).
 */
export async function inviteSchool(
  { db, clock, mail }: ServiceContext,
  {
    cycleId,
    matchKey,
    schoolId,
    schoolName,
    email,
    invitedBy,
    city = '',
    state = '',
    language,
  }: {
    cycleId: number;
    matchKey: string;
    schoolId: number | null;
    schoolName: string;
    email: string;
    invitedBy: number | null;
    city?: string;
    state?: string;
    /** The nomination's language: the invitation's, unless the address's account chose another. */
    language?: string;
  },
): Promise<boolean> {
  const token = randomBytes(32).toString('base64url');
  const values = {
    cycleId,
    matchKey,
    schoolId,
    email: email.trim().toLowerCase(),
    schoolName,
    city,
    state,
    tokenHash: createHash('sha256').update(token).digest('hex'),
    invitedBy,
    createdAt: clock(),
  };
  let [created] = await db
    .insert(schoolInvitations)
    .values(values)
    .onConflictDoNothing()
    .returning({ id: schoolInvitations.id });
  if (!created && invitedBy !== null) {
    // An admin's invitation replaces an automatic one nobody has acted on: that one went to an
    // address a nominator typed, which must not keep the program from inviting the school itself.
    // Its link stops working (the token changes).
    [created] = await db
      .update(schoolInvitations)
      .set({
        email: values.email,
        tokenHash: values.tokenHash,
        invitedBy,
        createdAt: values.createdAt,
        schoolName,
        city,
        state,
      })
      .where(
        and(
          eq(schoolInvitations.cycleId, cycleId),
          eq(schoolInvitations.matchKey, matchKey),
          isNull(schoolInvitations.invitedBy),
          isNull(schoolInvitations.acceptedAt),
        ),
      )
      .returning({ id: schoolInvitations.id });
  }
  if (!created) return false;
  const [cycle] = await db
    .select({
      name: cycles.name,
      applicationsCloseAt: cycles.applicationsCloseAt,
      closedAt: cycles.closedAt,
      zone: programs.timeZone,
    })
    .from(cycles)
    .innerJoin(programs, eq(programs.id, cycles.programId))
    .where(eq(cycles.id, cycleId));
  await enqueueMail(db, mail, {
    to: email,
    template: 'school-invitation',
    // The principal's own choice, when they have an account, comes before the nomination's.
    languageHint: language,
    data: {
      schoolName,
      cycleName: cycle?.name ?? '',
      deadline: cycle ? { at: applicationsCloseAt(cycle), zone: cycle.zone } : '',
      nominators: await confirmedCount(db, cycleId, matchKey),
      link: `${mail.baseUrl}/invitations/${token}`,
    },
  });
  return true;
}

function checkEmail(errors: FieldErrors, value: unknown): string {
  const email = text(value).toLowerCase();
  if (!EMAIL.test(email) || email.length > 254) errors.email = msg('adminNominations.errors.email');
  return email;
}

export type ManualInviteOutcome =
  | { invited: true; cycleId: number; matchKey: string; schoolName: string; email: string; hasNominations: boolean }
  | {
      invited: false;
      cycleId: number;
      matchKey: string;
      schoolName: string;
      email: string;
      hasNominations: boolean;
      invitedAt: Date;
      invitedByName: string | null;
    };

/**
 * An admin invites a school by hand: a nominated school (fields cycleId and matchKey) or one
 * typed in (cycleId, name, city, state). Either way the one invitation per school and cycle
 * holds: when it exists already the outcome says when and to whom, and nothing is sent.
 */
export async function inviteSchoolByHand(
  context: ServiceContext,
  { adminId, fields }: { adminId: number; fields: Record<string, unknown> },
): Promise<ManualInviteOutcome> {
  const { db, clock } = context;
  const errors: FieldErrors = {};
  const cycleId = /^\d{1,15}$/.test(text(fields.cycleId)) ? Number(text(fields.cycleId)) : undefined;
  const [cycle] = cycleId ? await db.select().from(cycles).where(eq(cycles.id, cycleId)) : [];
  if (!cycle) errors.cycleId = msg('adminNominations.errors.cycle');
  else if (!invitable(cycle, clock()))
    errors.cycleId = msg('adminNominations.errors.cycleClosed', { cycle: cycle.name });

  let target:
    | {
        matchKey: string;
        schoolId: number | null;
        schoolName: string;
        hasNominations: boolean;
        city?: string;
        state?: string;
      }
    | undefined;
  const email = checkEmail(errors, fields.email);
  if (typeof fields.matchKey === 'string') {
    const [group] = cycleId
      ? (await listNominationGroups(db, { cycleId, matchKey: fields.matchKey, page: 1 })).rows
      : [];
    if (!group) throw new NotFound(msg('adminNominations.errors.groupNotFound'));
    target = { matchKey: group.matchKey, schoolId: group.schoolId, schoolName: group.schoolName, hasNominations: true };
  } else {
    const name = checkText(errors, 'schoolName', fields.schoolName, { max: 200, singleLine: true });
    if (name === '' && !errors.schoolName) errors.schoolName = msg('adminNominations.errors.schoolName');
    const city = checkText(errors, 'city', fields.city, { max: 120, singleLine: true });
    if (city === '' && !errors.city) errors.city = msg('adminNominations.errors.city');
    const state = text(fields.state).toUpperCase();
    if (!(US_STATES as readonly string[]).includes(state)) errors.state = msg('adminNominations.errors.state');
    if (Object.keys(errors).length === 0) {
      const matchKey = schoolMatchKey(name, city, state);
      const [profile] = await db
        .select({ id: schools.id, name: schools.name })
        .from(schools)
        .where(eq(schools.matchKey, matchKey))
        .limit(1);
      const [nominated] = await db
        .select({ id: n.id })
        .from(n)
        .where(and(eq(n.cycleId, cycleId!), eq(n.matchKey, matchKey)))
        .limit(1);
      target = {
        matchKey,
        schoolId: profile?.id ?? null,
        schoolName: profile?.name ?? name,
        hasNominations: nominated !== undefined,
        city,
        state,
      };
    }
  }
  if (Object.keys(errors).length > 0 || !target || !cycle) throw new Invalid(errors);

  const base = {
    cycleId: cycle.id,
    matchKey: target.matchKey,
    schoolName: target.schoolName,
    hasNominations: target.hasNominations,
  };
  const sent = await db.transaction((tx) =>
    inviteSchool(
      { ...context, db: tx },
      {
        cycleId: cycle.id,
        matchKey: target.matchKey,
        schoolId: target.schoolId,
        schoolName: target.schoolName,
        email,
        invitedBy: adminId,
        city: target.city,
        state: target.state,
      },
    ),
  );
  if (sent) return { invited: true, ...base, email };
  const [existing] = await db
    .select({ email: schoolInvitations.email, createdAt: schoolInvitations.createdAt, invitedByName: users.name })
    .from(schoolInvitations)
    .leftJoin(users, eq(users.id, schoolInvitations.invitedBy))
    .where(and(eq(schoolInvitations.cycleId, cycle.id), eq(schoolInvitations.matchKey, target.matchKey)));
  if (!existing) throw new Error('inviteSchool found an invitation that is not there');
  return {
    invited: false,
    ...base,
    email: existing.email,
    invitedAt: existing.createdAt,
    invitedByName: existing.invitedByName,
  };
}

/** A school can be invited to a cycle before it opens and while it is open, never after. */
function invitable(cycle: Cycle, now: Date): boolean {
  return now < cycle.opensAt ? cycle.publishedAt === null : applicationsOpen(cycle, now);
}

/** The cycles an admin may invite a school to, newest first. */
export async function invitableCycles(db: Database, now: Date) {
  const rows = await db.select().from(cycles).orderBy(desc(cycles.year), desc(cycles.id));
  return rows.filter((cycle) => invitable(cycle, now)).map(({ id, name }) => ({ id, name }));
}

export type InvitationView =
  | { outcome: 'unknown' }
  | { outcome: 'new-school'; prefill: { name: string; district: string; city: string; state: string } }
  | { outcome: 'join'; schoolName: string; cycleName: string; grantedAtOnce: boolean }
  | { outcome: 'pending' | 'refused' | 'closed'; schoolName: string }
  | { outcome: 'application'; applicationId: number }
  | { outcome: 'start'; schoolName: string; cycleName: string; schoolId: number; cycleId: number };

interface FoundInvitation {
  invitation: SchoolInvitation;
  school: School | undefined;
  cycle: Cycle | undefined;
}

async function findInvitation(db: Database, token: string): Promise<FoundInvitation | undefined> {
  if (token.length === 0 || token.length > 200) return undefined;
  const [invitation] = await db
    .select()
    .from(schoolInvitations)
    .where(eq(schoolInvitations.tokenHash, createHash('sha256').update(token).digest('hex')));
  if (!invitation) return undefined;
  const [school] = invitation.schoolId
    ? await db.select().from(schools).where(eq(schools.id, invitation.schoolId))
    : await db.select().from(schools).where(eq(schools.matchKey, invitation.matchKey)).limit(1);
  const [cycle] = await db.select().from(cycles).where(eq(cycles.id, invitation.cycleId));
  return { invitation, school, cycle };
}

/**
 * An admin typed this address for this school, so the person holding the link and the address
 * joins at once, once. A nomination's invitation was addressed by an anonymous nominator: it can
 * start a new school, but joining an existing one is a request the school or an admin approves.
 */
function vouchedFor(invitation: SchoolInvitation, user: { id: number; email: string }): boolean {
  return (
    invitation.invitedBy !== null &&
    user.email.toLowerCase() === invitation.email &&
    (invitation.acceptedBy ?? user.id) === user.id
  );
}

async function contactStatus(db: Database, schoolId: number, userId: number) {
  const [row] = await db
    .select({ status: schoolContacts.status })
    .from(schoolContacts)
    .where(and(eq(schoolContacts.schoolId, schoolId), eq(schoolContacts.userId, userId)));
  return row?.status;
}

/** For an active contact: the application to go to, one to start, or the cycle is closed. */
async function nextForContact(
  db: Database,
  { school, cycle, now }: { school: School; cycle: Cycle | undefined; now: Date },
): Promise<InvitationView> {
  if (!cycle) return { outcome: 'closed', schoolName: school.name };
  const [existing] = await db
    .select({ id: applications.id })
    .from(applications)
    .where(and(eq(applications.cycleId, cycle.id), eq(applications.schoolId, school.id)));
  if (existing) return { outcome: 'application', applicationId: existing.id };
  if (!applicationsOpen(cycle, now)) return { outcome: 'closed', schoolName: school.name };
  return { outcome: 'start', schoolName: school.name, cycleName: cycle.name, schoolId: school.id, cycleId: cycle.id };
}

async function viewOf(
  db: Database,
  found: FoundInvitation,
  user: { id: number; email: string },
  now: Date,
): Promise<InvitationView> {
  const { invitation, school, cycle } = found;
  if (!school) {
    const [nomination] = await db
      .select()
      .from(nominations)
      .where(and(eq(nominations.cycleId, invitation.cycleId), eq(nominations.matchKey, invitation.matchKey)))
      .limit(1);
    return {
      outcome: 'new-school',
      prefill: {
        name: nomination?.schoolName ?? invitation.schoolName,
        district: nomination?.district ?? '',
        city: nomination?.city ?? invitation.city,
        state: nomination?.state ?? invitation.state,
      },
    };
  }
  const status = await contactStatus(db, school.id, user.id);
  if (status === 'active') return nextForContact(db, { school, cycle, now });
  if (status === 'pending') return { outcome: 'pending', schoolName: school.name };
  if (status === 'declined' || status === 'revoked') return { outcome: 'refused', schoolName: school.name };
  const grantedAtOnce = vouchedFor(invitation, user) || emailMatchesSchoolDomain(user.email, school.website);
  return { outcome: 'join', schoolName: school.name, cycleName: cycle?.name ?? '', grantedAtOnce };
}

/**
 * What opening an invitation would do for the signed-in person, changing nothing: the page the
 * link opens shows this and a button, and only that button (a POST) acts. Mail scanners and
 * people who were forwarded the link can open it without creating anything.
 */
export async function describeInvitation(
  db: Database,
  { token, user, now }: { token: string; user: { id: number; email: string }; now: Date },
): Promise<InvitationView> {
  const found = await findInvitation(db, token);
  return found ? viewOf(db, found, user, now) : { outcome: 'unknown' };
}

/**
 * Acts on an invitation for the signed-in person (the page's button): joining an existing school
 * (see requestToJoinSchool and vouchedFor), then on to the application for an active contact.
 * Every other outcome is what the page already showed.
 */
export async function acceptInvitation(
  context: ServiceContext,
  { token, user }: { token: string; user: { id: number; email: string } },
): Promise<InvitationView> {
  const { db, clock } = context;
  const found = await findInvitation(db, token);
  if (!found) return { outcome: 'unknown' };
  const view = await viewOf(db, found, user, clock());
  const { invitation, school, cycle } = found;
  if (!school || !['join', 'start', 'application', 'closed'].includes(view.outcome)) return view;
  if (view.outcome === 'join') {
    const status = await requestToJoinSchool(context, {
      schoolId: school.id,
      user,
      vouched: vouchedFor(invitation, user),
    });
    if (status !== 'active') return { outcome: status, schoolName: school.name };
  }
  // The person it was sent to now acts for the school: the invitation has done its work.
  if (user.email.toLowerCase() === invitation.email && !invitation.acceptedAt) {
    await db
      .update(schoolInvitations)
      .set({ acceptedBy: user.id, acceptedAt: clock(), schoolId: school.id })
      .where(eq(schoolInvitations.id, invitation.id));
  }
  return nextForContact(db, { school, cycle, now: clock() });
}

/**
 * The address a school invitation was sent to, for the registration form its page links to;
 * undefined for a token that matches no invitation. Holding the link is knowing the address.
 */
export async function invitedEmail(db: Database, token: string): Promise<string | undefined> {
  if (token.length === 0 || token.length > 200) return undefined;
  const [row] = await db
    .select({ email: schoolInvitations.email })
    .from(schoolInvitations)
    .where(eq(schoolInvitations.tokenHash, createHash('sha256').update(token).digest('hex')));
  return row?.email;
}
