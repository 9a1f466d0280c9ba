// A school's application: starting it, reading it whole, what is still missing, submitting,
// withdrawing. Answers and evidence have their own modules.
import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import {
  applicationAnswers,
  applications,
  criteria,
  cycles,
  eligibilityQuestions,
  eligibilityRules,
  evidenceFiles,
  programs,
  schoolContacts,
  schools,
  users,
  APPLICATION_STATUS_LABELS,
} from '../../../models/schema.js';
import { cannotEditApplication, type ApplicationAccess } from '../permissions.js';
import type { Database } from '../../db/client.js';
import { Forbidden, Invalid, NotFound } from '../../errors.js';
import { msg, type Message } from '../../i18n/translate.js';
import { enqueueMail } from '../../mail/outbox.js';
import { evaluateEligibility } from '../programs/eligibility.js';
import { attachNominations, notifyNominatorsOfApplication } from '../nominations/links.js';
import { isActiveContact } from '../schools/schools.js';
import type { ServiceContext } from '../../context.js';
import {
  applicationClosedReason,
  applicationDeadline,
  applicationsCloseAt,
  applicationsClosedReason,
  openForApplicationsCondition,
} from '../programs/phase.js';
import { cycleTimeZone } from '../programs/time-zone.js';
import { formatMoment } from '../../time.js';

export async function findOpenCycles(db: Database, now: Date) {
  return db
    .select({
      id: cycles.id,
      name: cycles.name,
      applicationsCloseAt: cycles.applicationsCloseAt,
      programName: programs.name,
    })
    .from(cycles)
    .innerJoin(programs, eq(programs.id, cycles.programId))
    .where(openForApplicationsCondition(now))
    .orderBy(asc(cycles.applicationsCloseAt));
}

/** Opens the school's application for the cycle, or returns the one a colleague already started. */
export async function startApplication(
  { db, clock }: Pick<ServiceContext, 'db' | 'clock'>,
  { userId, schoolId, cycleId }: { userId: number; schoolId: number; cycleId: number },
): Promise<number> {
  if (!(await isActiveContact(db, { schoolId, userId }))) {
    throw new Forbidden(msg('applications.errors.notContact'));
  }
  const [cycle] = await db.select().from(cycles).where(eq(cycles.id, cycleId));
  if (!cycle) throw new NotFound(msg('applications.errors.noCycle'));
  const now = clock();
  const [existing] = await db
    .select({ id: applications.id })
    .from(applications)
    .where(and(eq(applications.cycleId, cycleId), eq(applications.schoolId, schoolId)));
  if (existing) return existing.id;
  const closed = applicationsClosedReason(cycle, now);
  if (closed) throw new Invalid({ cycle: closed });
  const created = await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(applications)
      .values({ cycleId, schoolId, createdBy: userId, createdAt: now, updatedAt: now })
      .onConflictDoNothing()
      .returning({ id: applications.id });
    if (!row) return undefined;
    const [school] = await tx.select({ matchKey: schools.matchKey }).from(schools).where(eq(schools.id, schoolId));
    await attachNominations(tx, { applicationId: row.id, cycleId, schoolId, matchKey: school?.matchKey ?? '' });
    return row;
  });
  if (created) return created.id;
  // A colleague started it at the same moment: theirs is ours.
  const [raced] = await db
    .select({ id: applications.id })
    .from(applications)
    .where(and(eq(applications.cycleId, cycleId), eq(applications.schoolId, schoolId)));
  if (!raced) throw new Error('The application vanished after a conflicting insert');
  return raced.id;
}

export function countWords(text: string): number {
  const trimmed = text.trim();
  return trimmed === '' ? 0 : trimmed.split(/\s+/u).length;
}

/** Everything one application page needs, in a handful of queries whatever its size. */
export async function loadApplication(db: Database, access: ApplicationAccess) {
  const { application, cycle } = access;
  const [school] = await db.select().from(schools).where(eq(schools.id, application.schoolId));
  if (!school) throw new NotFound(msg('applications.errors.notFound'));
  // One after another, not Promise.all: inside a transaction they share one connection, and
  // node-postgres does not allow overlapping queries on one client.
  const cycleCriteria = await db
    .select()
    .from(criteria)
    .where(eq(criteria.cycleId, cycle.id))
    .orderBy(asc(criteria.position));
  const answers = await db
    .select()
    .from(applicationAnswers)
    .where(eq(applicationAnswers.applicationId, application.id));
  const questions = await db
    .select()
    .from(eligibilityQuestions)
    .where(eq(eligibilityQuestions.cycleId, cycle.id))
    .orderBy(asc(eligibilityQuestions.position));
  const rules = await db
    .select()
    .from(eligibilityRules)
    .where(eq(eligibilityRules.cycleId, cycle.id))
    .orderBy(asc(eligibilityRules.position));
  const files = await db
    .select({
      id: evidenceFiles.id,
      publicId: evidenceFiles.publicId,
      criterionId: evidenceFiles.criterionId,
      originalName: evidenceFiles.originalName,
      kind: evidenceFiles.kind,
      sizeBytes: evidenceFiles.sizeBytes,
      createdAt: evidenceFiles.createdAt,
    })
    .from(evidenceFiles)
    .where(eq(evidenceFiles.applicationId, application.id))
    .orderBy(asc(evidenceFiles.id));
  const answerByCriterion = new Map(answers.map((a) => [a.criterionId, a]));
  const items = cycleCriteria.map((criterion, index) => {
    const answer = answerByCriterion.get(criterion.id);
    const criterionFiles = files.filter((f) => f.criterionId === criterion.id);
    return {
      ...criterion,
      number: index + 1,
      chosen: criterion.required || Boolean(answer?.chosen),
      answer: answer?.answer ?? '',
      /** The language the applicant said the answer is written in. */
      answerLanguage: answer?.language ?? 'en',
      wordCount: answer?.wordCount ?? 0,
      overLimit: (answer?.wordCount ?? 0) > criterion.wordLimit,
      files: criterionFiles,
    };
  });
  return {
    application,
    cycle,
    school,
    role: access.role,
    criteria: items,
    questions,
    rules,
    files,
    totalBytes: files.reduce((sum, f) => sum + f.sizeBytes, 0),
  };
}

