// Nominations from the public: the form's rules, submitting (counted only once confirmed from
// the nominator's inbox), confirming, and forgetting those never confirmed.
import { createHash, randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { and, asc, eq, inArray, lt, sql } from 'drizzle-orm';
import {
  criteria,
  cycles,
  evidenceFiles,
  nominations,
  programs,
  RELATIONSHIPS,
  schools,
  type Relationship,
} from '../../../models/schema.js';
import type { Database } from '../../db/client.js';
import { Invalid, TooManyRequests, type FieldErrors } from '../../errors.js';
import { inLanguage } from '../../i18n/content.js';
import { SOURCE_LANGUAGE, isLanguage } from '../../i18n/languages.js';
import { msg } from '../../i18n/translate.js';
import { enqueueMail } from '../../mail/outbox.js';
import { countWords } from '../applications/applications.js';
import { EMAIL, isUniqueViolation, singleLine } from '../shared/form-input.js';
import { displayFileName, inspectUpload, sizeText, UploadRefused } from '../../storage/evidence-files.js';
import { discardUnreferenced } from '../../storage/sweep.js';
import { DiskFull, type EvidenceStore, type StoredFile } from '../../storage/evidence-store.js';
import { onNominationConfirmed } from './links.js';
import { takeRateLimit } from '../shared/rate-limit.js';
import { checkSchoolAddress, findListedSchool } from '../schools/schools.js';
import type { ServiceContext } from '../../context.js';
import { openForApplicationsCondition } from '../programs/phase.js';

export const NOMINATION_WORD_LIMIT = 300;
export const NOMINATION_MAX_FILES = 5;
const CONFIRM_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;
const PER_ADDRESS_PER_DAY = 5;
const PER_NETWORK_PER_HOUR = 30;

/** The cycle taking nominations now (the one whose nominations close soonest), with its criteria. */
export async function openNominationCycle(db: Database, now: Date) {
  const iso = now.toISOString();
  const [cycle] = await db
    .select({
      id: cycles.id,
      name: cycles.name,
      translations: cycles.translations,
      nominationsCloseAt: cycles.nominationsCloseAt,
      programName: programs.name,
      programTranslations: programs.translations,
      maxFileBytes: cycles.maxFileBytes,
      maxApplicationBytes: cycles.maxApplicationBytes,
      blindReview: cycles.blindReview,
    })
    .from(cycles)
    .innerJoin(programs, eq(programs.id, cycles.programId))
    .where(and(openForApplicationsCondition(now), sql`${cycles.nominationsCloseAt} >= ${iso}::timestamptz`))
    .orderBy(asc(cycles.nominationsCloseAt))
    .limit(1);
  if (!cycle) return undefined;
  const cycleCriteria = await db
    .select({ id: criteria.id, title: criteria.title, translations: criteria.translations })
    .from(criteria)
    .where(eq(criteria.cycleId, cycle.id))
    .orderBy(asc(criteria.position));
  return { ...cycle, criteria: cycleCriteria };
}

export type OpenNominationCycle = NonNullable<Awaited<ReturnType<typeof openNominationCycle>>>;

/** The cycle's own words (its name, its program's, its criteria's titles) in `language`, where it has them. */
export function nominationCycleIn(cycle: OpenNominationCycle, language: string): OpenNominationCycle {
  return {
    ...cycle,
    name: inLanguage(cycle, 'name', language),
    programName: inLanguage({ name: cycle.programName, translations: cycle.programTranslations }, 'name', language),
    criteria: cycle.criteria.map((c) => ({ ...c, title: inLanguage(c, 'title', language) })),
  };
}

export interface NominationInput {
  nominatorName: string;
  nominatorEmail: string;
  relationship: string;
  schoolId: string;
  schoolName: string;
  district: string;
  city: string;
  state: string;
  contactEmail: string;
  reason: string;
  criterionIds: string[];
  /** The honeypot: people never see it, so only robots fill it in. */
  website: string;
  /** The form's own random key (see newSubmissionKey): a second send of one form is the same nomination. */
  submissionKey: string;
}

/** A fresh key for a nomination form; sending the form twice (a double click) stores it once. */
export function newSubmissionKey(): string {
  return randomBytes(18).toString('base64url');
}

const SUBMISSION_KEY = /^[A-Za-z0-9_-]{16,64}$/;

export function nominationInputFrom(body: Record<string, unknown> | undefined): NominationInput {
  const text = (name: string) => {
    const value = body?.[name];
    return typeof value === 'string' ? value : '';
  };
  return {
    nominatorName: text('nominatorName'),
    nominatorEmail: text('nominatorEmail'),
    relationship: text('relationship'),
    schoolId: text('schoolId'),
    schoolName: text('schoolName'),
    district: text('district'),
    city: text('city'),
    state: text('state'),
    contactEmail: text('contactEmail'),
    reason: text('reason'),
    criterionIds: ([] as unknown[]).concat(body?.criterionIds ?? []).filter((v): v is string => typeof v === 'string'),
    website: text('website'),
    submissionKey: text('submissionKey'),
  };
}

async function validate(db: Database, cycle: OpenNominationCycle, input: NominationInput) {
  const errors: FieldErrors = {};
  const nominatorName = singleLine(input.nominatorName);
  const nominatorEmail = input.nominatorEmail.trim().toLowerCase();
  const contactEmail = input.contactEmail.trim().toLowerCase();
  const reason = input.reason.replace(/\r\n/g, '\n').trim();
  if (nominatorName === '') errors.nominatorName = msg('nominations.errors.nameRequired');
  else if (nominatorName.length > 120) errors.nominatorName = msg('nominations.errors.tooLong', { max: 120 });
  if (!EMAIL.test(nominatorEmail) || nominatorEmail.length > 254)
    errors.nominatorEmail = msg('nominations.errors.emailInvalid');
  if (!(RELATIONSHIPS as readonly string[]).includes(input.relationship))
    errors.relationship = msg('nominations.errors.relationshipRequired');
  if (contactEmail !== '' && (!EMAIL.test(contactEmail) || contactEmail.length > 254))
    errors.contactEmail = msg('nominations.errors.contactEmailInvalid');

  let school:
    { id: number | null; name: string; district: string; city: string; state: string; matchKey: string } | undefined;
  if (/^\d{1,15}$/.test(input.schoolId)) {
    const listed = await findListedSchool(db, Number(input.schoolId));
    const [profile] = listed ? await db.select().from(schools).where(eq(schools.id, listed.id)) : [];
    if (!profile) errors.schoolName = msg('nominations.errors.schoolNotListed');
    else
      school = {
        id: profile.id,
        name: profile.name,
        district: profile.district,
        city: profile.city,
        state: profile.state,
        matchKey: profile.matchKey,
      };
  } else {
    school = {
      id: null,
      ...checkSchoolAddress(errors, { ...input, name: input.schoolName }, { nameField: 'schoolName' }),
    };
  }

  const words = countWords(reason);
  if (words === 0) errors.reason = msg('nominations.errors.reasonRequired');
  else if (words > NOMINATION_WORD_LIMIT || reason.length > 20_000)
    errors.reason = msg('nominations.errors.reasonTooLong', { limit: NOMINATION_WORD_LIMIT, words });
  const known = new Set(cycle.criteria.map((c) => c.id));
  const criterionIds = [...new Set(input.criterionIds.filter((id) => /^\d{1,15}$/.test(id)).map(Number))].filter((id) =>
    known.has(id),
  );
  if (Object.keys(errors).length > 0 || !school) throw new Invalid(errors);
  return {
    nominatorName,
    nominatorEmail,
    relationship: input.relationship as Relationship,
    contactEmail: contactEmail || null,
    reason,
    criterionIds,
    school,
  };
}

export interface IncomingNominationFile {
  path: string;
  originalName: string;
  size: number;
}

/**
 * Records an unconfirmed nomination and e-mails the confirmation link, in the language the
 * nominator wrote in (the page's). Nothing is kept when any part is refused (a field, a file, a
 * limit): the form comes back with everything typed.
 */
export async function submitNomination(
  context: ServiceContext & { storage: EvidenceStore },
  {
    cycle,
    input,
    files,
    address,
    language: asked,
  }: {
    cycle: OpenNominationCycle;
    input: NominationInput;
    files: IncomingNominationFile[];
    address: string;
    /** The language of the page the nomination was written on. */
    language?: string;
  },
): Promise<{ email: string; discarded: boolean }> {
  const { db, clock, mail, storage } = context;
  if (input.website.trim() !== '') {
    // A robot filled the hidden field: it is told what a person would be told, and nothing is kept.
    return { email: input.nominatorEmail.trim().toLowerCase(), discarded: true };
  }
  const values = await validate(db, cycle, input);
  const language = isLanguage(asked) ? asked : SOURCE_LANGUAGE;
  let submissionKey = SUBMISSION_KEY.test(input.submissionKey) ? input.submissionKey : null;
  const earlier = submissionKey ? await nominationWithKey(db, submissionKey) : undefined;
  if (earlier && earlier.nominatorEmail === values.nominatorEmail && earlier.matchKey === values.school.matchKey) {
    // The same form again (a double click, a resent page): it is already stored and its
    // confirmation e-mail queued; the person is told the same thing once more.
    await Promise.all(files.map((f) => rm(f.path, { force: true })));
    return { email: values.nominatorEmail, discarded: false };
  }
  // The same form sent again for another school or address (back, edit, send): a new nomination.
  if (earlier) submissionKey = null;
  if (files.length > NOMINATION_MAX_FILES)
    throw new Invalid({ files: msg('nominations.errors.tooManyFiles', { max: NOMINATION_MAX_FILES }) });
  const total = files.reduce((sum, f) => sum + f.size, 0);
  if (total > cycle.maxApplicationBytes)
    throw new Invalid({
      files: msg('nominations.errors.filesTooLarge', { size: sizeText(cycle.maxApplicationBytes) }),
    });
  const inspected: Array<{ file: IncomingNominationFile } & Awaited<ReturnType<typeof inspectUpload>>> = [];
  for (const file of files) {
    try {
      inspected.push({ file, ...(await inspectUpload(file)) });
    } catch (error) {
      if (error instanceof UploadRefused)
        throw new Invalid({ files: msg('nominations.errors.fileRefused', { problem: error.text }) });
      throw error;
    }
  }
  const dayAgo = { windowMs: 24 * 60 * 60 * 1000, clock };
  if (
    !(await takeRateLimit(db, {
      key: `nominate:email:${values.nominatorEmail}`,
      limit: PER_ADDRESS_PER_DAY,
      ...dayAgo,
    }))
  ) {
    throw new TooManyRequests(msg('nominations.errors.tooManyFromAddress', { max: PER_ADDRESS_PER_DAY }), 24 * 60 * 60);
  }
  if (
    !(await takeRateLimit(db, {
      key: `nominate:address:${address}`,
      limit: PER_NETWORK_PER_HOUR,
      windowMs: 60 * 60 * 1000,
      clock,
    }))
  ) {
    throw new TooManyRequests(msg('nominations.errors.tooManyFromNetwork'), 60 * 60);
  }

  const token = randomBytes(32).toString('base64url');
  const now = clock();
  const stored: string[] = [];
  try {
    // Files go to the store before the transaction: an upload to a bucket can take seconds, and
    // no connection or lock is held meanwhile. The rows naming them are inserted below.
    const saved: StoredFile[] = [];
    for (const item of inspected) {
      try {
        saved.push(await storage.put(item.file.path));
      } catch (error) {
        if (error instanceof DiskFull)
          throw new Invalid({ files: msg('nominations.errors.fileRefused', { problem: error.text }) });
        throw error;
      }
      stored.push(saved.at(-1)!.storedName);
    }
    await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(nominations)
        .values({
          cycleId: cycle.id,
          schoolId: values.school.id,
          schoolName: values.school.name,
          district: values.school.district,
          city: values.school.city,
          state: values.school.state,
          matchKey: values.school.matchKey,
          nominatorName: values.nominatorName,
          nominatorEmail: values.nominatorEmail,
          relationship: values.relationship,
          contactEmail: values.contactEmail,
          reason: values.reason,
          language,
          criterionIds: values.criterionIds,
          submissionKey,
          confirmTokenHash: createHash('sha256').update(token).digest('hex'),
          confirmExpiresAt: new Date(now.getTime() + CONFIRM_LIFETIME_MS),
          createdAt: now,
        })
        .returning({ id: nominations.id });
      if (!row) throw new Error('The nomination insert returned no row');
      for (const [index, item] of inspected.entries()) {
        const file = saved[index]!;
        await tx.insert(evidenceFiles).values({
          nominationId: row.id,
          originalName: item.safeName,
          storedName: file.storedName,
          kind: item.kind,
          contentType: item.contentType,
          sizeBytes: file.sizeBytes,
          sha256: file.sha256,
          createdAt: now,
        });
      }
      await enqueueMail(tx, mail, {
        to: values.nominatorEmail,
        template: 'nomination-confirm',
        language,
        data: {
          name: values.nominatorName,
          schoolName: values.school.name,
          cycleName: inLanguage(cycle, 'name', language),
          link: `${mail.baseUrl}/nominations/confirm/${token}`,
          fileCount: inspected.length,
        },
      });
    });
  } catch (error) {
    await discardUnreferenced(db, storage, stored);
    // The same form sent twice at the same moment: the other request stored it.
    if (submissionKey && isUniqueViolation(error, 'nominations_submission_key'))
      return { email: values.nominatorEmail, discarded: false };
    throw error;
  } finally {
    await Promise.all(files.map((f) => rm(f.path, { force: true })));
  }
  return { email: values.nominatorEmail, discarded: false };
}

