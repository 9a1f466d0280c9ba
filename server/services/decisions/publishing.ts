// Publishing a cycle: the one explicit act that makes its honorees public and sends the decision
// e-mails: to the active contacts of every decided application (a template per outcome, with
// the reviewers' comments when the cycle shares them, never the reviewers' names) and to the
// confirmed nominators of every school that applied. Unpublishing hides the honorees again;
// publishing again e-mails nobody twice.
//
// Who was e-mailed: nominators have nominations.resultNoticeSentAt; for applications, the
// audit entry of each publish lists the ids it notified (details.notifiedApplicationIds), which
// is written in the same transaction as the e-mails, so it is exactly as true as the outbox.
import { createHash } from 'node:crypto';
import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import {
  applications,
  assignments,
  auditLog,
  criteria,
  cycles,
  decisions,
  nominations,
  programs,
  reviewScores,
  schoolContacts,
  schools,
  users,
  type DecisionLevel,
  DECISION_LEVEL_LABELS,
} from '../../../models/schema.js';
import type { Database } from '../../db/client.js';
import { Invalid, NotFound } from '../../errors.js';
import { enqueueMail } from '../../mail/outbox.js';
import type { MailTemplate } from '../../mail/registry.js';
import { recordAudit } from '../shared/audit.js';
import { decisionCounts, HONOREE_LEVELS } from './decisions.js';
import type { ServiceContext } from '../../context.js';

export const DECISION_TEMPLATES = {
  gold: 'decision-gold',
  silver: 'decision-silver',
  not_selected: 'decision-not-selected',
} as const satisfies Record<DecisionLevel, MailTemplate>;

/** Applications of a cycle whose contacts were e-mailed their decision by an earlier publish. */
async function notifiedApplicationIds(db: Database, cycleId: number): Promise<Set<number>> {
  const rows = await db
    .select({ id: sql<string>`jsonb_array_elements_text(${auditLog.details}->'notifiedApplicationIds')` })
    .from(auditLog)
    .where(
      and(
        eq(auditLog.action, 'cycle.publish'),
        eq(auditLog.subjectType, 'cycle'),
        eq(auditLog.subjectId, String(cycleId)),
      ),
    );
  return new Set(rows.map((r) => Number(r.id)));
}

async function loadCycle(db: Database, cycleId: number, { lock = false } = {}) {
  const query = db
    .select({ cycle: cycles, programName: programs.name })
    .from(cycles)
    .innerJoin(programs, eq(programs.id, cycles.programId))
    .where(eq(cycles.id, cycleId));
  const [row] = lock ? await query.for('update', { of: cycles }) : await query;
  if (!row) throw new NotFound('We could not find that cycle.');
  return row;
}

/** Reviewers' comments of submitted reviews, per application and criterion, without names. */
async function reviewComments(db: Database, applicationIds: number[]) {
  const byApplication = new Map<number, Array<{ title: string; comments: string[] }>>();
  if (applicationIds.length === 0) return byApplication;
  const rows = await db
    .select({ applicationId: assignments.applicationId, title: criteria.title, comment: reviewScores.comment })
    .from(reviewScores)
    .innerJoin(assignments, eq(assignments.id, reviewScores.assignmentId))
    .innerJoin(criteria, eq(criteria.id, reviewScores.criterionId))
    .where(
      and(
        inArray(assignments.applicationId, applicationIds),
        eq(assignments.status, 'submitted'),
        sql`btrim(${reviewScores.comment}) <> ''`,
      ),
    )
    .orderBy(asc(assignments.applicationId), asc(criteria.position), asc(assignments.id));
  for (const row of rows) {
    const list = byApplication.get(row.applicationId) ?? [];
    let group = list.find((g) => g.title === row.title);
    if (!group) list.push((group = { title: row.title, comments: [] }));
    group.comments.push(row.comment.trim());
    byApplication.set(row.applicationId, list);
  }
  return byApplication;
}

