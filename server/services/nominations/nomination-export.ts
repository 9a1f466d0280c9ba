// The nominations CSV for admins: every nomination matching the list's filters, each with its
// own status, read in batches by id so memory stays flat whatever the count.
import { and, asc, eq, gt, sql, type SQL } from 'drizzle-orm';
import { criteria, cycles, nominations, schools } from '../../../models/schema.js';
import type { Database } from '../../db/client.js';
import { SOURCE_LANGUAGE } from '../../i18n/languages.js';
import { label, t } from '../../i18n/translate.js';
import type { CsvValue } from '../shared/csv.js';
import type { NominationFilters } from './groups.js';

export const EXPORT_BATCH_SIZE = 1000;

const n = nominations;

const COLUMNS = [
  'id',
  'cycle',
  'status',
  'school',
  'district',
  'city',
  'state',
  'nominatorName',
  'nominatorEmail',
  'relationship',
  'criteria',
  'reason',
  'confirmedAt',
  'applicationId',
] as const;

/** The header row in the reader's language (adminNominations.csv). */
export function nominationCsvHeader(lang: string): string[] {
  return COLUMNS.map((column) => t(lang, `adminNominations.csv.${column}`));
}

/**
 * Every nomination matching the filters (each by its own status), as CSV rows, read in batches
 * by id so that 100,000 nominations never sit in memory at once. The relationship is written in
 * the reader's language `lang`; the status stays the value a filter or a script matches.
 */
export async function* nominationExportRows(
  db: Database,
  filters: NominationFilters,
  batchSize = EXPORT_BATCH_SIZE,
  lang = SOURCE_LANGUAGE,
): AsyncGenerator<CsvValue[]> {
  const where: SQL[] = [];
  if (filters.cycleId) where.push(eq(n.cycleId, filters.cycleId));
  if (filters.status) where.push(eq(n.status, filters.status));
  if (filters.state) where.push(eq(n.state, filters.state));
  const criteriaTitles = sql<string>`coalesce((select string_agg(${criteria.title}, '; ' order by ${criteria.position}) from ${criteria} where ${criteria.id} = any(${n.criterionIds})), '')`;
  let after = 0;
  for (;;) {
    const batch = await db
      .select({
        id: n.id,
        cycleName: cycles.name,
        status: n.status,
        school: sql<string>`coalesce(${schools.name}, ${n.schoolName})`,
        district: sql<string>`coalesce(${schools.district}, ${n.district})`,
        city: sql<string>`coalesce(${schools.city}, ${n.city})`,
        state: sql<string>`coalesce(${schools.state}, ${n.state})`,
        nominatorName: n.nominatorName,
        nominatorEmail: n.nominatorEmail,
        relationship: n.relationship,
        criteria: criteriaTitles,
        reason: n.reason,
        confirmedAt: n.confirmedAt,
        applicationId: n.applicationId,
      })
      .from(n)
      .innerJoin(cycles, eq(cycles.id, n.cycleId))
      .leftJoin(schools, eq(schools.id, n.schoolId))
      .where(and(gt(n.id, after), ...where))
      .orderBy(asc(n.id))
      .limit(batchSize);
    for (const r of batch) {
      yield [
        r.id,
        r.cycleName,
        r.status,
        r.school,
        r.district,
        r.city,
        r.state,
        r.nominatorName,
        r.nominatorEmail,
        label(lang, 'relationship', r.relationship),
        r.criteria,
        r.reason,
        r.confirmedAt,
        r.applicationId,
      ];
    }
    if (batch.length < batchSize) return;
    after = batch[batch.length - 1]!.id;
  }
}
