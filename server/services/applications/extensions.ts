// A later deadline for one school, given by the staff with a reason (kept in the audit log):
// until it passes, that school alone may change, submit, withdraw and reopen its application.
import { eq } from 'drizzle-orm';
import { applications, cycles, programs, schools } from '../../../models/schema.js';
import { Forbidden, Invalid, NotFound, type FieldErrors } from '../../errors.js';
import { msg } from '../../i18n/translate.js';
import { recordAudit } from '../shared/audit.js';
import { text } from '../shared/form-input.js';
import { zonedTime } from '../../time.js';
import { applicationsCloseAt } from '../programs/phase.js';
import type { ServiceContext } from '../../context.js';
import type { Database } from '../../db/client.js';

const REASON_MAX = 500;
/** Statuses a deadline still means something to: not yet screened. */
const EXTENDABLE = ['draft', 'submitted', 'withdrawn'];

export type ExtensionField = 'day' | 'time' | 'reason';

/** The application, its school and its cycle's deadline, for the extension form. */
export async function extensionTarget(db: Database, applicationId: number) {
  const [row] = await db
    .select({ application: applications, cycle: cycles, schoolName: schools.name, zone: programs.timeZone })
    .from(applications)
    .innerJoin(cycles, eq(cycles.id, applications.cycleId))
    .innerJoin(programs, eq(programs.id, cycles.programId))
    .innerJoin(schools, eq(schools.id, applications.schoolId))
    .where(eq(applications.id, applicationId));
  if (!row) throw new NotFound(msg('applications.errors.notFound'));
  return { ...row, cycleDeadline: applicationsCloseAt(row.cycle) };
}

export async function extendDeadline(
  { db, clock }: Pick<ServiceContext, 'db' | 'clock'>,
  input: { applicationId: number; adminId: number; day: unknown; time: unknown; reason: unknown },
): Promise<Date> {
  const target = await extensionTarget(db, input.applicationId);
  const { application, cycle, zone } = target;
  if (cycle.publishedAt) throw new Forbidden(msg('applications.errors.extendPublished'));
  if (!EXTENDABLE.includes(application.status)) {
    throw new Forbidden(msg('applications.errors.extendScreened'));
  }
  const errors: FieldErrors = {};
  const day = text(input.day);
  const time = text(input.time) || '23:59';
  const reason = text(input.reason);
  const at =
    /^\d{4}-\d{2}-\d{2}$/.test(day) && /^([01]\d|2[0-3]):[0-5]\d$/.test(time)
      ? zonedTime(day, `${time}:59`, zone)
      : undefined;
  if (!at) errors.day = msg('applications.errors.extendDay');
  else if (at <= target.cycleDeadline) {
    errors.day = msg('applications.errors.extendAfter', { deadline: { at: target.cycleDeadline, zone } });
  } else if (at <= clock()) errors.day = msg('applications.errors.extendFuture');
  if (reason === '') errors.reason = msg('applications.errors.extendReason');
  else if (reason.length > REASON_MAX) errors.reason = msg('forms.tooLong', { max: REASON_MAX });
  if (Object.keys(errors).length > 0 || !at) throw new Invalid(errors);
  await db.transaction(async (tx) => {
    await tx
      .update(applications)
      .set({ deadlineExtendedTo: at, updatedAt: clock() })
      .where(eq(applications.id, application.id));
    await recordAudit(tx, clock, {
      actorId: input.adminId,
      action: 'application.extend_deadline',
      subjectType: 'application',
      subjectId: application.id,
      summary: msg('audit.applications.deadlineExtended', {
        school: target.schoolName,
        cycle: cycle.name,
        deadline: { at, zone },
        reason,
      }),
      details: { cycleId: cycle.id, deadline: at.toISOString(), previous: application.deadlineExtendedTo, reason },
    });
  });
  return at;
}
