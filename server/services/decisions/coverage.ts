// Review coverage: how many submitted reviews an eligible application has in the first round
// that reviews it, against how many that round asks for. Deciding on an application with fewer
// needs a reason (decisions.ts); the dashboard and the decisions page count the short ones.
import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Database } from '../../db/client.js';

/** How many submitted reviews an application has in its first round, and how many that round asks for. */
export interface Coverage {
  submitted: number;
  required: number;
}

/**
 * Review coverage of the eligible applications of a cycle (or of some of them). An application
 * in no round has no review, and at least one is asked for: deciding on none needs a reason too.
 */
export async function reviewCoverage(
  db: Database,
  { cycleId, applicationIds }: { cycleId: number; applicationIds?: readonly number[] },
): Promise<Map<number, Coverage>> {
  const only = applicationIds
    ? sql`and a.id in (select unnest(${`{${applicationIds.filter(Number.isSafeInteger).join(',')}}`}::bigint[]))`
    : sql``;
  const rows = rowsOf<{ application_id: string | number; submitted: number; required: number }>(
    await db.execute(sql`
      with first_round as (
        select distinct on (ra.application_id) ra.application_id, r.id as round_id, r.reviewers_per_application as k
        from round_applications ra join review_rounds r on r.id = ra.round_id
        where r.cycle_id = ${cycleId}
        order by ra.application_id, r.number)
      select a.id as application_id,
             coalesce(fr.k, 1) as required,
             (select count(*) from assignments s
               where s.application_id = a.id and s.round_id = fr.round_id and s.status = 'submitted')::int as submitted
      from applications a left join first_round fr on fr.application_id = a.id
      where a.cycle_id = ${cycleId} and a.status = 'eligible' ${only}`),
  );
  return new Map(
    rows.map((r) => [Number(r.application_id), { submitted: Number(r.submitted), required: Number(r.required) }]),
  );
}

/** "1 of the 3 reviews its round asked for", for the messages that ask why. */
export function coverageWords({ submitted, required }: Coverage): string {
  return `${submitted} of the ${required} ${required === 1 ? 'review' : 'reviews'} its round asked for`;
}

/** The first round of each application of the cycle, and the submitted reviews in each round. */
function coverageParts(cycleId: number): SQL {
  return sql`
    first_round as (
      select distinct on (ra.application_id) ra.application_id, r.id as round_id, r.reviewers_per_application as k
      from round_applications ra join review_rounds r on r.id = ra.round_id
      where r.cycle_id = ${cycleId}
      order by ra.application_id, r.number),
    submitted as (
      select x.application_id, x.round_id, count(*)::int as n
      from assignments x join review_rounds r on r.id = x.round_id
      where r.cycle_id = ${cycleId} and x.status = 'submitted'
      group by x.application_id, x.round_id)`;
}

/**
 * How many eligible applications of the cycle (or only those without a decision) there are, and
 * how many of them have every review their first round asks for: counted in SQL, one row.
 */
export async function coverageCounts(
  db: Database,
  { cycleId, undecidedOnly = false }: { cycleId: number; undecidedOnly?: boolean },
): Promise<{ eligible: number; covered: number }> {
  const [row] = rowsOf<{ eligible: number; covered: number }>(
    await db.execute(sql`
      with ${coverageParts(cycleId)}
      select count(*)::int as eligible,
             (count(*) filter (where coalesce(s.n, 0) >= coalesce(fr.k, 1)))::int as covered
      from applications a
      left join first_round fr on fr.application_id = a.id
      left join submitted s on s.application_id = a.id and s.round_id = fr.round_id
      where a.cycle_id = ${cycleId} and a.status = 'eligible'
        ${undecidedOnly ? sql`and not exists (select 1 from decisions d where d.application_id = a.id)` : sql``}`),
  );
  return { eligible: Number(row!.eligible), covered: Number(row!.covered) };
}
