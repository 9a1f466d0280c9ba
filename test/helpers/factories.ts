// Rows made directly, for tests whose subject is not how they are made.
import { users, type Role } from '../../models/schema.js';
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
