// The staff write one message to a group of people in a cycle, see how many it reaches and
// what it says, and send it through the outbox: one e-mail a person (by address), none to those
// who unsubscribed. The outbox rows point back to the message, so its page lists who got it.
//
// Languages: the staff's subject and words go out as they wrote them; the words around them
// (the greeting, the line saying what cycle it is about, the footer) are in each person's own
// language (their account's, or the one a nominator wrote in), through enqueueMail.
import { and, asc, desc, eq, sql, type SQL } from 'drizzle-orm';
import {
  cycles,
  MESSAGE_SEGMENTS,
  MESSAGE_SEGMENT_LABELS,
  outbox,
  programMessages,
  users,
  type MessageSegment,
} from '../../../models/schema.js';
import { rowsOf, type Database } from '../../db/client.js';
import { Invalid, NotFound, type FieldErrors } from '../../errors.js';
import { enqueueMail } from '../../mail/outbox.js';
import { recordAudit } from '../shared/audit.js';
import { checkText, text } from '../shared/form-input.js';
import { msg } from '../../i18n/translate.js';
import type { ServiceContext } from '../../context.js';

/** The most people one message may reach (the largest group of a national program, with room). */
export const MAX_RECIPIENTS = 50_000;
export const RECIPIENTS_PAGE_SIZE = 200;

export interface Recipient {
  email: string;
  name: string;
  /** The language they read: their account's choice, a nominator's nomination's; null: not known. */
  language: string | null;
}

/** Each group as one query: one row a person, by address, with the name to greet them by. */
function segmentQuery(segment: MessageSegment, cycleId: number): SQL {
  switch (segment) {
    case 'drafts':
    case 'submitted': {
      const statuses = segment === 'drafts' ? sql`('draft')` : sql`('submitted','eligible','ineligible')`;
      return sql`
        select distinct on (lower(u.email)) lower(u.email) as email, u.name, u.language
        from applications a
        join school_contacts sc on sc.school_id = a.school_id and sc.status = 'active'
        join users u on u.id = sc.user_id
        where a.cycle_id = ${cycleId} and a.status in ${statuses}
        order by lower(u.email), u.id`;
    }
    case 'unfinished_reviews':
      return sql`
        select distinct on (lower(u.email)) lower(u.email) as email, u.name, u.language
        from assignments x
        join review_rounds r on r.id = x.round_id
        join users u on u.id = x.reviewer_id
        where r.cycle_id = ${cycleId} and x.status <> 'submitted'
        order by lower(u.email), u.id`;
    case 'nominators_not_applied':
      return sql`
        select distinct on (lower(n.nominator_email)) lower(n.nominator_email) as email, n.nominator_name as name,
          coalesce((select u.language from users u where u.email = lower(n.nominator_email)), n.language) as language
        from nominations n
        where n.cycle_id = ${cycleId} and n.status = 'confirmed'
          and not exists (
            select 1 from applications a
            where a.id = n.application_id and a.status not in ('draft','withdrawn'))
        order by lower(n.nominator_email), n.id`;
    case 'reviewers':
      return sql`
        select distinct on (lower(u.email)) lower(u.email) as email, u.name, u.language
        from cycle_reviewers cr
        join users u on u.id = cr.user_id
        where cr.cycle_id = ${cycleId}
        order by lower(u.email), u.id`;
  }
}

export async function recipientsOf(db: Database, segment: MessageSegment, cycleId: number): Promise<Recipient[]> {
  return rowsOf<Recipient>(await db.execute(sql`${segmentQuery(segment, cycleId)} limit ${MAX_RECIPIENTS + 1}`));
}

/** How many people each group reaches now, for the form's choices. */
export async function segmentCounts(db: Database, cycleId: number): Promise<Record<MessageSegment, number>> {
  const counts = await Promise.all(
    MESSAGE_SEGMENTS.map(async (segment) => {
      const [row] = rowsOf<{ n: number }>(
        await db.execute(sql`select count(*)::int as n from (${segmentQuery(segment, cycleId)}) people`),
      );
      return [segment, Number(row?.n ?? 0)] as const;
    }),
  );
  return Object.fromEntries(counts) as Record<MessageSegment, number>;
}

export type MessageField = 'segment' | 'subject' | 'body';

export interface MessageDraft {
  segment: MessageSegment;
  subject: string;
  body: string;
  paragraphs: string[];
}

/** Checks a message as the staff wrote it. */
export function checkMessage(input: Partial<Record<MessageField, unknown>>): MessageDraft {
  const errors: FieldErrors = {};
  const segment = text(input.segment) as MessageSegment;
  if (!MESSAGE_SEGMENTS.includes(segment)) errors.segment = msg('messages.errors.segmentRequired');
  const subject = checkText(errors, 'subject', input.subject, { max: 150, singleLine: true });
  if (subject === '' && !errors.subject) errors.subject = msg('messages.errors.subjectRequired');
  const body = checkText(errors, 'body', input.body, { max: 10_000 });
  if (body === '' && !errors.body) errors.body = msg('messages.errors.bodyRequired');
  if (Object.keys(errors).length > 0) throw new Invalid(errors);
  const paragraphs = body
    .replace(/\r\n/g, '\n')
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean);
  return { segment, subject, body, paragraphs };
}

