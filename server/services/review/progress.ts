// How a review round is going, and reminders to reviewers who have not finished.
//
// A review is unfinished until it is submitted. Reminders speak only of assignments the reviewer
// has been told about (notifiedAt set): an assignment not yet e-mailed is the admin's to
// announce first. The automatic reminder goes out once per round, from reminderDaysBefore days
// before the due date until the due date (after it, reviews can no longer be changed); an admin
// can send one at any time before the due date. Extending the due date opens a new window.
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { reviewRounds, type AssignmentStatus } from '../../../models/schema.js';
import { rowsOf, type Database } from '../../db/client.js';
import { Invalid, NotFound } from '../../errors.js';
import { msg } from '../../i18n/translate.js';
import { enqueueMail } from '../../mail/outbox.js';
import { cycleTimeZone } from '../programs/time-zone.js';
import { reminderFrom } from './rounds.js';
import { APPLICATION_LANGUAGES, DEFAULT_LANGUAGES_READ } from './application-languages.js';
import type { ServiceContext } from '../../context.js';

export const PROGRESS_PAGE_SIZE = 50;
const DAY_MS = 24 * 60 * 60 * 1000;

const pageOf = <T>(rows: T[]) => ({
  rows: rows.slice(0, PROGRESS_PAGE_SIZE),
  hasMore: rows.length > PROGRESS_PAGE_SIZE,
});
const limits = (page: number) =>
  sql`limit ${PROGRESS_PAGE_SIZE + 1} offset ${(Math.max(1, page) - 1) * PROGRESS_PAGE_SIZE}`;

/** Per reviewer of the round: assigned, not started, draft and submitted reviews, and the maximum load. */
export async function reviewerProgress(db: Database, roundId: number, page: number) {
  const rows = rowsOf<{
    id: string | number;
    name: string;
    email: string;
    max_load: number;
    assigned: number;
    not_started: number;
    draft: number;
    submitted: number;
    unnotified: number;
    languages_read: string[] | null;
  }>(
    await db.execute(sql`
    select u.id, u.name, u.email, rr.max_load,
      (select p.languages_read from reviewer_profiles p where p.user_id = u.id) as languages_read,
      count(x.id)::int as assigned,
      (count(*) filter (where x.status = 'assigned'))::int as not_started,
      (count(*) filter (where x.status = 'draft'))::int as draft,
      (count(*) filter (where x.status = 'submitted'))::int as submitted,
      (count(*) filter (where x.id is not null and x.notified_at is null))::int as unnotified
    from round_reviewers rr
    join users u on u.id = rr.user_id
    left join assignments x on x.round_id = rr.round_id and x.reviewer_id = rr.user_id
    where rr.round_id = ${roundId}
    group by u.id, u.name, u.email, rr.max_load
    order by u.name, u.id
    ${limits(page)}`),
  );
  return pageOf(
    rows.map((r) => ({
      id: Number(r.id),
      name: r.name,
      email: r.email,
      maxLoad: r.max_load,
      assigned: r.assigned,
      notStarted: r.not_started,
      draft: r.draft,
      submitted: r.submitted,
      unnotified: r.unnotified,
      done: r.assigned > 0 && r.submitted === r.assigned,
      reads: r.languages_read ?? DEFAULT_LANGUAGES_READ,
    })),
  );
}

/** Per application of the round: reviewers expected (k), assigned and submitted. */
export async function applicationProgress(db: Database, roundId: number, page: number) {
  const rows = rowsOf<{
    id: string | number;
    school_name: string;
    status: string;
    k: number;
    assigned: number;
    draft: number;
    submitted: number;
    languages: string[] | null;
  }>(
    await db.execute(sql`
    select a.id, s.name as school_name, a.status, r.reviewers_per_application as k,
      ${APPLICATION_LANGUAGES} as languages,
      count(x.id)::int as assigned,
      (count(*) filter (where x.status = 'draft'))::int as draft,
      (count(*) filter (where x.status = 'submitted'))::int as submitted
    from round_applications ra
    join review_rounds r on r.id = ra.round_id
    join applications a on a.id = ra.application_id
    join schools s on s.id = a.school_id
    left join assignments x on x.round_id = ra.round_id and x.application_id = a.id
    where ra.round_id = ${roundId}
    group by a.id, s.name, a.status, r.reviewers_per_application
    order by a.id
    ${limits(page)}`),
  );
  return pageOf(
    rows.map((r) => ({
      id: Number(r.id),
      schoolName: r.school_name,
      eligible: r.status === 'eligible',
      k: r.k,
      assigned: r.assigned,
      draft: r.draft,
      submitted: r.submitted,
      short: r.status === 'eligible' && r.assigned < r.k,
      languages: r.languages ?? [],
    })),
  );
}

