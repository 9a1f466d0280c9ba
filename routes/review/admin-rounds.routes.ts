// Admins run review rounds: create and edit them, follow their progress, send reminders, and set
// the cycle panel's maximum loads. Assigning reviewers to a round is routes/assignment/.
import type { ReviewRound } from '../../models/schema.js';
import type { FieldErrors } from '../../server/errors.js';
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../../server/context.js';
import { cyclePanel, setCycleMaxLoad } from '../../server/services/review/reviewers.js';
import { findCycle } from '../../server/services/programs/programs.js';
import {
  applicationProgress,
  reviewerProgress,
  roundSummary,
  sendReminders,
} from '../../server/services/review/progress.js';
import {
  createRound,
  editRound,
  findRound,
  firstRoundBacklog,
  listRounds,
  refreshRoundApplications,
  roundChoices,
  roundFormValues,
  type RoundMembers,
} from '../../server/services/review/rounds.js';
import { msg, t } from '../../server/i18n/translate.js';
import { errorsIn, languagesInWords } from './language-words.js';
import { localDay } from '../../server/time.js';
import { cycleTimeZone } from '../../server/services/programs/time-zone.js';
import { idParam, pageParam } from '../params.js';
import { formBody, showAgainIfInvalid } from '../forms.js';

type Body = Record<string, unknown>;

function membersFrom(form: Body): RoundMembers {
  const maxLoads: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(form)) {
    const match = /^maxLoad-(\d{1,15})$/.exec(key);
    if (match?.[1]) maxLoads[match[1]] = value;
  }
  return { applicationIds: form.applicationIds, reviewerIds: form.reviewerIds, maxLoads };
}

/** The later-round checklists, with what the form had ticked (or the round holds). */
async function memberChoices(context: AppContext, cycleId: number, form: Body | undefined, roundId?: number) {
  const { apps, reviewers } = await roundChoices(context.db, cycleId, roundId);
  const ticked = (value: unknown) => new Set(([] as unknown[]).concat(value ?? []).map(String));
  const appIds = form ? ticked(form.applicationIds) : undefined;
  const reviewerIds = form ? ticked(form.reviewerIds) : undefined;
  return {
    apps: apps.map((a) => ({ ...a, checked: appIds ? appIds.has(String(a.id)) : a.inRound })),
    reviewers: reviewers.map((r) => ({
      ...r,
      checked: reviewerIds ? reviewerIds.has(String(r.userId)) : r.roundMaxLoad !== null,
      maxLoad: form ? String(form[`maxLoad-${r.userId}`] ?? '') : String(r.roundMaxLoad ?? r.cycleMaxLoad),
    })),
  };
}

