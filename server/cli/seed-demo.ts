// Seeds the demo program on the first start of an empty embedded database, and creates a
// one-time admin login that is printed to the console.
import { eq } from 'drizzle-orm';
import { randomBytes } from 'node:crypto';
import { criteria, cycles, eligibilityQuestions, eligibilityRules, programs, users } from '../../models/schema.js';
import type { Clock } from '../clock.js';
import type { Database } from '../db/client.js';
import { createOrPromoteAdmin } from '../services/accounts/accounts.js';
import { seedDemoActivity } from './seed-demo-activity.js';
import {
  DEMO_CRITERIA,
  DEMO_ELIGIBILITY_QUESTIONS,
  DEMO_ELIGIBILITY_RULES,
  DEMO_PROGRAM,
  demoCycleDates,
} from './demo-data.js';

export const DEMO_ADMIN_EMAIL = 'admin@laurel.localhost';

export async function isEmptyDatabase(db: Database): Promise<boolean> {
  const [anyUser] = await db.select({ id: users.id }).from(users).limit(1);
  const [anyProgram] = await db.select({ id: programs.id }).from(programs).limit(1);
  return !anyUser && !anyProgram;
}

export interface DemoLogin {
  email: string;
  password: string;
}

/** The demo program with its open cycle, criteria and eligibility rules; returns the cycle id. */
export async function seedDemoProgram(db: Database, now: Date): Promise<number> {
  const year = now.getUTCFullYear();
  return db.transaction(async (tx) => {
    const [program] = await tx.insert(programs).values(DEMO_PROGRAM).returning({ id: programs.id });
    if (!program) throw new Error('The program insert returned no row');
    const [cycle] = await tx
      .insert(cycles)
      .values({
        programId: program.id,
        year,
        name: `${DEMO_PROGRAM.name} ${year}–${year + 1}`,
        ...demoCycleDates(now),
        scoreMin: 1,
        scoreMax: 5,
        blindReview: false,
        optionalChoiceCount: 4,
      })
      .returning({ id: cycles.id });
    if (!cycle) throw new Error('The cycle insert returned no row');
    await tx
      .insert(criteria)
      .values(DEMO_CRITERIA.map((criterion, index) => ({ ...criterion, cycleId: cycle.id, position: index + 1 })));
    await tx
      .insert(eligibilityQuestions)
      .values(
        DEMO_ELIGIBILITY_QUESTIONS.map((question, index) => ({ ...question, cycleId: cycle.id, position: index + 1 })),
      );
    await tx
      .insert(eligibilityRules)
      .values(DEMO_ELIGIBILITY_RULES.map((rule, index) => ({ ...rule, cycleId: cycle.id, position: index + 1 })));
    return cycle.id;
  });
}

export async function seedDemo(db: Database, clock: Clock): Promise<DemoLogin> {
  const cycleId = await seedDemoProgram(db, clock());
  const [cycle] = await db.select({ programId: cycles.programId }).from(cycles).where(eq(cycles.id, cycleId));
  await seedDemoActivity(db, { programId: cycle!.programId, cycleId, now: clock() });
  // Letters and digits only, so it can be copied from a terminal without surprises.
  const password = randomBytes(18).toString('base64url').replace(/[-_]/g, 'x');
  await createOrPromoteAdmin(db, { email: DEMO_ADMIN_EMAIL, password, name: 'Demo Administrator' }, clock);
  return { email: DEMO_ADMIN_EMAIL, password };
}
