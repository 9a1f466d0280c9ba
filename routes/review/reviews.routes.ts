// The reviewer's pages: their assigned applications, one application beside the review form,
// and its evidence. Everything under /reviews/:assignmentId asks reviewerAccess first: someone
// else's assignment, or one the reviewer is conflicted on, is "not found" (never "forbidden"),
// in blind and open cycles alike.
import { Router, type NextFunction, type Request, type Response } from 'express';
import { RECOMMENDATIONS, type Recommendation, RECOMMENDATION_LABELS } from '../../models/schema.js';
import type { AppContext } from '../../server/context.js';
import { cannotEditReview, reviewerAccess, type ReviewerAccess } from '../../server/services/permissions.js';
import { Forbidden, Invalid, StaleEdit, type FieldErrors } from '../../server/errors.js';
import { requireRole } from '../../server/middleware/require-role.js';
import {
  findReviewFile,
  loadReviewView,
  MAX_COMMENT_CHARS,
  MAX_NOTE_CHARS,
  MAX_SITE_VISIT_CHARS,
  othersReviews,
  reviewerDashboard,
  saveReview,
  type ReviewView,
} from '../../server/services/review/reviewing.js';
import { idParam } from '../params.js';
import { sendStoredFile } from '../downloads.js';
import { formBody, typedValues } from '../forms.js';

function access(res: Response): ReviewerAccess {
  return res.locals.access as ReviewerAccess;
}

/** The radio buttons of one criterion's score: the scale, and "no score yet" for drafts. */
function scoreOptions(view: ReviewView, field: string, value: string | undefined) {
  const { min, max } = view.scale;
  const chosen = (value ?? '').trim();
  const options = [];
  for (let score = min; score <= max; score += 1) {
    const label = score === min ? `${score} (lowest)` : score === max ? `${score} (highest)` : String(score);
    options.push({
      id: score === min ? field : `${field}_${score}`,
      value: String(score),
      label,
      checked: chosen === String(score),
    });
  }
  const inScale = options.some((o) => o.checked);
  options.push({ id: `${field}_none`, value: '', label: 'No score yet', checked: !inScale && chosen === '' });
  return options;
}

export function reviewRoutes(context: AppContext): Router {
  const router = Router();
  const { db, clock } = context;

  router.use('/reviews', requireRole('reviewer'));

  router.get('/reviews', async function showReviewDashboard(req, res) {
    const rows = await reviewerDashboard(db, req.user!.id, clock());
    res.render('reviews/dashboard', {
      title: 'Your reviews',
      rows,
      open: rows.filter((r) => r.status !== 'submitted').length,
    });
  });

  async function loadAccess(req: Request, res: Response, next: NextFunction) {
    res.locals.access = await reviewerAccess(db, req.user, idParam(req.params.assignmentId));
    next();
  }

  async function renderReview(
    res: Response,
    extra: { values?: Record<string, string>; errors?: FieldErrors; formError?: string; staleSince?: Date } = {},
    status = 200,
  ) {
    const a = access(res);
    const [view, others] = await Promise.all([loadReviewView(db, a), othersReviews(db, a)]);
    const lockedReason = cannotEditReview(a, clock());
    const values = { ...view.saved, ...extra.values };
    const errors = extra.errors ?? {};
    // After a stale save: what is saved now, beside the person's own text in the form.
    const savedVersion = extra.staleSince
      ? {
          changedAt: extra.staleSince,
          criteria: view.criteria.map((c) => ({
            number: c.number,
            title: c.title,
            score: view.saved[`score_${c.id}`] || 'no score',
            comment: view.saved[`comment_${c.id}`] ?? '',
          })),
          recommendation: RECOMMENDATION_LABELS[view.saved.recommendation as Recommendation] ?? 'none yet',
          confidentialNote: view.saved.confidentialNote ?? '',
          siteVisitNotes: view.saved.siteVisitNotes ?? '',
        }
      : undefined;
    res.status(status).render('reviews/review', {
      title: `${view.heading} — ${view.round.name}`,
      view,
      base: `/reviews/${view.assignmentId}`,
      nominationFilesBase: `/reviews/${view.assignmentId}/nominations`,
      editable: !lockedReason,
      lockedReason,
      submitted: view.status === 'submitted',
      errors: extra.errors,
      formError: extra.formError,
      criteria: view.criteria.map((c) => {
        const scoreField = `score_${c.id}`;
        const commentField = `comment_${c.id}`;
        return {
          ...c,
          scoreField,
          commentField,
          options: scoreOptions(view, scoreField, values[scoreField]),
          comment: values[commentField] ?? '',
          scoreError: errors[scoreField],
          commentError: errors[commentField],
        };
      }),
      recommendations: RECOMMENDATIONS.map((value, index) => ({
        value,
        label: RECOMMENDATION_LABELS[value],
        id: index === 0 ? 'recommendation' : `recommendation_${value}`,
        checked: values.recommendation === value,
      })),
      values,
      limits: {
        comment: MAX_COMMENT_CHARS,
        note: MAX_NOTE_CHARS,
        siteVisit: MAX_SITE_VISIT_CHARS,
        commentText: MAX_COMMENT_CHARS.toLocaleString('en-US'),
        noteText: MAX_NOTE_CHARS.toLocaleString('en-US'),
        siteVisitText: MAX_SITE_VISIT_CHARS.toLocaleString('en-US'),
      },
      savedVersion,
      othersVisible: others !== undefined,
      others: others ?? [],
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
      status = await saveReview(context, { access: a, input, submit });
    } catch (error) {
      // Shown again with what was typed, so nothing is lost, past the due date included.
      if (error instanceof Invalid)
        return renderReview(
          res,
          { values: typedValues(input), errors: error.fieldErrors, formError: error.message },
          422,
        );
      if (error instanceof Forbidden)
        return renderReview(res, { values: typedValues(input), formError: error.message }, 403);
      if (error instanceof StaleEdit) {
        return renderReview(
          res,
          { values: typedValues(input), formError: error.message, staleSince: error.changedAt },
          409,
        );
      }
      throw error;
    }
    const wasSubmitted = a.assignment.status === 'submitted';
    res.flash(
      'success',
      wasSubmitted
        ? 'Your changes to the submitted review are saved.'
        : status === 'submitted'
          ? 'Your review is submitted. You can still change it until the due date; the other reviews are below.'
          : 'Your draft is saved. Nothing is sent to the program until you submit it.',
    );
    res.redirect(303, `/reviews/${a.assignment.id}`);
  });

  async function sendFile(req: Request, res: Response, nominationId?: number) {
    const file = await findReviewFile(db, access(res), { publicId: String(req.params.publicId), nominationId });
    // In a blind cycle the name offered is the neutral one the page shows ("Evidence 3.pdf").
    await sendStoredFile(res, { storage: context.storage, file, downloadName: file.displayName });
  }

  router.get('/reviews/:assignmentId/files/:publicId', loadAccess, async function downloadReviewFile(req, res) {
    await sendFile(req, res);
  });

  // The nominations partial links files as <base>/<nominationId>/files/<publicId>.
  router.get(
    '/reviews/:assignmentId/nominations/:nominationId/files/:publicId',
    loadAccess,
    async function downloadNominationFile(req, res) {
      await sendFile(req, res, idParam(req.params.nominationId));
    },
  );

  return router;
}