export function adminRoundRoutes(context: AppContext): Router {
  const router = Router();
  const { db } = context;

  async function renderRounds(
    req: Request,
    res: Response,
    extra: { errors?: FieldErrors; form?: Body } = {},
    status = 200,
  ) {
    const cycle = await findCycle(db, idParam(req.params.cycleId));
    const rounds = await listRounds(db, cycle.id);
    const isFirst = rounds.length === 0;
    const zone = await cycleTimeZone(db, cycle.id);
    const lang = String(res.locals.lang);
    res.status(status).render('admin/reviews/rounds', {
      title: t(lang, 'reviews.rounds.title', { cycle: cycle.name }),
      timeZone: zone,
      cycle,
      rounds,
      isFirst,
      nextNumber: rounds.length + 1,
      values: extra.form ?? {
        ...roundFormValues(zone),
        name: t(lang, 'reviews.rounds.defaultName', { number: rounds.length + 1 }),
        // Round 1 is due when the cycle said reviews are due; saving it keeps the two the same.
        dueAt: isFirst && cycle.reviewsDueAt > context.clock() ? localDay(cycle.reviewsDueAt, zone) : '',
      },
      errors: errorsIn(lang, extra.errors),
      choices: isFirst ? undefined : await memberChoices(context, cycle.id, extra.form),
    });
  }

  router.get('/cycles/:cycleId/rounds', async function showRounds(req, res) {
    await renderRounds(req, res);
  });

  router.post('/cycles/:cycleId/rounds', async function saveNewRound(req, res) {
    const cycle = await findCycle(db, idParam(req.params.cycleId));
    const form = formBody(req);
    let round: ReviewRound;
    try {
      round = await createRound(context, cycle.id, form, membersFrom(form));
    } catch (error) {
      return showAgainIfInvalid(error, (invalid) => renderRounds(req, res, { errors: invalid.fieldErrors, form }, 422));
    }
    res.flash('success', msg('reviews.rounds.created', { round: round.name }));
    res.redirect(303, `/admin/rounds/${round.id}`);
  });

  async function loadRound(req: Request) {
    const round = await findRound(db, idParam(req.params.roundId));
    const cycle = await findCycle(db, round.cycleId);
    return { round, cycle };
  }

  router.get('/rounds/:roundId', async function showRound(req, res) {
    const { round, cycle } = await loadRound(req);
    const rpage = pageParam(req.query.rpage);
    const apage = pageParam(req.query.apage);
    const reviewers = await reviewerProgress(db, round.id, rpage);
    const apps = await applicationProgress(db, round.id, apage);
    const link = (rp: number, ap: number) => `/admin/rounds/${round.id}?rpage=${rp}&apage=${ap}`;
    const lang = String(res.locals.lang);
    res.render('admin/reviews/round', {
      title: t(lang, 'reviews.round.title', { round: round.name, cycle: cycle.name }),
      round,
      cycle,
      summary: await roundSummary(db, round.id),
      backlog: await firstRoundBacklog(db, round).then((b) => ({ ...b, pending: b.applications + b.reviewers > 0 })),
      reviewers: reviewers.rows.map((r) => ({ ...r, languageWords: languagesInWords(lang, r.reads) })),
      apps: apps.rows.map((a) => ({ ...a, languageWords: languagesInWords(lang, a.languages) })),
      reviewersPrev: rpage > 1 ? link(rpage - 1, apage) : undefined,
      reviewersNext: reviewers.hasMore ? link(rpage + 1, apage) : undefined,
      appsPrev: apage > 1 ? link(rpage, apage - 1) : undefined,
      appsNext: apps.hasMore ? link(rpage, apage + 1) : undefined,
      pastDue: context.clock() > round.dueAt,
    });
  });

  router.post('/rounds/:roundId/refresh', async function takeInNewMembers(req, res) {
    const roundId = idParam(req.params.roundId);
    const added = await refreshRoundApplications(db, roundId);
    res.flash('success', msg('reviews.round.added', { applications: added.applications, reviewers: added.reviewers }));
    // The automatic preview offers the same step, and shows the new plan after it.
    res.redirect(303, formBody(req).then === 'auto' ? `/admin/rounds/${roundId}/auto` : `/admin/rounds/${roundId}`);
  });

  router.post('/rounds/:roundId/remind', async function remindReviewersNow(req, res) {
    const roundId = idParam(req.params.roundId);
    try {
      const result = await sendReminders(context, roundId, { force: true });
      res.flash(
        result.sent > 0 ? 'success' : 'info',
        result.sent > 0 ? msg('reviews.round.reminded', { count: result.sent }) : msg('reviews.round.nobodyToRemind'),
      );
    } catch (error) {
      showAgainIfInvalid(error, (invalid) => {
        res.flash('error', Object.values(errorsIn(String(res.locals.lang), invalid.fieldErrors)!).join(' '));
      });
    }
    res.redirect(303, `/admin/rounds/${roundId}`);
  });

  async function renderEdit(
    req: Request,
    res: Response,
    extra: { errors?: FieldErrors; form?: Body } = {},
    status = 200,
  ) {
    const { round, cycle } = await loadRound(req);
    const zone = await cycleTimeZone(db, cycle.id);
    res.status(status).render('admin/reviews/edit', {
      title: t(String(res.locals.lang), 'reviews.edit.title', { round: round.name }),
      timeZone: zone,
      round,
      cycle,
      values: extra.form ?? roundFormValues(zone, round),
      errors: errorsIn(String(res.locals.lang), extra.errors),
      choices: round.number === 1 ? undefined : await memberChoices(context, cycle.id, extra.form, round.id),
    });
  }

  router.get('/rounds/:roundId/edit', async function showRoundEdit(req, res) {
    await renderEdit(req, res);
  });

  router.post('/rounds/:roundId/edit', async function saveRoundEdit(req, res) {
    const round = await findRound(db, idParam(req.params.roundId));
    const form = formBody(req);
    try {
      await editRound(context, round.id, form, round.number === 1 ? undefined : membersFrom(form));
    } catch (error) {
      return showAgainIfInvalid(error, (invalid) => renderEdit(req, res, { errors: invalid.fieldErrors, form }, 422));
    }
    res.flash('success', msg('reviews.round.saved'));
    res.redirect(303, `/admin/rounds/${round.id}`);
  });

  router.get('/cycles/:cycleId/reviewers', async function showCyclePanel(req, res) {
    const cycle = await findCycle(db, idParam(req.params.cycleId));
    const page = pageParam(req.query.page);
    const panel = await cyclePanel(db, cycle.id, page);
    const lang = String(res.locals.lang);
    res.render('admin/reviews/reviewers', {
      title: t(lang, 'panel.reviewers.title', { cycle: cycle.name }),
      cycle,
      ...panel,
      rows: panel.rows.map((r) => ({ ...r, languageWords: languagesInWords(lang, r.languagesRead) })),
      page,
      prevPage: page > 1 ? page - 1 : undefined,
      nextPage: panel.hasMore ? page + 1 : undefined,
    });
  });

  router.post('/cycles/:cycleId/reviewers/:userId', async function saveMaxLoad(req, res) {
    const cycleId = idParam(req.params.cycleId);
    const page = pageParam(req.query.page);
    try {
      await setCycleMaxLoad(db, { cycleId, userId: idParam(req.params.userId), maxLoad: formBody(req).maxLoad });
      res.flash('success', msg('panel.reviewers.saved'));
    } catch (error) {
      showAgainIfInvalid(error, (invalid) => {
        res.flash('error', Object.values(errorsIn(String(res.locals.lang), invalid.fieldErrors)!).join(' '));
      });
    }
    res.redirect(303, `/admin/cycles/${cycleId}/reviewers?page=${page}`);
  });

  return router;
}
