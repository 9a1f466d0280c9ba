// Seeds the demo program on the first start of an empty embedded database, and creates a
// one-time admin login that is printed to the console.
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { cycles, programs, users } from '../../models/schema.js';
import type { Clock } from '../clock.js';
import type { Database } from '../db/client.js';
import { createOrPromoteAdmin } from '../services/accounts/accounts.js';
import { insertDemoCycle, seedDemoActivity } from './seed-demo-activity.js';
import { DEMO_PROGRAM, demoCycleDates } from './demo-data.js';

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

/**
 * The demo program with the cycle that is open now (next year's: applications and nominations
 * are open), its criteria and eligibility rules; returns that cycle's id. Its row is the
 * program's first cycle.
 */
export async function seedDemoProgram(db: Database, now: Date): Promise<number> {
  return db.transaction(async (tx) => {
    const [program] = await tx.insert(programs).values(DEMO_PROGRAM).returning({ id: programs.id });
    if (!program) throw new Error('The program insert returned no row');
    const cycleId = await insertDemoCycle(tx, {
      programId: program.id,
      year: now.getUTCFullYear() + 1,
      ...demoCycleDates(now),
    });
    return cycleId;
  });
}

/**
 * The whole demo: last year's published cycle, this year's in review, next year's open call, and
 * the admin who signs in. One transaction, so a seed that fails halfway leaves the database
 * empty and the next start seeds it again.
 */
export async function seedDemo(db: Database, clock: Clock): Promise<DemoLogin> {
  // Letters and digits only, so it can be copied from a terminal without surprises.
  const password = randomBytes(18).toString('base64url').replace(/[-_]/g, 'x');
  const now = clock();
  await db.transaction(async (tx) => {
    const admin = await createOrPromoteAdmin(
      tx,
      { email: DEMO_ADMIN_EMAIL, password, name: 'Demo Administrator' },
      clock,
    );
    const cycleId = await seedDemoProgram(tx, now);
    const [cycle] = await tx.select({ programId: cycles.programId }).from(cycles).where(eq(cycles.id, cycleId));
    await seedDemoActivity(tx, { programId: cycle!.programId, openCycleId: cycleId, adminId: admin.id, now });
  });
  return { email: DEMO_ADMIN_EMAIL, password };
}