export type ApplicationView = Awaited<ReturnType<typeof loadApplication>>;

export interface MissingItem {
  section: 'eligibility' | 'profile' | 'criteria';
  href: string;
  text: Message;
}

/** What stands between this application and submission, in the order of its sections. */
export function missingItems(view: ApplicationView): MissingItem[] {
  const base = `/applications/${view.application.id}`;
  const items: MissingItem[] = [];
  for (const question of view.questions) {
    const value = view.application.eligibilityAnswers[question.key];
    if (value === undefined || value === '') {
      items.push({
        section: 'eligibility',
        href: `${base}/eligibility#q-${question.key}`,
        text: msg('applications.missing.question', { prompt: question.prompt }),
      });
    }
  }
  const { school } = view;
  if (school.enrollment === null)
    items.push({
      section: 'profile',
      href: `${base}/profile#enrollment`,
      text: msg('applications.missing.enrollment'),
    });
  if (school.frlPercent === null)
    items.push({
      section: 'profile',
      href: `${base}/profile#frlPercent`,
      text: msg('applications.missing.frl'),
    });
  if (school.iepPercent === null)
    items.push({
      section: 'profile',
      href: `${base}/profile#iepPercent`,
      text: msg('applications.missing.iep'),
    });
  const optionalChosen = view.criteria.filter((c) => !c.required && c.chosen).length;
  const needed = view.cycle.optionalChoiceCount;
  if (optionalChosen !== needed) {
    items.push({
      section: 'criteria',
      href: `${base}/criteria`,
      text: msg('applications.missing.choose', { needed, chosen: optionalChosen }),
    });
  }
  for (const criterion of view.criteria.filter((c) => c.chosen)) {
    if (criterion.wordCount === 0) {
      items.push({
        section: 'criteria',
        href: `${base}/criteria/${criterion.id}`,
        text: msg('applications.missing.write', { number: criterion.number, title: criterion.title }),
      });
    } else if (criterion.overLimit) {
      items.push({
        section: 'criteria',
        href: `${base}/criteria/${criterion.id}`,
        text: msg('applications.missing.overLimit', {
          number: criterion.number,
          title: criterion.title,
          words: criterion.wordCount,
          limit: criterion.wordLimit,
        }),
      });
    }
  }
  return items;
}

/** Submits a complete draft before the deadline and e-mails every contact a summary. */
export async function submitApplication(
  { db, clock, mail }: ServiceContext,
  { access }: { access: ApplicationAccess },
): Promise<void> {
  const now = clock();
  await db.transaction(async (tx) => {
    // Lock the row: two contacts pressing "submit" together send one confirmation.
    const [locked] = await tx
      .select()
      .from(applications)
      .where(eq(applications.id, access.application.id))
      .for('update');
    if (!locked) throw new NotFound(msg('applications.errors.notFound'));
    const current = { ...access, application: locked };
    const reason = cannotEditApplication(current, now);
    if (reason) throw new Forbidden(reason);
    const view = await loadApplication(tx, current);
    const missing = missingItems(view);
    if (missing.length > 0)
      throw new Invalid(
        { submit: msg('applications.missing.items', { count: missing.length }) },
        msg('applications.review.incomplete'),
      );
    const flags = evaluateEligibility(view.rules, {
      answers: locked.eligibilityAnswers,
      school: view.school,
    });
    await tx
      .update(applications)
      .set({ status: 'submitted', submittedAt: now, screeningFlags: flags, updatedAt: now })
      .where(eq(applications.id, locked.id));
    const contacts = await tx
      .select({ email: users.email, name: users.name })
      .from(schoolContacts)
      .innerJoin(users, eq(users.id, schoolContacts.userId))
      .where(and(eq(schoolContacts.schoolId, locked.schoolId), eq(schoolContacts.status, 'active')));
    await notifyNominatorsOfApplication({ db: tx, clock, mail }, locked.id);
    const chosen = view.criteria.filter((c) => c.chosen);
    const zone = await cycleTimeZone(tx, view.cycle.id);
    for (const contact of contacts) {
      await enqueueMail(tx, mail, {
        to: contact.email,
        template: 'application-submitted',
        data: {
          name: contact.name,
          schoolName: view.school.name,
          cycleName: view.cycle.name,
          applicationId: locked.id,
          submittedAt: { at: now, zone },
          deadline: { at: applicationsCloseAt(view.cycle), zone },
          criteria: chosen.map((c) => ({
            number: c.number,
            title: c.title,
            wordCount: c.wordCount,
            fileCount: c.files.length,
          })),
          link: `${mail.baseUrl}/applications/${locked.id}`,
        },
      });
    }
  });
}

