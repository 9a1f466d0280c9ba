// Decisions on eligible applications (Gold, Silver, not selected): one at a time or the rest at
// once, each with who and when, and a reason when the application has fewer reviews than its
// round asked for. The honoree texts that go with them are honoree-texts.ts. Nothing here is
// public until the cycle is published (see publishing.ts and ../honorees/).
import { and, asc, eq, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import {
  applications,
  cycles,
  decisions,
  DECISION_LEVELS,
  programs,
  schools,
  users,
  type Cycle,
  type DecisionLevel,
  type School,
} from '../../../models/schema.js';
import type { Clock } from '../../clock.js';
import type { Database } from '../../db/client.js';
import { Forbidden, Invalid, NotFound } from '../../errors.js';
import { msg } from '../../i18n/translate.js';
import { recordAudit } from '../shared/audit.js';
import type { ServiceContext } from '../../context.js';
import { HONOREE_LEVELS } from './levels.js';
import { cyclePhase, REVIEW_PHASES } from '../programs/phase.js';
import {
  chosenAnswers,
  draftHonoreeTexts,
  freeSlug,
  missingHonoreeTexts,
  programLanguage,
  uniqueSlug,
} from './honoree-texts.js';
import { coverageCounts, reviewCoverage, type Coverage } from './coverage.js';

export { HONOREE_LEVELS };

export const DECISIONS_PAGE_SIZE = 50;

export function parseLevel(value: unknown): DecisionLevel | undefined {
  return (DECISION_LEVELS as readonly unknown[]).includes(value) ? (value as DecisionLevel) : undefined;
}

const OVERRIDE_MAX = 500;
/** Rows per insert when deciding in bulk: well under PostgreSQL's 65,535 parameters. */
const INSERT_BATCH = 500;

function checkOverride(value: unknown, coverage: Coverage | undefined, field: string): string | null {
  if (!coverage || coverage.submitted >= coverage.required) return null;
  const reason = typeof value === 'string' ? value.trim() : '';
  if (reason === '')
    throw new Invalid({
      [field]: msg('decisions.errors.overrideNeeded', { submitted: coverage.submitted, required: coverage.required }),
    });
  if (reason.length > OVERRIDE_MAX)
    throw new Invalid({ [field]: msg('decisions.errors.tooLong', { max: OVERRIDE_MAX }) });
  return reason;
}

interface Deciding {
  application: { id: number; cycleId: number };
  school: School;
  cycle: Cycle;
  level: DecisionLevel;
  adminId: number;
  overrideReason: string | null;
}

/**
 * Writes one decision inside the caller's transaction, with who and when. The first time an
 * application becomes an honoree its citation, profile and highlights are drafted (and marked as
 * drafts); later changes of level keep what the admin wrote.
 */
async function writeDecision(tx: Database, clock: Clock, d: Deciding): Promise<DecisionLevel | undefined> {
  const [existing] = await tx.select().from(decisions).where(eq(decisions.applicationId, d.application.id));
  const now = clock();
  const needsDraft =
    HONOREE_LEVELS.includes(d.level) && (!existing || (existing.citation === '' && existing.highlights.length === 0));
  const drafted = needsDraft
    ? {
        ...draftHonoreeTexts(
          d.school,
          await chosenAnswers(tx, d.application.id, d.cycle.id),
          await programLanguage(tx, d.cycle.programId),
        ),
        textsDrafted: true,
      }
    : undefined;
  const values = {
    level: d.level,
    decidedBy: d.adminId,
    decidedAt: now,
    updatedAt: now,
    overrideReason: d.overrideReason,
  };
  if (existing) {
    await tx
      .update(decisions)
      .set({ ...values, ...(drafted ?? {}) })
      .where(eq(decisions.applicationId, d.application.id));
  } else {
    const slug = await uniqueSlug(tx, { cycleId: d.cycle.id, applicationId: d.application.id, school: d.school });
    await tx
      .insert(decisions)
      .values({ applicationId: d.application.id, cycleId: d.cycle.id, slug, ...values, ...(drafted ?? {}) });
  }
  const previous = existing?.level;
  await recordAudit(tx, clock, {
    actorId: d.adminId,
    action: 'decision.decide',
    subjectType: 'application',
    subjectId: d.application.id,
    summary: msg('audit.decisions.decided', {
      level: msg(`labels.decisionLevel.${d.level}`),
      school: d.school.name,
      cycle: d.cycle.name,
      changed: previous && previous !== d.level ? 'yes' : 'no',
      previous: previous ? msg(`labels.decisionLevel.${previous}`) : '',
      short: d.overrideReason ? 'yes' : 'no',
      reason: d.overrideReason ?? '',
    }),
    details: { cycleId: d.cycle.id, level: d.level, previous: previous ?? null, overrideReason: d.overrideReason },
  });
  return previous;
}

/** Locks the cycle (serializing decisions, their slugs, and publishing) and checks its phase. */
async function lockCycleForDeciding(tx: Database, cycleId: number, now: Date): Promise<Cycle> {
  const [cycle] = await tx.select().from(cycles).where(eq(cycles.id, cycleId)).for('update');
  if (!cycle) throw new NotFound(msg('decisions.errors.cycleNotFound'));
  if (cycle.publishedAt) throw new Forbidden(msg('decisions.errors.published'));
  const phase = await cyclePhase(tx, cycle, now);
  if (!REVIEW_PHASES.includes(phase)) throw new Forbidden(msg('decisions.errors.phase', { cycle: cycle.name, phase }));
  return cycle;
}

/**
 * Records the program's decision on an eligible application. One with fewer submitted reviews
 * than its round asked for needs `overrideReason`, kept with the decision and shown before
 * publishing. Refused once the cycle is published, and before applications close.
 */
export async function decide(
  { db, clock }: Pick<ServiceContext, 'db' | 'clock'>,
  {
    applicationId,
    level,
    adminId,
    overrideReason,
  }: { applicationId: number; level: unknown; adminId: number; overrideReason?: unknown },
): Promise<{ level: DecisionLevel; previous: DecisionLevel | undefined }> {
  const chosenLevel = parseLevel(level);
  if (!chosenLevel) throw new Invalid({ level: msg('decisions.errors.level') });
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select({ application: applications, school: schools })
      .from(applications)
      .innerJoin(schools, eq(schools.id, applications.schoolId))
      .where(eq(applications.id, applicationId));
    if (!row) throw new NotFound(msg('decisions.errors.applicationNotFound'));
    const cycle = await lockCycleForDeciding(tx, row.application.cycleId, clock());
    if (row.application.status !== 'eligible') throw new Forbidden(msg('decisions.errors.notEligible'));
    const coverage = (await reviewCoverage(tx, { cycleId: cycle.id, applicationIds: [applicationId] })).get(
      applicationId,
    );
    const reason = checkOverride(overrideReason, coverage, 'overrideReason');
    const previous = await writeDecision(tx, clock, {
      ...row,
      cycle,
      level: chosenLevel,
      adminId,
      overrideReason: reason,
    });
    return { level: chosenLevel, previous };
  });
}

