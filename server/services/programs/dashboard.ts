// The admin's home: where one cycle stands, what to do next, how many nominations, invitations
// and applications reached each stage, who is late with reviews, and what still needs an
// admin before publishing. Every number comes from one aggregate query per concern (the
// funnel's counts, the rounds, the late reviewers), never a query per application or reviewer,
// so the page stays quick at 10,000 applications and 30,000 assignments.
//
// The funnel counts what reached each stage: a screened application is counted as submitted
// too. "Reviews done" and the warning about missing reviews use review coverage (coverage.ts), the measure the
// decisions page asks an override reason by, so the two pages never disagree.
//
// The page's words are worked out here, in the reader's language (admin.json), because they
// carry dates in the program's zone and counts that agree with their nouns.
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
import { t } from '../../i18n/translate.js';
import { applicationsCloseAt, withPhases, type CyclePhase } from './phase.js';

/** At most this many late reviewers are listed; the rest are counted. */
export const LATE_REVIEWERS_SHOWN = 20;

type PhasedCycle = Cycle & { phase: CyclePhase };

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

function stagesOf(
  cycleId: number,
  { nominated, invited, apps, decided, reviewed, reviews }: Counts,
  lang: string,
): Stage[] {
  const to = adminPaths(cycleId);
  const say = (key: string, values?: Record<string, unknown>) => t(lang, `admin.stage.${key}`, values);
  return [
    {
      key: 'nominations',
      label: say('nominations'),
      count: nominated.confirmed,
      href: `/admin/nominations?cycle=${cycleId}`,
      detail:
        nominated.unconfirmed + nominated.spam > 0
          ? say('nominationsNotCounted', { unconfirmed: nominated.unconfirmed, spam: nominated.spam })
          : say('nominationsDetail'),
    },
    {
      key: 'invitations',
      label: say('invitations'),
      count: invited.sent,
      detail: say('invitationsDetail', { accepted: invited.accepted }),
    },
    {
      key: 'started',
      label: say('started'),
      count: apps.all,
      href: `/admin/applications?cycle=${cycleId}`,
      detail: say('startedDetail', { drafts: apps.draft, withdrawn: apps.withdrawn }),
    },
    {
      key: 'submitted',
      label: say('submitted'),
      count: apps.submittedEver,
      detail: say('submittedDetail', { waiting: apps.submitted }),
    },
    {
      key: 'screened',
      label: say('screened'),
      count: apps.eligible + apps.ineligible,
      detail: say('screenedDetail', { eligible: apps.eligible, ineligible: apps.ineligible }),
    },
    {
      key: 'assigned',
      label: say('assigned'),
      count: apps.assigned,
      detail: say('assignedDetail'),
    },
    {
      key: 'reviewed',
      label: say('reviewed'),
      count: reviewed,
      detail: say('reviewedDetail', { submitted: reviews.submitted, assigned: reviews.assigned }),
    },
    {
      key: 'decided',
      label: say('decided'),
      count: decided.all,
      href: to.decisions,
      detail: say('decidedDetail', { gold: decided.gold, silver: decided.silver, notSelected: decided.notSelected }),
    },
  ];
}

/** What still needs an admin, each only while it holds. */
function warningsOf(cycleId: number, c: Counts, lang: string): Warning[] {
  const to = adminPaths(cycleId);
  const say = (key: string, values?: Record<string, unknown>) => t(lang, `admin.warning.${key}`, values);
  const applications = (count: number) => say('applications', { count });
  const all: Array<Warning & { n: number }> = [
    {
      key: 'unscreened',
      n: c.apps.submitted,
      label: say('unscreened'),
      count: applications(c.apps.submitted),
      link: { href: to.screening, text: say('screenThem') },
    },
    {
      key: 'not-in-round-1',
      n: c.backlog,
      label: say('notInRound1'),
      count: applications(c.backlog),
      link: c.firstRound
        ? { href: `/admin/rounds/${c.firstRound.id}`, text: say('takeIntoRound1') }
        : { href: to.rounds, text: say('setUpRound1') },
    },
    {
      key: 'short',
      n: c.short,
      label: say('short'),
      count: applications(c.short),
      link: { href: to.rounds, text: say('seeRounds') },
    },
    {
      key: 'overridden',
      n: c.apps.overridden,
      label: say('overridden'),
      count: say('decisions', { count: c.apps.overridden }),
      link: { href: to.publish, text: say('seeReasons') },
    },
    {
      key: 'undecided',
      n: c.decided.undecided,
      label: say('undecided'),
      count: applications(c.decided.undecided),
      link: { href: `${to.decisions}?filter=undecided`, text: say('decideThem') },
    },
    {
      key: 'drafted-citations',
      n: c.apps.draftedCitations,
      label: say('draftedCitations'),
      count: say('citations', { count: c.apps.draftedCitations }),
      link: { href: to.publish, text: say('editCitations') },
    },
  ];
  return all.filter((w) => w.n > 0).map(({ n: _n, ...warning }) => warning);
}

