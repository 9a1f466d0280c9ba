// Every e-mail the portal sends, with the fields its template reads (views/emails/NAME.text.hbs
// and NAME.html.hbs). enqueueMail takes a name from this list and the data of that name, so a
// misspelt template or a missing field fails the type check, not a send at run time. A unit test
// checks that each name here has both template files and every file here has a name.
//
// A message is written in its reader's language (server/mail/templates.ts): dates are MailDate,
// best a Date, which the message writes in that language; words a service chooses are a Text
// (a Message from the catalogues, msg('labels.decisionLevel.gold')), put into words there too.
import type { Text } from '../i18n/translate.js';
import type { MailDate } from './templates.js';

/** The criteria of a submitted application, as its confirmation lists them. */
interface SubmittedCriterion {
  number: number;
  title: string;
  wordCount: number;
  fileCount: number;
}

/** One school's decision e-mail: the reviewers' comments per criterion when the cycle shares them. */
interface DecisionMail {
  name: string;
  schoolName: string;
  cycleName: string;
  programName: string;
  citation: string;
  honoreeUrl: string;
  applicationsUrl: string;
  criteriaComments: Array<{ title: string; comments: string[] }>;
  hasComments: boolean;
}

export interface MailTemplates {
  'verify-email': { name: string; link: string };
  'password-reset': { name: string; link: string };
  'account-exists': { name: string; verified: boolean };
  'application-submitted': {
    name: string;
    schoolName: string;
    cycleName: string;
    applicationId: number;
    submittedAt: MailDate;
    deadline: MailDate;
    criteria: SubmittedCriterion[];
    link: string;
  };
  /** A contact of a school whose application is still a draft, some days before the deadline. */
  'draft-reminder': {
    name: string;
    schoolName: string;
    cycleName: string;
    deadline: MailDate;
    daysLeft: number;
    link: string;
  };
  /** The staff's own message to a group of people in a cycle (server/services/messages/). */
  'program-message': { name: string; subject: string; paragraphs: string[]; cycleName: string };
  'nomination-confirm': { name: string; schoolName: string; cycleName: string; link: string; fileCount: number };
  'nomination-school-applied': { name: string; schoolName: string };
  /** What became of a nominated school: exactly one of the outcome flags is true. */
  'nomination-result': {
    name: string;
    schoolName: string;
    cycleName: string;
    programName: string;
    recognized: boolean;
    notSelected: boolean;
    ineligible: boolean;
    withdrawn: boolean;
    notSubmitted: boolean;
    didNotApply: boolean;
    /** The level's words: msg('labels.decisionLevel.gold'), so the reader gets them in their language. */
    levelLabel: Text;
    honoreeUrl: string;
    honoreesUrl: string;
  };
  'school-invitation': { schoolName: string; cycleName: string; deadline: MailDate; nominators: number; link: string };
  'contact-request': {
    schoolName: string;
    requesterName: string;
    requesterEmail: string;
    link: string;
    asAdmin: boolean;
  };
  'contact-joined': {
    schoolName: string;
    requesterName: string;
    requesterEmail: string;
    link: string;
    asAdmin: boolean;
  };
  'contact-decision': { name: string; schoolName: string; approved: boolean; removed: boolean; link: string };
  'reviewer-invitation': { cycleName: string; link: string; deadline: MailDate };
  'review-assignments': {
    name: string;
    roundName: string;
    cycleName: string;
    blind: boolean;
    items: Array<{ number: number; schoolName: string | undefined; isNew: boolean; submitted: boolean }>;
    newCount: number;
    total: number;
    dueDate: MailDate;
    siteVisit: boolean;
    link: string;
  };
  'review-reminder': {
    name: string;
    roundName: string;
    cycleName: string;
    count: number;
    /** Not read any more: the message chooses "is" or "are" (or its language's words) by `count`. */
    verb?: string;
    /** Each review's state: msg('emails.reviewReminder.state.draft') or msg('…state.assigned'). */
    items: Array<{ number: number; schoolName: string | undefined; state: Text }>;
    dueDate: MailDate;
    daysLeft: number;
    link: string;
  };
  'decision-gold': DecisionMail;
  'decision-silver': DecisionMail;
  'decision-not-selected': DecisionMail;
  /** A school screened as not eligible, told so when the cycle is published, with the staff's reason. */
  'decision-ineligible': {
    name: string;
    schoolName: string;
    cycleName: string;
    programName: string;
    reason: string;
    applicationsUrl: string;
  };
}

export type MailTemplate = keyof MailTemplates;

/**
 * One e-mail to send. `language`: the one it is written in, the recipient's (server/i18n); without
 * it, the language of the account with that address, else the program's default.
 */
export type MailOf<T extends MailTemplate> = {
  to: string;
  template: T;
  data: MailTemplates[T];
  /** The reader's language when the caller knows it (a nominator's): it wins. */
  language?: string;
  /** A likely language, for an address with no account that chose one (a school invited from a nomination). */
  languageHint?: string;
};

/** The names, for tests and for checks that walk them all. */
export const MAIL_TEMPLATES = [
  'verify-email',
  'password-reset',
  'account-exists',
  'application-submitted',
  'draft-reminder',
  'program-message',
  'nomination-confirm',
  'nomination-school-applied',
  'nomination-result',
  'school-invitation',
  'contact-request',
  'contact-joined',
  'contact-decision',
  'reviewer-invitation',
  'review-assignments',
  'review-reminder',
  'decision-gold',
  'decision-silver',
  'decision-not-selected',
  'decision-ineligible',
] as const satisfies readonly MailTemplate[];
