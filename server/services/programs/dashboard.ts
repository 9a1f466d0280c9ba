// The admin's home: where one cycle stands, what to do next, how many nominations, invitations
// and applications reached each stage, who is late with reviews, and what still needs an
// admin before publishing. Every number comes from one aggregate query per concern (the
// funnel's counts, the rounds, the late reviewers), never a query per application or reviewer,
// so the page stays quick at 10,000 applications and 30,000 assignments.
//
// The funnel counts what reached each stage: a screened application is counted as submitted
// too. "Reviews done" and the warning about missing reviews use review coverage (coverage.ts), the measure the
// decisions page asks an override reason by, so the two pages never disagree.
import { asc, desc, eq, sql } from 'drizzle-orm';
import {
  applications,
  assignments,
  cycles,
  decisions,
  nominations,
  reviewRounds,
  schoolInvitations,
  type Cycle,
} from '../../../models/schema.js';
import { rowsOf, type Database } from '../../db/client.js';
import { coverageCounts } from '../decisions/coverage.js';
import { decisionCounts } from '../decisions/decisions.js';
import { firstRoundBacklog } from '../review/rounds.js';
import { formatDay, formatMoment } from '../../time.js';
import { cycleTimeZone } from './time-zone.js';
import { counted } from '../../text.js';
import { applicationsCloseAt, withPhases, type CyclePhase } from './phase.js';

/** At most this many late reviewers are listed; the rest are counted. */
export const LATE_REVIEWERS_SHOWN = 20;

type PhasedCycle = Cycle & { phase: CyclePhase; phaseLabel: string };

/**
 * The cycle the dashboard shows: the one asked for if it exists; else the newest (by opening)
 * that is under way, neither before its opening nor published; else the newest that has opened;
 * else, when none has opened yet, the next to open.
 */
export function chooseCycle<C extends PhasedCycle>(byOpeningDesc: readonly C[], requested?: number): C | undefined {
  return (
    byOpeningDesc.find((c) => c.id === requested) ??
    byOpeningDesc.find((c) => c.phase !== 'draft' && c.phase !== 'published') ??
    byOpeningDesc.find((c) => c.phase !== 'draft') ??
    byOpeningDesc.at(-1)
  );
}

export interface Link {
  href: string;
  text: string;
}

export interface NextStep {
  text: string;
  links: Link[];
  /** The "close applications now" form, while applications are open. */
  closeForm?: { action: string; confirm: string };
}

export interface Stage {
  key: string;
  label: string;
  count: number;
  detail: string;
  /** The admin page that lists them, where there is one. */
  href?: string;
}

export interface Warning {
  key: string;
  label: string;
  count: string;
  link: Link;
}

/** The funnel as bars, laid out here so the template only writes attributes. */
// 480 wide, so that on a phone the labels shrink by a quarter at most.
const CHART = { width: 480, labelWidth: 160, barMax: 270, row: 30, bar: 20, top: 8 } as const;

export function funnelChart(stages: readonly Stage[]) {
  const largest = Math.max(0, ...stages.map((s) => s.count));
  return {
    width: CHART.width,
    height: CHART.top * 2 + stages.length * CHART.row,
    bars: stages.map((s, i) => {
      // Scaled to the largest stage; a stage with any count stays visible as a sliver.
      const width = largest === 0 ? 0 : Math.max(s.count > 0 ? 2 : 0, Math.round((s.count / largest) * CHART.barMax));
      const y = CHART.top + i * CHART.row;
      return {
        label: s.label,
        count: s.count,
        y,
        labelX: CHART.labelWidth - 10,
        barX: CHART.labelWidth,
        barHeight: CHART.bar,
        width,
        textY: y + CHART.bar / 2 + 5,
        countX: CHART.labelWidth + width + 8,
      };
    }),
  };
}

/** The one row of an aggregate without GROUP BY (there always is one). */
async function oneRow<T>(query: Promise<T[]>): Promise<T> {
  const [row] = await query;
  if (!row) throw new Error('An aggregate query returned no row');
  return row;
}

const nominationCounts = (db: Database, cycleId: number) =>
  oneRow(
    db
      .select({
        confirmed: sql<number>`count(*) filter (where ${nominations.status} = 'confirmed')::int`,
        unconfirmed: sql<number>`count(*) filter (where ${nominations.status} = 'unconfirmed')::int`,
        spam: sql<number>`count(*) filter (where ${nominations.status} = 'spam')::int`,
      })
      .from(nominations)
      .where(eq(nominations.cycleId, cycleId)),
  );

const invitationCounts = (db: Database, cycleId: number) =>
  oneRow(
    db
      .select({ sent: sql<number>`count(*)::int`, accepted: sql<number>`count(${schoolInvitations.acceptedAt})::int` })
      .from(schoolInvitations)
      .where(eq(schoolInvitations.cycleId, cycleId)),
  );

