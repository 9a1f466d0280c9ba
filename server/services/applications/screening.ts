// Eligibility screening by admins. Every submitted application waits here for an admin, whether
// an automatic rule failed or not: clean ones may be marked eligible together. An eligible
// application joins review round 1 at once; one found not eligible loses any decision it had,
// and its school is told why when the cycle is published.
import { and, asc, desc, eq, ne, sql, type SQL } from 'drizzle-orm';
import {
  applicationAnswers,
  applications,
  cycles,
  decisions,
  schools,
  type ApplicationStatus,
} from '../../../models/schema.js';
import { joinFirstRound } from '../review/rounds.js';
import { msg } from '../../i18n/translate.js';
import type { Database } from '../../db/client.js';
import { Forbidden, Invalid, NotFound, type FieldErrors } from '../../errors.js';
import { recordAudit } from '../shared/audit.js';
import type { ServiceContext } from '../../context.js';

export const ADMIN_PAGE_SIZE = 50;

export interface ApplicationFilters {
  cycleId?: number;
  status?: ApplicationStatus;
  state?: string;
  /** Only applications waiting for screening (submitted, not yet screened). */
  needsScreening?: boolean;
  page: number;
}

export async function listApplicationsForAdmin(db: Database, filters: ApplicationFilters) {
  const conditions: SQL[] = [];
  if (filters.cycleId) conditions.push(eq(applications.cycleId, filters.cycleId));
  if (filters.status) conditions.push(eq(applications.status, filters.status));
  if (filters.state) conditions.push(eq(schools.state, filters.state));
  if (filters.needsScreening) conditions.push(eq(applications.status, 'submitted'));
  const rows = await db
    .select({
      id: applications.id,
      status: applications.status,
      flagCount: sql<number>`jsonb_array_length(${applications.screeningFlags})`,
      submittedAt: applications.submittedAt,
      schoolName: schools.name,
      city: schools.city,
      state: schools.state,
      cycleName: cycles.name,
    })
    .from(applications)
    .innerJoin(schools, eq(schools.id, applications.schoolId))
    .innerJoin(cycles, eq(cycles.id, applications.cycleId))
    .where(conditions.length > 0 ? and(...conditions) : undefined)
    // In the screening queue, those with a failed rule first: they need reading.
    .orderBy(
      ...(filters.needsScreening ? [desc(sql`jsonb_array_length(${applications.screeningFlags})`)] : []),
      desc(applications.submittedAt),
      asc(applications.id),
    )
    .limit(ADMIN_PAGE_SIZE + 1)
    .offset((filters.page - 1) * ADMIN_PAGE_SIZE);
  return { rows: rows.slice(0, ADMIN_PAGE_SIZE), hasMore: rows.length > ADMIN_PAGE_SIZE };
}

export const SCREENABLE: ApplicationStatus[] = ['submitted', 'eligible', 'ineligible'];

/**
 * Confirms an application eligible or ineligible. Ineligible needs a reason; so does eligible
 * when an automatic rule failed (the admin is overriding it).
 */
