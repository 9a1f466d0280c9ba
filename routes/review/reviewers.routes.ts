// Reviewers joining the panel from their invitation, keeping their profile, declaring conflicts.
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../../server/context.js';
import { Invalid } from '../../server/errors.js';
import { requireRole } from '../../server/middleware/require-role.js';
import { findSessionUser } from '../../server/auth/sign-in.js';
import {
  applyingSchools,
  declareConflict,
  recordedConflictsOf,
  withdrawDeclaredConflict,
} from '../../server/services/review/conflicts.js';
import {
  acceptReviewerInvitation,
  expertiseChoices,
  findReviewerInvitation,
  profileFormFrom,
  reviewerProfileOf,
  updateReviewerProfile,
  type ProfileInput,
} from '../../server/services/review/reviewers.js';

import { GRADE_LEVELS, GRADE_LEVEL_LABELS, US_STATES } from '../../models/schema.js';
import { idParam } from '../params.js';
import { formBody, showAgainIfInvalid } from '../forms.js';

function profileView(values: Partial<ProfileInput>, areas: string[]) {
  const known = new Set(areas);
  return {
    values,
    // The cycle's criteria, plus any area the reviewer chose in an earlier cycle.
    areas: [...areas, ...(values.expertise ?? []).filter((e) => !known.has(e))].map((title, i) => ({
      id: `expertise-${i}`,
      title,
      checked: values.expertise?.includes(title) ?? false,
    })),
    states: US_STATES.map((s) => ({ value: s, selected: values.state === s })),
    grades: GRADE_LEVELS.map((g) => ({
      value: g,
      label: GRADE_LEVEL_LABELS[g],
      checked: values.gradeLevels?.includes(g) ?? false,
    })),
  };
}