/** The eligible applications of a cycle that have no decision yet, and how many lack reviews. */
export async function undecidedSummary(db: Database, cycleId: number) {
  const { eligible, covered } = await coverageCounts(db, { cycleId, undecidedOnly: true });
  return { count: eligible, short: eligible - covered };
}

/**
 * Marks every eligible application still undecided as not selected, in one act. `expected` is the
 * count the admin confirmed: if it changed meanwhile, nothing happens. When some have fewer
 * reviews than asked, `overrideReason` says why for all of them.
 */
export async function decideRestNotSelected(
  { db, clock }: Pick<ServiceContext, 'db' | 'clock'>,
  {
    cycleId,
    adminId,
    expected,
    overrideReason,
  }: { cycleId: number; adminId: number; expected: unknown; overrideReason?: unknown },
): Promise<number> {
  return db.transaction(async (tx) => {
    const cycle = await lockCycleForDeciding(tx, cycleId, clock());
    const rows = await tx
      .select({ application: applications, school: schools })
      .from(applications)
      .innerJoin(schools, eq(schools.id, applications.schoolId))
      .leftJoin(decisions, eq(decisions.applicationId, applications.id))
      .where(
        and(eq(applications.cycleId, cycleId), eq(applications.status, 'eligible'), isNull(decisions.applicationId)),
      )
      .orderBy(asc(applications.id));
    if (String(rows.length) !== String(expected)) {
      throw new Invalid({ expected: msg('decisions.errors.restChanged', { count: rows.length }) });
    }
    if (rows.length === 0) return 0;
    const coverage = await reviewCoverage(tx, { cycleId, applicationIds: rows.map((r) => r.application.id) });
    const short = rows.filter((r) => {
      const c = coverage.get(r.application.id);
      return c !== undefined && c.submitted < c.required;
    });
    let reason: string | null = null;
    if (short.length > 0) {
      reason = typeof overrideReason === 'string' ? overrideReason.trim() : '';
      if (reason === '')
        throw new Invalid({ overrideReason: msg('decisions.errors.overrideNeededRest', { count: short.length }) });
      if (reason.length > OVERRIDE_MAX)
        throw new Invalid({ overrideReason: msg('decisions.errors.tooLong', { max: OVERRIDE_MAX }) });
    }
    const shortIds = new Set(short.map((r) => r.application.id));
    // In bulk: one read of the cycle's slugs, inserts in batches, one audit entry naming them all.
    const taken = new Set(
      (await tx.select({ slug: decisions.slug }).from(decisions).where(eq(decisions.cycleId, cycleId))).map(
        (r) => r.slug,
      ),
    );
    const now = clock();
    const values = rows.map(({ application, school }) => {
      const slug = freeSlug(taken, { applicationId: application.id, school });
      taken.add(slug);
      return {
        applicationId: application.id,
        cycleId,
        slug,
        level: 'not_selected' as const,
        decidedBy: adminId,
        decidedAt: now,
        updatedAt: now,
        overrideReason: shortIds.has(application.id) ? reason : null,
      };
    });
    for (let i = 0; i < values.length; i += INSERT_BATCH) {
      await tx.insert(decisions).values(values.slice(i, i + INSERT_BATCH));
    }
    await recordAudit(tx, clock, {
      actorId: adminId,
      action: 'decision.decide_rest',
      subjectType: 'cycle',
      subjectId: cycleId,
      summary: msg('audit.decisions.decidedRest', {
        count: rows.length,
        cycle: cycle.name,
        short: short.length,
        reason: reason ?? '',
      }),
      details: { applicationIds: values.map((v) => v.applicationId), shortIds: [...shortIds], overrideReason: reason },
    });
    return rows.length;
  });
}

