// Who may act for a school. A contact can read and change the school's applications and its
// profile, so becoming one is guarded: creating a new school makes you its contact; joining an
// existing one is a request that one of its active contacts or an admin approves, unless your
// e-mail domain is the school website's (its contacts are told) or an admin sent you the
// invitation you accepted. A declined or removed person stays recorded as such, so asking again,
// the domain rule or an old invitation cannot bring them back: only an admin can.
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { schoolContacts, schools, users, type ContactStatus, type School } from '../../../models/schema.js';
import type { Database } from '../../db/client.js';
import { NotFound, TooManyRequests } from '../../errors.js';
import { msg, type Message } from '../../i18n/translate.js';
import { enqueueMail } from '../../mail/outbox.js';
import { recordAudit } from '../shared/audit.js';
import { PUBLIC_MAIL_DOMAINS } from '../shared/mail-domains.js';
import { takeRateLimitSlot } from '../shared/rate-limit.js';
import type { ServiceContext } from '../../context.js';

/** Admins e-mailed about one request; the rest see it in the admins' queue. */
const ADMINS_EMAILED = 20;
/** New requests one person may make in a day: enough for a teacher at two schools, not for a flood of mail. */
const REQUESTS_PER_DAY = 5;
const DAY_MS = 24 * 60 * 60 * 1000;

function websiteDomain(website: string): string | undefined {
  try {
    return new URL(website).hostname.toLowerCase().replace(/^www\./, '');
  } catch {
    return undefined;
  }
}

/**
 * True when the address is at the school website's domain (or a subdomain of it). A website on a
 * public mail service's domain proves nothing about who works at the school.
 */
export function emailMatchesSchoolDomain(email: string, website: string): boolean {
  const domain = websiteDomain(website);
  const emailDomain = email.split('@')[1]?.toLowerCase();
  if (!domain || !domain.includes('.') || !emailDomain || PUBLIC_MAIL_DOMAINS.includes(domain)) return false;
  return emailDomain === domain || emailDomain.endsWith(`.${domain}`);
}

/** active: acts for the school now; pending: asked, waiting; refused: declined or removed before. */
export type JoinOutcome = 'active' | 'pending' | 'refused';

/**
 * Asks for `user` to become a contact of an existing school. Granted at once when `vouched` (an
 * admin invited this very address) or the address is at the school's web domain; otherwise a
 * pending request, e-mailed to the school's active contacts and to the admins. Asking again
 * changes nothing and sends nothing; someone declined or removed is refused.
 */
export async function requestToJoinSchool(
  { db, clock, mail }: ServiceContext,
  { schoolId, user, vouched = false }: { schoolId: number; user: { id: number; email: string }; vouched?: boolean },
): Promise<JoinOutcome> {
  const [asked] = await db
    .select({ status: schoolContacts.status })
    .from(schoolContacts)
    .where(and(eq(schoolContacts.schoolId, schoolId), eq(schoolContacts.userId, user.id)));
  if (!asked) {
    // Counted outside the transaction below, which a refusal would otherwise roll back.
    const slot = await takeRateLimitSlot(db, {
      key: `contact-request:user:${user.id}`,
      limit: REQUESTS_PER_DAY,
      windowMs: DAY_MS,
      clock,
    });
    if (!slot.allowed) {
      throw new TooManyRequests(msg('schools.join.tooMany', { count: REQUESTS_PER_DAY }), slot.retryAfterSeconds);
    }
  }
  return db.transaction(async (tx) => {
    const [school] = await tx.select().from(schools).where(eq(schools.id, schoolId));
    if (!school) throw new NotFound(msg('schools.errors.noSuchSchool'));
    const [existing] = await tx
      .select({ status: schoolContacts.status })
      .from(schoolContacts)
      .where(and(eq(schoolContacts.schoolId, schoolId), eq(schoolContacts.userId, user.id)))
      .for('update');
    if (existing?.status === 'active') return 'active';
    if (existing?.status === 'declined' || existing?.status === 'revoked') return 'refused';
    const now = clock();
    const byDomain = !vouched && emailMatchesSchoolDomain(user.email, school.website);
    if (vouched || byDomain) {
      await tx
        .insert(schoolContacts)
        .values({ schoolId, userId: user.id, status: 'active', approvedAt: now })
        .onConflictDoUpdate({
          target: [schoolContacts.schoolId, schoolContacts.userId],
          set: { status: 'active', approvedAt: now },
        });
      if (byDomain) await tellContacts({ db: tx, mail }, { school, newcomerId: user.id, template: 'contact-joined' });
      return 'active';
    }
    if (existing) return 'pending';
    const [inserted] = await tx
      .insert(schoolContacts)
      .values({ schoolId, userId: user.id, status: 'pending', createdAt: now })
      .onConflictDoNothing()
      .returning({ userId: schoolContacts.userId });
    // The same person asking twice at the same moment: the other request told the school.
    if (!inserted) return 'pending';
    await tellContacts({ db: tx, mail }, { school, newcomerId: user.id, template: 'contact-request' });
    return 'pending';
  });
}

