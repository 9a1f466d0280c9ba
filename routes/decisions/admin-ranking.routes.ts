// The ranking of a review round for admins: scores, normalized scores, disagreement, charts of
// the distribution and of each reviewer's leniency, advancing finalists, and the CSV exports.
// Mounted under /admin. The definitions are in server/services/decisions/ranking.ts and on the page.
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../../server/context.js';
import { reviewExport } from '../../server/services/decisions/ranking-export.js';
import { advanceToRound } from '../../server/services/review/rounds.js';
import { decisionsBeside } from '../../server/services/decisions/decisions.js';

import { formatScore, reviewerSpreadSvg, scoreHistogramSvg } from '../../server/services/decisions/charts.js';
import { csvFileName, type CsvValue } from '../../server/services/shared/csv.js';

import {
  RANK_SORTS,
  rankRound,
  round4,
  type RankedApplication,
  type RankFilters,
  type RankSort,
} from '../../server/services/decisions/ranking.js';
import {
  APPLICATION_STATUSES,
  SCHOOL_LEVELS,
  type ApplicationStatus,
  type SchoolLevel,
  DECISION_LEVELS,
  US_STATES,
} from '../../models/schema.js';
import { label, t, textIn } from '../../server/i18n/translate.js';
import { idParam, pageParam } from '../params.js';
import { sendCsv } from '../downloads.js';
import { rankSolidity } from '../../server/services/decisions/rank-solidity.js';
import { chosenLines, solidityLocals } from './ranking-solidity.js';
import { formBody, showAgainIfInvalid } from '../forms.js';

export const RANKING_PAGE_SIZE = 100;

interface RankingQuery {
  sort: RankSort;
  dir: 'asc' | 'desc';
  filters: RankFilters;
  page: number;
}

const defaultDir = (sort: RankSort) => (sort === 'name' ? 'asc' : 'desc');
const oneOf = <T extends string>(list: readonly T[], value: unknown): T | undefined =>
  typeof value === 'string' && (list as readonly string[]).includes(value) ? (value as T) : undefined;

function rankingQuery(query: Record<string, unknown>): RankingQuery {
  const sort = oneOf(RANK_SORTS, query.sort) ?? 'mean';
  const { flagged, page } = query;
  return {
    sort,
    dir: oneOf(['asc', 'desc'] as const, query.dir) ?? defaultDir(sort),
    filters: {
      state: oneOf(US_STATES, query.state),
      level: oneOf<SchoolLevel>(SCHOOL_LEVELS, query.level),
      status: oneOf<ApplicationStatus>(APPLICATION_STATUSES, query.status),
      flagged: flagged === 'yes' ? true : flagged === 'no' ? false : undefined,
    },
    page: pageParam(page),
  };
}

/** The query string of a ranking view; the page only when past the first. */
function queryString({ sort, dir, filters, page }: RankingQuery): string {
  const flagged = filters.flagged === undefined ? undefined : filters.flagged ? 'yes' : 'no';
  return new URLSearchParams(
    Object.entries({
      state: filters.state,
      level: filters.level,
      status: filters.status,
      flagged,
      sort,
      dir,
      page: page > 1 ? String(page) : undefined,
    }).filter((entry): entry is [string, string] => Boolean(entry[1])),
  ).toString();
}

/** The page's language (server/middleware/language.ts). */
const langOf = (res: Response): string => res.locals.lang as string;

/** The ranking CSV's header, in the language of the admin who downloads it. */
export function rankingCsvHeader(language: string): string[] {
  return [
    'rank',
    'applicationNumber',
    'school',
    'city',
    'state',
    'level',
    'status',
    'reviewsIn',
    'reviewsExpected',
    'mean',
    'normalized',
    'spread',
    'gold',
    'silver',
    'notRecommended',
    'flag',
  ].map((column) => t(language, `decisions.csv.${column}`));
}

/** The rows: codes (high, eligible) as data; only the flag is a word, in `language`. */
function rankingCsvRows(rows: readonly RankedApplication[], language: string): CsvValue[][] {
  return rows.map((r, i) => [
    i + 1,
    r.applicationId,
    r.schoolName,
    r.city,
    r.state,
    r.level,
    r.status,
    r.reviewsIn,
    r.reviewsExpected,
    round4(r.mean),
    round4(r.normalized),
    round4(r.spread),
    r.gold,
    r.silver,
    r.notRecommended,
    t(language, r.flagged ? 'decisions.csv.yes' : 'decisions.csv.no'),
  ]);
}

