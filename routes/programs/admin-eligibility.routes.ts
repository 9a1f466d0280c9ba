// Admin pages for a cycle's eligibility questions and automatic rules: list, add, edit, delete
// (each deletion behind a confirmation page).
import { Router } from 'express';
import type { AppContext } from '../../server/context.js';
import { ELIGIBILITY_KINDS, type Cycle, type EligibilityQuestion, type EligibilityRule } from '../../models/schema.js';
import {
  createQuestion,
  createRule,
  deleteQuestion,
  deleteRule,
  describeRule,
  eligibilityOverview,
  findQuestion,
  findRule,
  openedNote,
  QUESTION_TRANSLATED,
  RULE_TRANSLATED,
  questionDeletionProblem,
  questionFormValues,
  ruleFormChoices,
  ruleFormValues,
  updateQuestion,
  updateRule,
  type QuestionFieldName,
  type RuleFieldName,
} from '../../server/services/programs/eligibility-setup.js';
import { findCycle, findProgram } from '../../server/services/programs/programs.js';
import { idParam } from '../params.js';
import { formBody, formFields, renderInvalid, showAgainIfInvalid } from '../forms.js';
import { labelsOf, msg, t } from '../../server/i18n/translate.js';
import {
  contentLanguages,
  postedTranslations,
  translationValues,
} from '../../server/services/programs/translations.js';

const QUESTION_FIELDS: readonly QuestionFieldName[] = ['key', 'prompt', 'help', 'kind', 'options'];
const RULE_FIELDS: readonly RuleFieldName[] = ['subject', 'operator', 'values', 'other', 'margin', 'message'];
const QUESTION_TEXTS = Object.keys(QUESTION_TRANSLATED);
const RULE_TEXTS = Object.keys(RULE_TRANSLATED);

