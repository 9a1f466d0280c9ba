// Public nominations (no account needed), their confirmation, and the invitations to apply
// they lead to.
import { RELATIONSHIPS, US_STATES } from '../../models/schema.js';
import path from 'node:path';
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../../server/context.js';
import { Invalid, TooManyRequests, type FieldErrors } from '../../server/errors.js';
import { labelsOf, msg, t, textIn, type Text } from '../../server/i18n/translate.js';
import { requireSignedIn } from '../../server/middleware/require-role.js';
import { receiveFiles } from '../../server/middleware/upload.js';
import { startApplication } from '../../server/services/applications/applications.js';
import { acceptInvitation, describeInvitation } from '../../server/services/nominations/invitations.js';
import {
  confirmNomination,
  findNominationByToken,
  NOMINATION_MAX_FILES,
  NOMINATION_WORD_LIMIT,
  newSubmissionKey,
  nominationCycleIn,
  nominationInputFrom,
  openNominationCycle,
  submitNomination,
  type NominationInput,
  type OpenNominationCycle,
} from '../../server/services/nominations/nominations.js';
import { JOIN_MESSAGES } from '../../server/services/schools/contacts.js';
import { findListedSchool, searchSchools } from '../../server/services/schools/schools.js';
import { sizeText } from '../../server/storage/evidence-files.js';
import { formBody } from '../forms.js';

