// Who may see and change what. Small named questions, each answering with a reason when the
// answer is no, so the 403 page can say why. Nothing here trusts the browser. Someone else's
// record is "not found", never "forbidden": nobody learns which schools applied.
//
//   act                                          who                                       where
//   open an application, its sections, files     its school's active contacts; admins      applicationAccess
//   change an application                        its active contacts, before the deadline  cannotEditApplication
//   open an application to review, its files    the assigned reviewer, if not conflicted  reviewerAccess
//                                                and done with the cycle's calibration
//   save or submit a review                      that reviewer, until the round is due     cannotEditReview
//   see or decide a school's contact requests    its active contacts; admins               schools/contacts.ts
//   anything under /admin                        admins                                    routes/index.ts (one guard)
import { and, eq } from 'drizzle-orm';
import {
  applications,
  assignments,
  cycles,
  reviewRounds,
  schoolContacts,
  type Application,
  type Assignment,
  type Cycle,
  type ReviewRound,
} from '../../models/schema.js';
import { unscoredExamples } from './review/calibration-scoring.js';
import { conflictReason } from './review/conflicts.js';
import { applicationClosedReason } from './programs/phase.js';
import type { Database } from '../db/client.js';
import { Forbidden, NotFound } from '../errors.js';
import { msg, type Text } from '../i18n/translate.js';

export type ApplicationRole = 'contact' | 'admin';

export interface ApplicationAccess {
  role: ApplicationRole;
  application: Application;
  cycle: Cycle;
}

/**
 * The application if this person may open it: an active contact of its school, or an admin.
 * Anyone else gets "not found", not "forbidden": they learn nothing about which schools applied.
 */
export async function applicationAccess(
  db: Database,
  user: { id: number; roles: readonly string[] } | undefined,
  applicationId: number,
): Promise<ApplicationAccess> {
  const missing = new NotFound(msg('admin.access.applicationNotFound'));
  if (!user || !Number.isSafeInteger(applicationId)) throw missing;
  const [row] = await db
    .select({ application: applications, cycle: cycles, contactStatus: schoolContacts.status })
    .from(applications)
    .innerJoin(cycles, eq(cycles.id, applications.cycleId))
    .leftJoin(
      schoolContacts,
      and(eq(schoolContacts.schoolId, applications.schoolId), eq(schoolContacts.userId, user.id)),
    )
    .where(eq(applications.id, applicationId));
  if (!row) throw missing;
  if (row.contactStatus === 'active') return { role: 'contact', application: row.application, cycle: row.cycle };
  if (user.roles.includes('admin')) return { role: 'admin', application: row.application, cycle: row.cycle };
  throw missing;
}

/** Why this person cannot change the application now, or undefined when they can. */
export function cannotEditApplication(access: ApplicationAccess, now: Date): Text | undefined {
  if (access.role !== 'contact') return msg('admin.access.contactsOnly');
  if (access.application.status !== 'draft') {
    return msg(access.application.status === 'withdrawn' ? 'admin.access.withdrawn' : 'admin.access.submitted');
  }
  return applicationClosedReason(access.cycle, access.application, now);
}

export interface ReviewerAccess {
  assignment: Assignment;
  round: ReviewRound;
  application: Application;
  cycle: Cycle;
  /** Blind review: the reviewer sees an application number, never the school. */
  blind: boolean;
}

/**
 * A reviewer's own assignment, if they may open it. A conflict found after assigning (declared
 * later, a new contact) closes it at once: "not found", as for anyone else.
 */
export async function reviewerAccess(
  db: Database,
  user: { id: number } | undefined,
  assignmentId: number,
): Promise<ReviewerAccess> {
  const missing = new NotFound(msg('admin.access.reviewNotFound'));
  if (!user || !Number.isSafeInteger(assignmentId)) throw missing;
  const [row] = await db
    .select({
      assignment: assignments,
      round: reviewRounds,
      application: applications,
      cycle: cycles,
      unscoredExamples: unscoredExamples(user.id, cycles.id),
    })
    .from(assignments)
    .innerJoin(reviewRounds, eq(reviewRounds.id, assignments.roundId))
    .innerJoin(applications, eq(applications.id, assignments.applicationId))
    .innerJoin(cycles, eq(cycles.id, applications.cycleId))
    .where(and(eq(assignments.id, assignmentId), eq(assignments.reviewerId, user.id)));
  if (!row) throw missing;
  if (await conflictReason(db, { reviewerId: user.id, applicationId: row.application.id })) throw missing;
  if (row.unscoredExamples > 0) {
    throw new Forbidden(msg('calibration.reviewer.first', { count: row.unscoredExamples }), {
      href: `/reviews/calibration/${row.cycle.id}`,
      text: msg('calibration.reviewer.scoreThem'),
    });
  }
  const { unscoredExamples: _done, ...access } = row;
  return { ...access, blind: row.cycle.blindReview };
}

/** Why the reviewer cannot change this review now, or undefined when they can. */
export function cannotEditReview(access: ReviewerAccess, now: Date): Text | undefined {
  if (now > access.round.dueAt) return msg('admin.access.roundDue');
  return undefined;
}