export async function withdrawApplication(
  { db, clock }: Pick<ServiceContext, 'db' | 'clock'>,
  { access }: { access: ApplicationAccess },
): Promise<void> {
  const now = clock();
  if (access.role !== 'contact') throw new Forbidden(msg('applications.errors.withdrawContacts'));
  const closed = applicationClosedReason(access.cycle, access.application, now);
  if (closed) throw new Forbidden(msg('applications.errors.withdrawClosed', { reason: closed }));
  const updated = await db
    .update(applications)
    .set({ status: 'withdrawn', withdrawnAt: now, updatedAt: now })
    .where(and(eq(applications.id, access.application.id), eq(applications.status, 'submitted')))
    .returning({ id: applications.id });
  if (updated.length === 0) throw new Forbidden(msg('applications.errors.withdrawSubmitted'));
}

/** A withdrawn application (or a submitted one, to correct it) goes back to draft before the deadline. */
export async function reopenApplication(
  { db, clock }: Pick<ServiceContext, 'db' | 'clock'>,
  { access }: { access: ApplicationAccess },
): Promise<void> {
  const now = clock();
  if (access.role !== 'contact') throw new Forbidden(msg('applications.errors.reopenContacts'));
  const closed = applicationClosedReason(access.cycle, access.application, now);
  if (closed) throw new Forbidden(msg('applications.errors.reopenClosed', { reason: closed }));
  const updated = await db
    .update(applications)
    .set({ status: 'draft', submittedAt: null, withdrawnAt: null, screeningFlags: [], updatedAt: now })
    .where(and(eq(applications.id, access.application.id), inArray(applications.status, ['submitted', 'withdrawn'])))
    .returning({ id: applications.id });
  if (updated.length === 0) throw new Forbidden(msg('applications.errors.reopenStatus'));
}

/** What the school should expect next, with the deadline written in `language`. */
export function nextStep(
  status: string,
  closesAt: Date,
  now: Date,
  zone: string,
  language = 'en',
): Message | undefined {
  const open = now <= closesAt;
  switch (status) {
    case 'draft':
      return open
        ? msg('applications.nextStep.draftOpen', { deadline: formatMoment(closesAt, zone, language) })
        : msg('applications.nextStep.draftClosed');
    case 'submitted':
      return msg(open ? 'applications.nextStep.submittedOpen' : 'applications.nextStep.submittedClosed');
    case 'withdrawn':
      return msg(open ? 'applications.nextStep.withdrawnOpen' : 'applications.nextStep.withdrawnClosed');
    case 'eligible':
      return msg('applications.nextStep.eligible');
    case 'ineligible':
      return msg('applications.nextStep.ineligible');
    default:
      return undefined;
  }
}

/** "My applications": every school the person speaks for, with its applications, newest cycle first. */
export async function applicationsOfUser(db: Database, userId: number, now: Date, language = 'en') {
  const rows = await db
    .select({
      applicationId: applications.id,
      schoolId: applications.schoolId,
      cycleId: applications.cycleId,
      status: applications.status,
      updatedAt: applications.updatedAt,
      schoolName: schools.name,
      cycleName: cycles.name,
      applicationsCloseAt: cycles.applicationsCloseAt,
      closedAt: cycles.closedAt,
      deadlineExtendedTo: applications.deadlineExtendedTo,
      zone: programs.timeZone,
    })
    .from(schoolContacts)
    .innerJoin(schools, eq(schools.id, schoolContacts.schoolId))
    .innerJoin(applications, eq(applications.schoolId, schools.id))
    .innerJoin(cycles, eq(cycles.id, applications.cycleId))
    .innerJoin(programs, eq(programs.id, cycles.programId))
    .where(and(eq(schoolContacts.userId, userId), eq(schoolContacts.status, 'active')))
    .orderBy(desc(cycles.applicationsCloseAt), asc(schools.name))
    .limit(200);
  return rows.map((row) => ({
    ...row,
    statusLabel: APPLICATION_STATUS_LABELS[row.status] ?? row.status,
    closesAt: applicationDeadline(row, row),
    nextStep: nextStep(row.status, applicationDeadline(row, row), now, row.zone, language),
  }));
}
