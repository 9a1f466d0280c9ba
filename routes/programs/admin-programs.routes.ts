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
import { LANGUAGES, languageName, SOURCE_LANGUAGE } from '../../server/i18n/languages.js';
import { msg, t, textIn } from '../../server/i18n/translate.js';
import {
  contentLanguages,
  missingLanguageNames,
  postedTranslations,
  translationValues,
} from '../../server/services/programs/translations.js';
import { PROGRAM_TRANSLATED } from '../../server/services/programs/programs.js';
import { CYCLE_TRANSLATED } from '../../server/services/programs/cycles.js';

const PROGRAM_FIELDS = ['name', 'slug', 'description', 'timeZone', 'defaultLanguage'] as const;
const PROGRAM_TEXTS = Object.keys(PROGRAM_TRANSLATED);
const CYCLE_TEXTS = Object.keys(CYCLE_TRANSLATED);
/** The languages a program's texts may be written in first, each by its own name. */
const LANGUAGE_CHOICES = LANGUAGES.map((value) => ({ value, label: languageName(value) }));
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
    res.render('admin/programs/index', { title: t(res.locals.lang, 'programs.list.title'), ...list });
  });

  // A new program's texts are in the language chosen on the form; its translations start empty
  // and are added on the edit form, next to the texts they translate.
  const newProgramLocals = (lang: string, defaultLanguage: string) => ({
    title: t(lang, 'programs.form.newTitle'),
    isNew: true,
    action: '/admin/programs/new',
    timeZones: timeZoneChoices(),
    languages: LANGUAGE_CHOICES,
    contentLanguages: { ...contentLanguages(defaultLanguage, lang), others: [] },
  });

  router.get('/programs/new', function showNewProgramForm(_req, res) {
    res.render('admin/programs/form', {
      ...newProgramLocals(res.locals.lang, SOURCE_LANGUAGE),
      values: { timeZone: DEFAULT_TIME_ZONE, defaultLanguage: SOURCE_LANGUAGE },
    });
  });

  router.post('/programs/new', async function addProgram(req, res) {
    const fields = formFields(req, PROGRAM_FIELDS);
    try {
      const program = await createProgram(context.db, fields);
      res.flash('success', msg('programs.flash.created', { name: program.name }));
      res.redirect(303, `/admin/programs/${program.id}`);
    } catch (error) {
      renderInvalid(res, error, 'admin/programs/form', {
        ...newProgramLocals(res.locals.lang, SOURCE_LANGUAGE),
        values: fields,
      });
    }
  });

  router.get('/programs/:programId', async function showProgram(req, res) {
    const lang = res.locals.lang;
    const { program, cycles } = await programWithCycles(context, idParam(req.params.programId));
    res.render('admin/programs/show', {
      title: program.name,
      program,
      defaultLanguageName: languageName(program.defaultLanguage),
      missing: missingLanguageNames(
        program,
        ['name', 'description', 'shortName', 'privacyNotice', 'accessibilityStatement'],
        program.defaultLanguage,
        lang,
      ),
      cycles: cycles.map((cycle) => ({
        ...cycle,
        missing: missingLanguageNames(cycle, ['name'], program.defaultLanguage, lang),
      })),
    });
  });

  const programFormLocals = (program: Program, lang: string) => ({
    title: t(lang, 'programs.form.editTitle', { name: program.name }),
    program,
    action: `/admin/programs/${program.id}/edit`,
    timeZones: timeZoneChoices(),
    languages: LANGUAGE_CHOICES,
    contentLanguages: contentLanguages(program.defaultLanguage, lang),
  });

  router.get('/programs/:programId/edit', async function showProgramForm(req, res) {
    const program = await findProgram(context.db, idParam(req.params.programId));
    res.render('admin/programs/form', {
      ...programFormLocals(program, res.locals.lang),
      values: { ...program, ...translationValues(program.translations, PROGRAM_TEXTS, program.defaultLanguage) },
    });
  });

  router.post('/programs/:programId/edit', async function saveProgram(req, res) {
    const program = await findProgram(context.db, idParam(req.params.programId));
    const fields = formFields(req, PROGRAM_FIELDS);
    const body = formBody(req);
    try {
      await updateProgram(context.db, { programId: program.id, ...fields, translations: body });
      res.flash('success', msg('programs.flash.saved'));
      res.redirect(303, `/admin/programs/${program.id}`);
    } catch (error) {
      renderInvalid(res, error, 'admin/programs/form', {
        ...programFormLocals(program, res.locals.lang),
        values: { ...fields, ...postedTranslations(body, PROGRAM_TEXTS, program.defaultLanguage) },
      });
    }
  });

  const newCycleLocals = (program: Program, lang: string) => ({
    title: t(lang, 'cycles.form.newTitle', { program: program.name }),
    program,
    isNew: true,
    action: `/admin/programs/${program.id}/cycles/new`,
    lock: { locked: false },
    contentLanguages: contentLanguages(program.defaultLanguage, lang),
  });

  router.get('/programs/:programId/cycles/new', async function showNewCycleForm(req, res) {
    const program = await findProgram(context.db, idParam(req.params.programId));
    res.render('admin/cycles/form', {
      ...newCycleLocals(program, res.locals.lang),
      values: newCycleFormValues(context.clock()),
    });
  });

  router.post('/programs/:programId/cycles/new', async function addCycle(req, res) {
    const program = await findProgram(context.db, idParam(req.params.programId));
    const fields = formFields(req, CYCLE_FIELDS);
    const body = formBody(req);
    try {
      const cycle = await createCycle(context, { programId: program.id, ...fields, translations: body });
      res.flash('success', msg('cycles.flash.created', { name: cycle.name }));
      res.redirect(303, `/admin/cycles/${cycle.id}`);
    } catch (error) {
      renderInvalid(res, error, 'admin/cycles/form', {
        ...newCycleLocals(program, res.locals.lang),
        values: { ...fields, ...postedTranslations(body, CYCLE_TEXTS, program.defaultLanguage) },
      });
    }
  });

  router.get('/cycles/:cycleId', async function showCycle(req, res) {
    const lang = res.locals.lang;
    const overview = await cycleOverview(context, idParam(req.params.cycleId));
    const drafts = overview.cycle.phase === 'open' ? await draftsLeftBehind(context.db, overview.cycle.id) : 0;
    const { closedAt, applicationsCloseAt } = overview.cycle;
    const closedEarly = closedAt !== null && closedAt < applicationsCloseAt ? closedAt : undefined;
    const defaultLanguage = overview.program.defaultLanguage;
    res.render('admin/cycles/show', {
      title: overview.cycle.name,
      ...overview,
      missing: missingLanguageNames(overview.cycle, ['name'], defaultLanguage, lang),
      criteria: overview.criteria.map((c) => ({
        ...c,
        missing: missingLanguageNames(c, ['title', 'guidance', 'evidenceRequested'], defaultLanguage, lang),
      })),
      drafts,
      closedEarly,
    });
  });

  async function cycleFormLocals(cycle: Cycle, lang: string) {
    const program = await findProgram(context.db, cycle.programId);
    return {
      title: t(lang, 'cycles.form.editTitle', { cycle: cycle.name }),
      program,
      cycle,
      action: `/admin/cycles/${cycle.id}/edit`,
      contentLanguages: contentLanguages(program.defaultLanguage, lang),
      ...(await cycleFormState(context, cycle)),
    };
  }

  router.get('/cycles/:cycleId/edit', async function showCycleForm(req, res) {
    const cycle = await findCycle(context.db, idParam(req.params.cycleId));
    const locals = await cycleFormLocals(cycle, res.locals.lang);
    res.render('admin/cycles/form', {
      ...locals,
      values: {
        ...cycleFormValues(cycle, locals.program.timeZone),
        ...translationValues(cycle.translations, CYCLE_TEXTS, locals.program.defaultLanguage),
      },
    });
  });

  router.post('/cycles/:cycleId/edit', async function saveCycle(req, res) {
    const cycle = await findCycle(context.db, idParam(req.params.cycleId));
    const fields = formFields(req, CYCLE_FIELDS);
    const body = formBody(req);
    try {
      await updateCycle(context, { cycleId: cycle.id, ...fields, translations: body });
      res.flash('success', msg('cycles.flash.saved'));
      res.redirect(303, `/admin/cycles/${cycle.id}`);
    } catch (error) {
      await showAgainIfInvalid(error, async (invalid) => {
        // Locked settings show their stored value, whatever was posted.
        const locals = await cycleFormLocals(cycle, res.locals.lang);
        const stored = cycleFormValues(cycle, locals.program.timeZone);
        const values = {
          ...stored,
          ...fields,
          ...postedTranslations(body, CYCLE_TEXTS, locals.program.defaultLanguage),
          blindReview: fields.blindReview ?? '',
        };
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
    res.flash('success', msg('cycles.flash.closed', { drafts }));
    // The dashboard closes too, and the admin stays on it to see the next step.
    res.redirect(303, formBody(req).then === 'dashboard' ? `/admin?cycle=${cycleId}` : `/admin/cycles/${cycleId}`);
  });

  router.post('/cycles/:cycleId/copy', async function copyCycle(req, res) {
    const cycle = await findCycle(context.db, idParam(req.params.cycleId));
    try {
      const copy = await copyCycleToNextYear(context, { cycleId: cycle.id });
      res.flash('success', msg('cycles.flash.copied', { copy: copy.name, source: cycle.name }));
      res.redirect(303, `/admin/cycles/${copy.id}`);
    } catch (error) {
      showAgainIfInvalid(error, (invalid) => {
        const [problem] = Object.values(invalid.fieldErrors);
        res.flash('error', problem ?? textIn(res.locals.lang, invalid.text));
        res.redirect(303, `/admin/cycles/${cycle.id}`);
      });
    }
  });

  return router;
}
