// The applicant's pages: "My applications", and each section of one application.
import { SCHOOL_LEVELS, US_STATES } from '../../models/schema.js';
import path from 'node:path';
import { Router, type NextFunction, type Request, type Response } from 'express';
import type { AppContext } from '../../server/context.js';
import { applicationAccess, cannotEditApplication, type ApplicationAccess } from '../../server/services/permissions.js';
import { Invalid, NotFound, type FieldErrors } from '../../server/errors.js';
import { receiveFiles } from '../../server/middleware/upload.js';
import { requireSignedIn } from '../../server/middleware/require-role.js';
import {
  applicationsOfUser,
  findOpenCycles,
  loadApplication,
  missingItems,
  reopenApplication,
  startApplication,
  submitApplication,
  withdrawApplication,
} from '../../server/services/applications/applications.js';
import {
  saveCriteriaChoice,
  saveCriterionAnswer,
  saveEligibilityAnswers,
} from '../../server/services/applications/answers.js';
import { addEvidence, deleteEvidence, findEvidence } from '../../server/services/applications/evidence.js';
import { nominationsForApplication } from '../../server/services/nominations/groups.js';
import { publishedOutcomes } from '../../server/services/honorees/honorees.js';
import { applicationClosedReason, applicationDeadline } from '../../server/services/programs/phase.js';
import { sizeText } from '../../server/storage/evidence-files.js';
import { sendStoredFile } from '../downloads.js';
import { idParam } from '../params.js';
import {
  profileInputFrom,
  profileInputOf,
  schoolsOfUser,
  updateSchoolProfile,
} from '../../server/services/schools/schools.js';
import { formBody, showAgainIfInvalid } from '../forms.js';
import {
  eligibilityAnswersOf,
  eligibilityChoices,
  nextChosenCriterion,
  profileFactsOf,
  viewIn,
} from './application-views.js';
import { LANGUAGES, isLanguage, languageName } from '../../server/i18n/languages.js';
import { labelsOf, msg, t, textIn, type Text } from '../../server/i18n/translate.js';

const ACCEPTED_TYPES = '.pdf,.doc,.docx,.xls,.xlsx,.png,.jpg,.jpeg';

function access(res: Response): ApplicationAccess {
  return res.locals.access as ApplicationAccess;
}

/** The language of the page (server/middleware/language.ts). */
function langOf(res: Response): string {
  return (res.locals.lang as string | undefined) ?? 'en';
}

/** The application with the program's own words in the page's language. */
async function loadIn(db: AppContext['db'], res: Response) {
  const site = res.locals.site as { defaultLanguage?: string } | undefined;
  return viewIn(await loadApplication(db, access(res)), langOf(res), site?.defaultLanguage ?? 'en');
}

