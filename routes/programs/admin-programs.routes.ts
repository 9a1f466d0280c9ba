// Admin pages for programs and their yearly cycles (under /admin, behind the admin guard of
// routes/index.ts). Forms post back to their own address: a problem re-renders the
// form with 422 and a message per field, success redirects (303) with a flash message.
import type { Cycle, Program } from '../../models/schema.js';
import { Router } from 'express';
import type { AppContext } from '../../server/context.js';
import {
  copyCycleToNextYear,
  createCycle,
  cycleFormState,
  cycleFormValues,
  cycleOverview,
  newCycleFormValues,
  updateCycle,
  type CycleFieldName,
} from '../../server/services/programs/cycles.js';
import {
  createProgram,
  findCycle,
  findProgram,
  listPrograms,
  programWithCycles,
  updateProgram,
} from '../../server/services/programs/programs.js';
import { closeApplications, draftsLeftBehind } from '../../server/services/programs/closing.js';
import { idParam, pageParam } from '../params.js';
import { DEFAULT_TIME_ZONE, timeZoneChoices } from '../../server/time.js';
import { formBody, formFields, renderInvalid, showAgainIfInvalid } from '../forms.js';

const PROGRAM_FIELDS = ['name', 'slug', 'description', 'timeZone'] as const;
const CYCLE_FIELDS: readonly CycleFieldName[] = [
  'year',
  'name',
  'opensAt',
  'nominationsCloseAt',
  'applicationsCloseAt',
  'applicationsCloseTime',
  'reviewsDueAt',
  'announcementAt',
  'scoreMin',
  'scoreMax',
  'blindReview',
  'optionalChoiceCount',
  'maxFileMb',
  'maxApplicationMb',
  'maxFilesPerCriterion',
  'draftReminderDays',
];