const byStatus = (status: string) => sql<number>`count(*) filter (where ${applications.status} = ${status})::int`;

/** Applications by status, the eligible ones with a reviewer, and decisions that want a second look. */
const applicationCounts = (db: Database, cycleId: number) =>
  oneRow(
    db
      .select({
        all: sql<number>`count(*)::int`,
        draft: byStatus('draft'),
        submitted: byStatus('submitted'),
        withdrawn: byStatus('withdrawn'),
        eligible: byStatus('eligible'),
        ineligible: byStatus('ineligible'),
        assigned: sql<number>`count(*) filter (where ${applications.status} = 'eligible'
          and exists (select 1 from ${assignments} x where x.application_id = ${applications.id}))::int`,
        overridden: sql<number>`count(${decisions.overrideReason})::int`,
        draftedCitations: sql<number>`count(*) filter (where ${decisions.textsDrafted} and ${decisions.level} in ('gold','silver'))::int`,
      })
      .from(applications)
      .leftJoin(decisions, eq(decisions.applicationId, applications.id))
      .where(eq(applications.cycleId, cycleId)),
  );

/** The cycle's rounds with their assignments: how many, submitted, and unsubmitted past the due date. */
async function roundsWithWork(db: Database, cycleId: number, now: Date) {
  const rows = await db
    .select({
      round: reviewRounds,
      assigned: sql<number>`count(${assignments.id})::int`,
      submitted: sql<number>`count(*) filter (where ${assignments.status} = 'submitted')::int`,
    })
    .from(reviewRounds)
    .leftJoin(assignments, eq(assignments.roundId, reviewRounds.id))
    .where(eq(reviewRounds.cycleId, cycleId))
    .groupBy(reviewRounds.id)
    .orderBy(asc(reviewRounds.number));
  return rows.map((r) => ({ ...r, pastDue: now > r.round.dueAt }));
}

/** Reviewers with unsubmitted reviews in rounds past their due date, most late first. */
async function lateReviewers(db: Database, cycleId: number, now: Date) {
  const rows = rowsOf<{
    id: string | number;
    name: string;
    email: string;
    late: number;
    rounds: Array<{ id: string | number; name: string }>;
    reviewers: number;
  }>(
    // Counted by reviewer and round first, so the round names are built once per pair, not per assignment.
    await db.execute(sql`
      with late as (
        select x.reviewer_id, x.round_id, count(*)::int as n
        from assignments x join review_rounds r on r.id = x.round_id
        where r.cycle_id = ${cycleId} and r.due_at < ${now.toISOString()}::timestamptz and x.status <> 'submitted'
        group by x.reviewer_id, x.round_id)
      select u.id, u.name, u.email, sum(l.n)::int as late,
        jsonb_agg(jsonb_build_object('id', r.id, 'name', r.name) order by r.number) as rounds,
        (count(*) over ())::int as reviewers
      from late l join users u on u.id = l.reviewer_id join review_rounds r on r.id = l.round_id
      group by u.id, u.name, u.email
      order by late desc, u.name, u.id
      limit ${LATE_REVIEWERS_SHOWN}`),
  );
  const reviewers = rows[0]?.reviewers ?? 0;
  return {
    rows: rows.map((r) => ({
      id: Number(r.id),
      name: r.name,
      email: r.email,
      late: r.late,
      rounds: r.rounds.map((round) => ({ id: Number(round.id), name: round.name })),
    })),
    reviewers,
    more: Math.max(0, reviewers - rows.length),
  };
}

/** Every cycle, newest opening first, with its phase: the dashboard's choice of cycle. */
export async function dashboardCycles(db: Database, now: Date) {
  const list = await db.select().from(cycles).orderBy(desc(cycles.opensAt), desc(cycles.id));
  return withPhases(db, list, now);
}

/** Everything the dashboard says of a cycle, counted. */
async function countsOf(db: Database, cycleId: number, now: Date) {
  const [nominated, invited, apps, decided, coverage, rounds, late] = await Promise.all([
    nominationCounts(db, cycleId),
    invitationCounts(db, cycleId),
    applicationCounts(db, cycleId),
    decisionCounts(db, cycleId),
    coverageCounts(db, { cycleId }),
    roundsWithWork(db, cycleId, now),
    lateReviewers(db, cycleId, now),
  ]);
  const firstRound = rounds.find((r) => r.round.number === 1)?.round;
  // Without a round 1, every eligible application is still to be taken into one.
  const backlog = firstRound ? (await firstRoundBacklog(db, firstRound)).applications : apps.eligible;
  const reviews = { assigned: 0, submitted: 0, late: 0 };
  for (const r of rounds) {
    reviews.assigned += r.assigned;
    reviews.submitted += r.submitted;
    if (r.pastDue) reviews.late += r.assigned - r.submitted;
  }
  return {
    nominated,
    invited,
    apps: { ...apps, submittedEver: apps.submitted + apps.eligible + apps.ineligible },
    decided: { ...decided, all: decided.gold + decided.silver + decided.notSelected },
    reviewed: coverage.covered,
    short: coverage.eligible - coverage.covered,
    reviews,
    firstRound,
    backlog,
    /** The latest round with assignments: the one under way, or the last one done. */
    lastAssigned: rounds.filter((r) => r.assigned > 0).at(-1)?.round,
    late,
  };
}