export type DecisionFilter = DecisionLevel | 'undecided' | undefined;

/** Eligible (or already decided) applications of a cycle with their decision, by school name. */
export async function listDecisions(
  db: Database,
  { cycleId, page, filter }: { cycleId: number; page: number; filter?: DecisionFilter },
) {
  const [found] = await db
    .select({ cycle: cycles, defaultLanguage: programs.defaultLanguage })
    .from(cycles)
    .innerJoin(programs, eq(programs.id, cycles.programId))
    .where(eq(cycles.id, cycleId));
  if (!found) throw new NotFound(msg('decisions.errors.cycleNotFound'));
  const { cycle, defaultLanguage } = found;
  const conditions: SQL[] = [eq(applications.cycleId, cycleId)];
  const inScope = or(eq(applications.status, 'eligible'), sql`${decisions.applicationId} is not null`);
  if (inScope) conditions.push(inScope);
  if (filter === 'undecided') conditions.push(isNull(decisions.applicationId));
  else if (filter) conditions.push(eq(decisions.level, filter));
  const rows = await db
    .select({
      applicationId: applications.id,
      status: applications.status,
      schoolName: schools.name,
      city: schools.city,
      state: schools.state,
      level: decisions.level,
      decidedAt: decisions.decidedAt,
      deciderName: users.name,
      slug: decisions.slug,
      overrideReason: decisions.overrideReason,
      textsDrafted: decisions.textsDrafted,
      citation: decisions.citation,
      profile: decisions.profile,
      translations: decisions.translations,
    })
    .from(applications)
    .innerJoin(schools, eq(schools.id, applications.schoolId))
    .leftJoin(decisions, eq(decisions.applicationId, applications.id))
    .leftJoin(users, eq(users.id, decisions.decidedBy))
    .where(and(...conditions))
    .orderBy(asc(schools.name), asc(applications.id))
    .limit(DECISIONS_PAGE_SIZE + 1)
    .offset((page - 1) * DECISIONS_PAGE_SIZE);
  const counts = await decisionCounts(db, cycleId);
  const shown = rows.slice(0, DECISIONS_PAGE_SIZE);
  const coverage = await reviewCoverage(db, { cycleId, applicationIds: shown.map((r) => r.applicationId) });
  return {
    cycle,
    rows: shown.map((r) => {
      const c = coverage.get(r.applicationId);
      const isHonoree = r.level ? HONOREE_LEVELS.includes(r.level) : false;
      return {
        ...r,
        isHonoree,
        missingTranslations: isHonoree ? missingHonoreeTexts(r, defaultLanguage) : [],
        reviews: c,
        short: c !== undefined && c.submitted < c.required,
      };
    }),
    hasMore: rows.length > DECISIONS_PAGE_SIZE,
    counts,
  };
}

