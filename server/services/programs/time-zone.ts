// Which time zone a page or an e-mail writes its dates in: its program's. Pages that belong to
// no one program (the header, the admin lists) use the portal's first program's zone.
import { asc, eq } from 'drizzle-orm';
import { cycles, programs } from '../../../models/schema.js';
import type { Database } from '../../db/client.js';
import { DEFAULT_TIME_ZONE } from '../../time.js';

/** How long a portal's zone is kept before it is read again (a change on another instance shows by then). */
const KEEP_MS = 10_000;
const remembered = new WeakMap<Database, { zone: string; until: number }>();

/** The zone of the portal's first program, or UTC before there is one. */
export async function siteTimeZone(db: Database): Promise<string> {
  const kept = remembered.get(db);
  if (kept && kept.until > Date.now()) return kept.zone;
  const [first] = await db.select({ zone: programs.timeZone }).from(programs).orderBy(asc(programs.id)).limit(1);
  const zone = first?.zone ?? DEFAULT_TIME_ZONE;
  remembered.set(db, { zone, until: Date.now() + KEEP_MS });
  return zone;
}

/** Forgets the remembered zone, after a program's zone changed here. */
export function forgetSiteTimeZone(db: Database): void {
  remembered.delete(db);
}

/** The zone of the program a cycle belongs to. */
export async function cycleTimeZone(db: Database, cycleId: number): Promise<string> {
  const [row] = await db
    .select({ zone: programs.timeZone })
    .from(cycles)
    .innerJoin(programs, eq(programs.id, cycles.programId))
    .where(eq(cycles.id, cycleId));
  return row?.zone ?? DEFAULT_TIME_ZONE;
}
