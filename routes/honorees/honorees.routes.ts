// The public face of decisions: the honorees of published cycles (list, one page each, open
// data as JSON and CSV, both streamed) and each cycle's criteria. Pages carry a title, a description and
// Open Graph tags so links shared elsewhere preview well.
import { Router, type Response } from 'express';
import type { AppContext } from '../../server/context.js';
import { NotFound } from '../../server/errors.js';
import { csvFileName } from '../../server/services/shared/csv.js';
import {
  filterQuery,
  findHonoree,
  HONOREE_CSV_HEADER,
  honoreeCsvRows,
  honoreeExportRows,
  honoreeYears,
  listHonorees,
  parseHonoreeFilters,
  publicCriteria,
  type HonoreeFilters,
} from '../../server/services/honorees/honorees.js';
import { US_STATES } from '../../models/schema.js';
import { idParam } from '../params.js';
import { sendCsv, sendJsonList } from '../downloads.js';

const LEVEL_NAMES = { gold: 'Gold', silver: 'Silver' } as const;

/** "Gold honorees in OR, 2026, matching “lincoln”" — the list's title says what it shows. */
function listTitle(filters: HonoreeFilters): string {
  let title = filters.level ? `${LEVEL_NAMES[filters.level]} honorees` : 'Honorees';
  if (filters.state) title += ` in ${filters.state}`;
  if (filters.year) title += filters.state ? `, ${filters.year}` : ` of ${filters.year}`;
  if (filters.q) title += ` matching “${filters.q}”`;
  return title;
}

function summarize(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).replace(/\s+\S*$/, '')}…`;
}

/** Open data may be read by any site's scripts: they are public and carry no credentials. */
function openDataHeaders(res: Response) {
  res.set({
    'Access-Control-Allow-Origin': '*',
    'Cross-Origin-Resource-Policy': 'cross-origin',
    'Cache-Control': 'no-cache',
  });
}

export function honoreeRoutes(context: AppContext): Router {
  const router = Router();
  const { db, config, clock } = context;
  const absolute = (path: string) => `${config.baseUrl}${path}`;

  router.get('/honorees', async function showHonorees(req, res) {
    const { page, ...filters } = parseHonoreeFilters(req.query);
    const [list, years] = [await listHonorees(db, filters, page), await honoreeYears(db)];
    const query = filterQuery(filters);
    const pageHref = (n: number) => `/honorees?${query}${query ? '&' : ''}page=${n}`;
    const title = listTitle(filters);
    const description =
      list.total === 0
        ? 'Schools recognized for closing opportunity gaps. No honoree matches these filters.'
        : `${list.total} school${list.total === 1 ? '' : 's'} recognized for closing opportunity gaps: citations, profiles and school facts.`;
    res.render('honorees/list', {
      title,
      description,
      og: { title, description, type: 'website', url: absolute(`/honorees${query ? `?${query}` : ''}`) },
      list,
      multiPage: list.pageCount > 1,
      filters,
      years: years.map((y) => ({ value: y, selected: y === filters.year })),
      states: US_STATES.map((s) => ({ value: s, selected: s === filters.state })),
      levels: (['gold', 'silver'] as const).map((l) => ({
        value: l,
        label: LEVEL_NAMES[l],
        selected: l === filters.level,
      })),
      jsonHref: `/honorees.json${query ? `?${query}` : ''}`,
      csvHref: `/honorees.csv${query ? `?${query}` : ''}`,
      prevHref: page > 1 ? pageHref(page - 1) : undefined,
      nextHref: page < list.pageCount ? pageHref(page + 1) : undefined,
    });
  });

  router.get('/honorees.json', async function downloadHonoreesJson(req, res) {
    const { page: _page, ...filters } = parseHonoreeFilters(req.query);
    openDataHeaders(res);
    await sendJsonList(res, {
      fields: { filters },
      listName: 'honorees',
      items: honoreeExportRows(db, filters, config.baseUrl),
    });
  });

  router.get('/honorees.csv', async function downloadHonoreesCsv(req, res) {
    const { page: _page, ...filters } = parseHonoreeFilters(req.query);
    openDataHeaders(res);
    await sendCsv(res, {
      fileName: csvFileName('honorees', clock()),
      header: HONOREE_CSV_HEADER,
      rows: honoreeCsvRows(db, filters, config.baseUrl),
      cache: 'no-cache',
    });
  });

  router.get('/honorees/:year/:slug', async function showHonoree(req, res) {
    const { year, slug } = req.params;
    if (!/^\d{4}$/.test(year) || !/^[a-z0-9-]{1,100}$/.test(slug))
      throw new NotFound('We could not find that honoree.');
    const honoree = await findHonoree(db, { year: Number(year), slug });
    // The cycle's name is how the program names its year ("… 2025–2026"): the page says it that way only.
    const title = `${honoree.schoolName}, ${honoree.levelLabel} honoree of ${honoree.cycleName}`;
    const description = summarize(
      honoree.citation ||
        `${honoree.schoolName} in ${honoree.city}, ${honoree.state}: ${honoree.levelLabel} honoree of ${honoree.cycleName}.`,
    );
    res.render('honorees/show', {
      title,
      description,
      og: { title, description, type: 'article', url: absolute(honoree.path), siteName: honoree.programName },
      honoree,
      isGold: honoree.level === 'gold',
    });
  });

  router.get('/cycles/:cycleId/criteria', async function showCycleCriteria(req, res) {
    const cycleId = idParam(req.params.cycleId);
    const page = await publicCriteria(db, { cycleId, now: clock() });
    const title = `The criteria of ${page.cycle.name}`;
    const description = summarize(
      `How ${page.programName} reviews applications for ${page.cycle.name}: ${page.required.length} required criteria and ${page.cycle.optionalChoiceCount} chosen from ${page.optional.length} others.`,
    );
    res.render('honorees/criteria', {
      title,
      description,
      og: {
        title,
        description,
        type: 'website',
        url: absolute(`/cycles/${cycleId}/criteria`),
        siteName: page.programName,
      },
      page,
    });
  });

  return router;
}
// i18n: not yet translated
