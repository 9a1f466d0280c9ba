// Fills the demo so that every page of a fresh `npm start` has something real to show, with one
// cycle in each of the phases people meet most (server/services/programs/phase.ts):
// - last year's, published, with a dozen honorees and their profiles;
// - this year's, in review: applications closed six days ago and screened, round 1 assigned to
//   the whole panel, two thirds of the reviews in, no decision yet;
// - next year's, open: nominations coming in and two schools with a draft application.
// The words are in demo-honorees.ts, demo-applications.ts, demo-reviews.ts and demo-nominations.ts.
// Rows go in a few multi-row inserts per table, so the whole seed stays well under two seconds.
import { createHash, randomBytes } from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import {
  applicationAnswers,
  applications,
  assignments,
  calibrationItems,
  calibrationScores,
  auditLog,
  criteria,
  cycleReviewers,
  cycles,
  decisions,
  eligibilityQuestions,
  eligibilityRules,
  nominations,
  reviewerConflicts,
  reviewerInvitations,
  reviewerProfiles,
  reviewRounds,
  reviewScores,
  roundApplications,
  roundReviewers,
  schoolContacts,
  schoolInvitations,
  schools,
  users,
} from '../../models/schema.js';
import { hashPassword } from '../auth/passwords.js';
import type { Database } from '../db/client.js';
import { countWords } from '../services/applications/applications.js';
import { snapshotHonoreeSchools } from '../services/decisions/publishing.js';
import { evaluateEligibility, type RuleDefinition } from '../services/programs/eligibility.js';
import { schoolMatchKey } from '../services/schools/match-key.js';
import { DEMO_APPLICATIONS, type DemoApplication } from './demo-applications.js';
import {
  DEMO_CRITERIA,
  DEMO_ELIGIBILITY_QUESTIONS,
  DEMO_ELIGIBILITY_RULES,
  DEMO_PROGRAM,
  demoPublishedCycleDates,
  demoReviewCycleDates,
  type DemoApplicant,
  type DemoSchool,
} from './demo-data.js';
import { DEMO_HONOREES } from './demo-honorees.js';
import {
  DEMO_NEXT_YEAR_DRAFTS,
  DEMO_NOMINATIONS_NEXT_YEAR,
  DEMO_NOMINATIONS_THIS_YEAR,
  type DemoNomination,
} from './demo-nominations.js';
import {
  DEMO_CALIBRATION,
  DEMO_DECLARED_CONFLICTS,
  DEMO_REVIEWERS,
  DEMO_REVIEWS,
  recommendationFor,
} from './demo-reviews.js';

const DAY = 24 * 60 * 60 * 1000;
const HOUR = 60 * 60 * 1000;

interface Seeding {
  db: Database;
  now: Date;
  adminId: number;
  /** One hash of a random password nobody sees: demo people cannot sign in, and argon2 is slow. */
  passwordHash: string;
}

const daysFrom = (now: Date, days: number) => new Date(now.getTime() + days * DAY);

export const slugOf = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

const firstSentence = (text: string) => text.split(/(?<=[.!?])\s+/)[0] ?? text;

/** An unguessable token's hash: the demo's links must be as safe as real ones. */
const tokenHash = () => createHash('sha256').update(randomBytes(32)).digest('hex');

/** A cycle of the demo program with the program's rubric and eligibility rules; returns its id. */
export async function insertDemoCycle(
  db: Database,
  values: Omit<typeof cycles.$inferInsert, 'name' | 'scoreMin' | 'scoreMax' | 'optionalChoiceCount'>,
): Promise<number> {
  const [cycle] = await db
    .insert(cycles)
    .values({
      ...values,
      name: `${DEMO_PROGRAM.name} ${values.year}–${values.year + 1}`,
      scoreMin: 1,
      scoreMax: 5,
      blindReview: false,
      optionalChoiceCount: 4,
    })
    .returning({ id: cycles.id });
  if (!cycle) throw new Error('The cycle insert returned no row');
  await db.insert(criteria).values(DEMO_CRITERIA.map((c, i) => ({ ...c, cycleId: cycle.id, position: i + 1 })));
  await db
    .insert(eligibilityQuestions)
    .values(DEMO_ELIGIBILITY_QUESTIONS.map((q, i) => ({ ...q, cycleId: cycle.id, position: i + 1 })));
  await db
    .insert(eligibilityRules)
    .values(DEMO_ELIGIBILITY_RULES.map((r, i) => ({ ...r, cycleId: cycle.id, position: i + 1 })));
  return cycle.id;
}

