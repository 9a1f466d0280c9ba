// Eligibility screening by admins.
import { and, asc, desc, eq, sql, type SQL } from 'drizzle-orm';
import { applications, cycles, schools, type ApplicationStatus } from '../../../models/schema.js';
import type { Database } from '../../db/client.js';
import { Forbidden, Invalid, NotFound, type FieldErrors } from '../../errors.js';
import { recordAudit } from '../shared/audit.js';
import type { ServiceContext } from '../../context.js';

export const ADMIN_PAGE_SIZE = 50;

export interface ApplicationFilters {
  cycleId?: number;
  status?: ApplicationStatus;
  state?: string;
  /** Only submitted applications that failed an automatic rule. */
  needsScreening?: boolean;
  page: number;
}

export async function listApplicationsForAdmin(db: Database, filters: ApplicationFilters) {
  const conditions: SQL[] = [];
  if (filters.cycleId) conditions.push(eq(applications.cycleId, filters.cycleId));
  if (filters.status) conditions.push(eq(applications.status, filters.status));
  if (filters.state) conditions.push(eq(schools.state, filters.state));
  if (filters.needsScreening) {
    conditions.push(
      sql`${applications.status} = 'submitted' and jsonb_array_length(${applications.screeningFlags}) > 0`,
    );
  }
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
    .orderBy(desc(applications.submittedAt), asc(applications.id))
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
  const [application] = await db.select().from(applications).where(eq(applications.id, applicationId));
  if (!application) throw new NotFound('We could not find that application.');
  if (!SCREENABLE.includes(application.status)) {
    throw new Forbidden('Only submitted applications can be screened.');
  }
  const text = typeof reason === 'string' ? reason.trim() : '';
  const errors: FieldErrors = {};
  if (decision !== 'eligible' && decision !== 'ineligible') errors.decision = 'Choose eligible or not eligible.';
  if (decision === 'ineligible' && text === '')
    errors.reason = 'Say why the school is not eligible; the school may be told.';
  if (decision === 'eligible' && application.screeningFlags.length > 0 && text === '') {
    errors.reason = 'An automatic rule failed: say why the school is eligible anyway.';
  }
  if (text.length > 2000) errors.reason = 'Use at most 2,000 characters.';
  if (Object.keys(errors).length > 0) throw new Invalid(errors);
  const now = clock();
  await db.transaction(async (tx) => {
    await recordAudit(tx, clock, {
      actorId: adminId,
      action: 'application.screen',
      subjectType: 'application',
      subjectId: applicationId,
      summary: `Marked application ${applicationId} ${decision === 'eligible' ? 'eligible' : 'not eligible'}`,
      details: { reason: text, flags: application.screeningFlags.length },
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
  });
}
