// Admins invite reviewers to a cycle's panel and see and manage every conflict of interest.
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../../server/context.js';
import {
  applyingSchools,
  cycleConflicts,
  recordConflictByAdmin,
  removeConflict,
} from '../../server/services/review/conflicts.js';
import { findCycle } from '../../server/services/programs/programs.js';
import { msg, t } from '../../server/i18n/translate.js';
import { inviteReviewers, panelInvitations } from '../../server/services/review/reviewers.js';
import { idParam, optionalId, pageParam } from '../params.js';
import { formBody, formField, showAgainIfInvalid } from '../forms.js';

export function adminPanelRoutes(context: AppContext): Router {
  const router = Router();
  const { db } = context;

  const loadCycle = (req: Request) => findCycle(db, idParam(req.params.cycleId));

  async function renderInvitations(req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) {
    const cycle = await loadCycle(req);
    const invitations = await panelInvitations(db, cycle.id);
    res.status(status).render('admin/panel/invitations', {
      title: t(res.locals.lang, 'panel.admin.invitationsTitle', { cycle: cycle.name }),
      cycle,
      invitations,
      ...extra,
    });
  }

  router.get('/cycles/:cycleId/reviewer-invitations', async function showReviewerInvitations(req, res) {
    await renderInvitations(req, res);
  });

  router.post('/cycles/:cycleId/reviewer-invitations', async function sendReviewerInvitations(req, res) {
    const cycle = await loadCycle(req);
    const emailsText = formField(req, 'emails');
    try {
      const { invited, skipped } = await inviteReviewers(context, {
        cycleId: cycle.id,
        emailsText,
        adminId: req.user!.id,
      });
      res.flash(
        'success',
        skipped.length
          ? msg('panel.admin.alreadyOnPanel', { count: invited.length, emails: skipped.join(', ') })
          : msg('panel.admin.invited', { count: invited.length }),
      );
      res.redirect(303, `/admin/cycles/${cycle.id}/reviewer-invitations`);
    } catch (error) {
      await showAgainIfInvalid(error, async (invalid) => {
        await renderInvitations(req, res, { errors: invalid.fieldErrors, values: { emails: emailsText } }, 422);
      });
    }
  });

  async function renderConflicts(req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) {
    const cycle = await loadCycle(req);
    const page = pageParam(req.query.page);
    const { panel, total, conflicts, hasMore } = await cycleConflicts(db, { cycleId: cycle.id, page });
    res.status(status).render('admin/panel/conflicts', {
      title: t(res.locals.lang, 'panel.admin.conflictsTitle', { cycle: cycle.name }),
      cycle,
      total,
      prevPage: page > 1 ? page - 1 : undefined,
      nextPage: hasMore ? page + 1 : undefined,
      conflicts,
      panel,
      schools: await applyingSchools(db, cycle.id),
      ...extra,
    });
  }

  router.get('/cycles/:cycleId/conflicts', async function showConflicts(req, res) {
    await renderConflicts(req, res);
  });

  router.post('/cycles/:cycleId/conflicts', async function addConflict(req, res) {
    const cycle = await loadCycle(req);
    const body = formBody(req);
    try {
      await recordConflictByAdmin(db, {
        cycleId: cycle.id,
        reviewerId: optionalId(body.reviewerId),
        schoolId: optionalId(body.schoolId),
        reason: body.reason,
        adminId: req.user!.id,
      });
    } catch (error) {
      return showAgainIfInvalid(error, (invalid) =>
        renderConflicts(req, res, { errors: invalid.fieldErrors, values: body }, 422),
      );
    }
    res.flash('success', msg('panel.admin.conflictRecorded'));
    res.redirect(303, `/admin/cycles/${cycle.id}/conflicts`);
  });

  router.post('/cycles/:cycleId/conflicts/:reviewerId/:schoolId/remove', async function deleteConflict(req, res) {
    const cycle = await loadCycle(req);
    await removeConflict(db, { reviewerId: idParam(req.params.reviewerId), schoolId: idParam(req.params.schoolId) });
    res.flash('info', msg('panel.admin.conflictRemoved'));
    res.redirect(303, `/admin/cycles/${cycle.id}/conflicts`);
  });

  return router;
}