export function adminProgramRoutes(context: AppContext): Router {
  const router = Router();

  router.get('/programs', async function showPrograms(req, res) {
    const list = await listPrograms(context.db, { page: pageParam(req.query.page) });
    res.render('admin/programs/index', { title: 'Programs', ...list });
  });

  router.get('/programs/new', function showNewProgramForm(_req, res) {
    res.render('admin/programs/form', {
      title: 'New program',
      isNew: true,
      action: '/admin/programs/new',
      timeZones: timeZoneChoices(),
      values: { timeZone: DEFAULT_TIME_ZONE },
    });
  });

  router.post('/programs/new', async function addProgram(req, res) {
    const fields = formFields(req, PROGRAM_FIELDS);
    try {
      const program = await createProgram(context.db, fields);
      res.flash('success', `The program “${program.name}” is created. Add its first cycle.`);
      res.redirect(303, `/admin/programs/${program.id}`);
    } catch (error) {
      renderInvalid(res, error, 'admin/programs/form', {
        title: 'New program',
        isNew: true,
        action: '/admin/programs/new',
        timeZones: timeZoneChoices(),
        values: fields,
      });
    }
  });

  router.get('/programs/:programId', async function showProgram(req, res) {
    const { program, cycles } = await programWithCycles(context, idParam(req.params.programId));
    res.render('admin/programs/show', { title: program.name, program, cycles });
  });

  const programFormLocals = (program: Program) => ({
    title: `Edit ${program.name}`,
    program,
    action: `/admin/programs/${program.id}/edit`,
    timeZones: timeZoneChoices(),
  });

  router.get('/programs/:programId/edit', async function showProgramForm(req, res) {
    const program = await findProgram(context.db, idParam(req.params.programId));
    res.render('admin/programs/form', { ...programFormLocals(program), values: program });
  });

  router.post('/programs/:programId/edit', async function saveProgram(req, res) {
    const program = await findProgram(context.db, idParam(req.params.programId));
    const fields = formFields(req, PROGRAM_FIELDS);
    try {
      await updateProgram(context.db, { programId: program.id, ...fields });
      res.flash('success', 'The program is saved.');
      res.redirect(303, `/admin/programs/${program.id}`);
    } catch (error) {
      renderInvalid(res, error, 'admin/programs/form', { ...programFormLocals(program), values: fields });
    }
  });

  const newCycleLocals = (program: Program) => ({
    title: `New cycle of ${program.name}`,
    program,
    isNew: true,
    action: `/admin/programs/${program.id}/cycles/new`,
    lock: { locked: false },
  });

  router.get('/programs/:programId/cycles/new', async function showNewCycleForm(req, res) {
    const program = await findProgram(context.db, idParam(req.params.programId));
    res.render('admin/cycles/form', { ...newCycleLocals(program), values: newCycleFormValues(context.clock()) });
  });

  router.post('/programs/:programId/cycles/new', async function addCycle(req, res) {
    const program = await findProgram(context.db, idParam(req.params.programId));
    const fields = formFields(req, CYCLE_FIELDS);
    try {
      const cycle = await createCycle(context, { programId: program.id, ...fields });
      res.flash('success', `The cycle “${cycle.name}” is created. Add its criteria next.`);
      res.redirect(303, `/admin/cycles/${cycle.id}`);
    } catch (error) {
      renderInvalid(res, error, 'admin/cycles/form', { ...newCycleLocals(program), values: fields });
    }
  });

  router.get('/cycles/:cycleId', async function showCycle(req, res) {
    const overview = await cycleOverview(context, idParam(req.params.cycleId));
    const drafts = overview.cycle.phase === 'open' ? await draftsLeftBehind(context.db, overview.cycle.id) : 0;
    const { closedAt, applicationsCloseAt } = overview.cycle;
    const closedEarly = closedAt !== null && closedAt < applicationsCloseAt ? closedAt : undefined;
    res.render('admin/cycles/show', { title: overview.cycle.name, ...overview, drafts, closedEarly });
  });

  async function cycleFormLocals(cycle: Cycle) {
    const program = await findProgram(context.db, cycle.programId);
    return {
      title: `Edit ${cycle.name}`,
      program,
      cycle,
      action: `/admin/cycles/${cycle.id}/edit`,
      ...(await cycleFormState(context, cycle)),
    };
  }

  router.get('/cycles/:cycleId/edit', async function showCycleForm(req, res) {
    const cycle = await findCycle(context.db, idParam(req.params.cycleId));
    const locals = await cycleFormLocals(cycle);
    res.render('admin/cycles/form', { ...locals, values: cycleFormValues(cycle, locals.program.timeZone) });
  });

  router.post('/cycles/:cycleId/edit', async function saveCycle(req, res) {
    const cycle = await findCycle(context.db, idParam(req.params.cycleId));
    const fields = formFields(req, CYCLE_FIELDS);
    try {
      await updateCycle(context, { cycleId: cycle.id, ...fields });
      res.flash('success', 'The cycle is saved.');
      res.redirect(303, `/admin/cycles/${cycle.id}`);
    } catch (error) {
      await showAgainIfInvalid(error, async (invalid) => {
        // Locked settings show their stored value, whatever was posted.
        const locals = await cycleFormLocals(cycle);
        const stored = cycleFormValues(cycle, locals.program.timeZone);
        const values = { ...stored, ...fields, blindReview: fields.blindReview ?? '' };
        if (locals.lock.locked) {
          values.opensAt = stored.opensAt;
          values.optionalChoiceCount = stored.optionalChoiceCount;
        }
        res.status(422).render('admin/cycles/form', { ...locals, values, errors: invalid.fieldErrors });
      });
    }
  });

  router.post('/cycles/:cycleId/close', async function closeCycleApplications(req, res) {
    const cycleId = idParam(req.params.cycleId);
    const { drafts } = await closeApplications(context, { cycleId, adminId: req.user!.id });
    res.flash(
      'success',
      `Applications are closed. ${drafts === 0 ? 'No application was left unsubmitted.' : `${drafts === 1 ? 'One application was' : `${drafts} applications were`} never submitted and will not be reviewed.`} Next: screen the submitted applications.`,
    );
    // The dashboard closes too, and the admin stays on it to see the next step.
    res.redirect(303, formBody(req).then === 'dashboard' ? `/admin?cycle=${cycleId}` : `/admin/cycles/${cycleId}`);
  });

  router.post('/cycles/:cycleId/copy', async function copyCycle(req, res) {
    const cycle = await findCycle(context.db, idParam(req.params.cycleId));
    try {
      const copy = await copyCycleToNextYear(context, { cycleId: cycle.id });
      res.flash(
        'success',
        `“${copy.name}” is created from “${cycle.name}”, with its criteria, eligibility questions and rules, and every date one year later. Check the dates.`,
      );
      res.redirect(303, `/admin/cycles/${copy.id}`);
    } catch (error) {
      showAgainIfInvalid(error, (invalid) => {
        res.flash('error', Object.values(invalid.fieldErrors).join(' '));
        res.redirect(303, `/admin/cycles/${cycle.id}`);
      });
    }
  });

  return router;
}
// i18n: not yet translated
