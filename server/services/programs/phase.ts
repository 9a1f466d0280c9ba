// Where a cycle stands, and so what may be done in it. A cycle moves one way through six phases:
//
//   draft      before it opens: the admins set it up; nobody applies or nominates yet
//   open       schools apply and the public nominates, until the deadline or an early close
//   closed     applications are in; admins screen them and set up review round 1
//   in review  a round has assignments: reviewers read and score
//   deciding   the admins decide (a decision exists, or the last round's due date has passed)
//   published  the honorees are public, and the cycle takes no more applications or nominations
//
// The phase is worked out from the cycle and a few facts (any assignment, any decision), never
// stored, so it cannot disagree with them. Every act that belongs to a phase asks here first.
import { and, eq, inArray, max, sql } from 'drizzle-orm';
import { assignments, cycles, decisions, reviewRounds, type Cycle } from '../../../models/schema.js';
import type { Database } from '../../db/client.js';
import { Forbidden } from '../../errors.js';
import { msg, type Message } from '../../i18n/translate.js';

export const CYCLE_PHASES = ['draft', 'open', 'closed', 'in_review', 'deciding', 'published'] as const;
export type CyclePhase = (typeof CYCLE_PHASES)[number];

/** A phase's name, for a list or a heading (programs.phase in the catalogues). */
export const phaseLabel = (phase: CyclePhase): Message => msg(`programs.phase.${phase}`);

type CycleDates = Pick<Cycle, 'opensAt' | 'applicationsCloseAt' | 'closedAt' | 'publishedAt'>;

/** When applications (and nominations) stop: the deadline, or an earlier close. */
export function applicationsCloseAt(cycle: Pick<Cycle, 'applicationsCloseAt' | 'closedAt'>): Date {
  return cycle.closedAt && cycle.closedAt < cycle.applicationsCloseAt ? cycle.closedAt : cycle.applicationsCloseAt;
}

/** Whether schools may start, change and submit applications now. */
export function applicationsOpen(cycle: CycleDates, now: Date): boolean {
  return applicationsClosedReason(cycle, now) === undefined;
}

/** Why applications cannot be started, changed or submitted now, or undefined while they can. */
export function applicationsClosedReason(cycle: CycleDates, now: Date): Message | undefined {
  if (cycle.publishedAt) return msg('programs.closedReason.published');
  if (now < cycle.opensAt) return msg('programs.closedReason.notOpen');
  if (cycle.closedAt && now >= cycle.closedAt && cycle.closedAt < cycle.applicationsCloseAt) {
    return msg('programs.closedReason.closedEarly');
  }
  if (now > cycle.applicationsCloseAt) return msg('programs.closedReason.deadlinePassed');
  return undefined;
}

/** A school's own deadline: the cycle's, or the later one the staff gave it. */
export function applicationDeadline(
  cycle: Pick<Cycle, 'applicationsCloseAt' | 'closedAt'>,
  application: { deadlineExtendedTo: Date | null },
): Date {
  const closes = applicationsCloseAt(cycle);
  const extended = application.deadlineExtendedTo;
  return extended && extended > closes ? extended : closes;
}

/**
 * Why this school's application cannot be changed, submitted, withdrawn or reopened now: the
 * cycle's reason, unless the staff extended this school's deadline and it has not passed.
 */
export function applicationClosedReason(
  cycle: CycleDates,
  application: { deadlineExtendedTo: Date | null },
  now: Date,
): Message | undefined {
  const extended = application.deadlineExtendedTo;
  if (!cycle.publishedAt && now >= cycle.opensAt && extended && now <= extended) return undefined;
  const reason = applicationsClosedReason(cycle, now);
  return reason && extended && now > extended ? msg('programs.closedReason.extensionPassed') : reason;
}

/** Whether the public may nominate now: the cycle is open and its nominations deadline not passed. */
export function nominationsOpen(cycle: CycleDates & Pick<Cycle, 'nominationsCloseAt'>, now: Date): boolean {
  return applicationsOpen(cycle, now) && now <= cycle.nominationsCloseAt;
}