function nextStepOf(cycle: PhasedCycle, c: Counts, zone: string, lang: string): NextStep {
  const to = adminPaths(cycle.id);
  const say = (key: string, values?: Record<string, unknown>) => t(lang, `admin.step.${key}`, values);
  const day = (date: Date) => formatDay(date, zone, lang);
  switch (cycle.phase) {
    case 'draft':
      return {
        text: say('draft', { opens: day(cycle.opensAt) }),
        links: [
          { href: to.cycle, text: say('criteriaAndSettings') },
          { href: `${to.cycle}/eligibility`, text: say('eligibility') },
        ],
      };
    case 'open':
      return {
        text: say('open', {
          closes: formatMoment(applicationsCloseAt(cycle), zone, lang),
          count: c.apps.submittedEver,
        }),
        links: [{ href: to.cycle, text: say('datesAndSettings') }],
        closeForm: { action: `${to.cycle}/close`, confirm: say('closeConfirm', { cycle: cycle.name }) },
      };
    case 'closed': {
      const waiting = c.apps.submitted;
      const screening = waiting > 0 ? [{ href: to.screening, text: say('waitingForScreening') }] : [];
      return c.firstRound
        ? {
            text: say(waiting > 0 ? 'closedWaitingRound' : 'closedScreenedRound', {
              count: waiting,
              round: c.firstRound.name,
            }),
            links: [...screening, { href: `/admin/rounds/${c.firstRound.id}`, text: c.firstRound.name }],
          }
        : {
            text: say(waiting > 0 ? 'closedWaitingNoRound' : 'closedScreenedNoRound', { count: waiting }),
            links: [...screening, { href: to.rounds, text: say('reviewRounds') }],
          };
    }
    case 'in_review': {
      const round = c.lastAssigned;
      const outstanding = c.reviews.assigned - c.reviews.submitted;
      return {
        text:
          outstanding === 0
            ? say('allReviewsIn')
            : round
              ? say('outstandingDue', {
                  count: outstanding,
                  late: c.reviews.late,
                  round: round.name,
                  due: day(round.dueAt),
                })
              : say('outstanding', { count: outstanding, late: c.reviews.late }),
        links: round
          ? [
              { href: `/admin/rounds/${round.id}`, text: say('howRoundGoes', { round: round.name }) },
              { href: `/admin/rounds/${round.id}/ranking`, text: say('rankingOf', { round: round.name }) },
            ]
          : [],
      };
    }
    case 'deciding': {
      const round = c.lastAssigned;
      return {
        text: c.decided.undecided > 0 ? say('undecided', { count: c.decided.undecided }) : say('allDecided'),
        links: [
          ...(round
            ? [{ href: `/admin/rounds/${round.id}/ranking`, text: say('rankingOf', { round: round.name }) }]
            : []),
          { href: to.decisions, text: say('decisions') },
          { href: to.publish, text: say('previewPublishing') },
        ],
      };
    }
    case 'published':
      return {
        text: cycle.publishedAt ? say('publishedSince', { since: day(cycle.publishedAt) }) : say('published'),
        links: [{ href: `/honorees?year=${cycle.year}`, text: say('honoreesOf', { year: String(cycle.year) }) }],
      };
  }
}

/**
 * The dashboard of one cycle (`requested`, or the one chooseCycle picks), with the list of all
 * cycles to switch to, in the reader's language `lang`. With no cycle at all, `cycle` is undefined.
 */
export async function cycleDashboard(
  db: Database,
  { requested, now, lang }: { requested?: number; now: Date; lang: string },
) {
  const all = (await dashboardCycles(db, now)).map((c) => ({ ...c, phaseLabel: t(lang, `programs.phase.${c.phase}`) }));
  const cycle = chooseCycle(all, requested);
  const options = all.map((c) => ({
    value: String(c.id),
    label: t(lang, 'admin.dashboard.cycleOption', { cycle: c.name, phase: c.phaseLabel }),
    selected: c.id === cycle?.id,
  }));
  const canSwitch = options.length > 1;
  if (!cycle) return { options, canSwitch, cycle: undefined };
  const counts = await countsOf(db, cycle.id, now);
  const zone = await cycleTimeZone(db, cycle.id);
  const stages = stagesOf(cycle.id, counts, lang);
  const { late, reviews } = counts;
  return {
    options,
    canSwitch,
    cycle,
    nextStep: nextStepOf(cycle, counts, zone, lang),
    timeZone: zone,
    stages,
    chart: funnelChart(stages),
    warnings: warningsOf(cycle.id, counts, lang),
    late: {
      ...late,
      summary: t(lang, 'admin.dashboard.lateSummary', { reviewers: late.reviewers, reviews: reviews.late }),
    },
  };
}