/**
 * E-mails the school's active contacts (and, for a request, the admins) about a newcomer: a
 * request to decide, or someone who joined by the web-domain rule and whom they may not know.
 */
async function tellContacts(
  { db, mail }: Pick<ServiceContext, 'db' | 'mail'>,
  {
    school,
    newcomerId,
    template,
  }: { school: School; newcomerId: number; template: 'contact-request' | 'contact-joined' },
): Promise<void> {
  const [newcomer] = await db
    .select({ name: users.name, email: users.email })
    .from(users)
    .where(eq(users.id, newcomerId));
  if (!newcomer) return;
  const contacts = await db
    .select({ email: users.email })
    .from(schoolContacts)
    .innerJoin(users, eq(users.id, schoolContacts.userId))
    .where(and(eq(schoolContacts.schoolId, school.id), eq(schoolContacts.status, 'active')));
  const admins =
    template === 'contact-request'
      ? await db
          .select({ email: users.email })
          .from(users)
          .where(sql`'admin' = any(${users.roles})`)
          .orderBy(asc(users.id))
          .limit(ADMINS_EMAILED)
      : [];
  const told = new Set<string>([newcomer.email]);
  const recipients = [
    ...contacts.map((c) => ({ email: c.email, link: `${mail.baseUrl}/schools/${school.id}/contacts`, asAdmin: false })),
    ...admins.map((a) => ({ email: a.email, link: `${mail.baseUrl}/admin/schools/${school.id}`, asAdmin: true })),
  ];
  for (const recipient of recipients) {
    if (told.has(recipient.email)) continue;
    told.add(recipient.email);
    await enqueueMail(db, mail, {
      to: recipient.email,
      template,
      data: {
        schoolName: school.name,
        requesterName: newcomer.name,
        requesterEmail: newcomer.email,
        link: recipient.link,
        asAdmin: recipient.asAdmin,
      },
    });
  }
}

export interface Actor {
  id: number;
  isAdmin: boolean;
}

/**
 * Whether the person may see a school's contacts and decide its requests: an admin, or one of
 * its active contacts. Anyone else is told the school does not exist, and learns nothing.
 */
async function assertManagesContacts(
  db: Database,
  { schoolId, actor }: { schoolId: number; actor: Actor },
): Promise<void> {
  if (actor.isAdmin) return;
  const [row] = await db
    .select({ status: schoolContacts.status })
    .from(schoolContacts)
    .where(and(eq(schoolContacts.schoolId, schoolId), eq(schoolContacts.userId, actor.id)));
  if (row?.status !== 'active') throw new NotFound(msg('schools.errors.notFound'));
}

export type ContactDecision = { outcome: 'decided'; personName: string } | { outcome: 'already'; personName: string };

/** What the person who asked to join is told, by outcome. */
export const JOIN_MESSAGES: Record<JoinOutcome, Message> = {
  active: msg('schools.join.active'),
  pending: msg('schools.join.pending'),
  refused: msg('schools.join.refused'),
};

/** What the person deciding is told. */
export function decisionMessage(decision: ContactDecision, approve: boolean): Message {
  const name = decision.personName;
  if (decision.outcome === 'already') return msg('schools.decision.already', { name });
  return approve ? msg('schools.decision.approved', { name }) : msg('schools.decision.declined', { name });
}

/**
 * Approves or declines a request, by one of the school's active contacts or an admin; an admin
 * may also reinstate someone declined or removed. The person is told either way. When a contact
 * and an admin answer at the same moment, the second learns it was already answered.
 */
export async function decideContactRequest(
  { db, clock, mail }: ServiceContext,
  { schoolId, userId, approve, actor }: { schoolId: number; userId: number; approve: boolean; actor: Actor },
): Promise<ContactDecision> {
  return db.transaction(async (tx) => {
    await assertManagesContacts(tx, { schoolId, actor });
    const [school] = await tx.select({ name: schools.name }).from(schools).where(eq(schools.id, schoolId));
    const [person] = await tx.select({ name: users.name, email: users.email }).from(users).where(eq(users.id, userId));
    if (!school || !person) throw new NotFound(msg('schools.errors.noRequest'));
    const decidable: ContactStatus[] = actor.isAdmin && approve ? ['pending', 'declined', 'revoked'] : ['pending'];
    const now = clock();
    const [changed] = await tx
      .update(schoolContacts)
      .set(
        approve
          ? { status: 'active', approvedAt: now, approvedBy: actor.id }
          : { status: 'declined', approvedAt: null, approvedBy: actor.id },
      )
      .where(
        and(
          eq(schoolContacts.schoolId, schoolId),
          eq(schoolContacts.userId, userId),
          inArray(schoolContacts.status, decidable),
        ),
      )
      .returning({ userId: schoolContacts.userId });
    if (!changed) return { outcome: 'already', personName: person.name };
    await recordAudit(tx, clock, {
      actorId: actor.id,
      action: approve ? 'contact.approve' : 'contact.decline',
      subjectType: 'school',
      subjectId: schoolId,
      summary: approve
        ? msg('audit.contacts.approved', { email: person.email, school: school.name })
        : msg('audit.contacts.declined', { email: person.email, school: school.name }),
      details: { userId, by: actor.isAdmin ? 'admin' : 'school contact' },
    });
    await enqueueMail(tx, mail, {
      to: person.email,
      template: 'contact-decision',
      data: {
        name: person.name,
        schoolName: school.name,
        approved: approve,
        removed: false,
        link: `${mail.baseUrl}/my/applications`,
      },
    });
    return { outcome: 'decided', personName: person.name };
  });
}