export function adminEligibilityRoutes(context: AppContext): Router {
  const router = Router();
  const eligibilityPath = (cycle: Cycle) => `/admin/cycles/${cycle.id}/eligibility`;

  router.get('/cycles/:cycleId/eligibility', async function showEligibility(req, res) {
    const lang = res.locals.lang;
    const overview = await eligibilityOverview(context, idParam(req.params.cycleId), lang);
    const program = await findProgram(context.db, overview.cycle.programId);
    res.render('admin/eligibility/index', {
      title: t(lang, 'eligibility.index.title', { cycle: overview.cycle.name }),
      program,
      ...overview,
    });
  });

  // ------------------------------------------------------------ questions

  async function questionLocals(lang: string, cycle: Cycle, question?: EligibilityQuestion) {
    const program = await findProgram(context.db, cycle.programId);
    return {
      title: question
        ? t(lang, 'eligibility.question.editTitle', { key: question.key })
        : t(lang, 'eligibility.question.newTitle', { cycle: cycle.name }),
      program,
      contentLanguages: contentLanguages(program.defaultLanguage, lang),
      cycle,
      question,
      isNew: !question,
      kinds: labelsOf(lang, 'eligibilityKind', ELIGIBILITY_KINDS),
      note: await openedNote(context, cycle),
      keyLocked: Boolean(question) && context.clock() >= cycle.opensAt,
      action: question
        ? `/admin/eligibility/questions/${question.id}/edit`
        : `/admin/cycles/${cycle.id}/eligibility/questions/new`,
    };
  }

  router.get('/cycles/:cycleId/eligibility/questions/new', async function showNewQuestionForm(req, res) {
    const cycle = await findCycle(context.db, idParam(req.params.cycleId));
    const locals = await questionLocals(res.locals.lang, cycle);
    res.render('admin/eligibility/question-form', {
      ...locals,
      values: { ...questionFormValues(), ...translationValues({}, QUESTION_TEXTS, locals.program.defaultLanguage) },
    });
  });

  router.post('/cycles/:cycleId/eligibility/questions/new', async function addQuestion(req, res) {
    const cycle = await findCycle(context.db, idParam(req.params.cycleId));
    const fields = formFields(req, QUESTION_FIELDS);
    const body = formBody(req);
    try {
      const question = await createQuestion(context, { cycleId: cycle.id, ...fields, translations: body });
      res.flash('success', msg('eligibility.flash.questionAdded', { key: question.key }));
      res.redirect(303, eligibilityPath(cycle));
    } catch (error) {
      const locals = await questionLocals(res.locals.lang, cycle);
      showAgainIfInvalid(error, (invalid) =>
        res.status(422).render('admin/eligibility/question-form', {
          ...locals,
          values: { ...fields, ...postedTranslations(body, QUESTION_TEXTS, locals.program.defaultLanguage) },
          errors: invalid.fieldErrors,
        }),
      );
    }
  });

  router.get('/eligibility/questions/:questionId/edit', async function showQuestionForm(req, res) {
    const { question, cycle } = await findQuestion(context.db, idParam(req.params.questionId));
    const locals = await questionLocals(res.locals.lang, cycle, question);
    res.render('admin/eligibility/question-form', {
      ...locals,
      values: {
        ...questionFormValues(question),
        ...translationValues(question.translations, QUESTION_TEXTS, locals.program.defaultLanguage),
      },
    });
  });

  router.post('/eligibility/questions/:questionId/edit', async function saveQuestion(req, res) {
    const { question, cycle } = await findQuestion(context.db, idParam(req.params.questionId));
    const fields = formFields(req, QUESTION_FIELDS);
    const body = formBody(req);
    try {
      await updateQuestion(context, { questionId: question.id, ...fields, translations: body });
      res.flash('success', msg('eligibility.flash.questionSaved'));
      res.redirect(303, eligibilityPath(cycle));
    } catch (error) {
      const locals = await questionLocals(res.locals.lang, cycle, question);
      showAgainIfInvalid(error, (invalid) =>
        res.status(422).render('admin/eligibility/question-form', {
          ...locals,
          values: { ...fields, ...postedTranslations(body, QUESTION_TEXTS, locals.program.defaultLanguage) },
          errors: invalid.fieldErrors,
        }),
      );
    }
  });

  async function questionDeleteLocals(lang: string, question: EligibilityQuestion, cycle: Cycle) {
    return {
      title: t(lang, 'eligibility.delete.questionTitle', { key: question.key }),
      program: await findProgram(context.db, cycle.programId),
      cycle,
      what: t(lang, 'eligibility.delete.questionWhat', {
        prompt: question.prompt,
        key: question.key,
        cycle: cycle.name,
      }),
      action: `/admin/eligibility/questions/${question.id}/delete`,
      buttonLabel: t(lang, 'eligibility.delete.questionButton', { key: question.key }),
    };
  }

  router.get('/eligibility/questions/:questionId/delete', async function showDeleteQuestion(req, res) {
    const { question, cycle } = await findQuestion(context.db, idParam(req.params.questionId));
    res.render('admin/eligibility/delete', {
      ...(await questionDeleteLocals(res.locals.lang, question, cycle)),
      problem: await questionDeletionProblem(context.db, question),
    });
  });

  router.post('/eligibility/questions/:questionId/delete', async function removeQuestion(req, res) {
    const { question, cycle } = await findQuestion(context.db, idParam(req.params.questionId));
    try {
      await deleteQuestion(context, { questionId: question.id });
      res.flash('success', msg('eligibility.flash.questionDeleted', { key: question.key }));
      res.redirect(303, eligibilityPath(cycle));
    } catch (error) {
      await showAgainIfInvalid(error, async (invalid) => {
        res.status(422).render('admin/eligibility/delete', {
          ...(await questionDeleteLocals(res.locals.lang, question, cycle)),
          problem: Object.values(invalid.fieldErrors)[0],
        });
      });
    }
  });

  // ------------------------------------------------------------ rules

  async function ruleLocals(lang: string, cycle: Cycle, rule?: EligibilityRule) {
    const program = await findProgram(context.db, cycle.programId);
    const { operatorValues, ...choices } = await ruleFormChoices(context.db, cycle.id, lang);
    return {
      title: rule ? t(lang, 'eligibility.rule.editTitle') : t(lang, 'eligibility.rule.newTitle', { cycle: cycle.name }),
      program,
      contentLanguages: contentLanguages(program.defaultLanguage, lang),
      cycle,
      rule,
      isNew: !rule,
      note: await openedNote(context, cycle),
      action: rule ? `/admin/eligibility/rules/${rule.id}/edit` : `/admin/cycles/${cycle.id}/eligibility/rules/new`,
      operators: labelsOf(lang, 'ruleOperator', operatorValues),
      ...choices,
    };
  }

  router.get('/cycles/:cycleId/eligibility/rules/new', async function showNewRuleForm(req, res) {
    const cycle = await findCycle(context.db, idParam(req.params.cycleId));
    const locals = await ruleLocals(res.locals.lang, cycle);
    res.render('admin/eligibility/rule-form', {
      ...locals,
      values: { ...ruleFormValues(), ...translationValues({}, RULE_TEXTS, locals.program.defaultLanguage) },
    });
  });

  router.post('/cycles/:cycleId/eligibility/rules/new', async function addRule(req, res) {
    const cycle = await findCycle(context.db, idParam(req.params.cycleId));
    const fields = formFields(req, RULE_FIELDS);
    const body = formBody(req);
    try {
      await createRule(context, { cycleId: cycle.id, ...fields, translations: body });
      res.flash('success', msg('eligibility.flash.ruleAdded'));
      res.redirect(303, eligibilityPath(cycle));
    } catch (error) {
      const locals = await ruleLocals(res.locals.lang, cycle);
      renderInvalid(res, error, 'admin/eligibility/rule-form', {
        ...locals,
        values: { ...fields, ...postedTranslations(body, RULE_TEXTS, locals.program.defaultLanguage) },
      });
    }
  });

  router.get('/eligibility/rules/:ruleId/edit', async function showRuleForm(req, res) {
    const { rule, cycle } = await findRule(context.db, idParam(req.params.ruleId));
    const locals = await ruleLocals(res.locals.lang, cycle, rule);
    res.render('admin/eligibility/rule-form', {
      ...locals,
      values: {
        ...ruleFormValues(rule),
        ...translationValues(rule.translations, RULE_TEXTS, locals.program.defaultLanguage),
      },
    });
  });

  router.post('/eligibility/rules/:ruleId/edit', async function saveRule(req, res) {
    const { rule, cycle } = await findRule(context.db, idParam(req.params.ruleId));
    const fields = formFields(req, RULE_FIELDS);
    const body = formBody(req);
    try {
      await updateRule(context, { ruleId: rule.id, ...fields, translations: body });
      res.flash('success', msg('eligibility.flash.ruleSaved'));
      res.redirect(303, eligibilityPath(cycle));
    } catch (error) {
      const locals = await ruleLocals(res.locals.lang, cycle, rule);
      renderInvalid(res, error, 'admin/eligibility/rule-form', {
        ...locals,
        values: { ...fields, ...postedTranslations(body, RULE_TEXTS, locals.program.defaultLanguage) },
      });
    }
  });

  router.get('/eligibility/rules/:ruleId/delete', async function showDeleteRule(req, res) {
    const lang = res.locals.lang;
    const { rule, cycle } = await findRule(context.db, idParam(req.params.ruleId));
    const { subjects } = await ruleFormChoices(context.db, cycle.id, lang);
    res.render('admin/eligibility/delete', {
      title: t(lang, 'eligibility.delete.ruleTitle'),
      program: await findProgram(context.db, cycle.programId),
      cycle,
      what: t(lang, 'eligibility.delete.ruleWhat', {
        message: rule.message,
        description: describeRule(rule, subjects, lang),
        cycle: cycle.name,
      }),
      action: `/admin/eligibility/rules/${rule.id}/delete`,
      buttonLabel: t(lang, 'eligibility.delete.ruleButton'),
    });
  });

  router.post('/eligibility/rules/:ruleId/delete', async function removeRule(req, res) {
    const { rule, cycle } = await findRule(context.db, idParam(req.params.ruleId));
    await deleteRule(context, { ruleId: rule.id });
    res.flash('success', msg('eligibility.flash.ruleDeleted', { message: rule.message }));
    res.redirect(303, eligibilityPath(cycle));
  });

  return router;
}
