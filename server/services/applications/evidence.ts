// Evidence files of an application: adding them within the cycle's limits, deleting them while
// the application is a draft, finding one for an authorized download.
import { rm } from 'node:fs/promises';
import { and, eq, sql } from 'drizzle-orm';
import { applications, evidenceFiles } from '../../../models/schema.js';
import { cannotEditApplication, type ApplicationAccess } from '../permissions.js';
import type { Database } from '../../db/client.js';
import { Forbidden, NotFound } from '../../errors.js';
import { msg, type Text } from '../../i18n/translate.js';
import { findCriterion } from './answers.js';
import { displayFileName, inspectUpload, sizeText, UploadRefused } from '../../storage/evidence-files.js';
import { discardUnreferenced } from '../../storage/sweep.js';
import { DiskFull, type EvidenceStore, type StoredFile } from '../../storage/evidence-store.js';
import type { ServiceContext } from '../../context.js';

export interface IncomingFile {
  path: string;
  originalName: string;
  size: number;
}

export interface EvidenceOutcome {
  added: string[];
  /** One sentence per refused file, saying why. */
  refusals: Text[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Adds files to one criterion; each refused file gets a sentence that says why. */
export async function addEvidence(
  { db, clock }: Pick<ServiceContext, 'db' | 'clock'>,
  {
    access,
    criterionId,
    files,
    storage,
    userId,
  }: {
    access: ApplicationAccess;
    criterionId: number;
    files: IncomingFile[];
    storage: EvidenceStore;
    userId: number;
  },
): Promise<EvidenceOutcome> {
  const outcome: EvidenceOutcome = { added: [], refusals: [] };
  const discard = (file: IncomingFile) => rm(file.path, { force: true });
  // Files moved into storage by a transaction that then fails must not stay behind unlisted.
  const storedThisTime: string[] = [];
  try {
    const reason = cannotEditApplication(access, clock());
    if (reason) throw new Forbidden(reason);
    const criterion = await findCriterion(db, { access, criterionId });
    const { cycle } = access;
    const limits = (used: { bytes: number; count: number }, file: IncomingFile): Text | undefined => {
      const name = displayFileName(file.originalName);
      if (used.count >= cycle.maxFilesPerCriterion) {
        return msg('applications.errors.fileLimit', { name, max: cycle.maxFilesPerCriterion });
      }
      if (used.bytes + file.size > cycle.maxApplicationBytes) {
        return msg('applications.errors.bytesLimit', {
          name,
          limit: sizeText(cycle.maxApplicationBytes),
          used: sizeText(used.bytes),
        });
      }
      return undefined;
    };

    // Each file is checked and stored before the transaction: an upload to a bucket can take
    // seconds, and no connection or lock is held meanwhile. The limits are checked here against
    // what the application had, and again under the lock below, where they are decided.
    const candidates: Array<{ file: IncomingFile; inspected: Inspected; stored: StoredFile }> = [];
    const planned = await usedBy(db, access.application.id, criterionId);
    for (const file of files) {
      const refusal = limits(planned, file);
      if (refusal) {
        outcome.refusals.push(refusal);
        continue;
      }
      let inspected;
      try {
        inspected = await inspectUpload(file);
      } catch (error) {
        if (error instanceof UploadRefused) {
          outcome.refusals.push(error.text);
          continue;
        }
        throw error;
      }
      let stored;
      try {
        stored = await storage.put(file.path);
      } catch (error) {
        // A full disk refuses this file and every one after it; those already stored stay.
        if (!(error instanceof DiskFull)) throw error;
        outcome.refusals.push(error.text);
        break;
      }
      storedThisTime.push(stored.storedName);
      candidates.push({ file, inspected, stored });
      planned.bytes += stored.sizeBytes;
      planned.count += 1;
    }

    const kept = new Set<string>();
    await db.transaction(async (tx) => {
      // One upload at a time per application, so two at once cannot both slip under a limit.
      await tx
        .select({ id: applications.id })
        .from(applications)
        .where(eq(applications.id, access.application.id))
        .for('update');
      const used = await usedBy(tx as unknown as Database, access.application.id, criterionId);
      for (const { file, inspected, stored } of candidates) {
        const refusal = limits(used, file);
        if (refusal) {
          outcome.refusals.push(refusal);
          continue;
        }
        await tx.insert(evidenceFiles).values({
          applicationId: access.application.id,
          criterionId: criterion.id,
          originalName: inspected.safeName,
          storedName: stored.storedName,
          kind: inspected.kind,
          contentType: inspected.contentType,
          sizeBytes: stored.sizeBytes,
          sha256: stored.sha256,
          uploadedBy: userId,
          createdAt: clock(),
        });
        kept.add(stored.storedName);
        used.bytes += stored.sizeBytes;
        used.count += 1;
        outcome.added.push(inspected.safeName);
      }
    });
    // Stored, then refused under the lock (another upload got there first): removed again.
    await Promise.all(storedThisTime.filter((name) => !kept.has(name)).map((name) => storage.remove(name)));
    return outcome;
  } catch (error) {
    await discardUnreferenced(db, storage, storedThisTime);
    throw error;
  } finally {
    // Whatever was not moved into place (refused, or an error) leaves no temp file behind.
    await Promise.all(files.map(discard));
  }
}

type Inspected = Awaited<ReturnType<typeof inspectUpload>>;

/** The application's bytes of evidence and the criterion's number of files. */
async function usedBy(db: Database, applicationId: number, criterionId: number) {
  const [totals] = await db
    .select({
      bytes: sql<number>`coalesce(sum(${evidenceFiles.sizeBytes}), 0)::bigint`,
      forCriterion: sql<number>`count(*) filter (where ${evidenceFiles.criterionId} = ${criterionId})::int`,
    })
    .from(evidenceFiles)
    .where(eq(evidenceFiles.applicationId, applicationId));
  return { bytes: Number(totals?.bytes ?? 0), count: totals?.forCriterion ?? 0 };
}

export async function findEvidence(
  db: Database,
  { access, publicId }: { access: ApplicationAccess; publicId: string },
) {
  if (!UUID.test(publicId)) throw new NotFound(msg('applications.errors.noFile'));
  const [file] = await db
    .select()
    .from(evidenceFiles)
    .where(and(eq(evidenceFiles.publicId, publicId), eq(evidenceFiles.applicationId, access.application.id)));
  if (!file) throw new NotFound(msg('applications.errors.noFile'));
  return file;
}

export async function deleteEvidence(
  { db, clock }: Pick<ServiceContext, 'db' | 'clock'>,
  { access, publicId, storage }: { access: ApplicationAccess; publicId: string; storage: EvidenceStore },
): Promise<string> {
  const reason = cannotEditApplication(access, clock());
  if (reason) throw new Forbidden(reason);
  const file = await findEvidence(db, { access, publicId });
  await db.delete(evidenceFiles).where(eq(evidenceFiles.id, file.id));
  await storage.remove(file.storedName);
  return file.originalName;
}
