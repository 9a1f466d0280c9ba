// Admins screen submitted applications for eligibility.
import { Router, type Request, type Response } from 'express';
import type { FieldErrors } from '../../server/errors.js';
import type { AppContext } from '../../server/context.js';
import { applicationAccess } from '../../server/services/permissions.js';
import { loadApplication } from '../../server/services/applications/applications.js';
import { evaluateEligibility } from '../../server/services/programs/eligibility.js';
import {
  answerLanguages,
  cleanUnscreenedCount,
  listApplicationsForAdmin,
  markCleanEligible,
  SCREENABLE,
  screenApplication,
} from '../../server/services/applications/screening.js';
import { cycleChoices } from '../../server/services/programs/programs.js';
import { APPLICATION_STATUSES, type ApplicationStatus, US_STATES } from '../../models/schema.js';
import { label, msg, t, textIn } from '../../server/i18n/translate.js';
import { languageList } from '../language-names.js';
import { idParam, optionalId, pageParam } from '../params.js';
import { formBody, showAgainIfInvalid } from '../forms.js';
import { extendDeadline, extensionTarget } from '../../server/services/applications/extensions.js';
import { formatMoment } from '../../server/time.js';
import { eligibilityAnswersOf, profileFactsOf } from './application-views.js';

export function adminScreeningRoutes(context: AppContext): Router {
  const router = Router();
  const { db } = context;

  router.get('/applications', async function showApplicationList(req, res) {
    const q = req.query;
    const status =
      typeof q.status === 'string' && (APPLICATION_STATUSES as readonly string[]).includes(q.status)
        ? (q.status as ApplicationStatus)
        : undefined;
    const state =
      typeof q.state === 'string' && (US_STATES as readonly string[]).includes(q.state) ? q.state : undefined;
    const cycleId = optionalId(q.cycle);
    const needsScreening = q.screening === 'needed';
    const page = pageParam(q.page);
    const { rows, hasMore } = await listApplicationsForAdmin(db, { cycleId, status, state, needsScreening, page });
    const clean = needsScreening && cycleId ? await cleanUnscreenedCount(db, cycleId) : 0;
    const filterQuery = new URLSearchParams(
      Object.entries({
        status,
        state,
        cycle: cycleId ? String(cycleId) : undefined,
        screening: needsScreening ? 'needed' : undefined,
      }).filter((entry): entry is [string, string] => Boolean(entry[1])),
    ).toString();
    const lang = res.locals.lang as string;
    res.render('admin/applications/list', {
      title: t(lang, 'screening.list.title'),
      rows: rows.map((r) => ({ ...r, waiting: r.status === 'submitted' })),
      cycleId,
      clean,
      cycles: (await cycleChoices(db)).map((c) => ({ value: String(c.id), label: c.name, selected: c.id === cycleId })),
      statuses: APPLICATION_STATUSES.map((s) => ({
        value: s,
        label: label(lang, 'applicationStatus', s),
        selected: s === status,
      })),
      states: US_STATES.map((s) => ({ value: s, selected: s === state })),
      needsScreening,
      prevHref: page > 1 ? `/admin/applications?${filterQuery}&page=${page - 1}` : undefined,
      nextHref: hasMore ? `/admin/applications?${filterQuery}&page=${page + 1}` : undefined,
    });
  });

  async function renderScreening(req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) {
    const access = await applicationAccess(db, req.user, idParam(req.params.id));
    const view = await loadApplication(db, access);
    const lang = res.locals.lang as string;
    // Rules as they stand now, beside the flags recorded at submission.
    const current = evaluateEligibility(view.rules, {
      answers: view.application.eligibilityAnswers,
      school: view.school,
    });
    res.status(status).render('admin/applications/screening', {
      title: t(lang, 'screening.page.title', { school: view.school.name }),
      app: view,
      answers: eligibilityAnswersOf(view),
      answerLanguages: languageList(lang, await answerLanguages(db, view.application.id)),
      // The first fact is the school's name, already the page's heading.
      facts: profileFactsOf(view).slice(1),
      flags: view.application.screeningFlags,
      currentFlags: current,
      screenable: SCREENABLE.includes(view.application.status),
      ...extra,
    });
  }

  router.get('/applications/:id/screening', async function showScreening(req, res) {
    await renderScreening(req, res);
  });

  router.post('/applications/:id/screening', async function saveScreening(req, res) {
    const applicationId = idParam(req.params.id);
    const body = formBody(req);
    try {
      await screenApplication(context, {
        applicationId,
        adminId: req.user!.id,
        decision: body.decision,
        reason: body.reason,
      });
    } catch (error) {
      return showAgainIfInvalid(error, (invalid) =>
        renderScreening(
          req,
          res,
          { errors: invalid.fieldErrors, values: { decision: body.decision, reason: body.reason } },
          422,
        ),
      );
    }
    res.flash('success', msg(body.decision === 'eligible' ? 'screening.flash.eligible' : 'screening.flash.ineligible'));
    res.redirect(303, '/admin/applications?screening=needed');
  });

  async function renderExtension(
    req: Request,
    res: Response,
    extra: { values?: Record<string, unknown>; errors?: FieldErrors } = {},
    status = 200,
  ) {
    const target = await extensionTarget(db, idParam(req.params.id));
    const current = target.application.deadlineExtendedTo;
    res.status(status).render('admin/applications/extension', {
      title: t(res.locals.lang as string, 'screening.extension.title', { school: target.schoolName }),
      target,
      timeZone: target.zone,
      values: extra.values ?? { time: '23:59' },
      errors: extra.errors,
      current,
    });
  }

  router.get('/applications/:id/extension', async function showExtensionForm(req, res) {
    await renderExtension(req, res);
  });

  router.post('/applications/:id/extension', async function extendApplicationDeadline(req, res) {
    const applicationId = idParam(req.params.id);
    const body = formBody(req);
    try {
      const at = await extendDeadline(context, {
        applicationId,
        adminId: req.user!.id,
        day: body.day,
        time: body.time,
        reason: body.reason,
      });
      res.flash(
        'success',
        msg('screening.flash.deadlineExtended', {
          deadline: formatMoment(at, res.locals.timeZone as string, res.locals.lang as string),
        }),
      );
      res.redirect(303, `/applications/${applicationId}`);
    } catch (error) {
      showAgainIfInvalid(error, (invalid) =>
        renderExtension(
          req,
          res,
          { values: { day: body.day, time: body.time, reason: body.reason }, errors: invalid.fieldErrors },
          422,
        ),
      );
    }
  });

  router.post('/applications/screen-clean', async function markCleanApplicationsEligible(req, res) {
    const body = formBody(req);
    const cycleId = idParam(body.cycleId);
    try {
      const count = await markCleanEligible(context, { cycleId, adminId: req.user!.id, expected: body.expected });
      res.flash('success', msg('screening.flash.cleanMarked', { count }));
    } catch (error) {
      showAgainIfInvalid(error, (invalid) => {
        const lang = res.locals.lang as string;
        res.flash(
          'error',
          Object.values(invalid.fieldErrors)
            .map((text) => textIn(lang, text))
            .join(' '),
        );
      });
    }
    res.redirect(303, `/admin/applications?cycle=${cycleId}&screening=needed`);
  });

  return router;
}
