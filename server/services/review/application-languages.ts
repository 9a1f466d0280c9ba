// The languages an application is written in, for reviewers: those of its answers to the criteria
// a reviewer scores (required, or chosen among the optional). Automatic assignment gives it only
// to reviewers who read all of them; the review pages name them.
import { sql } from 'drizzle-orm';

/**
 * The languages of application `a`'s answers as a text[] column, sorted: a subquery for a query
 * that reads applications as `a`, so a list of any length costs no query per row.
 */
export const APPLICATION_LANGUAGES = sql`array(select distinct aa.language from application_answers aa
        join criteria c on c.id = aa.criterion_id
        where aa.application_id = a.id and (c.required or aa.chosen) order by aa.language)`;

/** What a reviewer without a profile reads: the column's default. */
export const DEFAULT_LANGUAGES_READ = ['en'];