type Counts = Awaited<ReturnType<typeof countsOf>>;

const adminPaths = (cycleId: number) => {
  const cycle = `/admin/cycles/${cycleId}`;
  return {
    cycle,
    screening: `/admin/applications?cycle=${cycleId}&screening=needed`,
    rounds: `${cycle}/rounds`,
    decisions: `${cycle}/decisions`,
    publish: `${cycle}/publish`,
  };
};

function stagesOf(cycleId: number, { nominated, invited, apps, decided, reviewed, reviews }: Counts): Stage[] {
  const to = adminPaths(cycleId);
  return [
    {
      key: 'nominations',
      label: 'Nominations',
      count: nominated.confirmed,
      href: `/admin/nominations?cycle=${cycleId}`,
      detail:
        'Confirmed by the nominator.' +
        (nominated.unconfirmed + nominated.spam > 0
          ? ` Not counted: ${nominated.unconfirmed} not confirmed yet, ${nominated.spam} marked as spam.`
          : ''),
    },
    { key: 'invitations', label: 'Schools invited', count: invited.sent, detail: `${invited.accepted} accepted.` },
    {
      key: 'started',
      label: 'Applications started',
      count: apps.all,
      href: `/admin/applications?cycle=${cycleId}`,
      detail: `${counted(apps.draft, 'draft', 'drafts')} not submitted, ${apps.withdrawn} withdrawn.`,
    },
    {
      key: 'submitted',
      label: 'Submitted',
      count: apps.submittedEver,
      detail: `${apps.submitted} waiting for screening.`,
    },
    {
      key: 'screened',
      label: 'Screened',
      count: apps.eligible + apps.ineligible,
      detail: `${apps.eligible} eligible, ${apps.ineligible} not eligible.`,
    },
    {
      key: 'assigned',
      label: 'Assigned to reviewers',
      count: apps.assigned,
      detail: 'Eligible applications with at least one reviewer.',
    },
    {
      key: 'reviewed',
      label: 'Reviews done',
      count: reviewed,
      detail:
        'Eligible applications with all the reviews their round asked for. ' +
        `${reviews.submitted} of ${counted(reviews.assigned, 'review', 'reviews')} submitted.`,
    },
    {
      key: 'decided',
      label: 'Decided',
      count: decided.all,
      href: to.decisions,
      detail: `${decided.gold} Gold, ${decided.silver} Silver, ${decided.notSelected} not selected.`,
    },
  ];
}

/** What still needs an admin, each only while it holds. */
function warningsOf(cycleId: number, c: Counts): Warning[] {
  const to = adminPaths(cycleId);
  const applications = (n: number) => counted(n, 'application', 'applications');
  const all: Array<Warning & { n: number }> = [
    {
      key: 'unscreened',
      n: c.apps.submitted,
      label: 'Submitted, not screened yet',
      count: applications(c.apps.submitted),
      link: { href: to.screening, text: 'Screen them' },
    },
    {
      key: 'not-in-round-1',
      n: c.backlog,
      label: 'Eligible, not in review round 1 yet',
      count: applications(c.backlog),
      link: c.firstRound
        ? { href: `/admin/rounds/${c.firstRound.id}`, text: 'Take them into round 1' }
        : { href: to.rounds, text: 'Set up round 1' },
    },
    {
      key: 'short',
      n: c.short,
      label: 'Eligible, with fewer submitted reviews than their round asked for',
      count: applications(c.short),
      link: { href: to.rounds, text: 'See the review rounds' },
    },
    {
      key: 'overridden',
      n: c.apps.overridden,
      label: 'Decided with fewer reviews than asked for',
      count: counted(c.apps.overridden, 'decision', 'decisions'),
      link: { href: to.publish, text: 'See the reasons given' },
    },
    {
      key: 'undecided',
      n: c.decided.undecided,
      label: 'Eligible, without a decision',
      count: applications(c.decided.undecided),
      link: { href: `${to.decisions}?filter=undecided`, text: 'Decide them' },
    },
    {
      key: 'drafted-citations',
      n: c.apps.draftedCitations,
      label: 'Honoree citations still as the portal drafted them',
      count: counted(c.apps.draftedCitations, 'citation', 'citations'),
      link: { href: to.publish, text: 'Read and edit them' },
    },
  ];
  return all.filter((w) => w.n > 0).map(({ n: _n, ...warning }) => warning);
}