export function nominationRoutes(context: AppContext): Router {
  const router = Router();
  const { db, clock } = context;
  const nominationContext = { db, clock, mail: context.mail, storage: context.storage };

  async function renderForm(
    req: Request,
    res: Response,
    openCycle: OpenNominationCycle,
    extra: { values?: NominationInput; errors?: FieldErrors; formError?: Text } = {},
    status = 200,
  ) {
    const lang = res.locals.lang as string;
    const cycle = nominationCycleIn(openCycle, lang);
    const values = extra.values;
    let picked: Awaited<ReturnType<typeof findListedSchool>>;
    const pickedId = values?.schoolId ?? (typeof req.query.school === 'string' ? req.query.school : '');
    if (/^\d{1,15}$/.test(pickedId)) picked = await findListedSchool(db, Number(pickedId));
    const query = typeof req.query.q === 'string' ? req.query.q.slice(0, 100) : '';
    const found = query ? (await searchSchools(db, { query, page: 1 })).schools : [];
    res.status(status).render('nominations/form', {
      title: t(lang, 'nominations.form.pageTitle', { cycleName: cycle.name }),
      description: t(lang, 'nominations.form.description'),
      cycle,
      values: values ?? {},
      errors: extra.errors,
      formError: extra.formError,
      picked,
      query,
      found,
      searched: query.length > 0,
      relationships: labelsOf(lang, 'relationship', RELATIONSHIPS).map((option) => ({
        ...option,
        selected: values?.relationship === option.value,
      })),
      states: US_STATES.map((s) => ({ value: s, selected: values?.state === s })),
      criteria: cycle.criteria.map((c, i) => ({
        ...c,
        number: i + 1,
        checked: values?.criterionIds.includes(String(c.id)) ?? false,
      })),
      // Kept across a re-shown form, so the eventual successful send is still one nomination.
      submissionKey:
        values?.submissionKey && /^[A-Za-z0-9_-]{16,64}$/.test(values.submissionKey)
          ? values.submissionKey
          : newSubmissionKey(),
      wordLimit: NOMINATION_WORD_LIMIT,
      maxFiles: NOMINATION_MAX_FILES,
      maxFile: sizeText(cycle.maxFileBytes),
    });
  }

  router.get('/nominate', async function showNominationForm(req, res) {
    const cycle = await openNominationCycle(db, clock());
    if (!cycle)
      return res.render('nominations/closed', { title: t(res.locals.lang as string, 'nominations.closed.title') });
    await renderForm(req, res, cycle);
  });

  router.post(
    '/nominate',
    receiveFiles({
      tmpDir: path.join(context.config.uploadDir, 'tmp'),
      fieldName: 'files',
      limits: async () => {
        const cycle = await openNominationCycle(db, clock());
        return { maxFileBytes: cycle?.maxFileBytes ?? 20 * 1024 * 1024, maxFiles: NOMINATION_MAX_FILES };
      },
    }),
    async function sendNomination(req, res) {
      const cycle = await openNominationCycle(db, clock());
      const lang = res.locals.lang as string;
      if (!cycle) return res.status(410).render('nominations/closed', { title: t(lang, 'nominations.closed.title') });
      const input = nominationInputFrom(formBody(req));
      try {
        if (req.uploadProblem)
          throw new Invalid({
            files: msg('nominations.errors.uploadProblem', { problem: textIn(lang, req.uploadProblem) }),
          });
        const { email } = await submitNomination(nominationContext, {
          cycle,
          input,
          files: req.uploadedFiles,
          address: req.ip ?? 'unknown',
          language: lang,
        });
        res.flash('success', msg('nominations.sent.flash', { email }));
        res.redirect(303, '/nominate/sent');
      } catch (error) {
        if (error instanceof Invalid)
          return renderForm(req, res, cycle, { values: input, errors: error.fieldErrors }, 422);
        if (error instanceof TooManyRequests) {
          res.set('Retry-After', String(error.retryAfterSeconds));
          return renderForm(req, res, cycle, { values: input, formError: error.text }, 429);
        }
        throw error;
      }
    },
  );

  router.get('/nominate/sent', function showNominationSent(_req, res) {
    res.render('nominations/sent', { title: t(res.locals.lang as string, 'nominations.sent.title') });
  });

  const CONFIRM_PROBLEMS = {
    unknown: { status: 404, text: msg('nominations.problem.unknown') },
    expired: { status: 410, text: msg('nominations.problem.expired') },
  } as const;
  const showProblem = (res: Response, status: number, message: Text) =>
    res.status(status).render('nominations/confirm-problem', {
      title: t(res.locals.lang as string, 'nominations.problem.title'),
      message,
    });

  router.get('/nominations/confirm/:token', async function showConfirmNomination(req, res) {
    const found = await findNominationByToken(db, req.params.token, clock());
    if (found.outcome === 'unknown' || found.outcome === 'expired') {
      const problem = CONFIRM_PROBLEMS[found.outcome];
      return showProblem(res, problem.status, problem.text);
    }
    res.render('nominations/confirm', {
      title: t(res.locals.lang as string, 'nominations.confirm.title'),
      schoolName: found.schoolName,
      already: found.outcome === 'already',
      token: req.params.token,
    });
  });

  router.post('/nominations/confirm/:token', async function confirmNominationNow(req, res) {
    const result = await confirmNomination(nominationContext, { token: req.params.token });
    if (!('schoolName' in result)) {
      const problem = CONFIRM_PROBLEMS[result.outcome];
      return showProblem(res, problem.status, problem.text);
    }
    res.render('nominations/confirm', {
      title: t(res.locals.lang as string, 'nominations.confirm.confirmedTitle'),
      schoolName: result.schoolName,
      already: true,
      justConfirmed: result.outcome === 'confirmed',
    });
  });

  const UNKNOWN_INVITATION = msg('nominations.invitation.unknown');

  // Opening the link changes nothing (mail scanners and forwarded links open it too): the page
  // says what the button will do, and only the button acts.
  router.get('/invitations/:token', async function showInvitation(req, res) {
    const token = req.params.token;
    if (!req.user) {
      return res.render('nominations/invitation-sign-in', {
        title: t(res.locals.lang as string, 'nominations.invitation.title'),
        next: `/invitations/${token}`,
      });
    }
    const view = await describeInvitation(db, { token, user: req.user, now: clock() });
    switch (view.outcome) {
      case 'unknown':
        return showProblem(res, 404, UNKNOWN_INVITATION);
      case 'new-school': {
        const query = new URLSearchParams({ ...view.prefill, invitation: token }).toString();
        res.flash('info', msg('nominations.invitation.addSchool'));
        return res.redirect(303, `/schools/new?${query}`);
      }
      case 'application':
        return res.redirect(303, `/applications/${view.applicationId}`);
      default:
        return res.render('nominations/invitation', {
          title: t(res.locals.lang as string, 'nominations.invitation.title'),
          view,
          token,
        });
    }
  });

  router.post('/invitations/:token', requireSignedIn, async function acceptSchoolInvitation(req, res) {
    const token = String(req.params.token);
    const result = await acceptInvitation(nominationContext, { token, user: req.user! });
    switch (result.outcome) {
      case 'unknown':
        return showProblem(res, 404, UNKNOWN_INVITATION);
      case 'pending':
        res.flash('info', JOIN_MESSAGES.pending);
        return res.redirect(303, '/my/applications');
      case 'refused':
        res.flash('info', JOIN_MESSAGES.refused);
        return res.redirect(303, '/my/applications');
      case 'closed':
        res.flash('info', msg('nominations.invitation.closedLead', { schoolName: result.schoolName }));
        return res.redirect(303, '/my/applications');
      case 'start': {
        const id = await startApplication(context, {
          userId: req.user!.id,
          schoolId: result.schoolId,
          cycleId: result.cycleId,
        });
        return res.redirect(303, `/applications/${id}`);
      }
      case 'application':
        return res.redirect(303, `/applications/${result.applicationId}`);
      default:
        // A new school to add first, or a join the page did not offer: show the page again.
        return res.redirect(303, `/invitations/${encodeURIComponent(token)}`);
    }
  });

  return router;
}