async function nominationWithKey(db: Database, key: string) {
  const [row] = await db
    .select({ nominatorEmail: nominations.nominatorEmail, matchKey: nominations.matchKey })
    .from(nominations)
    .where(eq(nominations.submissionKey, key));
  return row;
}

export function displayNames(files: IncomingNominationFile[]): string[] {
  return files.map((f) => displayFileName(f.originalName));
}

export type ConfirmOutcome =
  { outcome: 'confirmed' | 'already'; schoolName: string } | { outcome: 'unknown' | 'expired' };

function tokenHash(token: string) {
  return createHash('sha256').update(token).digest('hex');
}

/** What the confirmation page shows before the nominator presses the button. */
export async function findNominationByToken(db: Database, token: string, now: Date) {
  if (token.length === 0 || token.length > 200) return { outcome: 'unknown' as const };
  const [row] = await db
    .select()
    .from(nominations)
    .where(eq(nominations.confirmTokenHash, tokenHash(token)));
  if (!row) return { outcome: 'unknown' as const };
  if (row.status !== 'unconfirmed') return { outcome: 'already' as const, schoolName: row.schoolName };
  if (row.confirmExpiresAt <= now) return { outcome: 'expired' as const };
  return { outcome: 'pending' as const, schoolName: row.schoolName, nominatorName: row.nominatorName };
}