/** The round's totals, for the overview. */
export async function roundSummary(db: Database, roundId: number) {
  const [row] = rowsOf<{
    applications: number;
    reviewers: number;
    assignments: number;
    submitted: number;
    short: number;
    unnotified: number;
  }>(
    // The assignments are read twice (totals, and per application for "short"), not once per application.
    await db.execute(sql`
    with totals as (
      select count(*)::int as assignments,
        (count(*) filter (where x.status = 'submitted'))::int as submitted,
        (count(*) filter (where x.notified_at is null))::int as unnotified
      from assignments x where x.round_id = ${roundId}),
    per_application as (
      select x.application_id, count(*) as n from assignments x where x.round_id = ${roundId} group by x.application_id)
    select
      (select count(*)::int from round_applications ra join applications a on a.id = ra.application_id
        where ra.round_id = r.id and a.status = 'eligible') as applications,
      (select count(*)::int from round_reviewers rr where rr.round_id = r.id) as reviewers,
      t.assignments, t.submitted,
      (select count(*)::int from round_applications ra join applications a on a.id = ra.application_id
        left join per_application p on p.application_id = a.id
        where ra.round_id = r.id and a.status = 'eligible' and coalesce(p.n, 0) < r.reviewers_per_application) as short,
      t.unnotified
    from review_rounds r cross join totals t where r.id = ${roundId}`),
  );
  if (!row) throw new NotFound(msg('reviews.errors.noRound'));
  return row;
}

export interface ReminderResult {
  sent: number;
  /** Why nothing was sent, when nothing was. */
  skipped?: 'already-sent' | 'not-yet' | 'past-due' | 'nobody';
}

/**
 * Reminds every reviewer with unfinished reviews in the round, one e-mail each. Without
 * `force`, only once per round and only inside the reminder window; with it (an admin's
 * request), whenever the round is not past due.
 */
export async function sendReminders(
  { db, clock, mail }: ServiceContext & { mailQueued?: () => void },
  roundId: number,
  { force }: { force: boolean },
): Promise<ReminderResult> {
  return db.transaction(async (tx) => {
    const [round] = await tx.select().from(reviewRounds).where(eq(reviewRounds.id, roundId)).for('update');
    if (!round) throw new NotFound(msg('reviews.errors.noRound'));
    const now = clock();
    const windowOpen = now >= reminderFrom(round);
    if (now > round.dueAt) {
      if (force) throw new Invalid({ remind: msg('reviews.errors.pastDue') });
      return { sent: 0, skipped: 'past-due' };
    }
    if (!force && round.reminderSentAt) return { sent: 0, skipped: 'already-sent' };
    if (!force && !windowOpen) return { sent: 0, skipped: 'not-yet' };
    const rows = rowsOf<{
      reviewer_id: string | number;
      email: string;
      name: string;
      application_id: string | number;
      school_name: string;
      status: AssignmentStatus;
      blind: boolean;
      cycle_name: string;
      language: string | null;
    }>(
      await tx.execute(sql`
      select x.reviewer_id, u.email, u.name, u.language, x.application_id, s.name as school_name, x.status, c.blind_review as blind, c.name as cycle_name
      from assignments x
      join users u on u.id = x.reviewer_id
      join applications a on a.id = x.application_id
      join schools s on s.id = a.school_id
      join cycles c on c.id = a.cycle_id
      where x.round_id = ${roundId} and x.status <> 'submitted' and x.notified_at is not null
      order by x.reviewer_id, x.application_id`),
    );
    const byReviewer = new Map<number, typeof rows>();
    for (const row of rows)
      byReviewer.set(Number(row.reviewer_id), [...(byReviewer.get(Number(row.reviewer_id)) ?? []), row]);
    const daysLeft = Math.max(0, Math.ceil((round.dueAt.getTime() - now.getTime()) / DAY_MS));
    const zone = await cycleTimeZone(tx, round.cycleId);
    for (const list of byReviewer.values()) {
      const first = list[0]!;
      await enqueueMail(tx, mail, {
        to: first.email,
        ...(first.language ? { language: first.language } : {}),
        template: 'review-reminder',
        data: {
          name: first.name,
          roundName: round.name,
          cycleName: first.cycle_name,
          count: list.length,
          items: list.map((r) => ({
            number: Number(r.application_id),
            schoolName: r.blind ? undefined : r.school_name,
            state: msg(
              r.status === 'draft' ? 'emails.reviewReminder.state.draft' : 'emails.reviewReminder.state.assigned',
            ),
          })),
          dueDate: { at: round.dueAt, zone },
          daysLeft,
          link: `${mail.baseUrl}/reviews`,
        },
      });
    }
    if (byReviewer.size > 0 && windowOpen) {
      await tx.update(reviewRounds).set({ reminderSentAt: now }).where(eq(reviewRounds.id, roundId));
    }
    return byReviewer.size > 0 ? { sent: byReviewer.size } : { sent: 0, skipped: 'nobody' };
  });
}

/**
 * Sends the automatic reminders of every round whose window is open; for a timer. A round
 * failing does not stop the others; the first error is rethrown at the end for the log.
 */
export async function runDueReminders(
  context: ServiceContext & { mailQueued?: () => void },
): Promise<{ rounds: number; sent: number }> {
  const now = context.clock();
  const due = await context.db
    .select({ id: reviewRounds.id })
    .from(reviewRounds)
    .where(
      and(
        isNull(reviewRounds.reminderSentAt),
        gt(reviewRounds.dueAt, now),
        sql`${reviewRounds.dueAt} - make_interval(days => ${reviewRounds.reminderDaysBefore}) <= ${now.toISOString()}::timestamptz`,
      ),
    )
    .orderBy(reviewRounds.id);
  let sent = 0;
  let failure: unknown;
  for (const { id } of due) {
    try {
      sent += (await sendReminders(context, id, { force: false })).sent;
    } catch (error) {
      failure ??= error;
    }
  }
  if (sent > 0) context.mailQueued?.();
  if (failure) throw failure;
  return { rounds: due.length, sent };
}
