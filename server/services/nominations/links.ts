// What ties nominations to schools: grouping, the one invitation per school and cycle,
// attaching nominations to the school's application, and telling nominators what happened.
import { createHash, randomBytes } from 'node:crypto';
import { and, eq, inArray, isNull, ne, or, sql } from 'drizzle-orm';
import {
  applications,
  cycles,
  nominations,
  schoolContacts,
  schoolInvitations,
  schools,
  type Cycle,
  type Nomination,
  type School,
  type SchoolInvitation,
} from '../../../models/schema.js';
import type { Database } from '../../db/client.js';
import { enqueueMail } from '../../mail/outbox.js';
import { emailMatchesSchoolDomain, requestToJoinSchool } from '../schools/contacts.js';
import type { ServiceContext } from '../../context.js';

const SUBMITTED = ['submitted', 'eligible', 'ineligible'] as const;

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
  }: {
    cycleId: number;
    matchKey: string;
    schoolId: number | null;
    schoolName: string;
    email: string;
    invitedBy: number | null;
    city?: string;
    state?: string;
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
    .select({ name: cycles.name, closesAt: cycles.applicationsCloseAt })
    .from(cycles)
    .where(eq(cycles.id, cycleId));
  await enqueueMail(db, mail, {
    to: email,
    template: 'school-invitation',
    data: {
      schoolName,
      cycleName: cycle?.name ?? '',
      deadline: cycle?.closesAt.toUTCString() ?? '',
      nominators: await confirmedCount(db, cycleId, matchKey),
      link: `${mail.baseUrl}/invitations/${token}`,
    },
  });
  return true;
}

async function sendAppliedNotices(
  { db, clock, mail }: ServiceContext,
  rows: Array<{ id: number; nominatorEmail: string; nominatorName: string; schoolName: string }>,
) {
  for (const row of rows) {
    await enqueueMail(db, mail, {
      to: row.nominatorEmail,
      template: 'nomination-school-applied',
      data: { name: row.nominatorName, schoolName: row.schoolName },
    });
  }
  if (rows.length > 0) {
    await db
      .update(nominations)
      .set({ appliedNoticeSentAt: clock() })
      .where(
        inArray(
          nominations.id,
          rows.map((r) => r.id),
        ),
      );
  }
}

/** Called in the confirming transaction: link the school and its application, or invite it. */
export async function onNominationConfirmed(context: ServiceContext, row: Nomination): Promise<void> {
  const { db } = context;
  let schoolId = row.schoolId;
  if (!schoolId) {
    const [profile] = await db
      .select({ id: schools.id })
      .from(schools)
      .where(eq(schools.matchKey, row.matchKey))
      .limit(1);
    schoolId = profile?.id ?? null;
  }
  const [application] = schoolId
    ? await db
        .select({ id: applications.id, status: applications.status })
        .from(applications)
        .where(and(eq(applications.cycleId, row.cycleId), eq(applications.schoolId, schoolId)))
    : [];
  await db
    .update(nominations)
    .set({ schoolId, applicationId: application?.id ?? null })
    .where(eq(nominations.id, row.id));
  if (application) {
    if ((SUBMITTED as readonly string[]).includes(application.status)) {
      const [school] = await db.select({ name: schools.name }).from(schools).where(eq(schools.id, schoolId!));
      await sendAppliedNotices(context, [{ ...row, schoolName: school?.name ?? row.schoolName }]);
    }
    return;
  }
  const [withContact] = row.contactEmail
    ? [{ email: row.contactEmail }]
    : await db
        .select({ email: nominations.contactEmail })
        .from(nominations)
        .where(
          and(
            eq(nominations.cycleId, row.cycleId),
            eq(nominations.matchKey, row.matchKey),
            eq(nominations.status, 'confirmed'),
            sql`${nominations.contactEmail} is not null`,
          ),
        )
        .limit(1);
  if (!withContact?.email) return;
  await inviteSchool(context, {
    cycleId: row.cycleId,
    matchKey: row.matchKey,
    schoolId,
    schoolName: row.schoolName,
    email: withContact.email,
    invitedBy: null,
    city: row.city,
    state: row.state,
  });
}

/** A new school profile takes over the nominations typed with its name, city and state. */
export async function linkNominationsToSchool(db: Database, school: { id: number; matchKey: string }): Promise<void> {
  await db
    .update(nominations)
    .set({ schoolId: school.id })
    .where(and(eq(nominations.matchKey, school.matchKey), isNull(nominations.schoolId)));
  await db
    .update(schoolInvitations)
    .set({ schoolId: school.id })
    .where(and(eq(schoolInvitations.matchKey, school.matchKey), isNull(schoolInvitations.schoolId)));
}

/** When a school starts its application, its nominations of that cycle come with it. */
export async function attachNominations(
  db: Database,
  {
    applicationId,
    cycleId,
    schoolId,
    matchKey,
  }: { applicationId: number; cycleId: number; schoolId: number; matchKey: string },
): Promise<void> {
  await db
    .update(nominations)
    .set({ applicationId, schoolId })
    .where(
      and(
        eq(nominations.cycleId, cycleId),
        or(eq(nominations.schoolId, schoolId), eq(nominations.matchKey, matchKey)),
        ne(nominations.status, 'spam'),
      ),
    );
}

/** On submission: every confirmed nominator of the school not yet told hears that it applied. */
export async function notifyNominatorsOfApplication(context: ServiceContext, applicationId: number): Promise<void> {
  const rows = await context.db
    .select({
      id: nominations.id,
      nominatorEmail: nominations.nominatorEmail,
      nominatorName: nominations.nominatorName,
      schoolName: schools.name,
    })
    .from(nominations)
    .innerJoin(schools, eq(schools.id, nominations.schoolId))
    .where(
      and(
        eq(nominations.applicationId, applicationId),
        eq(nominations.status, 'confirmed'),
        isNull(nominations.appliedNoticeSentAt),
      ),
    );
  await sendAppliedNotices(context, rows);
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
  if (now < cycle.opensAt || now > cycle.applicationsCloseAt) return { outcome: 'closed', schoolName: school.name };
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