export function reviewerRoutes(context: AppContext): Router {
  const router = Router();
  const { db, clock } = context;

  async function renderInvitation(req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) {
    const token = String(req.params.token);
    const found = await findReviewerInvitation(db, token, clock());
    if (!found || found.expired) {
      return res.status(found ? 410 : 404).render('reviewers/invitation-problem', {
        title: 'This link does not work',
        message: found
          ? 'This invitation has expired. Ask the program staff for a new one.'
          : 'This invitation link is not valid. Check that you copied the whole address.',
      });
    }
    const user = req.user;
    res.status(status).render('reviewers/invitation', {
      title: `Join the review panel — ${found.cycleName}`,
      cycleName: found.cycleName,
      email: found.invitation.email,
      token,
      signedInAsOther: user && user.email !== found.invitation.email,
      needsSignIn: !user && found.hasAccount,
      needsAccount: !user && !found.hasAccount,
      next: `/reviewer-invitations/${token}`,
      ...profileView(
        { maxLoad: '8', ...(extra.values as Partial<ProfileInput> | undefined) },
        await expertiseChoices(db, found.invitation.cycleId),
      ),
      ...extra,
    });
  }

  router.get('/reviewer-invitations/:token', async function showReviewerInvitation(req, res) {
    await renderInvitation(req, res);
  });

  router.post('/reviewer-invitations/:token', async function joinReviewPanel(req, res, next) {
    const body = formBody(req);
    const profileInput = profileFormFrom(body);
    const account = {
      name: typeof body.name === 'string' ? body.name : '',
      password: typeof body.password === 'string' ? body.password : '',
    };
    let outcome;
    try {
      outcome = await acceptReviewerInvitation(context, {
        token: String(req.params.token),
        signedIn: req.user,
        account,
        profileInput,
      });
    } catch (error) {
      return showAgainIfInvalid(error, (invalid) =>
        renderInvitation(
          req,
          res,
          { errors: invalid.fieldErrors, values: { ...profileInput, name: account.name } },
          422,
        ),
      );
    }
    const user = await findSessionUser(db, outcome.userId);
    if (!user) return next(new Error('The new reviewer vanished'));
    const done = () => {
      res.flash('success', 'Welcome to the review panel. Please tell us about any conflicts of interest now.');
      res.redirect(303, '/reviewer/conflicts');
    };
    if (req.user) return done();
    req.logIn(user, (error) => (error ? next(error) : done()));
  });

  router.use('/reviewer', requireRole('reviewer'));

  router.get('/reviewer/profile', async function showReviewerProfile(req, res) {
    const { profile, panels } = await reviewerProfileOf(db, req.user!.id);
    const panel = panels[panels.length - 1];
    res.render('reviewers/profile', {
      title: 'Your reviewer profile',
      panel,
      ...profileView(
        {
          affiliation: profile?.affiliation ?? '',
          district: profile?.district ?? '',
          state: profile?.state ?? '',
          expertise: profile?.expertise ?? [],
          gradeLevels: profile?.gradeLevels ?? [],
          maxLoad: panel ? String(panel.maxLoad) : '8',
        },
        panel ? await expertiseChoices(db, panel.cycleId) : [],
      ),
    });
  });

  router.post('/reviewer/profile', async function saveReviewerProfile(req, res) {
    const input = profileFormFrom(formBody(req));
    const { panels } = await reviewerProfileOf(db, req.user!.id);
    const panel = panels[panels.length - 1];
    try {
      if (!panel) throw new Invalid({ maxLoad: 'You are not on a review panel.' });
      await updateReviewerProfile(context, { userId: req.user!.id, cycleId: panel.cycleId, input });
    } catch (error) {
      return showAgainIfInvalid(error, async (invalid) => {
        const areas = panel ? await expertiseChoices(db, panel.cycleId) : [];
        return res.status(422).render('reviewers/profile', {
          title: 'Your reviewer profile',
          panel,
          errors: invalid.fieldErrors,
          ...profileView(input, areas),
        });
      });
    }
    res.flash('success', 'Your profile is saved.');
    res.redirect(303, '/reviewer/profile');
  });

  async function renderConflicts(req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) {
    const { panels } = await reviewerProfileOf(db, req.user!.id);
    const panel = panels[panels.length - 1];
    const schools = panel ? await applyingSchools(db, panel.cycleId) : [];
    const mine = await recordedConflictsOf(db, req.user!.id);
    const bySchool = new Map(mine.map((c) => [c.schoolId, c]));
    res.status(status).render('reviewers/conflicts', {
      title: 'Conflicts of interest',
      panel,
      schools: schools.map((s) => ({
        ...s,
        conflict: bySchool.get(s.schoolId),
        declared: bySchool.get(s.schoolId)?.source === 'declared',
      })),
      ...extra,
    });
  }

  router.get('/reviewer/conflicts', async function showConflicts(req, res) {
    await renderConflicts(req, res);
  });

  router.post('/reviewer/conflicts', async function declareOwnConflict(req, res) {
    const body = formBody(req);
    const schoolId = idParam(body.schoolId);
    const { panels } = await reviewerProfileOf(db, req.user!.id);
    try {
      await declareConflict(db, {
        reviewerId: req.user!.id,
        cycleId: panels[panels.length - 1]?.cycleId,
        schoolId,
        reason: body.reason,
      });
    } catch (error) {
      return showAgainIfInvalid(error, (invalid) =>
        renderConflicts(
          req,
          res,
          {
            formError: Object.values(invalid.fieldErrors).join(' '),
            failedSchoolId: invalid.fieldErrors.reason ? schoolId : undefined,
          },
          422,
        ),
      );
    }
    res.flash('success', 'Conflict recorded. You will not be assigned this school, and cannot open its application.');
    res.redirect(303, '/reviewer/conflicts');
  });

  router.post('/reviewer/conflicts/:schoolId/remove', async function withdrawConflict(req, res) {
    const schoolId = idParam(req.params.schoolId);
    const own = await withdrawDeclaredConflict(db, { reviewerId: req.user!.id, schoolId });
    res.flash(
      'info',
      own
        ? 'Your conflict declaration was withdrawn.'
        : 'Only conflicts you declared yourself can be withdrawn; ask the program staff.',
    );
    res.redirect(303, '/reviewer/conflicts');
  });

  return router;
}
// i18n: not yet translated
