// Admin pages for a cycle's criteria: add, edit, delete (with a confirmation page), move.
// Structural changes after the cycle opens are refused by the service with a 403 that says why.
import type { Criterion, Cycle } from '../../models/schema.js';
import { Router } from 'express';
import type { AppContext } from '../../server/context.js';
import {
  NEW_CRITERION_VALUES,
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
import { formFields, renderInvalid, showAgainIfInvalid } from '../forms.js';

const CRITERION_FIELDS: readonly CriterionFieldName[] = [
  'title',
  'guidance',
  'evidenceRequested',
  'weight',
  'required',
  'wordLimit',
];

export function adminCriteriaRoutes(context: AppContext): Router {
  const router = Router();

  async function formLocals(cycle: Cycle, criterion?: Criterion) {
    const program = await findProgram(context.db, cycle.programId);
    const lock = await structureLock(context, cycle);
    return {
      title: criterion ? `Edit criterion: ${criterion.title}` : `New criterion for ${cycle.name}`,
      program,
      cycle,
      criterion,
      isNew: !criterion,
      action: criterion ? `/admin/criteria/${criterion.id}/edit` : `/admin/cycles/${cycle.id}/criteria/new`,
      lock,
      cannotAdd: !criterion && lock.locked,
    };
  }

  router.get('/cycles/:cycleId/criteria/new', async function showNewCriterionForm(req, res) {
    const cycle = await findCycle(context.db, idParam(req.params.cycleId));
    res.render('admin/criteria/form', { ...(await formLocals(cycle)), values: NEW_CRITERION_VALUES });
  });

  router.post('/cycles/:cycleId/criteria/new', async function addCriterion(req, res) {
    const cycle = await findCycle(context.db, idParam(req.params.cycleId));
    const fields = formFields(req, CRITERION_FIELDS);
    try {
      const criterion = await createCriterion(context, { cycleId: cycle.id, adminId: req.user!.id, ...fields });
      res.flash('success', `The criterion “${criterion.title}” is added.`);
      res.redirect(303, `/admin/cycles/${cycle.id}`);
    } catch (error) {
      renderInvalid(res, error, 'admin/criteria/form', { ...(await formLocals(cycle)), values: fields });
    }
  });

  router.get('/criteria/:criterionId/edit', async function showCriterionForm(req, res) {
    const { criterion, cycle } = await findCriterion(context.db, idParam(req.params.criterionId));
    res.render('admin/criteria/form', {
      ...(await formLocals(cycle, criterion)),
      values: criterionFormValues(criterion),
    });
  });

  router.post('/criteria/:criterionId/edit', async function saveCriterion(req, res) {
    const { criterion, cycle } = await findCriterion(context.db, idParam(req.params.criterionId));
    const fields = formFields(req, CRITERION_FIELDS);
    try {
      await updateCriterion(context, { criterionId: criterion.id, adminId: req.user!.id, ...fields });
      res.flash('success', 'The criterion is saved.');
      res.redirect(303, `/admin/cycles/${cycle.id}`);
    } catch (error) {
      const locals = await formLocals(cycle, criterion);
      const stored = criterionFormValues(criterion);
      const values = locals.lock.locked ? { ...fields, weight: stored.weight, required: stored.required } : fields;
      renderInvalid(res, error, 'admin/criteria/form', { ...locals, values });
    }
  });

  async function deleteLocals(criterion: Criterion, cycle: Cycle) {
    return {
      title: `Delete criterion: ${criterion.title}`,
      criterion,
      cycle,
      program: await findProgram(context.db, cycle.programId),
    };
  }

  router.get('/criteria/:criterionId/delete', async function showDeleteCriterion(req, res) {
    const { criterion, cycle } = await findCriterion(context.db, idParam(req.params.criterionId));
    res.render('admin/criteria/delete', {
      ...(await deleteLocals(criterion, cycle)),
      problem: await deletionProblem(context, criterion, cycle),
    });
  });

  router.post('/criteria/:criterionId/delete', async function removeCriterion(req, res) {
    const { criterion, cycle } = await findCriterion(context.db, idParam(req.params.criterionId));
    try {
      await deleteCriterion(context, { criterionId: criterion.id, adminId: req.user!.id });
      res.flash('success', `The criterion “${criterion.title}” is deleted.`);
      res.redirect(303, `/admin/cycles/${cycle.id}`);
    } catch (error) {
      await showAgainIfInvalid(error, async (invalid) => {
        res.status(422).render('admin/criteria/delete', {
          ...(await deleteLocals(criterion, cycle)),
          problem: Object.values(invalid.fieldErrors).join(' '),
        });
      });
    }
  });

  router.post('/criteria/:criterionId/move', async function reorderCriterion(req, res) {
    const criterionId = idParam(req.params.criterionId);
    const { direction } = formFields(req, ['direction']);
    try {
      const { cycle, moved } = await moveCriterion(context, { criterionId, direction, adminId: req.user!.id });
      if (moved) res.flash('success', `The criterion moved ${direction}.`);
      else res.flash('info', `The criterion is already ${direction === 'up' ? 'first' : 'last'}.`);
      res.redirect(303, `/admin/cycles/${cycle.id}#criterion-${criterionId}`);
    } catch (error) {
      await showAgainIfInvalid(error, async (invalid) => {
        const { cycle } = await findCriterion(context.db, criterionId);
        res.flash('error', Object.values(invalid.fieldErrors).join(' '));
        res.redirect(303, `/admin/cycles/${cycle.id}`);
      });
    }
  });

  return router;
}
// i18n: not yet translated