function nextStepOf(cycle: PhasedCycle, c: Counts, zone: string): NextStep {
  const to = adminPaths(cycle.id);
  const applications = (n: number) => counted(n, 'application', 'applications');
  switch (cycle.phase) {
    case 'draft':
      return {
        text: `Applications open on ${formatDay(cycle.opensAt, zone)}. Before then, check the criteria and the eligibility questions and rules.`,
        links: [
          { href: to.cycle, text: 'Criteria and settings' },
          { href: `${to.cycle}/eligibility`, text: 'Eligibility questions and rules' },
        ],
      };
    case 'open':
      return {
        text: `Applications close on ${formatMoment(applicationsCloseAt(cycle), zone)}; ${applications(c.apps.submittedEver)} submitted so far.`,
        links: [{ href: to.cycle, text: 'Dates and settings' }],
        closeForm: {
          action: `${to.cycle}/close`,
          confirm: `Close applications and nominations for ${cycle.name} now? Schools can no longer start, change or submit an application.`,
        },
      };
    case 'closed': {
      const waiting = c.apps.submitted;
      const screen =
        waiting > 0 ? `Screen the ${applications(waiting)} waiting, then` : 'Every application is screened:';
      const screening = waiting > 0 ? [{ href: to.screening, text: 'Applications waiting for screening' }] : [];
      return c.firstRound
        ? {
            text: `${screen} assign reviewers in ${c.firstRound.name}.`,
            links: [...screening, { href: `/admin/rounds/${c.firstRound.id}`, text: c.firstRound.name }],
          }
        : {
            text: `${screen} set up review round 1.`,
            links: [...screening, { href: to.rounds, text: 'Review rounds' }],
          };
    }
    case 'in_review': {
      const round = c.lastAssigned;
      const outstanding = c.reviews.assigned - c.reviews.submitted;
      return {
        text:
          outstanding > 0
            ? `${counted(outstanding, 'review', 'reviews')} outstanding, ${c.reviews.late} late.` +
              (round ? ` ${round.name} is due on ${formatDay(round.dueAt, zone)}.` : '')
            : 'Every assigned review is in: read the ranking and decide.',
        links: round
          ? [
              { href: `/admin/rounds/${round.id}`, text: `How ${round.name} is going` },
              { href: `/admin/rounds/${round.id}/ranking`, text: `Ranking of ${round.name}` },
            ]
          : [],
      };
    }
    case 'deciding': {
      const round = c.lastAssigned;
      return {
        text:
          c.decided.undecided > 0
            ? `Decide on the ${applications(c.decided.undecided)} still without a decision, then preview publishing.`
            : 'Every eligible application has a decision: preview publishing, then publish.',
        links: [
          ...(round ? [{ href: `/admin/rounds/${round.id}/ranking`, text: `Ranking of ${round.name}` }] : []),
          { href: to.decisions, text: 'Decisions' },
          { href: to.publish, text: 'Preview publishing' },
        ],
      };
    }
    case 'published':
      return {
        text: `The honorees are public${cycle.publishedAt ? ` since ${formatDay(cycle.publishedAt, zone)}` : ''}.`,
        links: [{ href: `/honorees?year=${cycle.year}`, text: `The honorees of ${cycle.year}` }],
      };
  }
}

/**
 * The dashboard of one cycle (`requested`, or the one chooseCycle picks), with the list of all
 * cycles to switch to. With no cycle at all, `cycle` is undefined.
 */
export async function cycleDashboard(db: Database, { requested, now }: { requested?: number; now: Date }) {
  const all = await dashboardCycles(db, now);
  const cycle = chooseCycle(all, requested);
  const options = all.map((c) => ({
    value: String(c.id),
    label: `${c.name} (${c.phaseLabel})`,
    selected: c.id === cycle?.id,
  }));
  const canSwitch = options.length > 1;
  if (!cycle) return { options, canSwitch, cycle: undefined };
  const counts = await countsOf(db, cycle.id, now);
  const zone = await cycleTimeZone(db, cycle.id);
  const stages = stagesOf(cycle.id, counts);
  const { late, reviews } = counts;
  return {
    options,
    canSwitch,
    cycle,
    nextStep: nextStepOf(cycle, counts, zone),
    timeZone: zone,
    stages,
    chart: funnelChart(stages),
    warnings: warningsOf(cycle.id, counts),
    late: {
      ...late,
      summary: `${counted(late.reviewers, 'reviewer', 'reviewers')} late with ${counted(reviews.late, 'review', 'reviews')}.`,
      moreText: counted(late.more, 'more late reviewer', 'more late reviewers'),
    },
  };
}
