// Admins assign reviewers to a round: by hand, one pair at a time, or automatically after a
// preview of the whole plan (services/assignment/); then e-mail each reviewer their list.
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../../server/context.js';
import { Invalid, type FieldErrors } from '../../server/errors.js';
import { msg, t } from '../../server/i18n/translate.js';
import {
  ASSIGNMENT_PAGE_SIZE,
  assignManually,
  confirmAutomatic,
  LanguageMismatch,
  listAssignments,
  manualChoices,
  notifyReviewers,
  previewAutomatic,
  unassign,
} from '../../server/services/assignment/assignment.js';
import { findCycle } from '../../server/services/programs/programs.js';
import { findRound, firstRoundBacklog } from '../../server/services/review/rounds.js';
import { errorsIn, languagesInWords, wordsIn } from '../review/language-words.js';
import { explainAutomatic } from '../../server/services/assignment/explain-plan.js';
import { idParam, pageParam } from '../params.js';
import { formBody, formField, showAgainIfInvalid } from '../forms.js';

type Body = Record<string, unknown>;

const langOf = (res: Response) => String(res.locals.lang);

export function adminAssignmentRoutes(context: AppContext): Router {
  const router = Router();
  const { db } = context;

  async function loadRound(req: Request) {
    const round = await findRound(db, idParam(req.params.roundId));
    const cycle = await findCycle(db, round.cycleId);
    return { round, cycle };
  }

  async function renderAssign(
    req: Request,
    res: Response,
    extra: { errors?: FieldErrors; form?: Body; askDespiteLanguage?: boolean } = {},
    status = 200,
  ) {
    const { round, cycle } = await loadRound(req);
    const lang = langOf(res);
    const page = pageParam(req.query.page);
    const list = await listAssignments(db, round.id, page);
    const { apps, reviewers } = await manualChoices(db, round.id);
    const form = extra.form ?? {};
    res.status(status).render('admin/reviews/assign', {
      title: t(lang, 'assignment.manual.title', { round: round.name }),
      round,
      cycle,
      errors: errorsIn(lang, extra.errors),
      askDespiteLanguage: extra.askDespiteLanguage,
      apps: apps.map((a) => ({
        ...a,
        selected: String(a.id) === form.applicationId,
        short: a.assigned < round.reviewersPerApplication ? 'yes' : 'no',
        languageWords: languagesInWords(lang, a.languages),
      })),
      reviewers: reviewers.map((r) => ({
        ...r,
        selected: String(r.id) === form.reviewerId,
        full: r.load >= r.maxLoad ? 'yes' : 'no',
        languageWords: languagesInWords(lang, r.reads),
      })),
      assignments: list.rows,
      pageSize: ASSIGNMENT_PAGE_SIZE,
      prevPage: page > 1 ? page - 1 : undefined,
      nextPage: list.hasMore ? page + 1 : undefined,
    });
  }

  router.get('/rounds/:roundId/assign', async function showManualAssignment(req, res) {
    await renderAssign(req, res);
  });

  router.post('/rounds/:roundId/assign', async function saveManualAssignment(req, res) {
    const roundId = idParam(req.params.roundId);
    const form = formBody(req);
    const id = (value: unknown) => (typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : NaN);
    const despiteLanguage = form.despiteLanguage === 'on';
    try {
      const applicationId = id(form.applicationId);
      const reviewerId = id(form.reviewerId);
      if (Number.isNaN(applicationId)) throw new Invalid({ applicationId: msg('assignment.errors.chooseApplication') });
      if (Number.isNaN(reviewerId)) throw new Invalid({ reviewerId: msg('assignment.errors.chooseReviewer') });
      await assignManually(context, { roundId, applicationId, reviewerId, adminId: req.user!.id, despiteLanguage });
    } catch (error) {
      return showAgainIfInvalid(error, (invalid) =>
        renderAssign(
          req,
          res,
          { errors: invalid.fieldErrors, form, askDespiteLanguage: invalid instanceof LanguageMismatch },
          422,
        ),
      );
    }
    res.flash(
      'success',
      msg(despiteLanguage ? 'assignment.flash.assignedDespiteLanguage' : 'assignment.flash.assigned', {
        id: String(form.applicationId),
      }),
    );
    res.redirect(303, `/admin/rounds/${roundId}/assign`);
  });

  router.post('/rounds/:roundId/assignments/:assignmentId/delete', async function removeAssignment(req, res) {
    const roundId = idParam(req.params.roundId);
    try {
      await unassign(db, { roundId, assignmentId: idParam(req.params.assignmentId) });
      res.flash('success', msg('assignment.flash.removed'));
    } catch (error) {
      showAgainIfInvalid(error, (invalid) => {
        res.flash('error', Object.values(errorsIn(langOf(res), invalid.fieldErrors)!).join(' '));
      });
    }
    res.redirect(303, `/admin/rounds/${roundId}/assign`);
  });

  router.get('/rounds/:roundId/auto', async function showAutomaticPreview(req, res) {
    const { cycle } = await loadRound(req);
    const lang = langOf(res);
    const preview = await previewAutomatic(db, idParam(req.params.roundId));
    const backlog = await firstRoundBacklog(db, preview.round);
    const page = pageParam(req.query.page);
    const size = ASSIGNMENT_PAGE_SIZE;
    res.render('admin/reviews/auto', {
      title: t(lang, 'assignment.auto.title', { round: preview.round.name }),
      cycle,
      ...preview,
      uncovered: preview.uncovered.map((u) => ({
        ...u,
        reason: wordsIn(lang, u.reason),
        conflicts: u.conflicts.map((c) => wordsIn(lang, c)),
        languageWords: languagesInWords(lang, u.languages),
      })),
      languageShortages: preview.languageShortages.map((m) => wordsIn(lang, m)),
      warnings: preview.warnings.map((w) => wordsIn(lang, w)),
      loads: preview.loads.map((l) => ({ ...l, languageWords: languagesInWords(lang, l.reads) })),
      backlog: { ...backlog, pending: backlog.applications + backlog.reviewers > 0 },
      addedPage: preview.added.slice((page - 1) * size, page * size),
      prevPage: page > 1 ? page - 1 : undefined,
      nextPage: page * size < preview.added.length ? page + 1 : undefined,
    });
  });

  router.get('/rounds/:roundId/auto/why', async function showWhyTheseReviewers(req, res) {
    const { cycle } = await loadRound(req);
    const lang = langOf(res);
    const explained = await explainAutomatic(db, idParam(req.params.roundId), pageParam(req.query.page));
    res.render('admin/reviews/why', {
      title: t(lang, 'assignment.why.title', { round: explained.round.name }),
      cycle,
      ...explained,
      rows: explained.rows.map((row) => ({
        ...row,
        application: wordsIn(lang, row.application),
        chosen: row.chosen.map((c) => ({ ...c, why: c.why.map((m) => wordsIn(lang, m)) })),
        passedOver: row.passedOver.map((p) => ({ ...p, reason: wordsIn(lang, p.reason) })),
      })),
      prevPage: explained.page > 1 ? explained.page - 1 : undefined,
      nextPage: explained.page < explained.pageCount ? explained.page + 1 : undefined,
    });
  });

  router.post('/rounds/:roundId/auto', async function confirmAutomaticAssignment(req, res) {
    const roundId = idParam(req.params.roundId);
    const fingerprint = formField(req, 'plan');
    try {
      const added = await confirmAutomatic(context, { roundId, adminId: req.user!.id, fingerprint });
      res.flash('success', msg('assignment.flash.confirmed', { count: added }));
      res.redirect(303, `/admin/rounds/${roundId}`);
    } catch (error) {
      showAgainIfInvalid(error, (invalid) => {
        res.flash('error', Object.values(errorsIn(langOf(res), invalid.fieldErrors)!).join(' '));
        res.redirect(303, `/admin/rounds/${roundId}/auto`);
      });
    }
  });

  router.post('/rounds/:roundId/notify', async function emailReviewerLists(req, res) {
    const roundId = idParam(req.params.roundId);
    const mailed = await notifyReviewers(context, roundId);
    res.flash(
      mailed > 0 ? 'success' : 'info',
      mailed > 0 ? msg('assignment.flash.mailed', { count: mailed }) : msg('assignment.flash.nothingMailed'),
    );
    res.redirect(303, `/admin/rounds/${roundId}`);
  });

  return router;
}
