// What ties nominations to schools: a confirmed nomination invites its school (invitations.ts)
// or joins its application, a new school profile takes over the nominations typed with its name,
// and nominators hear when the school applies.
import { and, eq, inArray, isNull, ne, or, sql } from 'drizzle-orm';
import { applications, nominations, schoolInvitations, schools, type Nomination } from '../../../models/schema.js';
import type { Database } from '../../db/client.js';
import { enqueueMail } from '../../mail/outbox.js';
import type { ServiceContext } from '../../context.js';
import { inviteSchool } from './invitations.js';

const SUBMITTED = ['submitted', 'eligible', 'ineligible'] as const;

async function sendAppliedNotices(
  { db, clock, mail }: ServiceContext,
  rows: Array<{ id: number; nominatorEmail: string; nominatorName: string; schoolName: string; language: string }>,
) {
  for (const row of rows) {
    // In the language the nominator wrote the nomination in.
    await enqueueMail(db, mail, {
      to: row.nominatorEmail,
      template: 'nomination-school-applied',
      language: row.language,
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
  // The invitation is written in the language of the nomination that gave the school's address:
  // the nominator knows the school, and the invitation page offers the other languages.
  const [withContact] = row.contactEmail
    ? [{ email: row.contactEmail, language: row.language }]
    : await db
        .select({ email: nominations.contactEmail, language: nominations.language })
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
    language: withContact.language,
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
      language: nominations.language,
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
