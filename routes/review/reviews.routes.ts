// The reviewer's pages: their assigned applications, one application beside the review form,
// and its evidence. Everything under /reviews/:assignmentId asks reviewerAccess first: someone
// else's assignment, or one the reviewer is conflicted on, is "not found" (never "forbidden"),
// in blind and open cycles alike.
import { Router, type NextFunction, type Request, type Response } from 'express';
import { RECOMMENDATIONS } from '../../models/schema.js';
import type { AppContext } from '../../server/context.js';
import { cannotEditReview, reviewerAccess, type ReviewerAccess } from '../../server/services/permissions.js';
import { Forbidden, Invalid, StaleEdit, type FieldErrors } from '../../server/errors.js';
import { translated } from '../../server/i18n/content.js';
import { intlLocale, SOURCE_LANGUAGE } from '../../server/i18n/languages.js';
import { label, msg, t, textIn, type Text } from '../../server/i18n/translate.js';
import { requireRole } from '../../server/middleware/require-role.js';
import { anchorScores } from '../../server/services/programs/criteria.js';
import {
  findReviewFile,
  loadReviewView,
  othersReviews,
  reviewerDashboard,
  type ReviewView,
} from '../../server/services/review/reviewing.js';
import {
  MAX_COMMENT_CHARS,
  MAX_NOTE_CHARS,
  MAX_SITE_VISIT_CHARS,
  saveReview,
} from '../../server/services/review/saving.js';
import { calibrationDue } from '../../server/services/review/calibration-scoring.js';
import { errorsIn, languagesInWords, wordsIn } from './language-words.js';
import { idParam } from '../params.js';
import { sendStoredFile } from '../downloads.js';
import { formBody, typedValues } from '../forms.js';

function access(res: Response): ReviewerAccess {
  return res.locals.access as ReviewerAccess;
}

const langOf = (res: Response) => String(res.locals.lang);

/** The radio buttons of one criterion's score: the scale, and "no score yet" for drafts. */
function scoreOptions(lang: string, view: ReviewView, field: string, value: string | undefined) {
  const { min, max } = view.scale;
  const chosen = (value ?? '').trim();
  const options = [];
  for (let score = min; score <= max; score += 1) {
    const text =
      score === min
        ? t(lang, 'reviews.review.lowest', { score })
        : score === max
          ? t(lang, 'reviews.review.highest', { score })
          : String(score);
    options.push({
      id: score === min ? field : `${field}_${score}`,
      value: String(score),
      text,
      checked: chosen === String(score),
    });
  }
  const inScale = options.some((o) => o.checked);
  options.push({
    id: `${field}_none`,
    value: '',
    text: t(lang, 'reviews.review.noScoreYet'),
    checked: !inScale && chosen === '',
  });
  return options;
}

/** What the lowest, middle and highest scores look like for a criterion, where the admins said. */
function scoreAnchors(
  view: ReviewView,
  criterion: { anchorLow: string; anchorMiddle: string; anchorHigh: string },
): Array<{ score: number; text: string }> {
  const scores = anchorScores({ scoreMin: view.scale.min, scoreMax: view.scale.max });
  return [
    { score: scores.low, text: criterion.anchorLow },
    { score: scores.middle, text: criterion.anchorMiddle },
    { score: scores.high, text: criterion.anchorHigh },
  ].filter((anchor) => anchor.text.trim() !== '');
}

