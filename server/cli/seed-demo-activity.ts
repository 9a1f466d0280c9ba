// Fills the demo so every page of a fresh `npm start` has something real to show: last year's
// cycle published with a dozen honorees, and this year's open cycle with nominations,
// applications in every status, a review panel, a round and reviews.
import { createHash, randomBytes } from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import {
  applicationAnswers,
  applications,
  assignments,
  criteria,
  cycleReviewers,
  cycles,
  decisions,
  nominations,
  reviewerProfiles,
  reviewRounds,
  reviewScores,
  roundApplications,
  roundReviewers,
  schoolContacts,
  schools,
  users,
  type ApplicationStatus,
} from '../../models/schema.js';
import { hashPassword } from '../auth/passwords.js';
import type { Database } from '../db/client.js';
import { snapshotHonoreeSchools } from '../services/decisions/publishing.js';
import { schoolMatchKey } from '../services/schools/match-key.js';
import { DEMO_CRITERIA } from './demo-data.js';

const DAY = 24 * 60 * 60 * 1000;

const PAST_HONOREES = [
  ['Roosevelt High School', 'Portland Public Schools', 'Portland', 'OR', 'gold'],
  ['Central High School', 'Little Rock School District', 'Little Rock', 'AR', 'gold'],
  ['Lincoln Park Academy', 'St. Lucie Public Schools', 'Fort Pierce', 'FL', 'silver'],
  ['Dobbs Ferry High School', 'Dobbs Ferry UFSD', 'Dobbs Ferry', 'NY', 'gold'],
  ['Mountain View High School', 'Mesa Public Schools', 'Mesa', 'AZ', 'silver'],
  ['Hillside High School', 'Durham Public Schools', 'Durham', 'NC', 'silver'],
  ['Boulder Valley High School', 'Boulder Valley School District', 'Boulder', 'CO', 'gold'],
  ['South Side High School', 'Rockville Centre UFSD', 'Rockville Centre', 'NY', 'gold'],
  ['Casco Bay High School', 'Portland Public Schools', 'Portland', 'ME', 'silver'],
  ['Edcouch-Elsa High School', 'Edcouch-Elsa ISD', 'Edcouch', 'TX', 'silver'],
  ['Rainier Beach High School', 'Seattle Public Schools', 'Seattle', 'WA', 'gold'],
  ['Oakland Technical High School', 'Oakland Unified', 'Oakland', 'CA', 'silver'],
] as const;

const CURRENT_SCHOOLS: Array<[string, string, string, string, ApplicationStatus]> = [
  ['Jefferson High School', 'Denver Public Schools', 'Denver', 'CO', 'eligible'],
  ['Madison High School', 'San Diego Unified', 'San Diego', 'CA', 'eligible'],
  ['Garfield High School', 'Seattle Public Schools', 'Seattle', 'WA', 'eligible'],
  ['Washington High School', 'Milwaukee Public Schools', 'Milwaukee', 'WI', 'eligible'],
  ['Kennedy High School', 'Chicago Public Schools', 'Chicago', 'IL', 'eligible'],
  ['Franklin High School', 'Baltimore City Schools', 'Baltimore', 'MD', 'eligible'],
  ['Harbor Charter High School', 'Boston', 'Boston', 'MA', 'submitted'],
  ['Riverside High School', 'Albuquerque Public Schools', 'Albuquerque', 'NM', 'ineligible'],
  ['Lakeview High School', 'Minneapolis Public Schools', 'Minneapolis', 'MN', 'withdrawn'],
  ['Northgate High School', 'Pittsburgh Public Schools', 'Pittsburgh', 'PA', 'draft'],
];

const REVIEWERS = [
  [
    'Dr. Alice Moreno',
    'University of Colorado',
    'CO',
    ['Broadening and enriching learning opportunities', 'A healthy school culture'],
  ],
  [
    'Prof. Ben Okafor',
    'Teachers College',
    'NY',
    ['Supporting teachers as professionals', 'More and better learning time'],
  ],
  [
    'Carmen Liu',
    'Retired principal',
    'CA',
    ['Students with disabilities: challenge and support', 'A healthy school culture'],
  ],
  ['Dr. David Park', 'State Department of Education', 'WA', ['A variety of assessments that respond to students']],
] as const;

const slugOf = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

