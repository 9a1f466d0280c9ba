// Sample data for every e-mail, as the admins see it when they edit a message: the preview and
// "send me a test" use it, and an edited template must render with it before it is accepted.
// Typed against the registry, so a field added to a message is added here too.
import { msg } from '../i18n/translate.js';
import type { MailTemplate, MailTemplates } from './registry.js';

const URL = 'https://awards.example.org';
// Dates in a program's zone, written in each reader's language: "Saturday, January 30, 2027, 11:59 PM MT".
const ZONE = 'America/Denver';
const DEADLINE = { at: new Date('2027-01-31T06:59:00Z'), zone: ZONE };
const SUBMITTED = { at: new Date('2027-01-29T23:12:00Z'), zone: ZONE };
const REVIEWS_DUE = { at: new Date('2027-04-01T05:59:00Z'), zone: ZONE };
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
    submittedAt: SUBMITTED,
    deadline: DEADLINE,
    criteria: [{ number: 1, title: 'Broadening learning opportunities', wordCount: 480, fileCount: 2 }],
    link: `${URL}/applications/42`,
  },
  'draft-reminder': {
    name: 'Pat Principal',
    schoolName: 'Lincoln High School',
    cycleName: 'Schools of Opportunity 2026–2027',
    deadline: DEADLINE,
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
    levelLabel: msg('labels.decisionLevel.gold'),
    honoreeUrl: `${URL}/honorees/2026/lincoln-high-school`,
    honoreesUrl: `${URL}/honorees`,
  },
  'school-invitation': {
    schoolName: 'Lincoln High School',
    cycleName: 'Schools of Opportunity 2026–2027',
    deadline: DEADLINE,
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
    deadline: REVIEWS_DUE,
  },
  'review-assignments': {
    name: 'Rosa Researcher',
    roundName: 'Round 1',
    cycleName: 'Schools of Opportunity 2026–2027',
    blind: false,
    items: [{ number: 42, schoolName: 'Lincoln High School', isNew: true, submitted: false }],
    newCount: 1,
    total: 1,
    dueDate: REVIEWS_DUE,
    siteVisit: false,
    link: `${URL}/reviews`,
  },
  'review-reminder': {
    name: 'Rosa Researcher',
    roundName: 'Round 1',
    cycleName: 'Schools of Opportunity 2026–2027',
    count: 2,
    items: [{ number: 42, schoolName: 'Lincoln High School', state: msg('emails.reviewReminder.state.draft') }],
    dueDate: REVIEWS_DUE,
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
