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
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
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
} from '../../../models/schema.js';
import type { Database } from '../../db/client.js';
import { Invalid, NotFound } from '../../errors.js';
import { inLanguage } from '../../i18n/content.js';
import { msg, type Message } from '../../i18n/translate.js';
import { enqueueMail } from '../../mail/outbox.js';
import type { MailTemplate } from '../../mail/registry.js';
import { recordAudit } from '../shared/audit.js';
import { jsonList, rowsOf } from '../../db/client.js';
import { cyclePhase, type CyclePhase } from '../programs/phase.js';
import { reviewCoverage } from './coverage.js';
import { decisionCounts, HONOREE_LEVELS } from './decisions.js';
import { missingHonoreeTexts } from './honoree-texts.js';
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
    .select({ cycle: cycles, programName: programs.name, defaultLanguage: programs.defaultLanguage })
    .from(cycles)
    .innerJoin(programs, eq(programs.id, cycles.programId))
    .where(eq(cycles.id, cycleId));
  const [row] = lock ? await query.for('update', { of: cycles }) : await query;
  if (!row) throw new NotFound(msg('decisions.errors.cycleNotFound'));
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

/** What became of a nominated school, as its nominator is told. */
export type NominatorOutcome =
  'recognized' | 'notSelected' | 'ineligible' | 'withdrawn' | 'notSubmitted' | 'didNotApply';

/** What a nominator is told, from the application (if any) and its decision. */
function nominatorOutcome(status: string | null, level: DecisionLevel | null): NominatorOutcome | undefined {
  if (status === null) return 'didNotApply';
  if (status === 'draft') return 'notSubmitted';
  if (status === 'withdrawn') return 'withdrawn';
  if (status === 'ineligible') return 'ineligible';
  if (status === 'eligible' && level) return HONOREE_LEVELS.includes(level) ? 'recognized' : 'notSelected';
  return undefined; // waiting for screening or a decision: publishing is refused until it is not
}

/** How many applications of the cycle are in each status. */
async function statusCounts(db: Database, cycleId: number) {
  const rows = await db
    .select({ status: applications.status, count: sql<number>`count(*)::int` })
    .from(applications)
    .where(eq(applications.cycleId, cycleId))
    .groupBy(applications.status);
  const count = (status: string) => Number(rows.find((r) => r.status === status)?.count ?? 0);
  return {
    draft: count('draft'),
    submitted: count('submitted'),
    withdrawn: count('withdrawn'),
    eligible: count('eligible'),
    ineligible: count('ineligible'),
  };
}