export function applicationRoutes(context: AppContext): Router {
  const router = Router();
  const { db, clock } = context;
  const tmpDir = path.join(context.config.uploadDir, 'tmp');

  async function loadAccess(req: Request, res: Response, next: NextFunction) {
    res.locals.access = await applicationAccess(db, req.user, idParam(req.params.id));
    next();
  }

  async function renderSection(
    res: Response,
    view: string,
    extra: Record<string, unknown> = {},
    status = 200,
    loaded?: Awaited<ReturnType<typeof loadApplication>>,
  ) {
    const a = access(res);
    const application = loaded ?? (await loadIn(db, res));
    const lockedReason = cannotEditApplication(a, clock());
    res.status(status).render(view, {
      title: `${application.school.name} — ${application.cycle.name}`,
      app: application,
      editable: !lockedReason,
      lockedReason: a.role === 'contact' ? lockedReason : undefined,
      base: `/applications/${application.application.id}`,
      // This school's own deadline: the cycle's, or the later one the staff gave it.
      deadline: applicationDeadline(application.cycle, application.application),
      extended: application.application.deadlineExtendedTo !== null,
      ...extra,
    });
    return application;
  }

  router.get('/my/applications', requireSignedIn, async function showMyApplications(req, res) {
    const user = req.user!;
    const now = clock();
    const [mine, schools, openCycles] = await Promise.all([
      applicationsOfUser(db, user.id, now, langOf(res)),
      schoolsOfUser(db, user.id),
      findOpenCycles(db, now),
    ]);
    const started = new Set(mine.map((a) => `${a.schoolId}:${a.cycleId}`));
    const outcomes = await publishedOutcomes(
      db,
      mine.map((a) => a.applicationId),
    );
    const canStart = schools
      .filter((s) => s.status === 'active')
      .flatMap((s) => openCycles.filter((c) => !started.has(`${s.id}:${c.id}`)).map((c) => ({ school: s, cycle: c })));
    res.render('applications/mine', {
      title: t(langOf(res), 'applications.mine.title'),
      applications: mine.map((a) => ({ ...a, outcome: outcomes.get(a.applicationId) })),
      schools: schools.map((s) => ({ ...s, pending: s.status === 'pending' })),
      canStart,
      openCycles,
    });
  });

  router.use('/applications', requireSignedIn);

  router.post('/applications', async function startNewApplication(req, res) {
    const fields = formBody(req);
    try {
      const id = await startApplication(context, {
        userId: req.user!.id,
        schoolId: idParam(fields.schoolId),
        cycleId: idParam(fields.cycleId),
      });
      res.redirect(303, `/applications/${id}`);
    } catch (error) {
      showAgainIfInvalid(error, (invalid) => {
        res.flash('error', Object.values(invalid.fieldErrors)[0] ?? invalid.text);
        res.redirect(303, '/my/applications');
      });
    }
  });

  router.get('/applications/:id', loadAccess, async function showApplication(_req, res) {
    const a = access(res);
    const view = await loadIn(db, res);
    const outcomes = await publishedOutcomes(db, [a.application.id]);
    const open = !applicationClosedReason(a.cycle, a.application, clock());
    await renderSection(
      res,
      'applications/overview',
      {
        canExtend:
          a.role === 'admin' &&
          !a.cycle.publishedAt &&
          ['draft', 'submitted', 'withdrawn'].includes(a.application.status),
        missing: missingItems(view),
        outcome: outcomes.get(a.application.id),
        canWithdraw: a.role === 'contact' && a.application.status === 'submitted' && open,
        canReopen: a.role === 'contact' && ['submitted', 'withdrawn'].includes(a.application.status) && open,
        // Nominations are private to the program: admins see them here, reviewers beside their review.
        nominations: a.role === 'admin' ? await nominationsForApplication(db, a.application.id) : undefined,
      },
      200,
      view,
    );
  });

  /** The eligibility form's questions with their current value, error and options. */
  async function eligibilityForm(res: Response, values: Record<string, unknown>, errors: FieldErrors = {}) {
    const view = await loadIn(db, res);
    return view.questions.map((q) => {
      const field = `q_${q.key}`;
      const value = typeof values[q.key] === 'string' ? (values[q.key] as string) : '';
      const choices = eligibilityChoices(q, langOf(res));
      return {
        key: q.key,
        field,
        prompt: q.prompt,
        help: q.help,
        isNumber: q.kind === 'number',
        value,
        error: errors[field],
        options: choices.map(([optionValue, label], i) => ({
          id: `${field}-${i}`,
          value: optionValue,
          label,
          checked: optionValue === value,
        })),
      };
    });
  }

  router.get('/applications/:id/eligibility', loadAccess, async function showEligibility(_req, res) {
    const questions = await eligibilityForm(res, access(res).application.eligibilityAnswers);
    await renderSection(res, 'applications/eligibility', { questions });
  });

  router.post('/applications/:id/eligibility', loadAccess, async function saveEligibility(req, res) {
    const input = formBody(req);
    const errors = await saveEligibilityAnswers(context, { access: access(res), input });
    if (Object.keys(errors).length > 0) {
      const values = Object.fromEntries(
        Object.entries(input)
          .filter(([k]) => k.startsWith('q_'))
          .map(([k, v]) => [k.slice(2), v]),
      );
      const questions = await eligibilityForm(res, values, errors);
      return renderSection(res, 'applications/eligibility', { errors, questions }, 422);
    }
    res.flash('success', msg('applications.eligibility.saved'));
    res.redirect(303, `/applications/${access(res).application.id}/profile`);
  });

  router.get('/applications/:id/profile', loadAccess, async function showProfile(_req, res) {
    const view = await loadApplication(db, access(res));
    await renderSection(res, 'applications/profile', {
      values: profileInputOf(view.school),
      states: US_STATES,
      levels: labelsOf(langOf(res), 'schoolLevel', SCHOOL_LEVELS),
    });
  });

  router.post('/applications/:id/profile', loadAccess, async function saveProfile(req, res) {
    const a = access(res);
    const reason = cannotEditApplication(a, clock());
    const profile = profileInputFrom(formBody(req));
    try {
      if (reason) throw new Invalid({ name: reason });
      await updateSchoolProfile(db, { schoolId: a.application.schoolId, userId: req.user!.id, profile, clock });
    } catch (error) {
      return showAgainIfInvalid(error, (invalid) =>
        renderSection(
          res,
          'applications/profile',
          {
            errors: invalid.fieldErrors,
            values: profile,
            states: US_STATES,
            levels: labelsOf(langOf(res), 'schoolLevel', SCHOOL_LEVELS),
          },
          422,
        ),
      );
    }
    res.flash('success', msg('applications.profile.saved'));
    res.redirect(303, `/applications/${a.application.id}/criteria`);
  });

  router.get('/applications/:id/criteria', loadAccess, async function showCriteriaChoice(_req, res) {
    await renderSection(res, 'applications/criteria');
  });

  router.post('/applications/:id/criteria', loadAccess, async function chooseCriteria(req, res) {
    const chosenIds = formBody(req).chosen;
    const errors = await saveCriteriaChoice(context, { access: access(res), chosenIds });
    if (Object.keys(errors).length > 0) {
      const ticked = new Set(([] as unknown[]).concat(chosenIds ?? []).map(String));
      return renderSection(res, 'applications/criteria', { errors, ticked: [...ticked] }, 422);
    }
    res.flash('success', msg('applications.criteria.saved'));
    res.redirect(303, `/applications/${access(res).application.id}/criteria`);
  });

  router.get('/applications/:id/criteria/:criterionId', loadAccess, async function showCriterion(req, res) {
    await renderCriterion(req, res, {});
  });

  async function renderCriterion(
    req: Request,
    res: Response,
    extra: { errors?: FieldErrors; answer?: string; language?: string; refusals?: Text[] },
    status = 200,
  ) {
    const a = access(res);
    const criterionId = idParam(req.params.criterionId);
    const view = await loadIn(db, res);
    const criterion = view.criteria.find((c) => c.id === criterionId);
    if (!criterion) throw new NotFound(msg('applications.criterion.notFound'));
    const lockedReason = cannotEditApplication(a, clock());
    // The language the answer is written in: as just sent, as saved, or the page's for a new one.
    const written = extra.language ?? (criterion.answer !== '' ? criterion.answerLanguage : langOf(res));
    res.status(status).render('applications/criterion', {
      title: `${criterion.title} — ${view.school.name}`,
      app: view,
      editable: !lockedReason,
      lockedReason: a.role === 'contact' ? lockedReason : undefined,
      base: `/applications/${view.application.id}`,
      criterion,
      nextCriterion: nextChosenCriterion(view, criterion.id),
      answer: extra.answer ?? criterion.answer,
      errors: extra.errors,
      refusals: extra.refusals,
      answerLanguages: LANGUAGES.map((code) => ({ code, name: languageName(code), selected: code === written })),
      accept: ACCEPTED_TYPES,
      maxFile: sizeText(a.cycle.maxFileBytes),
      maxTotal: sizeText(a.cycle.maxApplicationBytes),
      used: sizeText(view.totalBytes),
      maxFiles: a.cycle.maxFilesPerCriterion,
    });
  }

  router.post(
    '/applications/:id/criteria/:criterionId',
    loadAccess,
    receiveFiles({
      tmpDir,
      fieldName: 'files',
      limits: (_req) => {
        // loadAccess ran first; the cycle's limits apply to this request.
        const a = (_req.res?.locals.access as ApplicationAccess | undefined)?.cycle;
        return { maxFileBytes: a?.maxFileBytes ?? 20 * 1024 * 1024, maxFiles: a?.maxFilesPerCriterion ?? 10 };
      },
    }),
    async function saveCriterion(req, res) {
      const a = access(res);
      const criterionId = idParam(req.params.criterionId);
      const fields = formBody(req);
      const answer = typeof fields.answer === 'string' ? fields.answer : undefined;
      // Without the field the saved language stays; anything sent (a repeated field too) is checked.
      const language = fields.language;
      const errors: FieldErrors = {};
      const refusals: Text[] = [];
      if (req.uploadProblem) refusals.push(req.uploadProblem);
      if (answer !== undefined)
        Object.assign(errors, await saveCriterionAnswer(context, { access: a, criterionId, answer, language }));
      let added: string[] = [];
      if (req.uploadedFiles.length > 0) {
        const outcome = await addEvidence(context, {
          access: a,
          criterionId,
          files: req.uploadedFiles,
          storage: context.storage,
          userId: req.user!.id,
        });
        added = outcome.added;
        refusals.push(...outcome.refusals);
      }
      if (refusals.length > 0 || Object.keys(errors).length > 0) {
        if (refusals.length > 0) errors.files = refusals.map((refusal) => textIn(langOf(res), refusal)).join(' ');
        const typedLanguage = isLanguage(language) ? language : undefined;
        return renderCriterion(req, res, { errors, answer, language: typedLanguage, refusals }, 422);
      }
      const count = added.length;
      const base = `/applications/${a.application.id}`;
      if (fields.after !== 'next') {
        res.flash(
          'success',
          count > 0
            ? msg('applications.criterion.savedWithFiles', { count })
            : msg('applications.criterion.answerSaved'),
        );
        return res.redirect(303, `${base}/criteria/${criterionId}`);
      }
      // The next page is another criterion's: the message names the one just saved.
      const view = await loadApplication(db, a);
      const saved = view.criteria.find((c) => c.id === criterionId);
      const next = nextChosenCriterion(view, criterionId);
      const number = saved?.number ?? '';
      res.flash(
        'success',
        count > 0
          ? msg('applications.criterion.numberSavedWithFiles', { number, count })
          : msg('applications.criterion.numberSaved', { number }),
      );
      res.redirect(303, next ? `${base}/criteria/${next.id}` : `${base}/review`);
    },
  );

  router.post('/applications/:id/files/:publicId/delete', loadAccess, async function removeFile(req, res) {
    const a = access(res);
    const name = await deleteEvidence(context, {
      access: a,
      publicId: String(req.params.publicId),
      storage: context.storage,
    });
    res.flash('success', msg('applications.criterion.fileDeleted', { name }));
    const back = typeof formBody(req).criterionId === 'string' ? `/criteria/${idParam(formBody(req).criterionId)}` : '';
    res.redirect(303, `/applications/${a.application.id}${back}`);
  });

  router.get('/applications/:id/files/:publicId', loadAccess, async function downloadFile(req, res) {
    const file = await findEvidence(db, { access: access(res), publicId: String(req.params.publicId) });
    await sendStoredFile(res, { storage: context.storage, file, downloadName: file.originalName });
  });

  router.get('/applications/:id/files/:publicId/view', loadAccess, async function viewFile(req, res) {
    const file = await findEvidence(db, { access: access(res), publicId: String(req.params.publicId) });
    await sendStoredFile(res, { storage: context.storage, file, downloadName: file.originalName, inline: true });
  });

  /** The review page: the application whole, as the program will read it, and what is missing. */
  async function renderReview(res: Response, extra: { formError?: Text } = {}, status = 200) {
    const view = await loadIn(db, res);
    return renderSection(
      res,
      'applications/review',
      {
        missing: missingItems(view),
        profileFacts: profileFactsOf(view, langOf(res)),
        eligibility: eligibilityAnswersOf(view, langOf(res)),
        chosenCriteria: view.criteria.filter((c) => c.chosen),
        ...extra,
      },
      status,
      view,
    );
  }

  router.get('/applications/:id/review', loadAccess, async function showReview(_req, res) {
    await renderReview(res);
  });

  router.post('/applications/:id/submit', loadAccess, async function submit(_req, res) {
    const a = access(res);
    try {
      await submitApplication(context, { access: a });
    } catch (error) {
      return showAgainIfInvalid(error, (invalid) => renderReview(res, { formError: invalid.text }, 422));
    }
    res.flash('success', msg('applications.review.submitted'));
    res.redirect(303, `/applications/${a.application.id}`);
  });

  router.post('/applications/:id/withdraw', loadAccess, async function withdraw(_req, res) {
    await withdrawApplication(context, { access: access(res) });
    res.flash('info', msg('applications.status.withdrawn'));
    res.redirect(303, `/applications/${access(res).application.id}`);
  });

  router.post('/applications/:id/reopen', loadAccess, async function reopen(_req, res) {
    await reopenApplication(context, { access: access(res) });
    res.flash('info', msg('applications.status.reopened'));
    res.redirect(303, `/applications/${access(res).application.id}`);
  });

  return router;
}
