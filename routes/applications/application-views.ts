// What the applicant's pages show of an application, worked out from the loaded view: the
// eligibility answers in the words of the form, the school's facts, the next chosen criterion.
import { SCHOOL_LEVEL_LABELS } from '../../models/schema.js';
import type { ApplicationView } from '../../server/services/applications/applications.js';

/** A question's answers as the form offers them: [value, the words shown for it]. */
export function eligibilityChoices(question: ApplicationView['questions'][number]): Array<[string, string]> {
  return question.kind === 'yes_no'
    ? [
        ['yes', 'Yes'],
        ['no', 'No'],
      ]
    : question.options.map((o) => [o, o]);
}

/** The eligibility answers in the words the form showed, for reading the application whole. */
export function eligibilityAnswersOf(view: ApplicationView) {
  return view.questions.map((q) => {
    const value = view.application.eligibilityAnswers[q.key];
    const given = typeof value === 'string' && value !== '' ? value : undefined;
    const label = q.kind === 'number' ? given : eligibilityChoices(q).find(([v]) => v === given)?.[1];
    return { key: q.key, prompt: q.prompt, answer: label ?? given };
  });
}

/** The school's facts as the application sends them; an empty one reads "Not given yet". */
export function profileFactsOf(view: ApplicationView) {
  const { school } = view;
  const percent = (value: number | null) => (value === null ? undefined : `${value}%`);
  return [
    { label: 'School', value: school.name },
    { label: 'District', value: school.district || undefined },
    { label: 'City', value: `${school.city}, ${school.state}` },
    { label: 'Kind', value: SCHOOL_LEVEL_LABELS[school.level] },
    { label: 'Website', value: school.website || undefined },
    { label: 'Students', value: school.enrollment === null ? undefined : String(school.enrollment) },
    { label: 'Free or reduced-price lunch', value: percent(school.frlPercent) },
    { label: 'Students with IEPs', value: percent(school.iepPercent) },
  ];
}

/** The chosen criterion after this one, in the order of the cycle; undefined after the last. */
export function nextChosenCriterion(view: ApplicationView, criterionId: number) {
  const chosen = view.criteria.filter((c) => c.chosen);
  const index = chosen.findIndex((c) => c.id === criterionId);
  return index === -1 ? undefined : chosen[index + 1];
}