/** Every school that hears from the program at publishing: decided, or screened as not eligible. */
async function schoolOutcomes(db: Database, cycleId: number) {
  const decided = await db
    .select({
      applicationId: decisions.applicationId,
      level: decisions.level,
      slug: decisions.slug,
      citation: decisions.citation,
      profile: decisions.profile,
      translations: decisions.translations,
      textsDrafted: decisions.textsDrafted,
      overrideReason: decisions.overrideReason,
      updatedAt: decisions.updatedAt,
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
  const ineligible = await db
    .select({
      applicationId: applications.id,
      reason: applications.screeningReason,
      updatedAt: applications.updatedAt,
      schoolId: schools.id,
      schoolName: schools.name,
    })
    .from(applications)
    .innerJoin(schools, eq(schools.id, applications.schoolId))
    .where(and(eq(applications.cycleId, cycleId), eq(applications.status, 'ineligible')))
    .orderBy(asc(schools.name), asc(applications.id));
  return { decided, ineligible };
}

/** Everything publishing would do now: the honorees and every e-mail, before any is sent. */
async function planPublication(db: Database, cycleId: number, now: Date, lock = false) {
  const { cycle, programName, defaultLanguage } = await loadCycle(db, cycleId, { lock });
  const phase = await cyclePhase(db, cycle, now);
  const statuses = await statusCounts(db, cycleId);
  const { decided, ineligible } = await schoolOutcomes(db, cycleId);
  const notified = await notifiedApplicationIds(db, cycleId);
  const toNotify = [
    ...decided.filter((d) => !notified.has(d.applicationId)).map((d) => ({ ...d, reason: null })),
    ...ineligible
      .filter((a) => !notified.has(a.applicationId))
      .map((a) => ({ ...a, level: 'ineligible' as const, slug: null, citation: '', profile: '', translations: {} })),
  ];
  const contacts = toNotify.length
    ? await db
        .select({
          schoolId: schoolContacts.schoolId,
          email: users.email,
          name: users.name,
          language: users.language,
        })
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
  // A nomination follows its application; one made before the school applied may only know the school.
  // One JSON value rather than 20,000 rows: on PGlite, a third of the time.
  type NominationRow = [
    number,
    string,
    string,
    string,
    string,
    string | null,
    DecisionLevel | null,
    string | null,
    string,
  ];
  const [nominationList] = rowsOf<{ list: unknown }>(
    await db.execute(sql`
      select json_agg(json_build_array(n.id, n.nominator_email, n.nominator_name,
               coalesce(a.id::text, 's' || n.school_id::text, 'k' || n.match_key),
               coalesce(s.name, n.school_name), a.status, d.level, d.slug, n.language) order by n.id) as list
      from nominations n
      left join applications linked on linked.id = n.application_id
      left join applications applied on n.application_id is null
        and applied.cycle_id = n.cycle_id and applied.school_id = n.school_id
      cross join lateral (select coalesce(linked.id, applied.id) as id, coalesce(linked.status, applied.status) as status,
        coalesce(linked.school_id, applied.school_id) as school_id) a
      left join schools s on s.id = a.school_id
      left join decisions d on d.application_id = a.id
      where n.cycle_id = ${cycleId} and n.status = 'confirmed' and n.result_notice_sent_at is null`),
  );
  const nominations_ = jsonList<NominationRow>(nominationList!.list).map(
    ([id, email, name, match, school_name, status, level, slug, language]) => ({
      id,
      email,
      name,
      match,
      school_name,
      status,
      level,
      slug,
      language,
      outcome: nominatorOutcome(status, level),
    }),
  );
  // One message per person and school, however many times they nominated it.
  const nominatorMails = [
    ...new Map(
      nominations_
        .filter((n): n is typeof n & { outcome: NominatorOutcome } => n.outcome !== undefined)
        .map((n) => [`${n.email.toLowerCase()}|${n.match}`, n]),
    ).values(),
  ];
  const fingerprint = createHash('sha256')
    // The school profiles too: publishing freezes them onto the honoree pages (snapshotHonoreeSchools),
    // so a rename after the preview must send the admin back to look.
    .update(
      decided
        .map((d) => `${d.applicationId}:${d.level}:${d.updatedAt.toISOString()}:${d.schoolUpdatedAt.toISOString()}`)
        .join(','),
    )
    .update(`|${ineligible.map((a) => `${a.applicationId}:${a.updatedAt.toISOString()}`).join(',')}`)
    .update(`|${contactMails.length}|${nominatorMails.length}|${phase}`)
    .digest('hex')
    .slice(0, 32);
  const { undecided } = await decisionCounts(db, cycleId);
  const problems: Message[] = [];
  if (cycle.publishedAt) problems.push(msg('decisions.publish.problems.alreadyPublished'));
  else if (phase !== 'deciding') problems.push(notDecidingYet(phase));
  if (statuses.submitted > 0)
    problems.push(msg('decisions.publish.problems.waitingScreening', { count: statuses.submitted }));
  if (undecided > 0) problems.push(msg('decisions.publish.problems.undecided', { count: undecided }));
  if (decided.length === 0) problems.push(msg('decisions.publish.problems.noneDecided'));
  return {
    cycle,
    programName,
    defaultLanguage,
    phase,
    statuses,
    decided,
    ineligible,
    notified,
    contactMails,
    nominatorMails,
    nominationIds: nominations_.filter((n) => n.outcome !== undefined).map((n) => n.id),
    fingerprint,
    problems,
  };
}

function notDecidingYet(phase: CyclePhase): Message {
  if (phase === 'open' || phase === 'draft') return msg('decisions.publish.problems.stillOpen');
  return msg('decisions.publish.problems.noDecisionYet');
}

/** What the admin confirms: honorees, counts, and how many people get which e-mail. */
export async function publishPreview(db: Database, cycleId: number, now: Date) {
  const plan = await planPublication(db, cycleId, now);
  const counts = await decisionCounts(db, cycleId);
  const mailsTo = (level: DecisionLevel | 'ineligible') =>
    plan.contactMails.filter((m) => m.decision.level === level).length;
  const honorees = plan.decided
    .filter((d) => HONOREE_LEVELS.includes(d.level))
    .map((d) => ({
      ...d,
      path: `/honorees/${plan.cycle.year}/${d.slug}`,
      missingTranslations: missingHonoreeTexts(d, plan.defaultLanguage),
    }));
  // How many honorees lack a translation, per language, for the note above the list.
  const untranslated = new Map<string, number>();
  for (const h of honorees)
    for (const { language } of h.missingTranslations) untranslated.set(language, (untranslated.get(language) ?? 0) + 1);
  const coverage = await reviewCoverage(db, {
    cycleId,
    applicationIds: plan.decided.filter((d) => d.overrideReason).map((d) => d.applicationId),
  });
  const overrides = plan.decided
    .filter((d) => d.overrideReason)
    .map((d) => ({ ...d, coverage: coverage.get(d.applicationId) ?? { submitted: 0, required: 1 } }));
  const nominatorsBy = (outcome: NominatorOutcome) => plan.nominatorMails.filter((n) => n.outcome === outcome).length;
  const schoolMails = plan.contactMails.length;
  const nominatorMails = plan.nominatorMails.length;
  return {
    cycle: plan.cycle,
    programName: plan.programName,
    defaultLanguage: plan.defaultLanguage,
    phase: plan.phase,
    counts,
    statuses: plan.statuses,
    honorees,
    overrides,
    mail: {
      gold: mailsTo('gold'),
      silver: mailsTo('silver'),
      notSelected: mailsTo('not_selected'),
      ineligible: mailsTo('ineligible'),
      nominators: {
        recognized: nominatorsBy('recognized'),
        notSelected: nominatorsBy('notSelected'),
        ineligible: nominatorsBy('ineligible'),
        withdrawn: nominatorsBy('withdrawn'),
        notSubmitted: nominatorsBy('notSubmitted'),
        didNotApply: nominatorsBy('didNotApply'),
      },
      alreadyNotified: [...plan.decided, ...plan.ineligible].filter((d) => plan.notified.has(d.applicationId)).length,
      withComments: plan.cycle.shareReviewComments,
      totalCount: schoolMails + nominatorMails,
      schoolCount: schoolMails,
      nominatorCount: nominatorMails,
    },
    untranslated: [...untranslated].map(([language, count]) => ({ language, count })),
    withoutCitation: honorees.filter((h) => h.citation === '').length,
    drafted: honorees.filter((h) => h.textsDrafted).length,
    problems: plan.problems,
    canPublish: plan.problems.length === 0,
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
    const now = clock();
    const plan = await planPublication(tx, cycleId, now, true);
    const { cycle } = plan;
    const [problem] = plan.problems;
    if (problem) throw new Invalid({ publish: problem });
    if (fingerprint !== undefined && fingerprint !== plan.fingerprint) {
      throw new Invalid({ publish: msg('decisions.publish.problems.changed') });
    }
    // Publishing ends the cycle's intake for good: unpublishing later does not reopen applications.
    await tx
      .update(cycles)
      .set({ publishedAt: now, publishedBy: adminId, closedAt: cycle.closedAt ?? now })
      .where(eq(cycles.id, cycleId));
    await snapshotHonoreeSchools(tx, cycleId);
    const comments = cycle.shareReviewComments
      ? await reviewComments(tx, [
          ...new Set(
            plan.contactMails.filter((m) => m.decision.level !== 'ineligible').map((m) => m.decision.applicationId),
          ),
        ])
      : new Map();
    const honoreeUrl = (slug: string | null) => (slug ? `${mail.baseUrl}/honorees/${cycle.year}/${slug}` : '');
    for (const { email, name, language, decision } of plan.contactMails) {
      if (decision.level === 'ineligible') {
        await enqueueMail(tx, mail, {
          to: email,
          template: 'decision-ineligible',
          data: {
            name,
            schoolName: decision.schoolName,
            cycleName: cycle.name,
            programName: plan.programName,
            reason: decision.reason ?? '',
            applicationsUrl: `${mail.baseUrl}/my/applications`,
          },
        });
        continue;
      }
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
          // The citation in the contact's language when it has one (their e-mail is written in it).
          citation: inLanguage(decision, 'citation', language ?? plan.defaultLanguage),
          honoreeUrl: HONOREE_LEVELS.includes(decision.level) ? honoreeUrl(decision.slug) : '',
          applicationsUrl: `${mail.baseUrl}/my/applications`,
          criteriaComments,
          hasComments: criteriaComments.length > 0,
        },
      });
    }
    for (const nominator of plan.nominatorMails) {
      const { outcome } = nominator;
      await enqueueMail(tx, mail, {
        to: nominator.email,
        language: nominator.language,
        template: 'nomination-result',
        data: {
          name: nominator.name,
          schoolName: nominator.school_name,
          cycleName: cycle.name,
          programName: plan.programName,
          recognized: outcome === 'recognized',
          notSelected: outcome === 'notSelected',
          ineligible: outcome === 'ineligible',
          withdrawn: outcome === 'withdrawn',
          notSubmitted: outcome === 'notSubmitted',
          didNotApply: outcome === 'didNotApply',
          levelLabel: outcome === 'recognized' && nominator.level ? msg(`labels.decisionLevel.${nominator.level}`) : '',
          honoreeUrl: outcome === 'recognized' ? honoreeUrl(nominator.slug) : '',
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
      summary: msg('audit.cycles.published', {
        cycle: cycle.name,
        honorees,
        contactMails: plan.contactMails.length,
        nominatorMails: plan.nominatorMails.length,
      }),
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
    if (!cycle.publishedAt) throw new Invalid({ publish: msg('decisions.publish.problems.notPublished') });
    await tx.update(cycles).set({ publishedAt: null, publishedBy: null }).where(eq(cycles.id, cycleId));
    await recordAudit(tx, clock, {
      actorId: adminId,
      action: 'cycle.unpublish',
      subjectType: 'cycle',
      subjectId: cycleId,
      summary: msg('audit.cycles.unpublished', { cycle: cycle.name }),
    });
  });
}
