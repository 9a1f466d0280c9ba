// What the applicant's pages show of an application, worked out from the loaded view: the
// program's own words in the reader's language, the eligibility answers in the words of the
// form, the school's facts, the next chosen criterion.
import type { ApplicationView } from '../../server/services/applications/applications.js';
import { inLanguage, translated } from '../../server/i18n/content.js';
import { languageNameIn } from '../../server/i18n/languages.js';
import { label, t } from '../../server/i18n/translate.js';

type Question = ApplicationView['questions'][number];

/**
 * The view with the program's words (cycle name, questions, criteria) in `language` where the
 * program translated them, and each answered criterion's language named for the reader.
 */
export function viewIn(view: ApplicationView, language: string, defaultLanguage: string): ApplicationView {
  return {
    ...view,
    cycle: translated(view.cycle, ['name'], language, defaultLanguage),
    questions: view.questions.map((q) => translated(q, ['prompt', 'help'], language, defaultLanguage)),
    criteria: view.criteria.map((c) => ({
      ...translated(c, ['title', 'guidance', 'evidenceRequested'], language, defaultLanguage),
      languageName: c.wordCount > 0 ? languageNameIn(language, c.answerLanguage) : undefined,
    })),
  };
}

/**
 * A choice question's options in `language`: its translation keeps them one a line, in the order
 * of the options; a translation that does not have one line per option is not used.
 */
function optionLabels(question: Question, language: string): string[] {
  const lines = inLanguage({ ...question, options: question.options.join('\n') }, 'options', language).split('\n');
  return lines.length === question.options.length && lines.every((line) => line.trim() !== '')
    ? lines.map((line) => line.trim())
    : question.options;
}

/** A question's answers as the form offers them: [value, the words shown for it]. */
export function eligibilityChoices(question: Question, language = 'en'): Array<[string, string]> {
  if (question.kind === 'yes_no') {
    return [
      ['yes', label(language, 'yesNo', 'yes')],
      ['no', label(language, 'yesNo', 'no')],
    ];
  }
  const labels = optionLabels(question, language);
  return question.options.map((o, i) => [o, labels[i] ?? o]);
}

/** The eligibility answers in the words the form showed, for reading the application whole. */
export function eligibilityAnswersOf(view: ApplicationView, language = 'en') {
  return view.questions.map((q) => {
    const value = view.application.eligibilityAnswers[q.key];
    const given = typeof value === 'string' && value !== '' ? value : undefined;
    const shown = q.kind === 'number' ? given : eligibilityChoices(q, language).find(([v]) => v === given)?.[1];
    return { key: q.key, prompt: q.prompt, answer: shown ?? given };
  });
}

/** The school's facts as the application sends them; an empty one reads "Not given yet". */
export function profileFactsOf(view: ApplicationView, language = 'en') {
  const { school } = view;
  const percent = (value: number | null) => (value === null ? undefined : `${value}%`);
  const fact = (key: string, value: string | undefined) => ({
    key,
    label: t(language, `applications.facts.${key}`),
    value,
  });
  return [
    fact('school', school.name),
    fact('district', school.district || undefined),
    fact('city', `${school.city}, ${school.state}`),
    fact('kind', label(language, 'schoolLevel', school.level)),
    fact('website', school.website || undefined),
    fact('students', school.enrollment === null ? undefined : String(school.enrollment)),
    fact('frl', percent(school.frlPercent)),
    fact('iep', percent(school.iepPercent)),
  ];
}

/** The chosen criterion after this one, in the order of the cycle; undefined after the last. */
export function nextChosenCriterion(view: ApplicationView, criterionId: number) {
  const chosen = view.criteria.filter((c) => c.chosen);
  const index = chosen.findIndex((c) => c.id === criterionId);
  return index === -1 ? undefined : chosen[index + 1];
}