export function reviewRoutes(context: AppContext): Router {
  const router = Router();
  const { db, clock } = context;

  router.use('/reviews', requireRole('reviewer'));

  router.get('/reviews', async function showReviewDashboard(req, res) {
    const lang = langOf(res);
    const [rows, calibration] = await Promise.all([
      reviewerDashboard(db, req.user!.id, clock()),
      calibrationDue(db, req.user!.id, clock()),
    ]);
    const awaiting = new Set(calibration.map((c) => c.cycleId));
    res.render('reviews/dashboard', {
      title: t(lang, 'reviews.dashboard.title'),
      calibration,
      rows: rows.map((row) => ({
        ...row,
        languageWords: languagesInWords(lang, row.languages),
        awaitingCalibration: awaiting.has(row.cycleId),
      })),
      open: rows.filter((r) => r.status !== 'submitted').length,
    });
  });

  async function loadAccess(req: Request, res: Response, next: NextFunction) {
    res.locals.access = await reviewerAccess(db, req.user, idParam(req.params.assignmentId));
    next();
  }

  async function renderReview(
    res: Response,
    extra: { values?: Record<string, string>; errors?: FieldErrors; formError?: Text; staleSince?: Date } = {},
    status = 200,
  ) {
    const a = access(res);
    const lang = langOf(res);
    const defaultLanguage = (res.locals.site as { defaultLanguage?: string } | undefined)?.defaultLanguage;
    const [view, others] = await Promise.all([loadReviewView(db, a), othersReviews(db, a)]);
    const lockedReason = cannotEditReview(a, clock());
    const values = { ...view.saved, ...extra.values };
    const errors = errorsIn(lang, extra.errors) ?? {};
    const number = (n: number) => n.toLocaleString(intlLocale(lang));
    // The program's own words (criteria) in the reader's language where it has them.
    const criteria = view.criteria.map((c) =>
      translated(
        c,
        ['title', 'guidance', 'evidenceRequested', 'anchorLow', 'anchorMiddle', 'anchorHigh'],
        lang,
        defaultLanguage ?? SOURCE_LANGUAGE,
      ),
    );
    // After a stale save: what is saved now, beside the person's own text in the form.
    const savedVersion = extra.staleSince
      ? {
          changedAt: extra.staleSince,
          criteria: criteria.map((c) => ({
            number: c.number,
            title: c.title,
            score: view.saved[`score_${c.id}`] || t(lang, 'reviews.review.noScore'),
            comment: view.saved[`comment_${c.id}`] ?? '',
          })),
          recommendation: view.saved.recommendation
            ? label(lang, 'recommendation', view.saved.recommendation)
            : t(lang, 'reviews.review.noneYet'),
          confidentialNote: view.saved.confidentialNote ?? '',
          siteVisitNotes: view.saved.siteVisitNotes ?? '',
        }
      : undefined;
    const heading = textIn(lang, view.heading);
    res.status(status).render('reviews/review', {
      title: t(lang, 'reviews.review.title', { heading, round: view.round.name }),
      view: {
        ...view,
        heading,
        nominations: {
          ...view.nominations,
          nominations: view.nominations.nominations.map((n) => ({
            ...n,
            nominatorName: textIn(lang, n.nominatorName),
          })),
        },
      },
      languageWords: languagesInWords(
        lang,
        [...new Set(view.criteria.map((c) => c.language).filter((l): l is string => Boolean(l)))].sort(),
      ),
      siteVisitChoice: view.round.siteVisit ? 'yes' : 'no',
      base: `/reviews/${view.assignmentId}`,
      nominationFilesBase: `/reviews/${view.assignmentId}/nominations`,
      editable: !lockedReason,
      lockedReason,
      submitted: view.status === 'submitted',
      // A draft is saved in the background as it is written; a submitted review only by its button.
      autosave: !lockedReason && view.status !== 'submitted' ? `/reviews/${view.assignmentId}/autosave` : undefined,
      errors: extra.errors ? errors : undefined,
      formError: extra.formError === undefined ? undefined : wordsIn(lang, extra.formError),
      criteria: criteria.map((c) => {
        const scoreField = `score_${c.id}`;
        const commentField = `comment_${c.id}`;
        return {
          ...c,
          // The answer's language, named in the reader's and given to screen readers as lang="…".
          writtenIn: c.language
            ? t(lang, 'reviews.writtenIn', { language: languagesInWords(lang, [c.language]) })
            : undefined,
          scoreField,
          commentField,
          anchors: scoreAnchors(view, c),
          options: scoreOptions(lang, view, scoreField, values[scoreField]),
          comment: values[commentField] ?? '',
          scoreError: errors[scoreField],
          commentError: errors[commentField],
        };
      }),
      recommendations: RECOMMENDATIONS.map((value, index) => ({
        value,
        text: label(lang, 'recommendation', value),
        id: index === 0 ? 'recommendation' : `recommendation_${value}`,
        checked: values.recommendation === value,
      })),
      values,
      limits: {
        comment: MAX_COMMENT_CHARS,
        note: MAX_NOTE_CHARS,
        siteVisit: MAX_SITE_VISIT_CHARS,
        commentText: number(MAX_COMMENT_CHARS),
        noteText: number(MAX_NOTE_CHARS),
        siteVisitText: number(MAX_SITE_VISIT_CHARS),
      },
      savedVersion,
      othersVisible: others !== undefined,
      others: (others ?? []).map((o) => ({
        ...o,
        reviewer: textIn(lang, o.reviewer),
        recommendationLabel: o.recommendation
          ? label(lang, 'recommendation', o.recommendation)
          : t(lang, 'reviews.review.none'),
        scores: o.scores.map((s) => ({
          ...s,
          title: criteria.find((c) => c.number === s.number)?.title ?? s.title,
        })),
      })),
    });
  }

  router.get('/reviews/:assignmentId', loadAccess, async function showReviewForm(_req, res) {
    await renderReview(res);
  });

  router.post('/reviews/:assignmentId', loadAccess, async function saveReviewForm(req, res) {
    const a = access(res);
    const input = formBody(req);
    const submit = input.action === 'submit';
    let status;
    try {
      ({ status } = await saveReview(context, { access: a, input, submit }));
    } catch (error) {
      // Shown again with what was typed, so nothing is lost, past the due date included.
      if (error instanceof Invalid)
        return renderReview(res, { values: typedValues(input), errors: error.fieldErrors, formError: error.text }, 422);
      if (error instanceof Forbidden)
        return renderReview(res, { values: typedValues(input), formError: error.text }, 403);
      if (error instanceof StaleEdit) {
        return renderReview(
          res,
          { values: typedValues(input), formError: error.text, staleSince: error.changedAt },
          409,
        );
      }
      throw error;
    }
    const wasSubmitted = a.assignment.status === 'submitted';
    res.flash(
      'success',
      msg(
        wasSubmitted
          ? 'reviews.review.savedChanges'
          : status === 'submitted'
            ? 'reviews.review.submitted'
            : 'reviews.review.savedDraft',
      ),
    );
    res.redirect(303, `/reviews/${a.assignment.id}`);
  });

  interface FileOptions {
    nominationId?: number;
    /** Shown in the browser when it can be (a PDF, an image), else downloaded. */
    inline?: boolean;
  }

  // A draft saved in the background by the page's script (server/public/js/review-autosave.js),
  // answered in JSON. It keeps the session alive too, so a long review is not lost to it.
  router.post('/reviews/:assignmentId/autosave', loadAccess, async function autosaveReview(req, res) {
    const a = access(res);
    const lang = langOf(res);
    const refuse = (status: number, kind: string, text: Text) =>
      res.status(status).json({ status: kind, message: wordsIn(lang, text) });
    if (a.assignment.status === 'submitted') return refuse(409, 'submitted', msg('reviews.autosave.submitted'));
    let version: number;
    try {
      ({ version } = await saveReview(context, { access: a, input: formBody(req), submit: false }));
    } catch (error) {
      if (error instanceof Invalid) return refuse(422, 'invalid', Object.values(error.fieldErrors)[0] ?? error.text);
      if (error instanceof Forbidden) return refuse(403, 'locked', error.text);
      if (error instanceof StaleEdit) return refuse(409, 'stale', error.text);
      throw error;
    }
    res.set('Cache-Control', 'no-store').json({ status: 'saved', version });
  });

  async function sendFile(req: Request, res: Response, { nominationId, inline = false }: FileOptions = {}) {
    const file = await findReviewFile(db, access(res), { publicId: String(req.params.publicId), nominationId });
    // In a blind cycle the name offered is the neutral one the page shows ("Evidence 3.pdf").
    await sendStoredFile(res, { storage: context.storage, file, downloadName: file.displayName, inline });
  }

  router.get('/reviews/:assignmentId/files/:publicId', loadAccess, async function downloadReviewFile(req, res) {
    await sendFile(req, res);
  });

  router.get('/reviews/:assignmentId/files/:publicId/view', loadAccess, async function viewReviewFile(req, res) {
    await sendFile(req, res, { inline: true });
  });

  // The nominations partial links files as <base>/<nominationId>/files/<publicId>.
  router.get(
    '/reviews/:assignmentId/nominations/:nominationId/files/:publicId',
    loadAccess,
    async function downloadNominationFile(req, res) {
      await sendFile(req, res, { nominationId: idParam(req.params.nominationId) });
    },
  );

  router.get(
    '/reviews/:assignmentId/nominations/:nominationId/files/:publicId/view',
    loadAccess,
    async function viewNominationFile(req, res) {
      await sendFile(req, res, { nominationId: idParam(req.params.nominationId), inline: true });
    },
  );

  return router;
}
