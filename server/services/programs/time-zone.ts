// Which time zone a page or an e-mail writes its dates in: its program's. Pages that belong to
// no one program (the header, the admin lists) use the portal's first program's zone.
import { eq } from 'drizzle-orm';
import { cycles, programs } from '../../../models/schema.js';
import type { Database } from '../../db/client.js';
import { DEFAULT_TIME_ZONE } from '../../time.js';

/** The zone of the program a cycle belongs to. */
export async function cycleTimeZone(db: Database, cycleId: number): Promise<string> {
  const [row] = await db
    .select({ zone: programs.timeZone })
    .from(cycles)
    .innerJoin(programs, eq(programs.id, cycles.programId))
    .where(eq(cycles.id, cycleId));
  return row?.zone ?? DEFAULT_TIME_ZONE;
}