/** Everything publishing would do now: the honorees and every e-mail, before any is sent. */
async function planPublication(db: Database, cycleId: number, lock = false) {
  const { cycle, programName } = await loadCycle(db, cycleId, { lock });
  const decided = await db
    .select({
      applicationId: decisions.applicationId,
      level: decisions.level,
      slug: decisions.slug,
      citation: decisions.citation,
      updatedAt: decisions.updatedAt,
      decidedAt: decisions.decidedAt,
      schoolId: schools.id,
      schoolName: schools.name,
      city: schools.city,
      state: schools.state,
      schoolUpdatedAt: schools.updatedAt,
    })
    .from(decisions)
    .innerJoin(applications, eq(applications.id, decisions.applicationId))
    .innerJoin(schools, eq(schools.id, applications.schoolId))
    .where(eq(decisions.cycleId, cycleId))
    .orderBy(asc(schools.name), asc(decisions.applicationId));
  const notified = await notifiedApplicationIds(db, cycleId);
  const toNotify = decided.filter((d) => !notified.has(d.applicationId));
  const contacts = toNotify.length
    ? await db
        .select({ schoolId: schoolContacts.schoolId, email: users.email, name: users.name })
        .from(schoolContacts)
        .innerJoin(users, eq(users.id, schoolContacts.userId))
        .where(
          and(
            inArray(
              schoolContacts.schoolId,
              toNotify.map((d) => d.schoolId),
            ),
            eq(schoolContacts.status, 'active'),
          ),
        )
        .orderBy(asc(users.id))
    : [];
  const contactMails = toNotify.flatMap((d) =>
    contacts.filter((c) => c.schoolId === d.schoolId).map((c) => ({ ...c, decision: d })),
  );
  const nominationRows = await db
    .select({
      id: nominations.id,
      email: nominations.nominatorEmail,
      name: nominations.nominatorName,
      applicationId: applications.id,
      schoolName: schools.name,
      level: decisions.level,
      slug: decisions.slug,
    })
    .from(nominations)
    .innerJoin(applications, eq(applications.id, nominations.applicationId))
    .innerJoin(schools, eq(schools.id, applications.schoolId))
    .leftJoin(decisions, eq(decisions.applicationId, applications.id))
    .where(
      and(
        eq(nominations.cycleId, cycleId),
        eq(nominations.status, 'confirmed'),
        isNull(nominations.resultNoticeSentAt),
        inArray(applications.status, ['submitted', 'eligible', 'ineligible']),
      ),
    )
    .orderBy(asc(nominations.id));
  // One message per person and school, however many times they nominated it.
  const nominatorMails = [
    ...new Map(nominationRows.map((n) => [`${n.email.toLowerCase()}|${n.applicationId}`, n])).values(),
  ];
  const fingerprint = createHash('sha256')
    // The school profiles too: publishing freezes them onto the honoree pages (snapshotHonoreeSchools),
    // so a rename after the preview must send the admin back to look.
    .update(
      decided
        .map((d) => `${d.applicationId}:${d.level}:${d.updatedAt.toISOString()}:${d.schoolUpdatedAt.toISOString()}`)
        .join(','),
    )
    .update(`|${contactMails.length}|${nominatorMails.length}`)
    .digest('hex')
    .slice(0, 32);
  return {
    cycle,
    programName,
    decided,
    notified,
    contactMails,
    nominatorMails,
    nominationIds: nominationRows.map((n) => n.id),
    fingerprint,
  };
}

/** What the admin confirms: honorees, counts, and how many people get which e-mail. */
export async function publishPreview(db: Database, cycleId: number) {
  const plan = await planPublication(db, cycleId);
  const counts = await decisionCounts(db, cycleId);
  const mailsByLevel = (level: DecisionLevel) => plan.contactMails.filter((m) => m.decision.level === level).length;
  const honorees = plan.decided
    .filter((d) => HONOREE_LEVELS.includes(d.level))
    .map((d) => ({ ...d, levelLabel: DECISION_LEVEL_LABELS[d.level], path: `/honorees/${plan.cycle.year}/${d.slug}` }));
  const problems: string[] = [];
  if (plan.cycle.publishedAt) problems.push('This cycle is already published.');
  if (counts.undecided > 0) problems.push(`${counts.undecided} eligible application(s) have no decision yet.`);
  if (plan.decided.length === 0) problems.push('No application of this cycle has a decision yet.');
  const withoutCitation = honorees.filter((h) => h.citation === '').length;
  return {
    cycle: plan.cycle,
    programName: plan.programName,
    counts,
    honorees,
    mail: {
      gold: mailsByLevel('gold'),
      silver: mailsByLevel('silver'),
      notSelected: mailsByLevel('not_selected'),
      contacts: plan.contactMails.length,
      nominators: plan.nominatorMails.length,
      alreadyNotified: plan.decided.filter((d) => plan.notified.has(d.applicationId)).length,
      withComments: plan.cycle.shareReviewComments,
    },
    withoutCitation,
    problems,
    canPublish: problems.length === 0,
    fingerprint: plan.fingerprint,
  };
}

export type PublishPreview = Awaited<ReturnType<typeof publishPreview>>;

/**
 * Copies each decided school's profile, as it stands now, onto its decision: the public pages
 * show that copy, so what a contact edits later never changes a published honoree page.
 */
export async function snapshotHonoreeSchools(db: Database, cycleId: number): Promise<void> {
  await db.execute(sql`
    update decisions d set
      school_name = s.name, school_district = s.district, school_city = s.city, school_state = s.state,
      school_level = s.level, school_website = s.website, school_enrollment = s.enrollment,
      school_frl_percent = s.frl_percent, school_iep_percent = s.iep_percent
    from applications a join schools s on s.id = a.school_id
    where a.id = d.application_id and d.cycle_id = ${cycleId}`);
}

/**
 * Publishes the cycle in one transaction: the honorees become public and every e-mail is
 * queued, or nothing happens. `fingerprint` is the preview's: if decisions or recipients
 * changed since the admin read it, nothing is published and they are asked to look again.
 */
