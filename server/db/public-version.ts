// The version of what anonymous visitors see, shared by every app instance through one row
// (models/site.ts), and the next moment a page may change by itself because a cycle's date
// passes (applications open or close, nominations end, reviews fall due, the announcement).
import { sql } from 'drizzle-orm';
import type { Database } from './client.js';
import { rowsOf } from './client.js';

export interface PublicState {
  version: number;
  /** The soonest cycle or round date still ahead, when pages may change with no one editing. */
  nextChange: Date | null;
}

export async function readPublicState(db: Database, now: Date): Promise<PublicState> {
  const at = now.toISOString();
  const [row] = rowsOf<{ version: string | number | null; next_change: string | Date | null }>(
    await db.execute(sql`
      select (select version from public_content_version where id = 1) as version,
        least(
          (select min(t) from cycles c
             cross join lateral (values (c.opens_at), (c.nominations_close_at), (c.applications_close_at),
                                        (c.reviews_due_at), (c.announcement_at)) as d(t)
           where t > ${at}::timestamptz),
          (select min(due_at) from review_rounds where due_at > ${at}::timestamptz)
        ) as next_change`),
  );
  return {
    version: Number(row?.version ?? 0),
    nextChange: row?.next_change ? new Date(row.next_change) : null,
  };
}

/** Records that public pages changed; every instance drops its rendered copies on its next check. */
export async function bumpPublicVersion(db: Database): Promise<void> {
  await db.execute(sql`
    insert into public_content_version (id, version, changed_at) values (1, 1, now())
    on conflict (id) do update set version = public_content_version.version + 1, changed_at = now()`);
}
