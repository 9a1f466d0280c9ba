// The audit log of admin acts. Call recordAudit inside the transaction of the act it records,
// so the log never claims something that was rolled back.
//
// An entry's summary is a Message: its English words go in the `summary` column (for search, logs
// and readers that know no better), the message itself in details.summaryMessage, so the log's
// page writes each entry in its reader's language. Entries from before keep only their English.
import { and, desc, eq, lt, sql, type SQL } from 'drizzle-orm';
import { auditLog, users } from '../../../models/schema.js';
import type { Clock } from '../../clock.js';
import { rowsOf, type Database } from '../../db/client.js';
import { isMessage, isMoment, textIn, type Message, type Values } from '../../i18n/translate.js';

export interface AuditEntry {
  actorId: number | null;
  action: string;
  subjectType: string;
  subjectId: string | number;
  /** A Message; a string only for words that are already final (written in no reader's language). */
  summary: Message | string;
  details?: Record<string, unknown>;
}

/** The key of details under which an entry keeps its summary as a message. */
export const SUMMARY_MESSAGE = 'summaryMessage';

export async function recordAudit(db: Database, clock: Clock, entry: AuditEntry): Promise<void> {
  const details = { ...entry.details };
  if (isMessage(entry.summary)) details[SUMMARY_MESSAGE] = storedMessage(entry.summary);
  await db.insert(auditLog).values({
    actorId: entry.actorId,
    action: entry.action,
    subjectType: entry.subjectType,
    subjectId: String(entry.subjectId),
    summary: textIn('en', entry.summary).slice(0, 500),
    details,
    createdAt: clock(),
  });
}

/** A message as JSON keeps it: a moment's Date as its ISO string, a nested message likewise. */
function storedMessage(message: Message): { key: string; values?: Values } {
  if (!message.values) return { key: message.key };
  const values = Object.fromEntries(
    Object.entries(message.values).map(([name, value]) => [
      name,
      isMessage(value)
        ? storedMessage(value)
        : isMoment(value)
          ? { at: value.at.toISOString(), zone: value.zone }
          : value,
    ]),
  );
  return { key: message.key, values };
}

/** A stored message back as one: `{ at: ISO string, zone }` a moment again; anything else undefined. */
function revivedMessage(stored: unknown): Message | undefined {
  if (!isMessage(stored)) return undefined;
  if (typeof stored.values !== 'object' || stored.values === null) return { key: stored.key };
  const values = Object.fromEntries(
    Object.entries(stored.values).map(([name, value]) => [
      name,
      isStoredMoment(value)
        ? { at: new Date(value.at), zone: value.zone }
        : isMessage(value)
          ? (revivedMessage(value) ?? value)
          : value,
    ]),
  );
  return { key: stored.key, values };
}

function isStoredMoment(value: unknown): value is { at: string; zone: string } {
  if (typeof value !== 'object' || value === null) return false;
  const { at, zone } = value as { at?: unknown; zone?: unknown };
  return typeof at === 'string' && typeof zone === 'string' && !Number.isNaN(Date.parse(at));
}

/** The summary of an audit row as a Message, or undefined for a row written before summaries were messages. */
export function messageOf(row: { details?: Record<string, unknown> | null }): Message | undefined {
  return revivedMessage(row.details?.[SUMMARY_MESSAGE]);
}

/** An entry's summary in `lang`: its message when it has one, else the English it was stored in. */
export function summaryIn(lang: string, row: { summary: string; details?: Record<string, unknown> | null }): string {
  const message = messageOf(row);
  if (!message) return row.summary;
  try {
    return textIn(lang, message);
  } catch {
    // A key renamed or removed since, or a message that now wants a value the entry lacks:
    // the entry keeps its words as written rather than take the page down.
    return row.summary;
  }
}

export const AUDIT_PAGE_SIZE = 50;

/** Newest first, keyset-paginated by id; optionally one kind of action. Summaries in `lang`. */
export async function listAudit(
  db: Database,
  { before, action, lang }: { before?: number; action?: string; lang: string },
) {
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
      // Only the message of details: the rest (lists of ids, before and after) is not shown.
      summaryMessage: sql<unknown>`${auditLog.details} -> 'summaryMessage'`.mapWith(auditLog.details),
      createdAt: auditLog.createdAt,
      actorName: users.name,
      actorEmail: users.email,
    })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorId))
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(desc(auditLog.id))
    .limit(AUDIT_PAGE_SIZE + 1);
  const page = rows.slice(0, AUDIT_PAGE_SIZE).map(({ summaryMessage, ...row }) => ({
    ...row,
    summary: summaryIn(lang, { summary: row.summary, details: { [SUMMARY_MESSAGE]: summaryMessage } }),
  }));
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
