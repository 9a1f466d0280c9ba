// Rows made directly, for tests whose subject is not how they are made.
import { cycles, programs, users, type Role } from '../../models/schema.js';
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