export async function publish(
  { db, clock, mail }: ServiceContext,
  { cycleId, adminId, fingerprint }: { cycleId: number; adminId: number; fingerprint?: unknown },
): Promise<{ contactMails: number; nominatorMails: number }> {
  return db.transaction(async (tx) => {
    const plan = await planPublication(tx, cycleId, true);
    const { cycle } = plan;
    if (cycle.publishedAt) throw new Invalid({ publish: 'This cycle is already published.' });
    const { undecided } = await decisionCounts(tx, cycleId);
    if (undecided > 0)
      throw new Invalid({ publish: `Decide every eligible application first (${undecided} without a decision).` });
    if (plan.decided.length === 0) throw new Invalid({ publish: 'No application of this cycle has a decision yet.' });
    if (fingerprint !== undefined && fingerprint !== plan.fingerprint) {
      throw new Invalid({
        publish:
          'Decisions or recipients changed since you opened this preview. Check the new numbers and confirm again.',
      });
    }
    const now = clock();
    await tx.update(cycles).set({ publishedAt: now, publishedBy: adminId }).where(eq(cycles.id, cycleId));
    await snapshotHonoreeSchools(tx, cycleId);
    const comments = cycle.shareReviewComments
      ? await reviewComments(tx, [...new Set(plan.contactMails.map((m) => m.decision.applicationId))])
      : new Map();
    const honoreeUrl = (slug: string | null) => (slug ? `${mail.baseUrl}/honorees/${cycle.year}/${slug}` : '');
    for (const { email, name, decision } of plan.contactMails) {
      const criteriaComments = (comments.get(decision.applicationId) ?? []) as Array<{
        title: string;
        comments: string[];
      }>;
      await enqueueMail(tx, mail, {
        to: email,
        template: DECISION_TEMPLATES[decision.level],
        data: {
          name,
          schoolName: decision.schoolName,
          cycleName: cycle.name,
          programName: plan.programName,
          citation: decision.citation,
          honoreeUrl: HONOREE_LEVELS.includes(decision.level) ? honoreeUrl(decision.slug) : '',
          applicationsUrl: `${mail.baseUrl}/my/applications`,
          criteriaComments,
          hasComments: criteriaComments.length > 0,
        },
      });
    }
    for (const nominator of plan.nominatorMails) {
      const recognized = nominator.level !== null && HONOREE_LEVELS.includes(nominator.level);
      await enqueueMail(tx, mail, {
        to: nominator.email,
        template: 'nomination-result',
        data: {
          name: nominator.name,
          schoolName: nominator.schoolName,
          cycleName: cycle.name,
          programName: plan.programName,
          recognized,
          levelLabel: recognized && nominator.level ? DECISION_LEVEL_LABELS[nominator.level] : '',
          honoreeUrl: recognized ? honoreeUrl(nominator.slug) : '',
          honoreesUrl: `${mail.baseUrl}/honorees?year=${cycle.year}`,
        },
      });
    }
    if (plan.nominationIds.length > 0) {
      await tx.update(nominations).set({ resultNoticeSentAt: now }).where(inArray(nominations.id, plan.nominationIds));
    }
    const notifiedNow = [...new Set(plan.contactMails.map((m) => m.decision.applicationId))];
    const honorees = plan.decided.filter((d) => HONOREE_LEVELS.includes(d.level)).length;
    await recordAudit(tx, clock, {
      actorId: adminId,
      action: 'cycle.publish',
      subjectType: 'cycle',
      subjectId: cycleId,
      summary: `Published ${cycle.name}: ${honorees} honoree(s); ${plan.contactMails.length} decision e-mail(s) to school contacts, ${plan.nominatorMails.length} to nominators`,
      details: {
        notifiedApplicationIds: notifiedNow,
        contactMails: plan.contactMails.length,
        nominatorMails: plan.nominatorMails.length,
      },
    });
    return { contactMails: plan.contactMails.length, nominatorMails: plan.nominatorMails.length };
  });
}

/** Hides the cycle's honorees again; decisions and profiles stay, and nobody is e-mailed. */
export async function unpublish(
  { db, clock }: Omit<ServiceContext, 'mail'>,
  { cycleId, adminId }: { cycleId: number; adminId: number },
): Promise<void> {
  await db.transaction(async (tx) => {
    const { cycle } = await loadCycle(tx, cycleId, { lock: true });
    if (!cycle.publishedAt) throw new Invalid({ publish: 'This cycle is not published.' });
    await tx.update(cycles).set({ publishedAt: null, publishedBy: null }).where(eq(cycles.id, cycleId));
    await recordAudit(tx, clock, {
      actorId: adminId,
      action: 'cycle.unpublish',
      subjectType: 'cycle',
      subjectId: cycleId,
      summary: `Unpublished ${cycle.name}: its honorees are no longer public`,
    });
  });
}
