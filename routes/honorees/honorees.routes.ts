// The public face of decisions: the honorees of published cycles (list, one page each, open
// data as JSON and CSV, both streamed) and each cycle's criteria. Pages carry a title, a description and
// Open Graph tags so links shared elsewhere preview well.
import { Router, type Response } from 'express';
import type { AppContext } from '../../server/context.js';
import { NotFound } from '../../server/errors.js';
import { label, labelsOf, msg, t } from '../../server/i18n/translate.js';
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

/** "Gold honorees in OR, 2026 matching “lincoln”" — the list's title says what it shows. */
function listTitle(lang: string, filters: HonoreeFilters): string {
  let title = filters.level
    ? t(lang, 'honorees.list.title.level', { level: label(lang, 'decisionLevel', filters.level) })
    : t(lang, 'honorees.list.title.all');
  if (filters.state) title = t(lang, 'honorees.list.title.inState', { title, state: filters.state });
  // The year as written, not as a number ("2,026").
  const year = String(filters.year ?? '');
  if (filters.year)
    title = t(lang, filters.state ? 'honorees.list.title.stateYear' : 'honorees.list.title.ofYear', { title, year });
  if (filters.q) title = t(lang, 'honorees.list.title.matching', { title, query: filters.q });
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
    const lang = res.locals.lang as string;
    const { page, ...filters } = parseHonoreeFilters(req.query);
    const [list, years] = [await listHonorees(db, filters, page, lang), await honoreeYears(db)];
    const query = filterQuery(filters);
    const pageHref = (n: number) => `/honorees?${query}${query ? '&' : ''}page=${n}`;
    const title = listTitle(lang, filters);
    const description =
      list.total === 0
        ? t(lang, 'honorees.list.descriptionNone')
        : t(lang, 'honorees.list.description', { count: list.total });
    res.render('honorees/list', {
      title,
      description,
      og: { title, description, type: 'website', url: absolute(`/honorees${query ? `?${query}` : ''}`) },
      list,
      multiPage: list.pageCount > 1,
      filters,
      years: years.map((y) => ({ value: y, selected: y === filters.year })),
      states: US_STATES.map((s) => ({ value: s, selected: s === filters.state })),
      levels: labelsOf(lang, 'decisionLevel', ['gold', 'silver']).map((level) => ({
        ...level,
        selected: level.value === filters.level,
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
    const lang = res.locals.lang as string;
    if (!/^\d{4}$/.test(year) || !/^[a-z0-9-]{1,100}$/.test(slug)) throw new NotFound(msg('honorees.show.notFound'));
    const honoree = await findHonoree(db, { year: Number(year), slug, language: lang });
    // The cycle's name is how the program names its year ("… 2025–2026"): the page says it that way only.
    const named = { schoolName: honoree.schoolName, level: honoree.levelLabel, cycleName: honoree.cycleName };
    const title = t(lang, 'honorees.show.pageTitle', named);
    const description = summarize(
      honoree.citation ||
        t(lang, 'honorees.show.descriptionFallback', { ...named, city: honoree.city, state: honoree.state }),
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
    const lang = res.locals.lang as string;
    const page = await publicCriteria(db, { cycleId, now: clock(), language: lang });
    const title = t(lang, 'honorees.criteria.pageTitle', { cycleName: page.cycle.name });
    const description = summarize(
      t(lang, 'honorees.criteria.description', {
        programName: page.programName,
        cycleName: page.cycle.name,
        required: page.required.length,
        chosen: page.cycle.optionalChoiceCount,
        optional: page.optional.length,
      }),
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