/** The facts beyond the cycle's own row that move it on: reviewing under way, deciding begun. */
export interface PhaseFacts {
  /** Some round of the cycle has an assignment. */
  assigned: boolean;
  /** Some application of the cycle has a decision. */
  decided: boolean;
  /** The latest due date among the cycle's rounds, if it has any. */
  lastDueAt: Date | null;
}

export function phaseOf(cycle: CycleDates, facts: PhaseFacts, now: Date): CyclePhase {
  if (cycle.publishedAt) return 'published';
  if (now < cycle.opensAt) return 'draft';
  if (applicationsOpen(cycle, now)) return 'open';
  if (facts.decided || (facts.assigned && facts.lastDueAt !== null && now > facts.lastDueAt)) return 'deciding';
  if (facts.assigned) return 'in_review';
  return 'closed';
}

/** The facts for several cycles, in one query (a cycle with no rounds has none of them). */
export async function phaseFactsOf(db: Database, cycleIds: readonly number[]): Promise<Map<number, PhaseFacts>> {
  const facts = new Map<number, PhaseFacts>(
    cycleIds.map((id) => [id, { assigned: false, decided: false, lastDueAt: null }]),
  );
  if (cycleIds.length === 0) return facts;
  const rows = await db
    .select({
      cycleId: cycles.id,
      assigned: sql<boolean>`exists (select 1 from ${assignments} a join ${reviewRounds} r on r.id = a.round_id where r.cycle_id = ${cycles.id})`,
      decided: sql<boolean>`exists (select 1 from ${decisions} d where d.cycle_id = ${cycles.id})`,
      lastDueAt: max(reviewRounds.dueAt),
    })
    .from(cycles)
    .leftJoin(reviewRounds, eq(reviewRounds.cycleId, cycles.id))
    .where(inArray(cycles.id, [...cycleIds]))
    .groupBy(cycles.id);
  for (const row of rows) {
    facts.set(row.cycleId, {
      assigned: Boolean(row.assigned),
      decided: Boolean(row.decided),
      lastDueAt: row.lastDueAt ?? null,
    });
  }
  return facts;
}

export async function phaseFacts(db: Database, cycleId: number): Promise<PhaseFacts> {
  return (await phaseFactsOf(db, [cycleId])).get(cycleId)!;
}

/** Each cycle with its phase, for lists (one query for all). */
export async function withPhases<C extends Cycle>(db: Database, list: readonly C[], now: Date) {
  const facts = await phaseFactsOf(
    db,
    list.map((c) => c.id),
  );
  return list.map((cycle) => {
    const phase = phaseOf(cycle, facts.get(cycle.id)!, now);
    return { ...cycle, phase, phaseLabel: phaseLabel(phase) };
  });
}

/** The cycle's phase now. */
export async function cyclePhase(db: Database, cycle: Cycle & CycleDates, now: Date): Promise<CyclePhase> {
  return phaseOf(cycle, await phaseFacts(db, cycle.id), now);
}

/** The phases in which rounds are set up and reviewers assigned: after applications close, before publishing. */
export const REVIEW_PHASES: readonly CyclePhase[] = ['closed', 'in_review', 'deciding'];

/**
 * Refuses an act outside the phases it belongs to, saying where the cycle stands and what to do
 * first (`then`, a whole sentence: a Message from programs.phaseThen).
 */
export async function requirePhase(
  db: Database,
  cycle: Cycle,
  now: Date,
  allowed: readonly CyclePhase[],
  then: Message,
): Promise<CyclePhase> {
  const phase = await cyclePhase(db, cycle, now);
  if (allowed.includes(phase)) return phase;
  throw new Forbidden(msg('programs.phaseRefused', { cycle: cycle.name, phase, then }));
}

/** Cycles whose applications are open now (for "Apply" and for starting an application). */
export function openForApplicationsCondition(now: Date) {
  const iso = now.toISOString();
  // The same instants as applicationsClosedReason: open through the deadline, closed from an early close on.
  return and(
    sql`${cycles.publishedAt} is null`,
    sql`${cycles.opensAt} <= ${iso}::timestamptz`,
    sql`${cycles.applicationsCloseAt} >= ${iso}::timestamptz`,
    sql`(${cycles.closedAt} is null or ${cycles.closedAt} > ${iso}::timestamptz)`,
  );
}
