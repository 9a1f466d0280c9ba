// A reviewer's calibration: the examples of a cycle they score before their assignments in it
// open, and afterwards how their scores compare with the rest of the panel. Only someone who
// reviews for the cycle may open it; anyone else gets "not found".
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../../server/context.js';
import { type FieldErrors } from '../../server/errors.js';
import { intlLocale } from '../../server/i18n/languages.js';
import { msg, t, type Text } from '../../server/i18n/translate.js';
import { formatPoints } from '../../server/text.js';
import { requireRole } from '../../server/middleware/require-role.js';
import {
  MAX_CALIBRATION_COMMENT_CHARS,
  reviewerCalibration,
  submitCalibration,
} from '../../server/services/review/calibration-scoring.js';
import { formBody, showAgainIfInvalid, typedValues } from '../forms.js';
import { idParam } from '../params.js';

export function calibrationRoutes(context: AppContext): Router {
  const router = Router();
  const { db, clock } = context;

  router.use('/reviews/calibration', requireRole('reviewer'));

  async function renderCalibration(
    req: Request,
    res: Response,
    extra: { values?: Record<string, string>; errors?: FieldErrors; formError?: Text } = {},
    status = 200,
  ) {
    const lang = String(res.locals.lang);
    const page = await reviewerCalibration(db, req.user!.id, idParam(req.params.cycleId));
    const { cycle } = page;
    const values = extra.values ?? {};
    const number = (n: number | null) => formatPoints(n, intlLocale(lang));
    const scores: number[] = [];
    for (let s = cycle.scoreMin; s <= cycle.scoreMax; s++) scores.push(s);
    res.status(status).render('reviews/calibration', {
      title: t(lang, 'calibration.reviewer.title', { cycle: cycle.name }),
      cycle,
      done: page.done,
      items: page.items.map((item) => {
        const field = `score_${item.id}`;
        const chosen = values[field] ?? (item.score === null ? '' : String(item.score));
        return {
          ...item,
          scored: item.score !== null,
          scoreField: field,
          commentField: `comment_${item.id}`,
          comment: values[`comment_${item.id}`] ?? item.comment ?? '',
          scoreError: extra.errors?.[field],
          commentError: extra.errors?.[`comment_${item.id}`],
          options: scores.map((s) => ({
            id: s === cycle.scoreMin ? field : `${field}_${s}`,
            value: String(s),
            checked: chosen === String(s),
          })),
          othersMean: 'othersMean' in item ? number(item.othersMean) : '',
          othersCount: 'othersCount' in item ? item.othersCount : 0,
        };
      }),
      result: page.result && {
        ...page.result,
        points: page.result.offset === null ? '' : number(Math.abs(page.result.offset)),
      },
      seen: page.seen,
      errors: extra.errors,
      formError: extra.formError,
      commentMax: MAX_CALIBRATION_COMMENT_CHARS,
    });
  }

  router.get('/reviews/calibration/:cycleId', async function showCalibration(req, res) {
    await renderCalibration(req, res);
  });

  router.post('/reviews/calibration/:cycleId', async function sendCalibration(req, res) {
    const cycleId = idParam(req.params.cycleId);
    const body = formBody(req);
    try {
      await submitCalibration(db, clock, { reviewerId: req.user!.id, cycleId, input: body });
    } catch (error) {
      return showAgainIfInvalid(error, (invalid) =>
        Object.keys(invalid.fieldErrors).length > 0
          ? renderCalibration(req, res, { values: typedValues(body), errors: invalid.fieldErrors }, 422)
          : // The examples changed since the page was read: read them again, nothing chosen.
            renderCalibration(req, res, { formError: invalid.text }, 409),
      );
    }
    res.flash('success', msg('calibration.reviewer.thanks'));
    res.redirect(303, `/reviews/calibration/${cycleId}`);
  });

  return router;
}
