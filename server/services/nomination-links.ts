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
} from '../../models/schema.js';
import type { Clock } from '../clock.js';
import type { Database } from '../db/client.js';
import { enqueueMail, type MailSettings } from '../mail/outbox.js';

interface LinkContext {
  db: Database;
  clock: Clock;
  mail: MailSettings;
}

const SUBMITTED = ['submitted', 'eligible', 'ineligible'] as const;

async function confirmedCount(db: Database, cycleId: number, matchKey: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(distinct ${nominations.nominatorEmail})::int` })
    .from(nominations)
    .where(and(eq(nominations.cycleId, cycleId), eq(nominations.matchKey, matchKey), eq(nominations.status, 'confirmed')));
  return row?.n ?? 0;
}

/**
 * Invites a school to apply, once per school and cycle. Returns false when it was invited
 * already (by a nomination or an admin).
 */
export async function inviteSchool(
  { db, clock, mail }: LinkContext,
  { cycleId, matchKey, schoolId, schoolName, email, invitedBy, city = '', state = '' }: {
    cycleId: number; matchKey: string; schoolId: number | null; schoolName: string; email: string; invitedBy: number | null;
    city?: string; state?: string;
  },
): Promise<boolean> {
  const token = randomBytes(32).toString('base64url');
  const [created] = await db
    .insert(schoolInvitations)
    .values({
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
    })
    .onConflictDoNothing()
    .returning({ id: schoolInvitations.id });
  if (!created) return false;
  const [cycle] = await db.select({ name: cycles.name, closesAt: cycles.applicationsCloseAt }).from(cycles).where(eq(cycles.id, cycleId));
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
  { db, clock, mail }: LinkContext,
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
    await db.update(nominations).set({ appliedNoticeSentAt: clock() }).where(inArray(nominations.id, rows.map((r) => r.id)));
  }
}

/** Called in the confirming transaction: link the school and its application, or invite it. */
export async function onNominationConfirmed(context: LinkContext, row: typeof nominations.$inferSelect): Promise<void> {
  const { db } = context;
  let schoolId = row.schoolId;
  if (!schoolId) {
    const [profile] = await db.select({ id: schools.id }).from(schools).where(eq(schools.matchKey, row.matchKey)).limit(1);
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
        .where(and(eq(nominations.cycleId, row.cycleId), eq(nominations.matchKey, row.matchKey), eq(nominations.status, 'confirmed'), sql`${nominations.contactEmail} is not null`))
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
  await db.update(nominations).set({ schoolId: school.id }).where(and(eq(nominations.matchKey, school.matchKey), isNull(nominations.schoolId)));
  await db.update(schoolInvitations).set({ schoolId: school.id }).where(and(eq(schoolInvitations.matchKey, school.matchKey), isNull(schoolInvitations.schoolId)));
}

/** When a school starts its application, its nominations of that cycle come with it. */
export async function attachNominations(
  db: Database,
  { applicationId, cycleId, schoolId, matchKey }: { applicationId: number; cycleId: number; schoolId: number; matchKey: string },
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
export async function notifyNominatorsOfApplication(context: LinkContext, applicationId: number): Promise<void> {
  const rows = await context.db
    .select({ id: nominations.id, nominatorEmail: nominations.nominatorEmail, nominatorName: nominations.nominatorName, schoolName: schools.name })
    .from(nominations)
    .innerJoin(schools, eq(schools.id, nominations.schoolId))
    .where(and(eq(nominations.applicationId, applicationId), eq(nominations.status, 'confirmed'), isNull(nominations.appliedNoticeSentAt)));
  await sendAppliedNotices(context, rows);
}

export type InvitationOutcome =
  | { outcome: 'unknown' }
  | { outcome: 'application'; applicationId: number }
  | { outcome: 'start'; schoolId: number; cycleId: number }
  | { outcome: 'pending'; schoolName: string }
  | { outcome: 'new-school'; prefill: { name: string; district: string; city: string; state: string } }
  | { outcome: 'closed'; schoolName: string };

/**
 * Opens an invitation for a signed-in person. The person the invitation was sent to becomes a
 * contact of the school at once; anyone else who has the link asks like everyone else.
 */
export async function acceptInvitation(
  { db, clock }: LinkContext,
  { token, user }: { token: string; user: { id: number; email: string } },
): Promise<InvitationOutcome> {
  if (token.length === 0 || token.length > 200) return { outcome: 'unknown' };
  const [invitation] = await db
    .select()
    .from(schoolInvitations)
    .where(eq(schoolInvitations.tokenHash, createHash('sha256').update(token).digest('hex')));
  if (!invitation) return { outcome: 'unknown' };
  const [school] = invitation.schoolId
    ? await db.select().from(schools).where(eq(schools.id, invitation.schoolId))
    : await db.select().from(schools).where(eq(schools.matchKey, invitation.matchKey)).limit(1);
  const [nomination] = await db
    .select()
    .from(nominations)
    .where(and(eq(nominations.cycleId, invitation.cycleId), eq(nominations.matchKey, invitation.matchKey)))
    .limit(1);
  if (!school) {
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
  const now = clock();
  const invitee = user.email.toLowerCase() === invitation.email;
  await db
    .insert(schoolContacts)
    .values({ schoolId: school.id, userId: user.id, status: invitee ? 'active' : 'pending', approvedAt: invitee ? now : null })
    .onConflictDoUpdate({
      target: [schoolContacts.schoolId, schoolContacts.userId],
      set: invitee ? { status: 'active', approvedAt: now } : { status: sql`${schoolContacts.status}` },
    });
  if (invitee && !invitation.acceptedAt) {
    await db.update(schoolInvitations).set({ acceptedBy: user.id, acceptedAt: now, schoolId: school.id }).where(eq(schoolInvitations.id, invitation.id));
  }
  const [contact] = await db
    .select({ status: schoolContacts.status })
    .from(schoolContacts)
    .where(and(eq(schoolContacts.schoolId, school.id), eq(schoolContacts.userId, user.id)));
  if (contact?.status !== 'active') return { outcome: 'pending', schoolName: school.name };
  const [existing] = await db
    .select({ id: applications.id })
    .from(applications)
    .where(and(eq(applications.cycleId, invitation.cycleId), eq(applications.schoolId, school.id)));
  if (existing) return { outcome: 'application', applicationId: existing.id };
  const [cycle] = await db.select().from(cycles).where(eq(cycles.id, invitation.cycleId));
  if (!cycle || now < cycle.opensAt || now > cycle.applicationsCloseAt) return { outcome: 'closed', schoolName: school.name };
  return { outcome: 'start', schoolId: school.id, cycleId: cycle.id };
}
