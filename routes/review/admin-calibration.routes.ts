// Admins build a cycle's calibration set (examples written here, or copied from a past cycle's
// application) and read the calibration report: each example's scores and each reviewer's
// harshness against the rest of the panel.
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../../server/context.js';
import { intlLocale } from '../../server/i18n/languages.js';
import { msg, t } from '../../server/i18n/translate.js';
import { formatPoints } from '../../server/text.js';
import { findCycle } from '../../server/services/programs/programs.js';
import {
  addCalibrationItem,
  calibrationClosedReason,
  copyCalibrationItem,
  findCalibrationItem,
  MAX_BODY_CHARS,
  MAX_CALIBRATION_ITEMS,
  MAX_TITLE_CHARS,
  removeCalibrationItem,
  updateCalibrationItem,
} from '../../server/services/review/calibration.js';
import { calibrationReport } from '../../server/services/review/calibration-report.js';
import { formBody, formFields, showAgainIfInvalid, typedValues } from '../forms.js';
import { idParam, pageParam } from '../params.js';

export function adminCalibrationRoutes(context: AppContext): Router {
  const router = Router();
  const { db, clock } = context;

  async function renderCalibration(
    req: Request,
    res: Response,
    extra: { values?: Record<string, string>; errors?: Record<string, unknown> } = {},
    status = 200,
  ) {
    const lang = String(res.locals.lang);
    const cycle = await findCycle(db, idParam(req.params.cycleId));
    const page = pageParam(req.query.page);
    const [report, closedReason] = await Promise.all([
      calibrationReport(db, cycle, page),
      calibrationClosedReason(db, cycle.id),
    ]);
    const number = (n: number | null, signed = false) => formatPoints(n, intlLocale(lang), { signed });
    res.status(status).render('admin/calibration/show', {
      title: t(lang, 'calibration.admin.title', { cycle: cycle.name }),
      cycle,
      report: {
        ...report,
        items: report.items.map((item) => ({ ...item, mean: number(item.mean) })),
        reviewers: report.reviewers.map((r) => ({ ...r, offsetText: number(r.offset, true) })),
      },
      closedReason,
      full: report.items.length >= MAX_CALIBRATION_ITEMS,
      maxItems: MAX_CALIBRATION_ITEMS,
      prevPage: page > 1 ? page - 1 : undefined,
      nextPage: report.hasMore ? page + 1 : undefined,
      limits: { title: MAX_TITLE_CHARS, body: MAX_BODY_CHARS },
      values: extra.values,
      errors: extra.errors,
    });
  }

  router.get('/cycles/:cycleId/calibration', async function showCalibration(req, res) {
    await renderCalibration(req, res);
  });

  router.post('/cycles/:cycleId/calibration', async function addExample(req, res) {
    const cycleId = idParam(req.params.cycleId);
    const input = formFields(req, ['title', 'body']);
    try {
      await findCycle(db, cycleId);
      await addCalibrationItem(db, clock, { cycleId, adminId: req.user!.id, input });
    } catch (error) {
      return showAgainIfInvalid(error, (invalid) =>
        renderCalibration(req, res, { values: typedValues(formBody(req)), errors: invalid.fieldErrors }, 422),
      );
    }
    res.flash('success', msg('calibration.admin.added'));
    res.redirect(303, `/admin/cycles/${cycleId}/calibration`);
  });

  router.post('/cycles/:cycleId/calibration/copy', async function copyExample(req, res) {
    const cycleId = idParam(req.params.cycleId);
    // Its title field is copyTitle: the page has the other form's title too.
    const { copyTitle, applicationNumber } = formFields(req, ['copyTitle', 'applicationNumber']);
    try {
      await findCycle(db, cycleId);
      await copyCalibrationItem(db, clock, {
        cycleId,
        adminId: req.user!.id,
        input: { title: copyTitle, applicationNumber },
      });
    } catch (error) {
      return showAgainIfInvalid(error, ({ fieldErrors: { title, ...others } }) =>
        renderCalibration(
          req,
          res,
          { values: typedValues(formBody(req)), errors: title ? { copyTitle: title, ...others } : others },
          422,
        ),
      );
    }
    res.flash('success', msg('calibration.admin.added'));
    res.redirect(303, `/admin/cycles/${cycleId}/calibration`);
  });

  async function renderItem(
    req: Request,
    res: Response,
    extra: { values?: Record<string, string>; errors?: Record<string, unknown> } = {},
    status = 200,
  ) {
    const cycle = await findCycle(db, idParam(req.params.cycleId));
    const { item, lockedReason } = await findCalibrationItem(db, cycle.id, idParam(req.params.itemId));
    res.status(status).render('admin/calibration/item', {
      title: t(String(res.locals.lang), 'calibration.admin.itemTitle', { title: item.title }),
      cycle,
      item,
      lockedReason,
      values: extra.values ?? { title: item.title, body: item.body },
      errors: extra.errors,
      limits: { title: MAX_TITLE_CHARS, body: MAX_BODY_CHARS },
    });
  }

  router.get('/cycles/:cycleId/calibration/:itemId', async function showExample(req, res) {
    await renderItem(req, res);
  });

  router.post('/cycles/:cycleId/calibration/:itemId', async function saveExample(req, res) {
    const cycleId = idParam(req.params.cycleId);
    const itemId = idParam(req.params.itemId);
    try {
      await updateCalibrationItem(db, clock, {
        cycleId,
        itemId,
        adminId: req.user!.id,
        input: formFields(req, ['title', 'body']),
      });
    } catch (error) {
      return showAgainIfInvalid(error, (invalid) =>
        renderItem(req, res, { values: typedValues(formBody(req)), errors: invalid.fieldErrors }, 422),
      );
    }
    res.flash('success', msg('calibration.admin.saved'));
    res.redirect(303, `/admin/cycles/${cycleId}/calibration`);
  });

  router.post('/cycles/:cycleId/calibration/:itemId/remove', async function deleteExample(req, res) {
    const cycleId = idParam(req.params.cycleId);
    await removeCalibrationItem(db, clock, { cycleId, itemId: idParam(req.params.itemId), adminId: req.user!.id });
    res.flash('info', msg('calibration.admin.removed'));
    res.redirect(303, `/admin/cycles/${cycleId}/calibration`);
  });

  return router;
}
