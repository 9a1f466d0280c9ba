// An evidence file as an upload leaves it, for tests whose subject is what happens to it later
// (backups, restores, moves): a fixture stored through a store, and its row on the first
// application's first criterion.
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { asc } from 'drizzle-orm';
import type { EvidenceKind } from '../../models/evidence.js';
import { applications, criteria, evidenceFiles } from '../../models/schema.js';
import type { Database } from '../../server/db/client.js';
import { projectRoot } from '../../server/paths.js';
import type { EvidenceStore, StoredFile } from '../../server/storage/evidence-store.js';

const KINDS: Record<string, { kind: EvidenceKind; contentType: string }> = {
  pdf: { kind: 'pdf', contentType: 'application/pdf' },
  png: { kind: 'png', contentType: 'image/png' },
  docx: {
    kind: 'docx',
    contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  },
};

/** Stores test/fixtures/`fixture` (copied to a temp file in `tempDir` first) and records it. */
export async function addEvidenceFixture(
  db: Database,
  store: EvidenceStore,
  fixture: string,
  tempDir: string,
): Promise<StoredFile> {
  const temp = path.join(tempDir, `upload-${randomBytes(4).toString('hex')}`);
  writeFileSync(temp, readFileSync(path.join(projectRoot, 'test', 'fixtures', fixture)));
  const stored = await store.put(temp);
  const [application] = await db
    .select({ id: applications.id })
    .from(applications)
    .orderBy(asc(applications.id))
    .limit(1);
  const [criterion] = await db.select({ id: criteria.id }).from(criteria).orderBy(asc(criteria.id)).limit(1);
  const { kind, contentType } = KINDS[path.extname(fixture).slice(1)]!;
  await db.insert(evidenceFiles).values({
    applicationId: application!.id,
    criterionId: criterion!.id,
    originalName: fixture,
    storedName: stored.storedName,
    kind,
    contentType,
    sizeBytes: stored.sizeBytes,
    sha256: stored.sha256,
    createdAt: new Date(),
  });
  return stored;
}
