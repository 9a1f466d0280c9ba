// Sample data for every e-mail, as the admins see it when they edit a message: the preview and
// "send me a test" use it, and an edited template must render with it before it is accepted.
// Typed against the registry, so a field added to a message is added here too.
import type { MailTemplate, MailTemplates } from './registry.js';

const URL = 'https://awards.example.org';
const DECISION = {
  name: 'Pat Principal',
  schoolName: 'Lincoln High School',
  cycleName: 'Schools of Opportunity 2026–2027',
  programName: 'Schools of Opportunity',
  citation: 'Lincoln opened its advanced courses to every student, and its results show it.',
  honoreeUrl: `${URL}/honorees/2026/lincoln-high-school`,
  applicationsUrl: `${URL}/my/applications`,
  criteriaComments: [{ title: 'Broadening learning opportunities', comments: ['A model of detracking.'] }],
  hasComments: true,
};

export const MAIL_SAMPLES: { [K in MailTemplate]: MailTemplates[K] } = {
  'verify-email': { name: 'Pat Principal', link: `${URL}/verify-email/sample` },
  'password-reset': { name: 'Pat Principal', link: `${URL}/reset-password/sample` },
  'account-exists': { name: 'Pat Principal', verified: true },
  'application-submitted': {
    name: 'Pat Principal',
    schoolName: 'Lincoln High School',
    cycleName: 'Schools of Opportunity 2026–2027',
    applicationId: 42,
    submittedAt: 'Friday, January 29, 2027, 4:12 PM MT',
    deadline: 'Saturday, January 30, 2027, 11:59 PM MT',
    criteria: [{ number: 1, title: 'Broadening learning opportunities', wordCount: 480, fileCount: 2 }],
    link: `${URL}/applications/42`,
  },
  'draft-reminder': {
    name: 'Pat Principal',
    schoolName: 'Lincoln High School',
    cycleName: 'Schools of Opportunity 2026–2027',
    deadline: 'Saturday, January 30, 2027, 11:59 PM MT',
    daysLeft: 3,
    link: `${URL}/applications/42`,
  },
  'program-message': {
    name: 'Pat Principal',
    subject: 'Two weeks left to submit',
    paragraphs: ['Your application is still a draft.', 'Write to us with any question.'],
    cycleName: 'Schools of Opportunity 2026–2027',
  },
  'nomination-confirm': {
    name: 'Maria Parent',
    schoolName: 'Lincoln High School',
    cycleName: 'Schools of Opportunity 2026–2027',
    link: `${URL}/nominations/confirm/sample`,
    fileCount: 1,
  },
  'nomination-school-applied': { name: 'Maria Parent', schoolName: 'Lincoln High School' },
  'nomination-result': {
    name: 'Maria Parent',
    schoolName: 'Lincoln High School',
    cycleName: 'Schools of Opportunity 2026–2027',
    programName: 'Schools of Opportunity',
    recognized: true,
    notSelected: false,
    ineligible: false,
    withdrawn: false,
    notSubmitted: false,
    didNotApply: false,
    levelLabel: 'Gold',
    honoreeUrl: `${URL}/honorees/2026/lincoln-high-school`,
    honoreesUrl: `${URL}/honorees`,
  },
  'school-invitation': {
    schoolName: 'Lincoln High School',
    cycleName: 'Schools of Opportunity 2026–2027',
    deadline: 'Saturday, January 30, 2027, 11:59 PM MT',
    nominators: 2,
    link: `${URL}/invitations/sample`,
  },
  'contact-request': {
    schoolName: 'Lincoln High School',
    requesterName: 'Chris Counselor',
    requesterEmail: 'counselor@lincoln.example.org',
    link: `${URL}/schools/7/contacts`,
    asAdmin: false,
  },
  'contact-joined': {
    schoolName: 'Lincoln High School',
    requesterName: 'Chris Counselor',
    requesterEmail: 'counselor@lincoln.example.org',
    link: `${URL}/schools/7/contacts`,
    asAdmin: false,
  },
  'contact-decision': {
    name: 'Chris Counselor',
    schoolName: 'Lincoln High School',
    approved: true,
    removed: false,
    link: `${URL}/my/applications`,
  },
  'reviewer-invitation': {
    cycleName: 'Schools of Opportunity 2026–2027',
    link: `${URL}/reviewer-invitations/sample`,
    deadline: 'March 31, 2027',
  },
  'review-assignments': {
    name: 'Rosa Researcher',
    roundName: 'Round 1',
    cycleName: 'Schools of Opportunity 2026–2027',
    blind: false,
    items: [{ number: 42, schoolName: 'Lincoln High School', isNew: true, submitted: false }],
    newCount: 1,
    total: 1,
    dueDate: 'March 31, 2027',
    siteVisit: false,
    link: `${URL}/reviews`,
  },
  'review-reminder': {
    name: 'Rosa Researcher',
    roundName: 'Round 1',
    cycleName: 'Schools of Opportunity 2026–2027',
    count: 2,
    verb: 'are',
    items: [{ number: 42, schoolName: 'Lincoln High School', state: 'draft saved, not submitted' }],
    dueDate: 'March 31, 2027',
    daysLeft: 3,
    link: `${URL}/reviews`,
  },
  'decision-gold': DECISION,
  'decision-silver': DECISION,
  'decision-not-selected': DECISION,
  'decision-ineligible': {
    name: 'Pat Principal',
    schoolName: 'Lincoln High School',
    cycleName: 'Schools of Opportunity 2026–2027',
    programName: 'Schools of Opportunity',
    reason: 'The school selects its students by an entrance examination.',
    applicationsUrl: `${URL}/my/applications`,
  },
};

/** The fields an edited message may use: those of its sample, with the program's name. */
export function fieldsOf(template: MailTemplate): string[] {
  return [...Object.keys(MAIL_SAMPLES[template]), 'siteName'].sort();
}