/** A cycle's criterion ids by position, and its rules as eligibility checks read them. */
async function rubricOf(db: Database, cycleId: number) {
  const rows = await db
    .select({ id: criteria.id, position: criteria.position, title: criteria.title })
    .from(criteria)
    .where(eq(criteria.cycleId, cycleId))
    .orderBy(asc(criteria.position));
  const rules: RuleDefinition[] = await db
    .select({
      id: eligibilityRules.id,
      subject: eligibilityRules.subject,
      operator: eligibilityRules.operator,
      values: eligibilityRules.values,
      other: eligibilityRules.other,
      margin: eligibilityRules.margin,
      message: eligibilityRules.message,
    })
    .from(eligibilityRules)
    .where(eq(eligibilityRules.cycleId, cycleId))
    .orderBy(asc(eligibilityRules.position));
  const byPosition = new Map(rows.map((r) => [r.position, r]));
  const criterion = (position: number) => {
    const row = byPosition.get(position);
    if (!row) throw new Error(`The demo cycle has no criterion ${position}`);
    return row;
  };
  return { criterion, rules };
}

async function insertSchools(db: Database, list: readonly DemoSchool[]): Promise<Map<string, number>> {
  if (list.length === 0) return new Map();
  const rows = await db
    .insert(schools)
    .values(
      list.map((s) => ({
        name: s.name,
        district: s.district,
        city: s.city,
        state: s.state,
        level: 'high' as const,
        website: `https://${slugOf(s.name)}.example.org`,
        enrollment: s.enrollment,
        frlPercent: s.frlPercent,
        iepPercent: s.iepPercent,
        matchKey: schoolMatchKey(s.name, s.city, s.state),
      })),
    )
    .returning({ id: schools.id, name: schools.name });
  return new Map(rows.map((r) => [r.name, r.id]));
}

/** The people who act for the schools: an account each, and an approved contact. */
async function insertContacts(
  { db, passwordHash }: Seeding,
  list: readonly DemoApplicant[],
  schoolIds: Map<string, number>,
  since: Date,
): Promise<Map<string, number>> {
  const rows = await db
    .insert(users)
    .values(
      list.map((s) => ({
        email: s.contact.email,
        name: s.contact.name,
        roles: ['applicant' as const],
        passwordHash,
        emailVerifiedAt: since,
        createdAt: since,
      })),
    )
    .returning({ id: users.id, email: users.email });
  const byEmail = new Map(rows.map((r) => [r.email, r.id]));
  await db.insert(schoolContacts).values(
    list.map((s) => ({
      schoolId: schoolIds.get(s.name)!,
      userId: byEmail.get(s.contact.email)!,
      status: 'active' as const,
      createdAt: since,
      approvedAt: since,
    })),
  );
  return new Map(list.map((s) => [s.name, byEmail.get(s.contact.email)!]));
}

function eligibilityAnswersOf(school: Partial<DemoApplicant> & DemoSchool): Record<string, string> {
  return {
    school_type: school.schoolType ?? 'public',
    district_iep_percent: String(school.districtIepPercent ?? school.iepPercent),
    zero_tolerance: school.zeroTolerance ? 'yes' : 'no',
    restricts_access: 'no',
  };
}

async function insertAnswers(
  db: Database,
  rows: Array<{ applicationId: number; school: DemoSchool; criterionId: (position: number) => number; at: Date }>,
) {
  const values = rows.flatMap(({ applicationId, school, criterionId, at }) =>
    Object.entries(school.answers).map(([position, answer]) => ({
      applicationId,
      criterionId: criterionId(Number(position)),
      chosen: true,
      answer,
      wordCount: countWords(answer),
      updatedAt: at,
    })),
  );
  if (values.length > 0) await db.insert(applicationAnswers).values(values);
}