/**
 * Confirms a nomination from its e-mailed link (a POST from the page the link opens, so a mail
 * scanner fetching the link confirms nothing). The first confirmation may invite the school.
 */
export async function confirmNomination(
  context: ServiceContext & { storage: EvidenceStore },
  { token }: { token: string },
): Promise<ConfirmOutcome> {
  const { db, clock } = context;
  const now = clock();
  const found = await findNominationByToken(db, token, now);
  if (found.outcome !== 'pending')
    return found.outcome === 'already'
      ? { outcome: 'already', schoolName: found.schoolName }
      : { outcome: found.outcome };
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(nominations)
      .set({ status: 'confirmed', confirmedAt: now })
      .where(and(eq(nominations.confirmTokenHash, tokenHash(token)), eq(nominations.status, 'unconfirmed')))
      .returning();
    if (!row) return { outcome: 'already', schoolName: found.schoolName };
    await onNominationConfirmed({ ...context, db: tx }, row);
    return { outcome: 'confirmed', schoolName: row.schoolName };
  });
}

/** Forgets nominations never confirmed within their week, with their files. */
export async function purgeUnconfirmedNominations(db: Database, storage: EvidenceStore, now: Date): Promise<number> {
  const expired = await db
    .select({ id: nominations.id })
    .from(nominations)
    .where(and(eq(nominations.status, 'unconfirmed'), lt(nominations.confirmExpiresAt, now)))
    .limit(1000);
  if (expired.length === 0) return 0;
  const ids = expired.map((e) => e.id);
  const files = await db
    .delete(evidenceFiles)
    .where(inArray(evidenceFiles.nominationId, ids))
    .returning({ storedName: evidenceFiles.storedName });
  await db.delete(nominations).where(inArray(nominations.id, ids));
  await Promise.all(files.map((f) => storage.remove(f.storedName)));
  return ids.length;
}