async function demoUser(db: Database, email: string, name: string, roles: Array<'reviewer' | 'applicant'>) {
  // Demo people cannot sign in: their password is random and never shown.
  const [row] = await db
    .insert(users)
    .values({
      email,
      name,
      roles,
      passwordHash: await hashPassword(randomBytes(24).toString('hex')),
      emailVerifiedAt: new Date(),
    })
    .returning({ id: users.id });
  return row!.id;
}

async function demoSchool(
  db: Database,
  [name, district, city, state]: readonly [string, string, string, string, ...unknown[]],
  index: number,
) {
  const [row] = await db
    .insert(schools)
    .values({
      name,
      district,
      city,
      state,
      level: 'high',
      website: `https://${slugOf(name)}.example.org`,
      enrollment: 900 + index * 97,
      frlPercent: 22 + ((index * 7) % 50),
      iepPercent: 11 + (index % 6),
      matchKey: schoolMatchKey(name, city, state),
    })
    .returning({ id: schools.id });
  return row!.id;
}

function answerFor(title: string, school: string): string {
  return (
    `${school} works on ${title.toLowerCase()} every day. Students of every background take the school's richest courses, ` +
    'teachers plan together each week, and families are partners in decisions. The evidence attached shows the results over three years.'
  );
}

/** Last year's cycle, published, with its honorees and their profiles. */
async function seedPastCycle(db: Database, programId: number, now: Date) {
  const year = now.getUTCFullYear() - 1;
  const at = (days: number) => new Date(now.getTime() + days * DAY);
  const [cycle] = await db
    .insert(cycles)
    .values({
      programId,
      year,
      name: `Schools of Opportunity ${year}–${year + 1}`,
      opensAt: at(-395),
      nominationsCloseAt: at(-335),
      applicationsCloseAt: at(-305),
      reviewsDueAt: at(-260),
      announcementAt: at(-215),
      optionalChoiceCount: 4,
      publishedAt: at(-215),
    })
    .returning({ id: cycles.id });
  const pastCriteria = await db
    .insert(criteria)
    .values(DEMO_CRITERIA.map((c, i) => ({ ...c, cycleId: cycle!.id, position: i + 1 })))
    .returning({ id: criteria.id, title: criteria.title, required: criteria.required });
  const chosen = pastCriteria.filter((c) => c.required).concat(pastCriteria.filter((c) => !c.required).slice(0, 4));
  for (const [index, entry] of PAST_HONOREES.entries()) {
    const schoolId = await demoSchool(db, entry, index);
    const [app] = await db
      .insert(applications)
      .values({ cycleId: cycle!.id, schoolId, status: 'eligible', submittedAt: at(-310), createdAt: at(-330) })
      .returning({ id: applications.id });
    await db.insert(applicationAnswers).values(
      chosen.map((c) => ({
        applicationId: app!.id,
        criterionId: c.id,
        chosen: true,
        answer: answerFor(c.title, entry[0]),
        wordCount: 45,
      })),
    );
    await db.insert(decisions).values({
      applicationId: app!.id,
      cycleId: cycle!.id,
      level: entry[4],
      decidedAt: at(-220),
      slug: slugOf(entry[0]),
      citation: `${entry[0]} opens its most demanding courses to every student and backs them with real support.`,
      profile:
        `${entry[0]}, in ${entry[2]}, ${entry[3]}, shows what a public high school can do when it decides that every student deserves its best. ` +
        'Detracked ninth-grade classes, restorative discipline and a schedule built around collaboration time for teachers have changed who takes advanced courses and who graduates ready for college.',
      highlights: chosen
        .slice(0, 3)
        .map((c) => ({ criterionId: c.id, title: c.title, text: answerFor(c.title, entry[0]).split('. ')[0] + '.' })),
    });
  }
  await snapshotHonoreeSchools(db, cycle!.id);
}