/** Last year's cycle: published, every eligible application decided, a dozen honorees. */
async function seedPublishedCycle(seeding: Seeding, programId: number) {
  const { db, now, adminId } = seeding;
  const year = now.getUTCFullYear() - 1;
  const dates = demoPublishedCycleDates(now);
  const cycleId = await insertDemoCycle(db, { programId, year, ...dates, publishedBy: adminId });
  const { criterion } = await rubricOf(db, cycleId);
  const schoolIds = await insertSchools(db, DEMO_HONOREES);
  const apps = await db
    .insert(applications)
    .values(
      DEMO_HONOREES.map((school, index) => ({
        cycleId,
        schoolId: schoolIds.get(school.name)!,
        status: 'eligible' as const,
        eligibilityAnswers: eligibilityAnswersOf(school),
        createdAt: daysFrom(now, -370 + index),
        submittedAt: daysFrom(now, -320 + index),
        screenedAt: daysFrom(now, -300),
        screenedBy: adminId,
        updatedAt: daysFrom(now, -300),
      })),
    )
    .returning({ id: applications.id, schoolId: applications.schoolId });
  const appOf = new Map(apps.map((a) => [a.schoolId, a.id]));
  const appIdOf = (name: string) => appOf.get(schoolIds.get(name)!)!;
  await insertAnswers(
    db,
    DEMO_HONOREES.map((school) => ({
      applicationId: appIdOf(school.name),
      school,
      criterionId: (p: number) => criterion(p).id,
      at: daysFrom(now, -320),
    })),
  );
  await db.insert(decisions).values(
    DEMO_HONOREES.map((school) => ({
      applicationId: appIdOf(school.name),
      cycleId,
      level: school.level,
      decidedBy: adminId,
      decidedAt: daysFrom(now, -225),
      slug: slugOf(school.name),
      citation: school.citation,
      profile: school.profile,
      highlights: school.highlights.map((position) => ({
        criterionId: criterion(position).id,
        title: criterion(position).title,
        text: firstSentence(school.answers[position]!),
      })),
      updatedAt: daysFrom(now, -216),
    })),
  );
  await snapshotHonoreeSchools(db, cycleId);
  const gold = DEMO_HONOREES.filter((s) => s.level === 'gold').length;
  await db.insert(auditLog).values({
    actorId: adminId,
    action: 'cycle.publish',
    subjectType: 'cycle',
    subjectId: String(cycleId),
    summary: `Published ${DEMO_PROGRAM.name} ${year}–${year + 1}: ${DEMO_HONOREES.length} honoree(s), ${gold} Gold and ${DEMO_HONOREES.length - gold} Silver`,
    createdAt: dates.publishedAt,
  });
}

