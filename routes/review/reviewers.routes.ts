// Reviewers joining the panel from their invitation, keeping their profile, declaring conflicts.
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../../server/context.js';
import { Invalid } from '../../server/errors.js';
import { LANGUAGES, languageName } from '../../server/i18n/languages.js';
import { msg, t, textIn } from '../../server/i18n/translate.js';
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

import { GRADE_LEVELS, US_STATES } from '../../models/schema.js';
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
    grades: GRADE_LEVELS.map((g) => ({ value: g, checked: values.gradeLevels?.includes(g) ?? false })),
    // Each language in its own name, as a reader of it looks for it.
    readable: LANGUAGES.map((code) => ({
      code,
      name: languageName(code),
      checked: values.languagesRead?.includes(code) ?? false,
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
        title: t(res.locals.lang, 'panel.invitation.problemTitle'),
        message: msg(found ? 'panel.invitation.expired' : 'panel.invitation.invalid'),
      });
    }
    const user = req.user;
    res.status(status).render('reviewers/invitation', {
      title: t(res.locals.lang, 'panel.invitation.title', { cycle: found.cycleName }),
      cycleName: found.cycleName,
      email: found.invitation.email,
      token,
      signedInAsOther: user && user.email !== found.invitation.email,
      needsSignIn: !user && found.hasAccount,
      needsAccount: !user && !found.hasAccount,
      next: `/reviewer-invitations/${token}`,
      ...profileView(
        // A new reviewer reads the language of the page they are reading, and English.
        {
          maxLoad: '8',
          languagesRead: [...new Set(['en', String(res.locals.lang)])],
          ...(extra.values as Partial<ProfileInput> | undefined),
        },
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
      res.flash('success', msg('panel.invitation.welcome'));
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
      title: t(res.locals.lang, 'panel.profile.title'),
      panel,
      ...profileView(
        {
          affiliation: profile?.affiliation ?? '',
          district: profile?.district ?? '',
          state: profile?.state ?? '',
          expertise: profile?.expertise ?? [],
          gradeLevels: profile?.gradeLevels ?? [],
          languagesRead: profile?.languagesRead ?? ['en'],
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
      if (!panel) throw new Invalid({ maxLoad: msg('panel.profile.notOnPanel') });
      await updateReviewerProfile(context, { userId: req.user!.id, cycleId: panel.cycleId, input });
    } catch (error) {
      return showAgainIfInvalid(error, async (invalid) => {
        const areas = panel ? await expertiseChoices(db, panel.cycleId) : [];
        return res.status(422).render('reviewers/profile', {
          title: t(res.locals.lang, 'panel.profile.title'),
          panel,
          errors: invalid.fieldErrors,
          ...profileView(input, areas),
        });
      });
    }
    res.flash('success', msg('panel.profile.saved'));
    res.redirect(303, '/reviewer/profile');
  });

  async function renderConflicts(req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) {
    const { panels } = await reviewerProfileOf(db, req.user!.id);
    const panel = panels[panels.length - 1];
    const schools = panel ? await applyingSchools(db, panel.cycleId) : [];
    const mine = await recordedConflictsOf(db, req.user!.id);
    const bySchool = new Map(mine.map((c) => [c.schoolId, c]));
    res.status(status).render('reviewers/conflicts', {
      title: t(res.locals.lang, 'panel.conflicts.title'),
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
            formError: Object.values(invalid.fieldErrors)
              .map((text) => textIn(res.locals.lang, text))
              .join(' '),
            failedSchoolId: invalid.fieldErrors.reason ? schoolId : undefined,
          },
          422,
        ),
      );
    }
    res.flash('success', msg('panel.conflicts.declared'));
    res.redirect(303, '/reviewer/conflicts');
  });

  router.post('/reviewer/conflicts/:schoolId/remove', async function withdrawConflict(req, res) {
    const schoolId = idParam(req.params.schoolId);
    const own = await withdrawDeclaredConflict(db, { reviewerId: req.user!.id, schoolId });
    res.flash('info', msg(own ? 'panel.conflicts.withdrawn' : 'panel.conflicts.notYours'));
    res.redirect(303, '/reviewer/conflicts');
  });

  return router;
}
