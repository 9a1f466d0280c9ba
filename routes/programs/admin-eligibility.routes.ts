// Admin pages for a cycle's eligibility questions and automatic rules: list, add, edit, delete
// (each deletion behind a confirmation page).
import { Router } from 'express';
import type { AppContext } from '../../server/context.js';
import {
  ELIGIBILITY_KINDS,
  ELIGIBILITY_KIND_LABELS,
  type Cycle,
  type EligibilityQuestion,
  type EligibilityRule,
} from '../../models/schema.js';
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
import { formFields, renderInvalid, showAgainIfInvalid } from '../forms.js';

const QUESTION_FIELDS: readonly QuestionFieldName[] = ['key', 'prompt', 'help', 'kind', 'options'];
const RULE_FIELDS: readonly RuleFieldName[] = ['subject', 'operator', 'values', 'other', 'margin', 'message'];
const KINDS = ELIGIBILITY_KINDS.map((value) => ({ value, label: ELIGIBILITY_KIND_LABELS[value] }));

export function adminEligibilityRoutes(context: AppContext): Router {
  const router = Router();
  const eligibilityPath = (cycle: Cycle) => `/admin/cycles/${cycle.id}/eligibility`;

  router.get('/cycles/:cycleId/eligibility', async function showEligibility(req, res) {
    const overview = await eligibilityOverview(context, idParam(req.params.cycleId));
    const program = await findProgram(context.db, overview.cycle.programId);
    res.render('admin/eligibility/index', { title: `Eligibility: ${overview.cycle.name}`, program, ...overview });
  });

  // ------------------------------------------------------------ questions

  async function questionLocals(cycle: Cycle, question?: EligibilityQuestion) {
    return {
      title: question ? `Edit question: ${question.key}` : `New eligibility question for ${cycle.name}`,
      program: await findProgram(context.db, cycle.programId),
      cycle,
      question,
      isNew: !question,
      kinds: KINDS,
      note: await openedNote(context, cycle),
      keyLocked: Boolean(question) && context.clock() >= cycle.opensAt,
      action: question
        ? `/admin/eligibility/questions/${question.id}/edit`
        : `/admin/cycles/${cycle.id}/eligibility/questions/new`,
    };
  }

  router.get('/cycles/:cycleId/eligibility/questions/new', async function showNewQuestionForm(req, res) {
    const cycle = await findCycle(context.db, idParam(req.params.cycleId));
    res.render('admin/eligibility/question-form', { ...(await questionLocals(cycle)), values: questionFormValues() });
  });

  router.post('/cycles/:cycleId/eligibility/questions/new', async function addQuestion(req, res) {
    const cycle = await findCycle(context.db, idParam(req.params.cycleId));
    const fields = formFields(req, QUESTION_FIELDS);
    try {
      const question = await createQuestion(context, { cycleId: cycle.id, ...fields });
      res.flash('success', `The question “${question.key}” is added.`);
      res.redirect(303, eligibilityPath(cycle));
    } catch (error) {
      renderInvalid(res, error, 'admin/eligibility/question-form', {
        ...(await questionLocals(cycle)),
        values: fields,
      });
    }
  });

  router.get('/eligibility/questions/:questionId/edit', async function showQuestionForm(req, res) {
    const { question, cycle } = await findQuestion(context.db, idParam(req.params.questionId));
    res.render('admin/eligibility/question-form', {
      ...(await questionLocals(cycle, question)),
      values: questionFormValues(question),
    });
  });

  router.post('/eligibility/questions/:questionId/edit', async function saveQuestion(req, res) {
    const { question, cycle } = await findQuestion(context.db, idParam(req.params.questionId));
    const fields = formFields(req, QUESTION_FIELDS);
    try {
      await updateQuestion(context, { questionId: question.id, ...fields });
      res.flash('success', 'The question is saved.');
      res.redirect(303, eligibilityPath(cycle));
    } catch (error) {
      renderInvalid(res, error, 'admin/eligibility/question-form', {
        ...(await questionLocals(cycle, question)),
        values: fields,
      });
    }
  });

  async function questionDeleteLocals(question: EligibilityQuestion, cycle: Cycle) {
    return {
      title: `Delete question: ${question.key}`,
      program: await findProgram(context.db, cycle.programId),
      cycle,
      what: `the question “${question.prompt}” (${question.key})`,
      action: `/admin/eligibility/questions/${question.id}/delete`,
      buttonLabel: `Delete the question “${question.key}”`,
    };
  }

  router.get('/eligibility/questions/:questionId/delete', async function showDeleteQuestion(req, res) {
    const { question, cycle } = await findQuestion(context.db, idParam(req.params.questionId));
    res.render('admin/eligibility/delete', {
      ...(await questionDeleteLocals(question, cycle)),
      problem: await questionDeletionProblem(context.db, question),
    });
  });

  router.post('/eligibility/questions/:questionId/delete', async function removeQuestion(req, res) {
    const { question, cycle } = await findQuestion(context.db, idParam(req.params.questionId));
    try {
      await deleteQuestion(context, { questionId: question.id });
      res.flash('success', `The question “${question.key}” is deleted.`);
      res.redirect(303, eligibilityPath(cycle));
    } catch (error) {
      await showAgainIfInvalid(error, async (invalid) => {
        res.status(422).render('admin/eligibility/delete', {
          ...(await questionDeleteLocals(question, cycle)),
          problem: Object.values(invalid.fieldErrors).join(' '),
        });
      });
    }
  });

  // ------------------------------------------------------------ rules

  async function ruleLocals(cycle: Cycle, rule?: EligibilityRule) {
    return {
      title: rule ? 'Edit eligibility rule' : `New eligibility rule for ${cycle.name}`,
      program: await findProgram(context.db, cycle.programId),
      cycle,
      rule,
      isNew: !rule,
      note: await openedNote(context, cycle),
      action: rule ? `/admin/eligibility/rules/${rule.id}/edit` : `/admin/cycles/${cycle.id}/eligibility/rules/new`,
      ...(await ruleFormChoices(context.db, cycle.id)),
    };
  }

  router.get('/cycles/:cycleId/eligibility/rules/new', async function showNewRuleForm(req, res) {
    const cycle = await findCycle(context.db, idParam(req.params.cycleId));
    res.render('admin/eligibility/rule-form', { ...(await ruleLocals(cycle)), values: ruleFormValues() });
  });

  router.post('/cycles/:cycleId/eligibility/rules/new', async function addRule(req, res) {
    const cycle = await findCycle(context.db, idParam(req.params.cycleId));
    const fields = formFields(req, RULE_FIELDS);
    try {
      await createRule(context, { cycleId: cycle.id, ...fields });
      res.flash('success', 'The rule is added.');
      res.redirect(303, eligibilityPath(cycle));
    } catch (error) {
      renderInvalid(res, error, 'admin/eligibility/rule-form', { ...(await ruleLocals(cycle)), values: fields });
    }
  });

  router.get('/eligibility/rules/:ruleId/edit', async function showRuleForm(req, res) {
    const { rule, cycle } = await findRule(context.db, idParam(req.params.ruleId));
    res.render('admin/eligibility/rule-form', { ...(await ruleLocals(cycle, rule)), values: ruleFormValues(rule) });
  });

  router.post('/eligibility/rules/:ruleId/edit', async function saveRule(req, res) {
    const { rule, cycle } = await findRule(context.db, idParam(req.params.ruleId));
    const fields = formFields(req, RULE_FIELDS);
    try {
      await updateRule(context, { ruleId: rule.id, ...fields });
      res.flash('success', 'The rule is saved.');
      res.redirect(303, eligibilityPath(cycle));
    } catch (error) {
      renderInvalid(res, error, 'admin/eligibility/rule-form', { ...(await ruleLocals(cycle, rule)), values: fields });
    }
  });

  router.get('/eligibility/rules/:ruleId/delete', async function showDeleteRule(req, res) {
    const { rule, cycle } = await findRule(context.db, idParam(req.params.ruleId));
    const { subjects } = await ruleFormChoices(context.db, cycle.id);
    res.render('admin/eligibility/delete', {
      title: 'Delete eligibility rule',
      program: await findProgram(context.db, cycle.programId),
      cycle,
      what: `the rule “${rule.message}” (${describeRule(rule, subjects)})`,
      action: `/admin/eligibility/rules/${rule.id}/delete`,
      buttonLabel: 'Delete the rule',
    });
  });

  router.post('/eligibility/rules/:ruleId/delete', async function removeRule(req, res) {
    const { rule, cycle } = await findRule(context.db, idParam(req.params.ruleId));
    await deleteRule(context, { ruleId: rule.id });
    res.flash('success', `The rule “${rule.message}” is deleted.`);
    res.redirect(303, eligibilityPath(cycle));
  });

  return router;
}
// i18n: not yet translated
