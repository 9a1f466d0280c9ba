// Admins invite reviewers to a cycle's panel and see and manage every conflict of interest.
import { Router, type Request, type Response } from 'express';
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { AppContext } from '../server/context.js';
import { NotFound } from '../server/errors.js';
import { requireRole } from '../server/middleware/require-role.js';
import { applyingSchools, conflictPairs, recordConflict, removeConflict } from '../server/services/conflicts.js';
import { inviteReviewers } from '../server/services/reviewers.js';
import { applications, cycleReviewers, cycles, reviewerConflicts, reviewerInvitations, schools, users } from '../models/schema.js';
import { idParam, optionalId, pageParam } from './params.js';
import { formBody, formField, showAgainIfInvalid } from './forms.js';

const CONFLICTS_PAGE = 100;

export function adminPanelRoutes(context: AppContext): Router {
  const router = Router();
  const { db } = context;
  router.use(requireRole('admin'));

  async function loadCycle(req: Request) {
    const [cycle] = await db.select().from(cycles).where(eq(cycles.id, idParam(req.params.cycleId)));
    if (!cycle) throw new NotFound('There is no such cycle.');
    return cycle;
  }

  async function renderInvitations(req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) {
    const cycle = await loadCycle(req);
    const invitations = await db
      .select({ email: reviewerInvitations.email, createdAt: reviewerInvitations.createdAt, acceptedAt: reviewerInvitations.acceptedAt, expiresAt: reviewerInvitations.expiresAt })
      .from(reviewerInvitations)
      .where(eq(reviewerInvitations.cycleId, cycle.id))
      .orderBy(asc(reviewerInvitations.email))
      .limit(1000);
    res.status(status).render('admin/panel/invitations', { title: `Invite reviewers — ${cycle.name}`, cycle, invitations, ...extra });
  }

  router.get('/cycles/:cycleId/reviewer-invitations', async function showReviewerInvitations(req, res) {
    await renderInvitations(req, res);
  });

  router.post('/cycles/:cycleId/reviewer-invitations', async function sendReviewerInvitations(req, res) {
    const cycle = await loadCycle(req);
    const emailsText = formField(req, 'emails');
    try {
      const { invited, skipped } = await inviteReviewers(context, { cycleId: cycle.id, emailsText, adminId: req.user!.id });
      context.mailQueued();
      res.flash('success', `Invited ${invited.length}.${skipped.length ? ` Already on the panel: ${skipped.join(', ')}.` : ''}`);
      res.redirect(303, `/admin/cycles/${cycle.id}/reviewer-invitations`);
    } catch (error) {
      await showAgainIfInvalid(error, async (invalid) => {
        await renderInvitations(req, res, { errors: invalid.fieldErrors, values: { emails: emailsText } }, 422);
      });
    }
  });

  async function renderConflicts(req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) {
    const cycle = await loadCycle(req);
    const panel = await db
      .select({ id: users.id, name: users.name, email: users.email })
      .from(cycleReviewers)
      .innerJoin(users, eq(users.id, cycleReviewers.userId))
      .where(eq(cycleReviewers.cycleId, cycle.id))
      .orderBy(asc(users.name));
    const apps = await db
      .select({ id: applications.id, schoolId: schools.id, schoolName: schools.name })
      .from(applications)
      .innerJoin(schools, eq(schools.id, applications.schoolId))
      .where(and(eq(applications.cycleId, cycle.id), inArray(applications.status, ['submitted', 'eligible', 'ineligible'])));
    const pairs = await conflictPairs(db, { reviewerIds: panel.map((p) => p.id), applicationIds: apps.map((a) => a.id) });
    const reviewerById = new Map(panel.map((p) => [p.id, p]));
    const appById = new Map(apps.map((a) => [a.id, a]));
    const stored = panel.length
      ? await db.select().from(reviewerConflicts).where(inArray(reviewerConflicts.reviewerId, panel.map((p) => p.id)))
      : [];
    const page = pageParam(req.query.page);
    const shown = pairs.slice((page - 1) * CONFLICTS_PAGE, page * CONFLICTS_PAGE);
    const storedKey = new Set(stored.map((c) => `${c.reviewerId}:${c.schoolId}`));
    res.status(status).render('admin/panel/conflicts', {
      title: `Conflicts of interest — ${cycle.name}`,
      cycle,
      total: pairs.length,
      prevPage: page > 1 ? page - 1 : undefined,
      nextPage: page * CONFLICTS_PAGE < pairs.length ? page + 1 : undefined,
      conflicts: shown.map((p) => {
        const app = appById.get(p.applicationId)!;
        return {
          reviewer: reviewerById.get(p.reviewerId),
          reviewerId: p.reviewerId,
          schoolName: app.schoolName,
          schoolId: app.schoolId,
          reason: p.reason,
          removable: storedKey.has(`${p.reviewerId}:${app.schoolId}`),
        };
      }),
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
    const reason = typeof body.reason === 'string' ? body.reason.trim() : '';
    const errors: Record<string, string> = {};
    const reviewerId = optionalId(body.reviewerId);
    const schoolId = optionalId(body.schoolId);
    const [onPanel] = reviewerId
      ? await db.select().from(cycleReviewers).where(and(eq(cycleReviewers.cycleId, cycle.id), eq(cycleReviewers.userId, reviewerId)))
      : [];
    if (!onPanel) errors.reviewerId = 'Choose a reviewer of this cycle.';
    if (!schoolId || !(await applyingSchools(db, cycle.id)).some((s) => s.schoolId === schoolId)) errors.schoolId = 'Choose an applying school.';
    if (reason === '' || reason.length > 500) errors.reason = 'Say why, in at most 500 characters.';
    if (Object.keys(errors).length > 0) return renderConflicts(req, res, { errors, values: body }, 422);
    await recordConflict(db, { reviewerId: reviewerId!, schoolId: schoolId!, source: 'admin', reason, createdBy: req.user!.id });
    res.flash('success', 'Conflict recorded.');
    res.redirect(303, `/admin/cycles/${cycle.id}/conflicts`);
  });

  router.post('/cycles/:cycleId/conflicts/:reviewerId/:schoolId/remove', async function deleteConflict(req, res) {
    const cycle = await loadCycle(req);
    await removeConflict(db, { reviewerId: idParam(req.params.reviewerId), schoolId: idParam(req.params.schoolId) });
    res.flash('info', 'The recorded conflict was removed. Conflicts the portal detects itself stay.');
    res.redirect(303, `/admin/cycles/${cycle.id}/conflicts`);
  });

  return router;
}
