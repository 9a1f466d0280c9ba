// What review tests start from: a school's application submitted through the real pages, a
// confirmed nomination of it with a letter put straight into the database (the nomination's own
// path through the pages is tested in test/http/nominations), and stored files.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { asc, eq } from 'drizzle-orm';
import { criteria, evidenceFiles, nominations } from '../../models/schema.js';
import { storedPath } from '../../server/storage/disk-store.js';
import { addSchool, completeAndSubmit, fixtureBytes, saveCriterion, startApplication } from './applicant.js';
import { createUser, signIn } from './factories.js';
import type { Harness } from './harness.js';

/**
 * A new contact `email` adds the school `profile`, applies to the cycle with `files` on its first
 * criterion, answers everything and submits.
 */
export async function submittedApplication(
  h: Harness,
  cycleId: number,
  {
    email,
    name,
    profile,
    files,
  }: { email: string; name?: string; profile: Record<string, string>; files: Array<{ name: string; as: string }> },
) {
  await createUser(h.db, { email, ...(name ? { name } : {}) });
  const agent = h.agent();
  await signIn(agent, email);
  const schoolId = await addSchool(agent, profile);
  const applicationId = await startApplication(agent, schoolId, cycleId);
  const cycleCriteria = await h.db
    .select()
    .from(criteria)
    .where(eq(criteria.cycleId, cycleId))
    .orderBy(asc(criteria.position));
  await saveCriterion(agent, applicationId, cycleCriteria[0]!.id, { answer: 'draft', files });
  await completeAndSubmit(agent, applicationId, cycleCriteria);
  return { agent, schoolId, applicationId, cycleCriteria };
}

/** Writes `bytes` where the uploads store keeps `storedName`. */
export function writeStored(h: Harness, storedName: string, bytes: Buffer): void {
  const file = storedPath(path.join(h.dataDir, 'uploads'), storedName);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, bytes);
}

/**
 * A confirmed nomination of Lincoln High School (Portland) by Nia Neighbor, grouped into the
 * application, with a letter (sample.pdf stored as `storedName`) named `letterName`.
 */
export async function confirmedNomination(
  h: Harness,
  {
    cycleId,
    schoolId,
    applicationId,
    reason,
    storedName,
    letterName = 'Lincoln letter.pdf',
    criterionIds,
    district,
  }: {
    cycleId: number;
    schoolId: number;
    applicationId: number;
    reason: string;
    storedName: string;
    letterName?: string;
    criterionIds?: number[];
    district?: string;
  },
) {
  const [nomination] = await h.db
    .insert(nominations)
    .values({
      cycleId,
      schoolId,
      schoolName: 'Lincoln High School',
      ...(district ? { district } : {}),
      city: 'Portland',
      state: 'OR',
      matchKey: 'lincoln',
      nominatorName: 'Nia Neighbor',
      nominatorEmail: 'nia@neighbors.example.net',
      relationship: 'parent',
      reason,
      ...(criterionIds ? { criterionIds } : {}),
      status: 'confirmed',
      confirmTokenHash: `token-${storedName}`,
      confirmExpiresAt: h.clock(),
      confirmedAt: h.clock(),
      applicationId,
    })
    .returning();
  const letter = fixtureBytes('sample.pdf');
  writeStored(h, storedName, letter);
  const [file] = await h.db
    .insert(evidenceFiles)
    .values({
      nominationId: nomination!.id,
      originalName: letterName,
      storedName,
      kind: 'pdf',
      contentType: 'application/pdf',
      sizeBytes: letter.length,
      sha256: storedName.slice(-1).repeat(64),
    })
    .returning();
  return { nomination: nomination!, letter: file! };
}
