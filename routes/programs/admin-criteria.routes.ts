// Admin pages for a cycle's criteria: add, edit, delete (with a confirmation page), move.
// Structural changes after the cycle opens are refused by the service with a 403 that says why.
import type { Criterion, Cycle } from '../../models/schema.js';
import { Router } from 'express';
import type { AppContext } from '../../server/context.js';
import {
  CRITERION_TRANSLATED,
  NEW_CRITERION_VALUES,
  anchorScores,
  createCriterion,
  criterionFormValues,
  deleteCriterion,
  deletionProblem,
  findCriterion,
  moveCriterion,
  updateCriterion,
  type CriterionFieldName,
} from '../../server/services/programs/criteria.js';
import { findCycle, findProgram, structureLock } from '../../server/services/programs/programs.js';
import { idParam } from '../params.js';
import { formBody, formFields, renderInvalid, showAgainIfInvalid } from '../forms.js';
import { msg, t } from '../../server/i18n/translate.js';
import {
  contentLanguages,
  postedTranslations,
  translationValues,
} from '../../server/services/programs/translations.js';

const CRITERION_TEXTS = Object.keys(CRITERION_TRANSLATED);

const CRITERION_FIELDS: readonly CriterionFieldName[] = [
  'title',
  'guidance',
  'evidenceRequested',
  'anchorLow',
  'anchorMiddle',
  'anchorHigh',
  'weight',
  'required',
  'wordLimit',
];

export function adminCriteriaRoutes(context: AppContext): Router {
  const router = Router();

  async function formLocals(lang: string, cycle: Cycle, criterion?: Criterion) {
    const program = await findProgram(context.db, cycle.programId);
    const lock = await structureLock(context, cycle);
    return {
      title: criterion
        ? t(lang, 'criteria.form.editTitle', { title: criterion.title })
        : t(lang, 'criteria.form.newTitle', { cycle: cycle.name }),
      program,
      contentLanguages: contentLanguages(program.defaultLanguage, lang),
      cycle,
      criterion,
      isNew: !criterion,
      action: criterion ? `/admin/criteria/${criterion.id}/edit` : `/admin/cycles/${cycle.id}/criteria/new`,
      lock,
      cannotAdd: !criterion && lock.locked,
      anchorScores: anchorScores(cycle),
    };
  }

  router.get('/cycles/:cycleId/criteria/new', async function showNewCriterionForm(req, res) {
    const cycle = await findCycle(context.db, idParam(req.params.cycleId));
    const locals = await formLocals(res.locals.lang, cycle);
    res.render('admin/criteria/form', {
      ...locals,
      values: {
        ...NEW_CRITERION_VALUES,
        ...translationValues({}, CRITERION_TEXTS, locals.program.defaultLanguage),
      },
    });
  });

  router.post('/cycles/:cycleId/criteria/new', async function addCriterion(req, res) {
    const cycle = await findCycle(context.db, idParam(req.params.cycleId));
    const fields = formFields(req, CRITERION_FIELDS);
    const body = formBody(req);
    try {
      const criterion = await createCriterion(context, {
        cycleId: cycle.id,
        adminId: req.user!.id,
        ...fields,
        translations: body,
      });
      res.flash('success', msg('criteria.flash.added', { title: criterion.title }));
      res.redirect(303, `/admin/cycles/${cycle.id}`);
    } catch (error) {
      const locals = await formLocals(res.locals.lang, cycle);
      renderInvalid(res, error, 'admin/criteria/form', {
        ...locals,
        values: { ...fields, ...postedTranslations(body, CRITERION_TEXTS, locals.program.defaultLanguage) },
      });
    }
  });

  router.get('/criteria/:criterionId/edit', async function showCriterionForm(req, res) {
    const { criterion, cycle } = await findCriterion(context.db, idParam(req.params.criterionId));
    const locals = await formLocals(res.locals.lang, cycle, criterion);
    res.render('admin/criteria/form', {
      ...locals,
      values: {
        ...criterionFormValues(criterion),
        ...translationValues(criterion.translations, CRITERION_TEXTS, locals.program.defaultLanguage),
      },
    });
  });

  router.post('/criteria/:criterionId/edit', async function saveCriterion(req, res) {
    const { criterion, cycle } = await findCriterion(context.db, idParam(req.params.criterionId));
    const fields = formFields(req, CRITERION_FIELDS);
    const body = formBody(req);
    try {
      await updateCriterion(context, {
        criterionId: criterion.id,
        adminId: req.user!.id,
        ...fields,
        translations: body,
      });
      res.flash('success', msg('criteria.flash.saved'));
      res.redirect(303, `/admin/cycles/${cycle.id}`);
    } catch (error) {
      const locals = await formLocals(res.locals.lang, cycle, criterion);
      const stored = criterionFormValues(criterion);
      const typed = { ...fields, ...postedTranslations(body, CRITERION_TEXTS, locals.program.defaultLanguage) };
      const values = locals.lock.locked ? { ...typed, weight: stored.weight, required: stored.required } : typed;
      renderInvalid(res, error, 'admin/criteria/form', { ...locals, values });
    }
  });

  async function deleteLocals(lang: string, criterion: Criterion, cycle: Cycle) {
    return {
      title: t(lang, 'criteria.delete.title', { title: criterion.title }),
      criterion,
      cycle,
      program: await findProgram(context.db, cycle.programId),
    };
  }

  router.get('/criteria/:criterionId/delete', async function showDeleteCriterion(req, res) {
    const { criterion, cycle } = await findCriterion(context.db, idParam(req.params.criterionId));
    res.render('admin/criteria/delete', {
      ...(await deleteLocals(res.locals.lang, criterion, cycle)),
      problem: await deletionProblem(context, criterion, cycle),
    });
  });

  router.post('/criteria/:criterionId/delete', async function removeCriterion(req, res) {
    const { criterion, cycle } = await findCriterion(context.db, idParam(req.params.criterionId));
    try {
      await deleteCriterion(context, { criterionId: criterion.id, adminId: req.user!.id });
      res.flash('success', msg('criteria.flash.deleted', { title: criterion.title }));
      res.redirect(303, `/admin/cycles/${cycle.id}`);
    } catch (error) {
      await showAgainIfInvalid(error, async (invalid) => {
        res.status(422).render('admin/criteria/delete', {
          ...(await deleteLocals(res.locals.lang, criterion, cycle)),
          problem: Object.values(invalid.fieldErrors)[0],
        });
      });
    }
  });

  router.post('/criteria/:criterionId/move', async function reorderCriterion(req, res) {
    const criterionId = idParam(req.params.criterionId);
    const { direction } = formFields(req, ['direction']);
    try {
      const { cycle, moved } = await moveCriterion(context, { criterionId, direction, adminId: req.user!.id });
      const up = direction === 'up';
      if (moved) res.flash('success', msg(up ? 'criteria.flash.movedUp' : 'criteria.flash.movedDown'));
      else res.flash('info', msg(up ? 'criteria.flash.alreadyFirst' : 'criteria.flash.alreadyLast'));
      res.redirect(303, `/admin/cycles/${cycle.id}#criterion-${criterionId}`);
    } catch (error) {
      await showAgainIfInvalid(error, async (invalid) => {
        const { cycle } = await findCriterion(context.db, criterionId);
        res.flash('error', Object.values(invalid.fieldErrors)[0] ?? invalid.text);
        res.redirect(303, `/admin/cycles/${cycle.id}`);
      });
    }
  });

  return router;
}