/**
 * The decisions on some applications of a cycle, with their review coverage, for deciding beside
 * another list (the ranking table). `open` says whether decisions can be made now.
 */
export async function decisionsBeside(
  db: Database,
  { cycleId, applicationIds, now }: { cycleId: number; applicationIds: readonly number[]; now: Date },
) {
  const [cycle] = await db.select().from(cycles).where(eq(cycles.id, cycleId));
  if (!cycle) throw new NotFound(msg('decisions.errors.cycleNotFound'));
  const open = !cycle.publishedAt && REVIEW_PHASES.includes(await cyclePhase(db, cycle, now));
  const ids = applicationIds.filter(Number.isSafeInteger);
  const [rows, coverage] = await Promise.all([
    ids.length === 0
      ? []
      : db
          .select({
            applicationId: decisions.applicationId,
            level: decisions.level,
            overrideReason: decisions.overrideReason,
          })
          .from(decisions)
          .where(inArray(decisions.applicationId, ids)),
    ids.length === 0 ? new Map<number, Coverage>() : reviewCoverage(db, { cycleId, applicationIds: ids }),
  ]);
  const decided = new Map(rows.map((r) => [r.applicationId, r]));
  return {
    open,
    of: (applicationId: number) => {
      const d = decided.get(applicationId);
      const c = coverage.get(applicationId);
      return {
        level: d?.level ?? null,
        overrideReason: d?.overrideReason ?? '',
        reviews: c,
        short: c !== undefined && c.submitted < c.required,
      };
    },
  };
}

/** How many eligible applications of the cycle are Gold, Silver, not selected, or undecided. */
export async function decisionCounts(db: Database, cycleId: number) {
  const [row] = await db
    .select({
      gold: sql<number>`count(*) filter (where ${decisions.level} = 'gold')::int`,
      silver: sql<number>`count(*) filter (where ${decisions.level} = 'silver')::int`,
      notSelected: sql<number>`count(*) filter (where ${decisions.level} = 'not_selected')::int`,
      undecided: sql<number>`count(*) filter (where ${decisions.applicationId} is null and ${applications.status} = 'eligible')::int`,
    })
    .from(applications)
    .leftJoin(decisions, eq(decisions.applicationId, applications.id))
    .where(eq(applications.cycleId, cycleId));
  return {
    gold: row?.gold ?? 0,
    silver: row?.silver ?? 0,
    notSelected: row?.notSelected ?? 0,
    undecided: row?.undecided ?? 0,
  };
}