export async function screenApplication(
  { db, clock }: Pick<ServiceContext, 'db' | 'clock'>,
  {
    applicationId,
    adminId,
    decision,
    reason,
  }: { applicationId: number; adminId: number; decision: unknown; reason: unknown },
): Promise<void> {
  const [row] = await db
    .select({ application: applications, cycle: cycles })
    .from(applications)
    .innerJoin(cycles, eq(cycles.id, applications.cycleId))
    .where(eq(applications.id, applicationId));
  if (!row) throw new NotFound(msg('screening.errors.notFound'));
  const { application, cycle } = row;
  if (!SCREENABLE.includes(application.status)) {
    throw new Forbidden(msg('screening.errors.notScreenable'));
  }
  if (cycle.publishedAt) throw new Forbidden(msg('screening.errors.published'));
  const text = typeof reason === 'string' ? reason.trim() : '';
  const errors: FieldErrors = {};
  if (decision !== 'eligible' && decision !== 'ineligible') errors.decision = msg('screening.errors.chooseDecision');
  if (decision === 'ineligible' && text === '') errors.reason = msg('screening.errors.reasonIneligible');
  if (decision === 'eligible' && application.screeningFlags.length > 0 && text === '') {
    errors.reason = msg('screening.errors.reasonOverride');
  }
  if (text.length > 2000) errors.reason = msg('screening.errors.reasonTooLong');
  if (Object.keys(errors).length > 0) throw new Invalid(errors);
  const now = clock();
  await db.transaction(async (tx) => {
    // A school found not eligible cannot keep a Gold, Silver or "not selected" decision.
    const dropped =
      decision === 'ineligible'
        ? await tx
            .delete(decisions)
            .where(eq(decisions.applicationId, applicationId))
            .returning({ level: decisions.level })
        : [];
    await recordAudit(tx, clock, {
      actorId: adminId,
      action: 'application.screen',
      subjectType: 'application',
      subjectId: applicationId,
      summary: msg('audit.applications.screened', {
        application: applicationId,
        decision,
        dropped: dropped[0]?.level ?? 'none',
      }),
      details: { reason: text, flags: application.screeningFlags.length, droppedDecision: dropped[0]?.level ?? null },
    });
    await tx
      .update(applications)
      .set({
        status: decision as 'eligible' | 'ineligible',
        screeningReason: text === '' ? null : text,
        screenedBy: adminId,
        screenedAt: now,
        updatedAt: now,
      })
      .where(eq(applications.id, applicationId));
    if (decision === 'eligible')
      await joinFirstRound(tx, { cycleId: application.cycleId, applicationIds: [applicationId] });
  });
}

/** Submitted applications of a cycle that no automatic rule flagged, still waiting for an admin. */
export async function cleanUnscreenedCount(db: Database, cycleId: number): Promise<number> {
  const [row] = await db
    .select({ count: sql<number>`count(*)::int` })
    .from(applications)
    .where(
      and(
        eq(applications.cycleId, cycleId),
        eq(applications.status, 'submitted'),
        sql`jsonb_array_length(${applications.screeningFlags}) = 0`,
      ),
    );
  return Number(row?.count ?? 0);
}

/**
 * Marks every clean submitted application of the cycle eligible in one act. `expected` is the
 * count the admin confirmed; if it changed meanwhile (a new submission), nothing happens.
 */
export async function markCleanEligible(
  { db, clock }: Pick<ServiceContext, 'db' | 'clock'>,
  { cycleId, adminId, expected }: { cycleId: number; adminId: number; expected: unknown },
): Promise<number> {
  return db.transaction(async (tx) => {
    const [cycle] = await tx.select().from(cycles).where(eq(cycles.id, cycleId)).for('update');
    if (!cycle) throw new NotFound(msg('screening.errors.cycleNotFound'));
    if (cycle.publishedAt) throw new Forbidden(msg('screening.errors.published'));
    const now = clock();
    const marked = await tx
      .update(applications)
      .set({ status: 'eligible', screeningReason: null, screenedBy: adminId, screenedAt: now, updatedAt: now })
      .where(
        and(
          eq(applications.cycleId, cycleId),
          eq(applications.status, 'submitted'),
          sql`jsonb_array_length(${applications.screeningFlags}) = 0`,
        ),
      )
      .returning({ id: applications.id });
    if (String(marked.length) !== String(expected)) {
      // Thrown inside the transaction, so the update above is rolled back.
      throw new Invalid({
        expected: msg('screening.errors.countChanged', { count: marked.length }),
      });
    }
    if (marked.length === 0) return 0;
    const ids = marked.map((m) => m.id);
    await joinFirstRound(tx, { cycleId, applicationIds: ids });
    await recordAudit(tx, clock, {
      actorId: adminId,
      action: 'application.screen_bulk',
      subjectType: 'cycle',
      subjectId: cycleId,
      summary: msg('audit.applications.screenedTogether', { count: ids.length, cycle: cycle.name }),
      details: { applicationIds: ids },
    });
    return ids.length;
  });
}

/** The languages of an application's written answers (empty ones aside), as their authors said: ['en', 'es']. */
export async function answerLanguages(db: Database, applicationId: number): Promise<string[]> {
  const rows = await db
    .selectDistinct({ language: applicationAnswers.language })
    .from(applicationAnswers)
    .where(and(eq(applicationAnswers.applicationId, applicationId), ne(applicationAnswers.answer, '')))
    .orderBy(asc(applicationAnswers.language));
  return rows.map((r) => r.language);
}