/** This year's open cycle: applicants, nominations, a panel, a round and reviews. */
async function seedCurrentCycle(db: Database, cycleId: number, now: Date) {
  const cycleCriteria = await db
    .select()
    .from(criteria)
    .where(eq(criteria.cycleId, cycleId))
    .orderBy(asc(criteria.position));
  const chosen = cycleCriteria.filter((c) => c.required).concat(cycleCriteria.filter((c) => !c.required).slice(0, 4));
  const eligibleApps: number[] = [];
  for (const [index, entry] of CURRENT_SCHOOLS.entries()) {
    const schoolId = await demoSchool(db, entry, index + 20);
    const contact = await demoUser(db, `principal@${slugOf(entry[0])}.example.org`, `Principal of ${entry[0]}`, [
      'applicant',
    ]);
    await db.insert(schoolContacts).values({ schoolId, userId: contact, status: 'active', approvedAt: now });
    const status = entry[4];
    const [app] = await db
      .insert(applications)
      .values({
        cycleId,
        schoolId,
        status,
        createdBy: contact,
        createdAt: new Date(now.getTime() - 20 * DAY),
        submittedAt: status === 'draft' ? null : new Date(now.getTime() - 5 * DAY),
        withdrawnAt: status === 'withdrawn' ? new Date(now.getTime() - 2 * DAY) : null,
        eligibilityAnswers: {
          school_type: 'public',
          district_iep_percent: '12',
          zero_tolerance: status === 'ineligible' ? 'yes' : 'no',
          restricts_access: 'no',
        },
        screeningFlags:
          status === 'ineligible' || status === 'submitted'
            ? [{ ruleId: 0, message: 'Schools with zero-tolerance discipline are not eligible.' }]
            : [],
        screeningReason: status === 'ineligible' ? 'Zero-tolerance policy confirmed in the code of conduct.' : null,
      })
      .returning({ id: applications.id });
    await db.insert(applicationAnswers).values(
      chosen.map((c) => ({
        applicationId: app!.id,
        criterionId: c.id,
        chosen: true,
        answer: answerFor(c.title, entry[0]),
        wordCount: 45,
      })),
    );
    if (status === 'eligible') eligibleApps.push(app!.id);
    await db.insert(nominations).values({
      cycleId,
      schoolId,
      schoolName: entry[0],
      district: entry[1],
      city: entry[2],
      state: entry[3],
      matchKey: schoolMatchKey(entry[0], entry[2], entry[3]),
      nominatorName: `Parent at ${entry[0]}`,
      nominatorEmail: `parent.${slugOf(entry[0])}@example.com`,
      relationship: 'parent',
      reason: `My children found teachers at ${entry[0]} who believed in them.`,
      status: 'confirmed',
      confirmedAt: now,
      confirmTokenHash: createHash('sha256').update(randomBytes(16)).digest('hex'),
      confirmExpiresAt: new Date(now.getTime() + 7 * DAY),
      applicationId: app!.id,
    });
  }

  const reviewerIds: number[] = [];
  for (const [name, affiliation, state, expertise] of REVIEWERS) {
    const id = await demoUser(db, `${slugOf(name)}@reviewers.example.org`, name, ['reviewer']);
    await db
      .insert(reviewerProfiles)
      .values({ userId: id, affiliation, state, expertise: [...expertise], gradeLevels: ['high'] });
    await db.insert(cycleReviewers).values({ cycleId, userId: id, maxLoad: 6 });
    reviewerIds.push(id);
  }
  const [round] = await db
    .insert(reviewRounds)
    .values({
      cycleId,
      number: 1,
      name: 'Round 1',
      reviewersPerApplication: 2,
      dueAt: new Date(now.getTime() + 90 * DAY),
    })
    .returning({ id: reviewRounds.id });
  await db
    .insert(roundApplications)
    .values(eligibleApps.map((applicationId) => ({ roundId: round!.id, applicationId })));
  await db.insert(roundReviewers).values(reviewerIds.map((userId) => ({ roundId: round!.id, userId, maxLoad: 6 })));
  for (const [index, applicationId] of eligibleApps.entries()) {
    for (const offset of [0, 1]) {
      const reviewerId = reviewerIds[(index + offset) % reviewerIds.length]!;
      const submitted = index < 4;
      const [assignment] = await db
        .insert(assignments)
        .values({
          roundId: round!.id,
          applicationId,
          reviewerId,
          status: submitted ? 'submitted' : 'assigned',
          assignedAt: now,
          notifiedAt: now,
          recommendation: submitted ? ((index + offset) % 3 === 0 ? 'gold' : 'silver') : null,
          submittedAt: submitted ? now : null,
        })
        .returning({ id: assignments.id });
      if (submitted) {
        await db.insert(reviewScores).values(
          chosen.map((c, k) => ({
            assignmentId: assignment!.id,
            criterionId: c.id,
            score: 2 + ((index + offset + k) % 4),
            comment: `Clear evidence on ${c.title.toLowerCase()}.`,
          })),
        );
      }
    }
  }
}

export async function seedDemoActivity(
  db: Database,
  { programId, cycleId, now }: { programId: number; cycleId: number; now: Date },
) {
  await db.transaction(async (tx) => {
    await seedPastCycle(tx, programId, now);
    await seedCurrentCycle(tx, cycleId, now);
  });
}