/** This year's applications: submitted over the last weeks before the deadline, then screened. */
async function seedApplications(seeding: Seeding, cycleId: number) {
  const { db, now, adminId } = seeding;
  const { criterion, rules } = await rubricOf(db, cycleId);
  const opened = daysFrom(now, -110);
  const schoolIds = await insertSchools(db, DEMO_APPLICATIONS);
  const contactIds = await insertContacts(seeding, DEMO_APPLICATIONS, schoolIds, opened);
  const screenedAt = daysFrom(now, -5);
  const values = DEMO_APPLICATIONS.map((school: DemoApplication, index) => {
    const submitted = school.status !== 'draft';
    const screened = school.status === 'eligible' || school.status === 'ineligible';
    const eligibilityAnswers = eligibilityAnswersOf(school);
    return {
      cycleId,
      schoolId: schoolIds.get(school.name)!,
      status: school.status,
      eligibilityAnswers,
      // Flags come from the cycle's own rules, as submitting records them.
      screeningFlags: submitted
        ? evaluateEligibility(rules, { answers: eligibilityAnswers, school: { ...school, level: 'high' } })
        : [],
      screeningReason: school.screeningReason ?? null,
      screenedBy: screened ? adminId : null,
      screenedAt: screened ? new Date(screenedAt.getTime() + index * 20 * 60 * 1000) : null,
      createdBy: contactIds.get(school.name)!,
      createdAt: daysFrom(now, -100 + index * 3),
      submittedAt: submitted ? daysFrom(now, -40 + index * 2.5) : null,
      withdrawnAt: school.status === 'withdrawn' ? daysFrom(now, -9) : null,
      updatedAt: screened ? screenedAt : daysFrom(now, -7),
    };
  });
  const rows = await db.insert(applications).values(values).returning({ id: applications.id });
  const appIds = new Map(DEMO_APPLICATIONS.map((s, i) => [s.name, rows[i]!.id]));
  await insertAnswers(
    db,
    DEMO_APPLICATIONS.map((school) => ({
      applicationId: appIds.get(school.name)!,
      school,
      criterionId: (p: number) => criterion(p).id,
      at: daysFrom(now, -8),
    })),
  );
  await db.insert(auditLog).values(
    values.flatMap((app, index) =>
      app.screenedAt
        ? [
            {
              actorId: adminId,
              action: 'application.screen',
              subjectType: 'application',
              subjectId: String(rows[index]!.id),
              summary: `Marked application ${rows[index]!.id} ${app.status === 'eligible' ? 'eligible' : 'not eligible'}`,
              details: { reason: app.screeningReason ?? '', flags: app.screeningFlags.length },
              createdAt: app.screenedAt,
            },
          ]
        : [],
    ),
  );
  return { schoolIds, appIds, submittedAt: new Map(DEMO_APPLICATIONS.map((s, i) => [s.name, values[i]!.submittedAt])) };
}

