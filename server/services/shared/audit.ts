// The audit log of admin acts. Call recordAudit inside the transaction of the act it records,
// so the log never claims something that was rolled back.
import { and, desc, eq, lt, sql, type SQL } from 'drizzle-orm';
import { auditLog, users } from '../../../models/schema.js';
import type { Clock } from '../../clock.js';
import { rowsOf, type Database } from '../../db/client.js';

export interface AuditEntry {
  actorId: number | null;
  action: string;
  subjectType: string;
  subjectId: string | number;
  summary: string;
  details?: Record<string, unknown>;
}

export async function recordAudit(db: Database, clock: Clock, entry: AuditEntry): Promise<void> {
  await db.insert(auditLog).values({
    actorId: entry.actorId,
    action: entry.action,
    subjectType: entry.subjectType,
    subjectId: String(entry.subjectId),
    summary: entry.summary.slice(0, 500),
    details: entry.details ?? {},
    createdAt: clock(),
  });
}

export const AUDIT_PAGE_SIZE = 50;

/** Newest first, keyset-paginated by id; optionally one kind of action. */
export async function listAudit(db: Database, { before, action }: { before?: number; action?: string }) {
  const conditions: SQL[] = [];
  if (before) conditions.push(lt(auditLog.id, before));
  if (action) conditions.push(eq(auditLog.action, action));
  const rows = await db
    .select({
      id: auditLog.id,
      action: auditLog.action,
      subjectType: auditLog.subjectType,
      subjectId: auditLog.subjectId,
      summary: auditLog.summary,
      createdAt: auditLog.createdAt,
      actorName: users.name,
      actorEmail: users.email,
    })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorId))
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(desc(auditLog.id))
    .limit(AUDIT_PAGE_SIZE + 1);
  const page = rows.slice(0, AUDIT_PAGE_SIZE);
  return { entries: page, nextBefore: rows.length > AUDIT_PAGE_SIZE ? page[page.length - 1]?.id : undefined };
}

/** The actions recorded in the audit log, for the filter of its page. */
export async function auditActionNames(db: Database): Promise<string[]> {
  // A hop through audit_log_action_idx per kind of act, not a read of the whole log (which only grows).
  const rows = rowsOf<{ action: string }>(
    await db.execute(sql`
      with recursive kinds as (
        select min(action) as action from audit_log
        union all
        select (select min(l.action) from audit_log l where l.action > kinds.action) from kinds where kinds.action is not null)
      select action from kinds where action is not null order by action`),
  );
  return rows.map((r) => r.action);
}