/** What the staff see before sending: the group, how many it reaches, and a few of them. */
export async function previewMessage(db: Database, cycleId: number, input: Partial<Record<MessageField, unknown>>) {
  const draft = checkMessage(input);
  const recipients = await recipientsOf(db, draft.segment, cycleId);
  return {
    draft,
    segmentLabel: MESSAGE_SEGMENT_LABELS[draft.segment],
    count: recipients.length,
    sample: recipients.slice(0, 5),
  };
}

/**
 * Sends the message to its group through the outbox, inside one transaction, if the group is
 * still the size the staff saw (`expected`). Returns the message and how many were queued
 * (those who unsubscribed are left out).
 */
export async function sendMessage(
  { db, clock, mail }: Pick<ServiceContext, 'db' | 'clock' | 'mail'>,
  input: { cycleId: number; adminId: number; expected: unknown } & Partial<Record<MessageField, unknown>>,
): Promise<{ messageId: number; queued: number; recipients: number }> {
  const draft = checkMessage(input);
  const [cycle] = await db.select().from(cycles).where(eq(cycles.id, input.cycleId));
  if (!cycle) throw new NotFound(msg('messages.errors.noSuchCycle'));
  return db.transaction(async (tx) => {
    const recipients = await recipientsOf(tx, draft.segment, cycle.id);
    if (String(recipients.length) !== String(input.expected)) {
      throw new Invalid({ expected: msg('messages.errors.groupChanged', { count: recipients.length }) });
    }
    if (recipients.length === 0) throw new Invalid({ segment: msg('messages.errors.nobody') });
    if (recipients.length > MAX_RECIPIENTS) {
      throw new Invalid({ segment: msg('messages.errors.tooMany', { max: MAX_RECIPIENTS }) });
    }
    const [message] = await tx
      .insert(programMessages)
      .values({
        cycleId: cycle.id,
        segment: draft.segment,
        subject: draft.subject,
        body: draft.body,
        sentBy: input.adminId,
        sentAt: clock(),
        recipients: recipients.length,
      })
      .returning();
    let queued = 0;
    for (const person of recipients) {
      const id = await enqueueMail(
        tx,
        mail,
        {
          to: person.email,
          language: person.language ?? undefined,
          template: 'program-message',
          data: { name: person.name, subject: draft.subject, paragraphs: draft.paragraphs, cycleName: cycle.name },
        },
        { programMessageId: message!.id },
      );
      if (id !== undefined) queued += 1;
    }
    await recordAudit(tx, clock, {
      actorId: input.adminId,
      action: 'message.send',
      subjectType: 'cycle',
      subjectId: cycle.id,
      summary: msg('audit.messages.sent', {
        subject: draft.subject,
        segment: draft.segment,
        cycle: cycle.name,
        queued,
      }),
      details: { messageId: message!.id, segment: draft.segment, recipients: recipients.length, queued },
    });
    return { messageId: message!.id, queued, recipients: recipients.length };
  });
}

/** The messages sent in a cycle, newest first, with who sent them. */
export async function messageLog(db: Database, cycleId: number) {
  const rows = await db
    .select({ message: programMessages, senderName: users.name })
    .from(programMessages)
    .leftJoin(users, eq(users.id, programMessages.sentBy))
    .where(eq(programMessages.cycleId, cycleId))
    .orderBy(desc(programMessages.sentAt), desc(programMessages.id))
    .limit(100);
  return rows.map((r) => ({
    ...r.message,
    senderName: r.senderName,
    segmentLabel: MESSAGE_SEGMENT_LABELS[r.message.segment],
  }));
}

/** One sent message and whom it went to (from the outbox), a page at a time by address. */
export async function sentMessage(db: Database, { messageId, page }: { messageId: number; page: number }) {
  const [row] = await db
    .select({ message: programMessages, senderName: users.name })
    .from(programMessages)
    .leftJoin(users, eq(users.id, programMessages.sentBy))
    .where(eq(programMessages.id, messageId));
  if (!row) throw new NotFound(msg('messages.errors.noSuchMessage'));
  const copies = await db
    .select({
      id: outbox.id,
      to: outbox.toAddress,
      status: outbox.status,
      sentAt: outbox.sentAt,
      language: outbox.language,
    })
    .from(outbox)
    .where(and(eq(outbox.programMessageId, messageId)))
    .orderBy(asc(outbox.toAddress))
    .limit(RECIPIENTS_PAGE_SIZE + 1)
    .offset((page - 1) * RECIPIENTS_PAGE_SIZE);
  return {
    ...row.message,
    senderName: row.senderName,
    segmentLabel: MESSAGE_SEGMENT_LABELS[row.message.segment],
    paragraphs: row.message.body.split(/\r?\n\s*\r?\n/).filter((p) => p.trim() !== ''),
    copies: copies.slice(0, RECIPIENTS_PAGE_SIZE),
    hasMore: copies.length > RECIPIENTS_PAGE_SIZE,
  };
}