/** The panel, its declared conflict, round 1 with every eligible application, and the reviews. */
async function seedReviewRound(seeding: Seeding, cycleId: number, apps: Awaited<ReturnType<typeof seedApplications>>) {
  const { db, now, adminId, passwordHash } = seeding;
  const { criterion } = await rubricOf(db, cycleId);
  const joined = daysFrom(now, -60);
  const people = await db
    .insert(users)
    .values(
      DEMO_REVIEWERS.map((r) => ({
        email: r.email,
        name: r.name,
        roles: ['reviewer' as const],
        passwordHash,
        emailVerifiedAt: joined,
        createdAt: joined,
      })),
    )
    .returning({ id: users.id });
  const reviewerId = new Map(DEMO_REVIEWERS.map((r, i) => [r.key, people[i]!.id]));
  await db.insert(reviewerProfiles).values(
    DEMO_REVIEWERS.map((r) => ({
      userId: reviewerId.get(r.key)!,
      affiliation: r.affiliation,
      state: r.state,
      expertise: r.expertise.map((p) => criterion(p).title),
      gradeLevels: ['high'],
    })),
  );
  await db
    .insert(cycleReviewers)
    .values(DEMO_REVIEWERS.map((r) => ({ cycleId, userId: reviewerId.get(r.key)!, maxLoad: 6, joinedAt: joined })));
  await db.insert(reviewerConflicts).values(
    DEMO_DECLARED_CONFLICTS.map((c) => ({
      reviewerId: reviewerId.get(c.reviewer)!,
      schoolId: apps.schoolIds.get(c.school)!,
      source: 'declared' as const,
      reason: c.reason,
      createdBy: reviewerId.get(c.reviewer)!,
      createdAt: daysFrom(now, -20),
    })),
  );

  // The calibration examples, scored by every reviewer a week before the lists went out.
  const examples = await db
    .insert(calibrationItems)
    .values(
      DEMO_CALIBRATION.map((example) => ({
        cycleId,
        title: example.title,
        body: example.body,
        createdBy: adminId,
        createdAt: joined,
      })),
    )
    .returning({ id: calibrationItems.id });
  await db.insert(calibrationScores).values(
    DEMO_CALIBRATION.flatMap((example, i) =>
      DEMO_REVIEWERS.map((r) => ({
        itemId: examples[i]!.id,
        reviewerId: reviewerId.get(r.key)!,
        score: example.scores[r.key],
        submittedAt: daysFrom(now, -11),
      })),
    ),
  );

  // The day after screening; reviewers got their lists the same day.
  const assignedAt = daysFrom(now, -4.5);
  const [round] = await db
    .insert(reviewRounds)
    .values({
      cycleId,
      number: 1,
      name: 'Round 1',
      reviewersPerApplication: 3,
      dueAt: daysFrom(now, 10),
      createdAt: assignedAt,
    })
    .returning({ id: reviewRounds.id });
  const roundId = round!.id;
  const eligible = DEMO_APPLICATIONS.filter((s) => s.status === 'eligible');
  await db
    .insert(roundApplications)
    .values(eligible.map((s) => ({ roundId, applicationId: apps.appIds.get(s.name)! })));
  await db
    .insert(roundReviewers)
    .values(DEMO_REVIEWERS.map((r) => ({ roundId, userId: reviewerId.get(r.key)!, maxLoad: 6 })));

  // Reviews came in over the days since the lists went out, the latest a few hours ago.
  const savedAt = (index: number) => new Date(now.getTime() - (4 * DAY - index * 4 * HOUR));
  const rows = await db
    .insert(assignments)
    .values(
      DEMO_REVIEWS.map((review, index) => {
        const scored = review.scores.flatMap(([, score]) => (score === null ? [] : [score]));
        const mean = scored.reduce((sum, s) => sum + s, 0) / Math.max(1, scored.length);
        return {
          roundId,
          applicationId: apps.appIds.get(review.school)!,
          reviewerId: reviewerId.get(review.reviewer)!,
          status: review.status,
          assignedBy: adminId,
          assignedAt,
          notifiedAt: assignedAt,
          recommendation: review.status === 'submitted' ? recommendationFor(mean) : null,
          confidentialNote: review.note ?? '',
          submittedAt: review.status === 'submitted' ? savedAt(index) : null,
          version: review.status === 'assigned' ? 0 : review.status === 'draft' ? 1 : 2,
          updatedAt: review.status === 'assigned' ? assignedAt : savedAt(index),
        };
      }),
    )
    .returning({ id: assignments.id });
  await db.insert(reviewScores).values(
    DEMO_REVIEWS.flatMap((review, index) =>
      review.scores.map(([position, score, comment]) => ({
        assignmentId: rows[index]!.id,
        criterionId: criterion(position).id,
        score,
        comment,
      })),
    ),
  );
  await db.insert(auditLog).values({
    actorId: adminId,
    action: 'assignment.automatic',
    subjectType: 'round',
    subjectId: String(roundId),
    summary: `Assigned reviewers automatically: ${DEMO_REVIEWS.length} assignments in round ${roundId}`,
    details: { added: DEMO_REVIEWS.length, uncovered: [] },
    createdAt: assignedAt,
  });
}

/**
 * A cycle's nominations, confirmed a few hours after they were sent (unless not yet, or spam),
 * joined to the school's application when it has one; a school given a contact address and not
 * applying gets its invitation, as confirming does.
 */
