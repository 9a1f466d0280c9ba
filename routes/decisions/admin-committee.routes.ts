// The committee's export of a review round: a CSV with a row per submitted review, and a report
// to print, both in the order the committee discusses the applications (the service is
// server/services/decisions/committee-export.ts). Mounted under /admin; confidential notes are
// in both, marked as such, which is why they are for admins only.
import { Router, type Response } from 'express';
import type { AppContext } from '../../server/context.js';
import {
  committeeCsv,
  committeeEntries,
  possibleRanks,
  type CommitteeEntry,
} from '../../server/services/decisions/committee-export.js';
import { formatScore } from '../../server/services/decisions/charts.js';
import { label, t } from '../../server/i18n/translate.js';
import { csvFileName } from '../../server/services/shared/csv.js';
import { idParam } from '../params.js';
import { sendCsv } from '../downloads.js';

const langOf = (res: Response): string => res.locals.lang as string;

/** One of the report's parts, written with the page's data. */
function renderPart(res: Response, view: string, locals: Record<string, unknown>): Promise<string> {
  return new Promise((resolve, reject) => {
    res.app.render(view, { ...res.locals, ...locals, layout: false }, (error, html) =>
      error ? reject(error) : resolve(html),
    );
  });
}

/**
 * Waits for the response to take more when it is full, so a slow reader holds back the database;
 * a reader who leaves meanwhile ends the wait too (the loop then sees the response destroyed).
 */
function write(res: Response, html: string): Promise<void> {
  if (res.write(html)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}

export function adminCommitteeRoutes(context: AppContext): Router {
  const router = Router();
  const { db, clock } = context;

  router.get('/rounds/:roundId/committee.csv', async function downloadCommitteeCsv(req, res) {
    const { round, header, rows } = await committeeCsv(db, idParam(req.params.roundId), langOf(res));
    await sendCsv(res, { fileName: csvFileName(`committee ${round.name}`, clock()), header, rows });
  });

  router.get('/rounds/:roundId/committee', async function showCommitteeReport(req, res) {
    const lang = langOf(res);
    const { round, cycle, rubric, count, entries } = await committeeEntries(db, idParam(req.params.roundId));
    const title = t(lang, 'decisions.committee.title', { round: round.name });
    const entryLocals = (entry: CommitteeEntry) => ({
      entry,
      mean: formatScore(entry.application.mean),
      normalized: formatScore(entry.application.normalized),
      possible: possibleRanks(entry.interval),
      reviews: entry.reviews.map((r) => ({
        ...r,
        score: formatScore(r.score),
        recommendation: r.recommendation ? label(lang, 'recommendation', r.recommendation) : '',
        criteria: rubric.map((c, i) => ({
          title: `${c.position}. ${c.title}`,
          score: r.criteria[i]?.score ?? '—',
          comment: r.criteria[i]?.comment ?? '',
        })),
      })),
    });
    // The head is written only once the first part renders, so an error still gets its page.
    const head = await renderPart(res, 'admin/committee/report-head', { title, cycle, count });
    res.set({ 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'private, no-store' });
    await write(res, head);
    try {
      for await (const entry of entries) {
        if (res.destroyed) return;
        await write(res, await renderPart(res, 'admin/committee/entry', entryLocals(entry)));
      }
      res.end(await renderPart(res, 'admin/committee/report-foot', {}));
    } catch (error) {
      // Half a report is not a report: the reader sees the download fail rather than stop short.
      req.log?.error({ err: error }, 'the committee report failed part way');
      res.destroy();
    }
  });

  return router;
}