/** Removes a contact, or turns down a request, by an admin; logged, and the person is told. */
export async function revokeContact(
  { db, clock, mail }: ServiceContext,
  { schoolId, userId, adminId }: { schoolId: number; userId: number; adminId: number },
): Promise<void> {
  await db.transaction(async (tx) => {
    const [before] = await tx
      .select({ status: schoolContacts.status })
      .from(schoolContacts)
      .where(and(eq(schoolContacts.schoolId, schoolId), eq(schoolContacts.userId, userId)))
      .for('update');
    if (before?.status !== 'active' && before?.status !== 'pending')
      throw new NotFound(msg('schools.errors.notContact'));
    await tx
      .update(schoolContacts)
      .set({ status: 'revoked', approvedAt: null, approvedBy: adminId })
      .where(and(eq(schoolContacts.schoolId, schoolId), eq(schoolContacts.userId, userId)));
    const [school] = await tx.select({ name: schools.name }).from(schools).where(eq(schools.id, schoolId));
    const [person] = await tx.select({ name: users.name, email: users.email }).from(users).where(eq(users.id, userId));
    await recordAudit(tx, clock, {
      actorId: adminId,
      action: 'contact.revoke',
      subjectType: 'school',
      subjectId: schoolId,
      summary: msg('audit.contacts.removed', {
        email: person?.email ?? msg('audit.contacts.someUser', { id: userId }),
        school: school?.name ?? msg('audit.contacts.someSchool', { id: schoolId }),
      }),
      details: { userId, status: before.status },
    });
    if (person) {
      await enqueueMail(tx, mail, {
        to: person.email,
        template: 'contact-decision',
        data: {
          name: person.name,
          schoolName: school?.name ?? '',
          approved: false,
          removed: before.status === 'active',
          link: '',
        },
      });
    }
  });
}

/** Everyone linked to a school, for its contacts page and the admin's: who acts, who asks, who was turned away. */
export async function contactsOfSchool(db: Database, { schoolId, actor }: { schoolId: number; actor: Actor }) {
  await assertManagesContacts(db, { schoolId, actor });
  const rows = await db
    .select({
      userId: users.id,
      name: users.name,
      email: users.email,
      status: schoolContacts.status,
      requestedAt: schoolContacts.createdAt,
      approvedAt: schoolContacts.approvedAt,
    })
    .from(schoolContacts)
    .innerJoin(users, eq(users.id, schoolContacts.userId))
    .where(eq(schoolContacts.schoolId, schoolId))
    .orderBy(asc(schoolContacts.createdAt), asc(users.id))
    .limit(500);
  const of = (...statuses: ContactStatus[]) => rows.filter((r) => statuses.includes(r.status));
  return { active: of('active'), pending: of('pending'), turnedAway: actor.isAdmin ? of('declined', 'revoked') : [] };
}

export const CONTACTS_PAGE_SIZE = 50;

/** Requests waiting for a decision, oldest first, for the admins' queue. */
export async function pendingContacts(db: Database, page: number) {
  const rows = await db
    .select({
      schoolId: schools.id,
      schoolName: schools.name,
      city: schools.city,
      state: schools.state,
      website: schools.website,
      userId: users.id,
      userName: users.name,
      email: users.email,
      requestedAt: schoolContacts.createdAt,
    })
    .from(schoolContacts)
    .innerJoin(schools, eq(schools.id, schoolContacts.schoolId))
    .innerJoin(users, eq(users.id, schoolContacts.userId))
    .where(eq(schoolContacts.status, 'pending'))
    .orderBy(asc(schoolContacts.createdAt))
    .limit(CONTACTS_PAGE_SIZE + 1)
    .offset((page - 1) * CONTACTS_PAGE_SIZE);
  return { rows: rows.slice(0, CONTACTS_PAGE_SIZE), hasMore: rows.length > CONTACTS_PAGE_SIZE };
}