async function seedNominations(
  { db, now, adminId }: Seeding,
  cycleId: number,
  list: readonly DemoNomination[],
  known: { schoolIds: Map<string, number>; appIds: Map<string, number>; submittedAt?: Map<string, Date | null> },
) {
  const { criterion } = await rubricOf(db, cycleId);
  await db.insert(nominations).values(
    list.map((n) => {
      const sentAt = daysFrom(now, -n.daysAgo);
      const status = n.status ?? 'confirmed';
      const applicationId = known.appIds.get(n.school) ?? null;
      const submittedAt = known.submittedAt?.get(n.school) ?? null;
      return {
        cycleId,
        schoolId: known.schoolIds.get(n.school) ?? null,
        schoolName: n.school,
        district: n.district,
        city: n.city,
        state: n.state,
        matchKey: schoolMatchKey(n.school, n.city, n.state),
        nominatorName: n.nominator,
        nominatorEmail: n.email,
        relationship: n.relationship,
        contactEmail: n.contactEmail ?? null,
        reason: n.reason,
        criterionIds: (n.criteria ?? []).map((p) => criterion(p).id),
        status,
        confirmTokenHash: tokenHash(),
        confirmExpiresAt: new Date(sentAt.getTime() + 7 * DAY),
        confirmedAt: status === 'unconfirmed' ? null : new Date(sentAt.getTime() + 3 * HOUR),
        applicationId: status === 'spam' ? null : applicationId,
        appliedNoticeSentAt: status === 'confirmed' && submittedAt && submittedAt > sentAt ? submittedAt : null,
        markedSpamBy: status === 'spam' ? adminId : null,
        createdAt: sentAt,
      };
    }),
  );
  const invited = list.filter(
    (n) => n.contactEmail && (n.status ?? 'confirmed') === 'confirmed' && !known.appIds.has(n.school),
  );
  if (invited.length > 0) {
    await db.insert(schoolInvitations).values(
      invited.map((n) => ({
        cycleId,
        matchKey: schoolMatchKey(n.school, n.city, n.state),
        schoolId: known.schoolIds.get(n.school) ?? null,
        email: n.contactEmail!,
        schoolName: n.school,
        city: n.city,
        state: n.state,
        tokenHash: tokenHash(),
        createdAt: new Date(daysFrom(now, -n.daysAgo).getTime() + 3 * HOUR),
      })),
    );
  }
}

/** Next year's open call: two schools started their application, and one more reviewer is invited. */
async function seedOpenCycle(seeding: Seeding, cycleId: number) {
  const { db, now, adminId } = seeding;
  const { criterion } = await rubricOf(db, cycleId);
  const started = daysFrom(now, -14);
  const schoolIds = await insertSchools(db, DEMO_NEXT_YEAR_DRAFTS);
  const contactIds = await insertContacts(seeding, DEMO_NEXT_YEAR_DRAFTS, schoolIds, started);
  const rows = await db
    .insert(applications)
    .values(
      DEMO_NEXT_YEAR_DRAFTS.map((school, index) => ({
        cycleId,
        schoolId: schoolIds.get(school.name)!,
        status: 'draft' as const,
        // Drafts answer as they go: the second school has not reached the eligibility questions.
        eligibilityAnswers: index === 0 ? eligibilityAnswersOf(school) : {},
        createdBy: contactIds.get(school.name)!,
        createdAt: new Date(started.getTime() + index * 5 * DAY),
        updatedAt: daysFrom(now, -2 + index),
      })),
    )
    .returning({ id: applications.id });
  const appIds = new Map(DEMO_NEXT_YEAR_DRAFTS.map((s, i) => [s.name, rows[i]!.id]));
  await insertAnswers(
    db,
    DEMO_NEXT_YEAR_DRAFTS.map((school) => ({
      applicationId: appIds.get(school.name)!,
      school,
      criterionId: (p: number) => criterion(p).id,
      at: daysFrom(now, -2),
    })),
  );
  await seedNominations(seeding, cycleId, DEMO_NOMINATIONS_NEXT_YEAR, { schoolIds, appIds });
  await db.insert(reviewerInvitations).values({
    cycleId,
    email: 'priya.raman@reviewers.example.org',
    tokenHash: tokenHash(),
    invitedBy: adminId,
    expiresAt: daysFrom(now, 12),
    createdAt: daysFrom(now, -2),
  });
}

export async function seedDemoActivity(
  db: Database,
  { programId, openCycleId, adminId, now }: { programId: number; openCycleId: number; adminId: number; now: Date },
) {
  const seeding: Seeding = { db, now, adminId, passwordHash: await hashPassword(randomBytes(24).toString('hex')) };
  await seedPublishedCycle(seeding, programId);
  const reviewCycleId = await insertDemoCycle(db, {
    programId,
    year: now.getUTCFullYear(),
    ...demoReviewCycleDates(now),
  });
  const apps = await seedApplications(seeding, reviewCycleId);
  await seedReviewRound(seeding, reviewCycleId, apps);
  await seedNominations(seeding, reviewCycleId, DEMO_NOMINATIONS_THIS_YEAR, apps);
  await seedOpenCycle(seeding, openCycleId);
}
