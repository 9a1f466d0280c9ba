// What the public sees of the program: its description and the current cycle with its criteria.
import { asc, eq, sql } from 'drizzle-orm';
import { criteria, cycles, programs } from '../../../models/schema.js';
import type { Clock } from '../../clock.js';
import type { Database } from '../../db/client.js';
import { applicationsCloseAt, cyclePhase } from './phase.js';

/**
 * The first program and its current cycle (with criteria): the newest one that has opened, or,
 * before any has, the first to come. Undefined on an empty portal.
 */
export async function programOverview(db: Database, clock: Clock) {
  const [program] = await db.select().from(programs).orderBy(asc(programs.id)).limit(1);
  if (!program) return undefined;
  const now = clock().toISOString();
  const [cycle] = await db
    .select()
    .from(cycles)
    .where(eq(cycles.programId, program.id))
    .orderBy(
      sql`${cycles.opensAt} <= ${now}::timestamptz desc`,
      sql`case when ${cycles.opensAt} <= ${now}::timestamptz then ${cycles.opensAt} end desc`,
      asc(cycles.opensAt),
    )
    .limit(1);
  if (!cycle) return { program, cycle: undefined };
  const cycleCriteria = await db
    .select()
    .from(criteria)
    .where(eq(criteria.cycleId, cycle.id))
    .orderBy(asc(criteria.position));
  return {
    program,
    cycle: {
      ...cycle,
      phase: await cyclePhase(db, cycle, clock()),
      /** When applications close, an early close included. */
      closesAt: applicationsCloseAt(cycle),
      required: cycleCriteria.filter((c) => c.required),
      optional: cycleCriteria.filter((c) => !c.required),
    },
  };
}
