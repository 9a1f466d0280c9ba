// Public nominations (no account needed), their confirmation, and the invitations to apply
// they lead to.
import { RELATIONSHIP_LABELS, US_STATES } from '../../models/schema.js';
import path from 'node:path';
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../../server/context.js';
import { Invalid, TooManyRequests, type FieldErrors } from '../../server/errors.js';
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
  nominationInputFrom,
  openNominationCycle,
  submitNomination,
  type NominationInput,
  type OpenNominationCycle,
} from '../../server/services/nominations/nominations.js';
import { JOIN_MESSAGES } from '../../server/services/schools/contacts.js';
import { findListedSchool, searchSchools } from '../../server/services/schools/schools.js';
import { formatBytes } from '../../server/storage/evidence-files.js';
import { formBody } from '../forms.js';

export function nominationRoutes(context: AppContext): Router {
  const router = Router();
  const { db, clock } = context;
  const nominationContext = { db, clock, mail: context.mail, storage: context.storage };

  async function renderForm(
    req: Request,
    res: Response,
    cycle: OpenNominationCycle,
    extra: { values?: NominationInput; errors?: FieldErrors; formError?: string } = {},
    status = 200,
  ) {
    const values = extra.values;
    let picked: Awaited<ReturnType<typeof findListedSchool>>;
    const pickedId = values?.schoolId ?? (typeof req.query.school === 'string' ? req.query.school : '');
    if (/^\d{1,15}$/.test(pickedId)) picked = await findListedSchool(db, Number(pickedId));
    const query = typeof req.query.q === 'string' ? req.query.q.slice(0, 100) : '';
    const found = query ? (await searchSchools(db, { query, page: 1 })).schools : [];
    res.status(status).render('nominations/form', {
      title: `Nominate a school — ${cycle.name}`,
      description: 'Nominate a public high school that closes opportunity gaps. No account needed.',
      cycle,
      values: values ?? {},
      errors: extra.errors,
      formError: extra.formError,
      picked,
      query,
      found,
      searched: query.length > 0,
      relationships: Object.entries(RELATIONSHIP_LABELS).map(([value, label]) => ({
        value,
        label,
        selected: values?.relationship === value,
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
      maxFile: formatBytes(cycle.maxFileBytes),
    });
  }

  router.get('/nominate', async function showNominationForm(req, res) {
    const cycle = await openNominationCycle(db, clock());
    if (!cycle) return res.render('nominations/closed', { title: 'Nominations are closed' });
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
      if (!cycle) return res.status(410).render('nominations/closed', { title: 'Nominations are closed' });
      const input = nominationInputFrom(formBody(req));
      try {
        if (req.uploadProblem)
          throw new Invalid({ files: `${req.uploadProblem} Nothing was sent; choose your files again.` });
        const { email } = await submitNomination(nominationContext, {
          cycle,
          input,
          files: req.uploadedFiles,
          address: req.ip ?? 'unknown',
        });
        res.flash(
          'success',
          `Thank you! We sent a link to ${email}. Your nomination counts once you confirm it from that e-mail.`,
        );
        res.redirect(303, '/nominate/sent');
      } catch (error) {
        if (error instanceof Invalid)
          return renderForm(req, res, cycle, { values: input, errors: error.fieldErrors }, 422);
        if (error instanceof TooManyRequests) {
          res.set('Retry-After', String(error.retryAfterSeconds));
          return renderForm(req, res, cycle, { values: input, formError: error.message }, 429);
        }
        throw error;
      }
    },
  );

  router.get('/nominate/sent', function showNominationSent(_req, res) {
    res.render('nominations/sent', { title: 'Check your e-mail' });
  });

  const CONFIRM_PROBLEMS = {
    unknown: {
      status: 404,
      text: 'This confirmation link is not valid. Check that you copied the whole address from the e-mail.',
    },
    expired: {
      status: 410,
      text: 'This confirmation link has expired, and the nomination was not counted. You are welcome to nominate the school again.',
    },
  } as const;

  router.get('/nominations/confirm/:token', async function showConfirmNomination(req, res) {
    const found = await findNominationByToken(db, req.params.token, clock());
    if (found.outcome === 'unknown' || found.outcome === 'expired') {
      const problem = CONFIRM_PROBLEMS[found.outcome];
      return res
        .status(problem.status)
        .render('nominations/confirm-problem', { title: 'This link does not work', message: problem.text });
    }
    res.render('nominations/confirm', {
      title: 'Confirm your nomination',
      schoolName: found.schoolName,
      already: found.outcome === 'already',
      token: req.params.token,
    });
  });

  router.post('/nominations/confirm/:token', async function confirmNominationNow(req, res) {
    const result = await confirmNomination(nominationContext, { token: req.params.token });
    if (!('schoolName' in result)) {
      const problem = CONFIRM_PROBLEMS[result.outcome];
      return res
        .status(problem.status)
        .render('nominations/confirm-problem', { title: 'This link does not work', message: problem.text });
    }
    res.render('nominations/confirm', {
      title: 'Nomination confirmed',
      schoolName: result.schoolName,
      already: true,
      justConfirmed: result.outcome === 'confirmed',
    });
  });

  const UNKNOWN_INVITATION =
    'This invitation link is not valid. Check that you copied the whole address from the e-mail.';

  // Opening the link changes nothing (mail scanners and forwarded links open it too): the page
  // says what the button will do, and only the button acts.
  router.get('/invitations/:token', async function showInvitation(req, res) {
    const token = req.params.token;
    if (!req.user) {
      return res.render('nominations/invitation-sign-in', {
        title: 'Your school is invited to apply',
        next: `/invitations/${token}`,
      });
    }
    const view = await describeInvitation(db, { token, user: req.user, now: clock() });
    switch (view.outcome) {
      case 'unknown':
        return res
          .status(404)
          .render('nominations/confirm-problem', { title: 'This link does not work', message: UNKNOWN_INVITATION });
      case 'new-school': {
        const query = new URLSearchParams({ ...view.prefill, invitation: token }).toString();
        res.flash('info', 'Check the details of your school and add it; then you can start its application.');
        return res.redirect(303, `/schools/new?${query}`);
      }
      case 'application':
        return res.redirect(303, `/applications/${view.applicationId}`);
      default:
        return res.render('nominations/invitation', { title: 'Your school is invited to apply', view, token });
    }
  });

  router.post('/invitations/:token', requireSignedIn, async function acceptSchoolInvitation(req, res) {
    const token = String(req.params.token);
    const result = await acceptInvitation(nominationContext, { token, user: req.user! });
    switch (result.outcome) {
      case 'unknown':
        return res
          .status(404)
          .render('nominations/confirm-problem', { title: 'This link does not work', message: UNKNOWN_INVITATION });
      case 'pending':
        res.flash('info', JOIN_MESSAGES.pending);
        return res.redirect(303, '/my/applications');
      case 'refused':
        res.flash('info', JOIN_MESSAGES.refused);
        return res.redirect(303, '/my/applications');
      case 'closed':
        res.flash('info', `Applications for this cycle are closed, so ${result.schoolName} cannot start one now.`);
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
// i18n: not yet translated
