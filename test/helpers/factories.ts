// Rows made directly, for tests whose subject is not how they are made. The program and cycle
// here are the tests' own: the demo (server/cli/seed-demo.ts) can change without moving a test.
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import {
  criteria,
  cycles,
  eligibilityQuestions,
  eligibilityRules,
  programs,
  users,
  type Role,
} from '../../models/schema.js';
import { DEMO_CRITERIA, DEMO_ELIGIBILITY_QUESTIONS, DEMO_ELIGIBILITY_RULES } from '../../server/cli/demo-data.js';
import { hashPassword } from '../../server/auth/passwords.js';
import type { Database } from '../../server/db/client.js';
import type supertest from 'supertest';
import { submitForm } from './forms.js';

export const STRONG_PASSWORD = 'correct horse battery staple';

export async function createUser(
  db: Database,
  {
    email,
    name = 'Test Person',
    password = STRONG_PASSWORD,
    roles = ['applicant'],
    verified = true,
  }: { email: string; name?: string; password?: string; roles?: Role[]; verified?: boolean },
) {
  const [user] = await db
    .insert(users)
    .values({
      email,
      name,
      passwordHash: await hashPassword(password),
      roles,
      emailVerifiedAt: verified ? new Date() : null,
    })
    .returning();
  if (!user) throw new Error('no user');
  return user;
}

export async function signIn(agent: ReturnType<typeof supertest.agent>, email: string, password = STRONG_PASSWORD) {
  return submitForm(agent, '/login', '/login', { email, password });
}

/** A program with a 2027 cycle opening on 2027-01-15: after the harness clock's "now". */
export async function createCycle2027(db: Database, slug: string) {
  const [program] = await db.insert(programs).values({ name: 'Schools of Opportunity', slug }).returning();
  const [cycle] = await db
    .insert(cycles)
    .values({
      programId: program!.id,
      year: 2027,
      name: 'Schools of Opportunity 2027',
      opensAt: new Date('2027-01-15T00:00:00Z'),
      nominationsCloseAt: new Date('2027-02-15T00:00:00Z'),
      applicationsCloseAt: new Date('2027-03-15T23:59:59Z'),
      reviewsDueAt: new Date('2027-05-01T00:00:00Z'),
      announcementAt: new Date('2027-06-01T00:00:00Z'),
    })
    .returning();
  return { program: program!, cycle: cycle! };
}

const DAY = 24 * 60 * 60 * 1000;

/**
 * A program with a cycle open now, under the real program's rules: its ten criteria (1 and 2
 * required, any 4 of the other 8), its eligibility questions and rules, a 1–5 scale. Nominations
 * close in 30 days, applications in 60, reviews are due in 105, honorees announced in 150.
 * Returns the cycle's id.
 */
export async function createOpenCycle(
  db: Database,
  now: Date,
  { name = 'Schools of Opportunity', blindReview = false }: { name?: string; blindReview?: boolean } = {},
): Promise<number> {
  const at = (days: number) => new Date(now.getTime() + days * DAY);
  const year = now.getUTCFullYear();
  const [program] = await db
    .insert(programs)
    .values({
      name,
      slug: `program-${randomBytes(4).toString('hex')}`,
      description: `${name}: a program the tests run.`,
    })
    .returning();
  const [cycle] = await db
    .insert(cycles)
    .values({
      programId: program!.id,
      year,
      name: `${name} ${year}–${year + 1}`,
      opensAt: at(-30),
      nominationsCloseAt: at(30),
      applicationsCloseAt: at(60),
      reviewsDueAt: at(105),
      announcementAt: at(150),
      scoreMin: 1,
      scoreMax: 5,
      blindReview,
      optionalChoiceCount: 4,
    })
    .returning();
  await db
    .insert(criteria)
    .values(DEMO_CRITERIA.map((c, index) => ({ ...c, cycleId: cycle!.id, position: index + 1 })));
  await db
    .insert(eligibilityQuestions)
    .values(DEMO_ELIGIBILITY_QUESTIONS.map((q, index) => ({ ...q, cycleId: cycle!.id, position: index + 1 })));
  await db
    .insert(eligibilityRules)
    .values(DEMO_ELIGIBILITY_RULES.map((r, index) => ({ ...r, cycleId: cycle!.id, position: index + 1 })));
  return cycle!.id;
}

/**
 * Closes a cycle's applications as an admin's "close now" would (a second before `now`), so the
 * acts that come after applications (rounds, assignments, decisions, publishing) are allowed.
 */
export async function closeApplicationsOf(db: Database, cycleId: number, now: Date): Promise<void> {
  await db
    .update(cycles)
    .set({ closedAt: new Date(now.getTime() - 1000) })
    .where(eq(cycles.id, cycleId));
}
