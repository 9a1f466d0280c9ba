// Reminders to schools whose application is still a draft, a number of days before the deadline
// set on the cycle (none unless the admins set one). One reminder per application and deadline:
// extending the deadline earns another; a submitted application gets none. Safe on every
// instance at once: the applications are locked, and the ones another instance holds skipped.
import { sql } from 'drizzle-orm';
import { rowsOf } from '../../db/client.js';
import { enqueueMail } from '../../mail/outbox.js';
import type { ServiceContext } from '../../context.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Applications reminded in one run; the next run takes the rest. */
const BATCH = 500;

interface DueDraft {
  application_id: string | number;
  school_id: string | number;
  school_name: string;
  cycle_name: string;
  closes_at: string | Date;
  zone: string;
}

/** Queues the reminders due now; returns how many e-mails were queued. */
export async function runDraftReminders(context: ServiceContext & { mailQueued?: () => void }): Promise<number> {
  const { db, clock, mail } = context;
  const now = clock().toISOString();
  const sent = await db.transaction(async (tx) => {
    // The school's own deadline: the cycle's (or its early close), or a later one it was given.
    const closesAt = sql`greatest(least(c.applications_close_at, coalesce(c.closed_at, c.applications_close_at)), coalesce(a.deadline_extended_to, '-infinity'::timestamptz))`;
    const due = rowsOf<DueDraft>(
      await tx.execute(sql`
        select a.id as application_id, a.school_id, s.name as school_name, c.name as cycle_name,
               ${closesAt} as closes_at, p.time_zone as zone
        from applications a
        join cycles c on c.id = a.cycle_id
        join programs p on p.id = c.program_id
        join schools s on s.id = a.school_id
        where a.status = 'draft'
          and c.draft_reminder_days is not null
          and c.published_at is null
          and c.opens_at <= ${now}::timestamptz
          and ${closesAt} > ${now}::timestamptz
          and ${closesAt} - make_interval(days => c.draft_reminder_days) <= ${now}::timestamptz
          and a.draft_reminded_for is distinct from ${closesAt}
        order by a.id
        limit ${BATCH}
        for update of a skip locked`),
    );
    if (due.length === 0) return 0;
    const schoolIds = [...new Set(due.map((d) => Number(d.school_id)))];
    const contacts = rowsOf<{ school_id: string | number; email: string; name: string }>(
      await tx.execute(sql`
        select sc.school_id, u.email, u.name from school_contacts sc join users u on u.id = sc.user_id
        where sc.status = 'active' and sc.school_id = any(${`{${schoolIds.join(',')}}`}::bigint[])
        order by sc.school_id, u.id`),
    );
    let queued = 0;
    for (const draft of due) {
      const closes = new Date(draft.closes_at);
      const daysLeft = Math.max(1, Math.ceil((closes.getTime() - clock().getTime()) / DAY_MS));
      for (const contact of contacts.filter((c) => Number(c.school_id) === Number(draft.school_id))) {
        await enqueueMail(tx, mail, {
          to: contact.email,
          template: 'draft-reminder',
          data: {
            name: contact.name,
            schoolName: draft.school_name,
            cycleName: draft.cycle_name,
            deadline: { at: closes, zone: draft.zone },
            daysLeft,
            link: `${mail.baseUrl}/applications/${Number(draft.application_id)}`,
          },
        });
        queued += 1;
      }
    }
    // Each is marked with the deadline it was reminded of, whether or not it had a contact to tell.
    const ids = `{${due.map((d) => Number(d.application_id)).join(',')}}`;
    await tx.execute(sql`
      update applications a set draft_reminded_for = ${closesAt}
      from cycles c where c.id = a.cycle_id and a.id = any(${ids}::bigint[])`);
    return queued;
  });
  if (sent > 0) context.mailQueued?.();
  return sent;
}
