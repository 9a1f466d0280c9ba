// Closing a cycle's applications before their deadline: a confirmed act of an admin, when every
// school that meant to apply has, and the staff want to start screening and review. Drafts stay
// drafts (they can no longer be submitted), nominations stop with applications, and the cycle
// moves to "applications closed". Publishing closes a cycle the same way (publishing.ts).
import { and, eq, sql } from 'drizzle-orm';
import { applications, cycles } from '../../../models/schema.js';
import { NotFound } from '../../errors.js';
import { msg } from '../../i18n/translate.js';
import type { ServiceContext } from '../../context.js';
import { recordAudit } from '../shared/audit.js';
import { requirePhase } from './phase.js';

/** How many applications closing now would leave unsubmitted, for the confirmation. */
export async function draftsLeftBehind(db: ServiceContext['db'], cycleId: number): Promise<number> {
  const [row] = await db
    .select({ count: sql<number>`count(*)::int` })
    .from(applications)
    .where(and(eq(applications.cycleId, cycleId), eq(applications.status, 'draft')));
  return Number(row?.count ?? 0);
}

export async function closeApplications(
  { db, clock }: Pick<ServiceContext, 'db' | 'clock'>,
  { cycleId, adminId }: { cycleId: number; adminId: number },
): Promise<{ drafts: number }> {
  return db.transaction(async (tx) => {
    const [cycle] = await tx.select().from(cycles).where(eq(cycles.id, cycleId)).for('update');
    if (!cycle) throw new NotFound(msg('cycles.errors.closeNotFound'));
    const now = clock();
    await requirePhase(tx, cycle, now, ['open'], msg('programs.phaseThen.closeEarly'));
    const drafts = await draftsLeftBehind(tx, cycleId);
    await tx.update(cycles).set({ closedAt: now }).where(eq(cycles.id, cycleId));
    await recordAudit(tx, clock, {
      actorId: adminId,
      action: 'cycle.close',
      subjectType: 'cycle',
      subjectId: cycleId,
      summary: msg('audit.cycles.closed', { cycle: cycle.name, drafts }),
      details: { drafts, deadline: cycle.applicationsCloseAt.toISOString() },
    });
    return { drafts };
  });
}
