// Admins run review rounds: create them, assign reviewers (by hand, or automatically after a
// preview), e-mail reviewers their lists, follow progress and send reminders; and set the
// cycle panel's maximum loads.
import type { ReviewRound } from '../models/schema.js';
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../server/context.js';
import { Invalid } from '../server/errors.js';
import { requireRole } from '../server/middleware/require-role.js';
import { findCycle } from '../server/services/programs/programs.js';
import {
  ASSIGNMENT_PAGE_SIZE,
  assignManually,
  confirmAutomatic,
  listAssignments,
  manualChoices,
  notifyReviewers,
  previewAutomatic,
  unassign,
} from '../server/services/assignment/assignment.js';
import { applicationProgress, reviewerProgress, roundSummary, sendReminders } from '../server/services/review/progress.js';
import {
  createRound,
  cyclePanel,
  editRound,
  findRound,
  firstRoundBacklog,
  listRounds,
  refreshRoundApplications,
  roundChoices,
  roundFormValues,
  setCycleMaxLoad,
  type RoundMembers,
} from '../server/services/review/rounds.js';
import { idParam, pageParam } from './params.js';
import { formBody, formField, showAgainIfInvalid } from './forms.js';

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

export function adminReviewRoutes(context: AppContext): Router {
  const router = Router();
  const { db } = context;
  router.use(requireRole('admin'));

  async function renderRounds(req: Request, res: Response, extra: { errors?: Record<string, string>; form?: Body } = {}, status = 200) {
    const cycle = await findCycle(db, idParam(req.params.cycleId));
    const rounds = await listRounds(db, cycle.id);
    const isFirst = rounds.length === 0;
    res.status(status).render('admin/reviews/rounds', {
      title: `Review rounds — ${cycle.name}`,
      cycle,
      rounds,
      isFirst,
      nextNumber: rounds.length + 1,
      values: extra.form ?? { ...roundFormValues(), name: isFirst ? 'ReviewRound 1' : `ReviewRound ${rounds.length + 1}` },
      errors: extra.errors,
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
    res.flash('success', `${round.name} was created. Next: assign reviewers.`);
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
    res.render('admin/reviews/round', {
      title: `${round.name} — ${cycle.name}`,
      round,
      cycle,
      summary: await roundSummary(db, round.id),
      backlog: await firstRoundBacklog(db, round).then((b) => ({ ...b, pending: b.applications + b.reviewers > 0 })),
      reviewers: reviewers.rows,
      apps: apps.rows,
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
    res.flash('success', `Added ${added.applications} application(s) and ${added.reviewers} reviewer(s) to the round.`);
    res.redirect(303, `/admin/rounds/${roundId}`);
  });

  async function renderAssign(req: Request, res: Response, extra: { errors?: Record<string, string>; form?: Body } = {}, status = 200) {
    const { round, cycle } = await loadRound(req);
    const page = pageParam(req.query.page);
    const list = await listAssignments(db, round.id, page);
    const { apps, reviewers } = await manualChoices(db, round.id);
    const form = extra.form ?? {};
    res.status(status).render('admin/reviews/assign', {
      title: `Assign reviewers — ${round.name}`,
      round,
      cycle,
      errors: extra.errors,
      apps: apps.map((a) => ({ ...a, selected: String(a.id) === form.applicationId, short: a.assigned < round.reviewersPerApplication })),
      reviewers: reviewers.map((r) => ({ ...r, selected: String(r.id) === form.reviewerId, full: r.load >= r.maxLoad })),
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
    try {
      const applicationId = id(form.applicationId);
      const reviewerId = id(form.reviewerId);
      if (Number.isNaN(applicationId)) throw new Invalid({ applicationId: 'Choose an application.' });
      if (Number.isNaN(reviewerId)) throw new Invalid({ reviewerId: 'Choose a reviewer.' });
      await assignManually(context, { roundId, applicationId, reviewerId, adminId: req.user!.id });
    } catch (error) {
      return showAgainIfInvalid(error, (invalid) => renderAssign(req, res, { errors: invalid.fieldErrors, form }, 422));
    }
    res.flash('success', `Reviewer assigned to application ${String(form.applicationId)}. E-mail reviewers from the round page when you are done.`);
    res.redirect(303, `/admin/rounds/${roundId}/assign`);
  });

  router.post('/rounds/:roundId/assignments/:assignmentId/delete', async function removeAssignment(req, res) {
    const roundId = idParam(req.params.roundId);
    try {
      await unassign(db, { roundId, assignmentId: idParam(req.params.assignmentId) });
      res.flash('success', 'The assignment was removed.');
    } catch (error) {
      showAgainIfInvalid(error, (invalid) => {
        res.flash('error', Object.values(invalid.fieldErrors).join(' '));
      });
    }
    res.redirect(303, `/admin/rounds/${roundId}/assign`);
  });

  router.get('/rounds/:roundId/auto', async function showAutomaticPreview(req, res) {
    const { cycle } = await loadRound(req);
    const preview = await previewAutomatic(db, idParam(req.params.roundId));
    const page = pageParam(req.query.page);
    const size = ASSIGNMENT_PAGE_SIZE;
    res.render('admin/reviews/auto', {
      title: `Automatic assignment — ${preview.round.name}`,
      cycle,
      ...preview,
      addedPage: preview.added.slice((page - 1) * size, page * size),
      prevPage: page > 1 ? page - 1 : undefined,
      nextPage: page * size < preview.added.length ? page + 1 : undefined,
    });
  });

  router.post('/rounds/:roundId/auto', async function confirmAutomaticAssignment(req, res) {
    const roundId = idParam(req.params.roundId);
    const fingerprint = formField(req, 'plan');
    try {
      const added = await confirmAutomatic(context, { roundId, adminId: req.user!.id, fingerprint });
      res.flash('success', `${added} assignment(s) made. Next: e-mail the reviewers their lists.`);
      res.redirect(303, `/admin/rounds/${roundId}`);
    } catch (error) {
      showAgainIfInvalid(error, (invalid) => {
        res.flash('error', Object.values(invalid.fieldErrors).join(' '));
        res.redirect(303, `/admin/rounds/${roundId}/auto`);
      });
    }
  });

  router.post('/rounds/:roundId/notify', async function emailReviewerLists(req, res) {
    const roundId = idParam(req.params.roundId);
    const mailed = await notifyReviewers(context, roundId);
    if (mailed > 0) context.mailQueued();
    res.flash(mailed > 0 ? 'success' : 'info', mailed > 0 ? `E-mailed ${mailed} reviewer(s) their list.` : 'Every reviewer already has their list; nothing was sent.');
    res.redirect(303, `/admin/rounds/${roundId}`);
  });

  router.post('/rounds/:roundId/remind', async function remindReviewersNow(req, res) {
    const roundId = idParam(req.params.roundId);
    try {
      const result = await sendReminders(context, roundId, { force: true });
      if (result.sent > 0) context.mailQueued();
      res.flash(result.sent > 0 ? 'success' : 'info', result.sent > 0 ? `Reminded ${result.sent} reviewer(s).` : 'No reviewer has unfinished reviews they were told about; nothing was sent.');
    } catch (error) {
      showAgainIfInvalid(error, (invalid) => {
        res.flash('error', Object.values(invalid.fieldErrors).join(' '));
      });
    }
    res.redirect(303, `/admin/rounds/${roundId}`);
  });

  async function renderEdit(req: Request, res: Response, extra: { errors?: Record<string, string>; form?: Body } = {}, status = 200) {
    const { round, cycle } = await loadRound(req);
    res.status(status).render('admin/reviews/edit', {
      title: `Edit ${round.name}`,
      round,
      cycle,
      values: extra.form ?? roundFormValues(round),
      errors: extra.errors,
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
    res.flash('success', 'The round was saved.');
    res.redirect(303, `/admin/rounds/${round.id}`);
  });

  router.get('/cycles/:cycleId/reviewers', async function showCyclePanel(req, res) {
    const cycle = await findCycle(db, idParam(req.params.cycleId));
    const page = pageParam(req.query.page);
    const panel = await cyclePanel(db, cycle.id, page);
    res.render('admin/reviews/reviewers', {
      title: `Reviewers — ${cycle.name}`,
      cycle,
      ...panel,
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
      res.flash('success', 'Maximum load saved (for round 1 too).');
    } catch (error) {
      showAgainIfInvalid(error, (invalid) => {
        res.flash('error', Object.values(invalid.fieldErrors).join(' '));
      });
    }
    res.redirect(303, `/admin/cycles/${cycleId}/reviewers?page=${page}`);
  });

  return router;
}
