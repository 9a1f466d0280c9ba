import { sql } from 'drizzle-orm';
import { bigint, check, pgTable, smallint, timestamp } from 'drizzle-orm/pg-core';

/**
 * One row: the version of everything anonymous visitors see (home, honorees, criteria, open
 * data). Every change that can alter those pages adds one; each app instance compares it with
 * the version its rendered-page cache was built at (server/middleware/public-cache.ts).
 */
export const publicContentVersion = pgTable(
  'public_content_version',
  {
    id: smallint('id').primaryKey().default(1),
    version: bigint('version', { mode: 'number' }).notNull().default(0),
    changedAt: timestamp('changed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [check('public_content_version_single_row', sql`${table.id} = 1`)],
);