/** A sortable column's heading in `language`. */
const columnLabel = (language: string, sort: RankSort) => t(language, `decisions.ranking.columns.${sort}`);

export function adminRankingRoutes(context: AppContext): Router {
  const router = Router();
  const { db, clock } = context;

  router.get('/rounds/:roundId/ranking', async function showRanking(req, res) {
    const roundId = idParam(req.params.roundId);
    const view = rankingQuery(req.query);
    const ranking = await rankRound(db, roundId, { ...view, language: langOf(res) });
    const { round, cycle, rows } = ranking;
    const scale = { scoreMin: cycle.scoreMin, scoreMax: cycle.scoreMax };
    const pageCount = Math.max(1, Math.ceil(rows.length / RANKING_PAGE_SIZE));
    const page = Math.min(view.page, pageCount);
    const offset = (page - 1) * RANKING_PAGE_SIZE;
    const base = `/admin/rounds/${roundId}`;
    const href = (changes: Partial<RankingQuery>) => `${base}/ranking?${queryString({ ...view, page: 1, ...changes })}`;
    const columns = Object.fromEntries(
      RANK_SORTS.map((sort) => {
        const current = view.sort === sort;
        const dir = current ? (view.dir === 'asc' ? 'desc' : 'asc') : defaultDir(sort);
        return [
          sort,
          {
            label: columnLabel(langOf(res), sort),
            href: href({ sort, dir }),
            ariaSort: current ? (view.dir === 'asc' ? 'ascending' : 'descending') : undefined,
            arrow: current ? (view.dir === 'asc' ? '▲' : '▼') : '',
          },
        ];
      }),
    );
    const exportQuery = queryString({ ...view, page: 1 });
    const shown = rows.slice(offset, offset + RANKING_PAGE_SIZE);
    const decided = await decisionsBeside(db, {
      cycleId: cycle.id,
      applicationIds: shown.map((r) => r.applicationId),
      now: clock(),
    });
    const returnTo = queryString({ ...view, page });
    const lang = langOf(res);
    const asked = chosenLines(req.query);
    const solidity = solidityLocals(lang, await rankSolidity(db, roundId, { chosen: asked.chosen }), {
      shown,
      names: new Map(rows.map((r) => [r.applicationId, r.schoolName])),
    });
    res.render('admin/ranking/show', {
      title: t(lang, 'decisions.ranking.title', { round: round.name }),
      round,
      cycle,
      nextRound: ranking.nextRound,
      threshold: cycle.disagreementThreshold.toFixed(2),
      midpoint: (scale.scoreMin + scale.scoreMax) / 2,
      quarterRange: (scale.scoreMax - scale.scoreMin) / 4,
      total: rows.length,
      reviewCount: ranking.reviewCount,
      roundMean: formatScore(ranking.roundMean),
      decisionsOpen: decided.open,
      decideReturnTo: `${base}/ranking${returnTo ? `?${returnTo}` : ''}`,
      solidity,
      lines: {
        values: asked.values,
        errors: asked.errors,
        query: queryString({ ...view, page: 1 }),
        // The filters and order stay when the lines are drawn.
        hidden: [...new URLSearchParams(queryString({ ...view, page: 1 }))].map(([name, value]) => ({ name, value })),
      },
      rows: shown.map((r, i) => ({
        ...r,
        possible: solidity.cells.get(r.applicationId),
        rank: offset + i + 1,
        statusLabel: label(lang, 'applicationStatus', r.status),
        levelLabel: label(lang, 'schoolLevel', r.level),
        mean: formatScore(r.mean),
        normalized: formatScore(r.normalized),
        spread: formatScore(r.spread),
        short: r.reviewsIn < r.reviewsExpected,
        canAdvance: r.status === 'eligible',
        decision: ((d) => ({
          ...d,
          canDecide: decided.open && r.status === 'eligible',
          levels: DECISION_LEVELS.map((l) => ({
            value: l,
            label: label(lang, 'decisionLevel', l),
            selected: l === d.level,
          })),
        }))(decided.of(r.applicationId)),
      })),
      columns,
      states: US_STATES.map((s) => ({ value: s, selected: s === view.filters.state })),
      levels: SCHOOL_LEVELS.map((l) => ({
        value: l,
        label: label(lang, 'schoolLevel', l),
        selected: l === view.filters.level,
      })),
      statuses: APPLICATION_STATUSES.map((s) => ({
        value: s,
        label: label(lang, 'applicationStatus', s),
        selected: s === view.filters.status,
      })),
      flagged: { yes: view.filters.flagged === true, no: view.filters.flagged === false },
      sorts: RANK_SORTS.map((s) => ({ value: s, label: columnLabel(lang, s), selected: s === view.sort })),
      dirAsc: view.dir === 'asc',
      histogramSvg: scoreHistogramSvg({ id: 'score-histogram', bins: ranking.histogram, language: lang }),
      histogramRows: ranking.histogram.map((b) => ({
        label: `${b.from.toFixed(1)}–${b.to.toFixed(1)}`,
        count: b.count,
      })),
      reviewersSvg: reviewerSpreadSvg({
        id: 'reviewer-spread',
        reviewers: ranking.reviewers,
        roundMean: ranking.roundMean,
        scale,
        language: lang,
      }),
      reviewers: ranking.reviewers.map((r) => ({
        ...r,
        mean: formatScore(r.mean),
        sd: formatScore(r.sd),
        difference:
          ranking.roundMean === null
            ? '—'
            : `${r.mean >= ranking.roundMean ? '+' : '−'}${Math.abs(r.mean - ranking.roundMean).toFixed(2)}`,
        calibration: r.calibration
          ? `${r.calibration.offset >= 0 ? '+' : '−'}${Math.abs(r.calibration.offset).toFixed(2)}`
          : '—',
      })),
      calibrated: ranking.reviewers.some((r) => r.calibration),
      returnTo,
      rankingCsvHref: `${base}/ranking.csv${exportQuery ? `?${exportQuery}` : ''}`,
      reviewsCsvHref: `${base}/reviews.csv`,
      page,
      pageCount,
      prevHref: page > 1 ? href({ page: page - 1 }) : undefined,
      nextHref: page < pageCount ? href({ page: page + 1 }) : undefined,
    });
  });

  router.get('/rounds/:roundId/ranking.csv', async function downloadRankingCsv(req, res) {
    const view = rankingQuery(req.query);
    const { round, rows } = await rankRound(db, idParam(req.params.roundId), view);
    await sendCsv(res, {
      fileName: csvFileName(`ranking ${round.name}`, clock()),
      header: rankingCsvHeader(langOf(res)),
      rows: rankingCsvRows(rows, langOf(res)),
    });
  });

  router.get('/rounds/:roundId/reviews.csv', async function downloadReviewsCsv(req, res) {
    const { round, header, rows } = await reviewExport(db, idParam(req.params.roundId), undefined, langOf(res));
    await sendCsv(res, { fileName: csvFileName(`reviews ${round.name}`, clock()), header, rows });
  });

  router.post('/rounds/:roundId/advance', async function advanceSelected(req: Request, res) {
    const fromRoundId = idParam(req.params.roundId);
    const body = formBody(req);
    // The filters and page the admin was on, rebuilt from known values only.
    const back = `/admin/rounds/${fromRoundId}/ranking?${queryString(
      rankingQuery(Object.fromEntries(new URLSearchParams(typeof body.returnTo === 'string' ? body.returnTo : ''))),
    )}`.replace(/\?$/, '');
    const applicationIds = ([] as unknown[])
      .concat(body.applicationIds ?? [])
      .filter((v): v is string => typeof v === 'string' && /^\d{1,15}$/.test(v))
      .map(Number);
    try {
      const outcome = await advanceToRound(context, {
        fromRoundId,
        toRoundId: idParam(body.toRoundId),
        applicationIds,
        adminId: req.user!.id,
      });
      const lang = langOf(res);
      const added = t(lang, 'decisions.flash.advanced', { count: outcome.added, round: outcome.toRound.name });
      const already = outcome.alreadyThere
        ? ` ${t(lang, 'decisions.flash.alreadyThere', { count: outcome.alreadyThere })}`
        : '';
      res.flash('success', added + already);
    } catch (error) {
      showAgainIfInvalid(error, (invalid) => {
        // One Message as it is, so the next page puts it in its own language.
        const texts = Object.values(invalid.fieldErrors);
        res.flash('error', texts.length === 1 ? texts[0]! : texts.map((text) => textIn(langOf(res), text)).join(' '));
      });
    }
    res.redirect(303, back);
  });

  return router;
}
