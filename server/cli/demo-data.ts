// The demo program: the real "Schools of Opportunity" rules from docs/DOMAIN.md.
// Criteria 7–10 are worded for the demo; the program has not confirmed their wording.

export const DEMO_PROGRAM = {
  slug: 'schools-of-opportunity',
  name: 'Schools of Opportunity',
  timeZone: 'America/Denver',
  description:
    'Recognizing public high schools that close opportunity gaps: schools that give every student ' +
    'rich learning opportunities, a healthy culture, and the support to succeed.',
};

export const DEMO_CRITERIA = [
  {
    title: 'Broadening and enriching learning opportunities',
    guidance:
      'How the school gives every student access to its richest courses and experiences, with less tracking and detracked classes.',
    evidenceRequested: 'Course guide; enrollment in advanced courses by student group; master schedule.',
    required: true,
  },
  {
    title: 'A healthy school culture',
    guidance: 'Fair, restorative discipline; a diverse and welcoming school; students who feel they belong.',
    evidenceRequested: 'Code of conduct; discipline data by student group; climate survey results.',
    required: true,
  },
  {
    title: 'More and better learning time',
    guidance: 'Extended days or years, summer programs, and time used well for students who need it most.',
    evidenceRequested: 'Bell schedule; calendar; participation in extended-learning programs.',
    required: false,
  },
  {
    title: 'A variety of assessments that respond to students',
    guidance: 'Portfolios, performance tasks and exhibitions alongside tests, used to adapt teaching.',
    evidenceRequested: 'Sample performance tasks; grading policy; examples of student work.',
    required: false,
  },
  {
    title: 'Supporting teachers as professionals',
    guidance: 'Collaboration time, mentoring, and a voice for teachers in decisions.',
    evidenceRequested: 'Professional learning calendar; teacher retention data.',
    required: false,
  },
  {
    title: 'Students with disabilities: challenge and support',
    guidance: 'Students with IEPs learn in general classrooms with high expectations and real support.',
    evidenceRequested: 'Placement data for students with IEPs; co-teaching schedule.',
    required: false,
  },
  {
    title: 'Health and psychological supports',
    guidance: 'Counselors, nurses and mental-health services that reach every student.',
    evidenceRequested: 'Staffing ratios; description of services; referral data.',
    required: false,
  },
  {
    title: 'Language-minority students',
    guidance: 'Students learning English reach the full curriculum while their home languages are valued.',
    evidenceRequested: 'Program description; course-taking data for English learners.',
    required: false,
  },
  {
    title: 'Family and community engagement',
    guidance: 'Families are partners: welcomed, informed in their languages, and involved in decisions.',
    evidenceRequested: 'Family-engagement plan; meeting schedule; translated materials.',
    required: false,
  },
  {
    title: 'Community partnerships and outreach',
    guidance: 'Partnerships with local organizations that widen what students can do and learn.',
    evidenceRequested: 'List of partners; agreements; examples of joint programs.',
    required: false,
  },
];

/** The real program's eligibility rules (DOMAIN.md), as questions plus automatic rules. */
export const DEMO_ELIGIBILITY_QUESTIONS = [
  {
    key: 'school_type',
    prompt: 'What kind of school is it?',
    help: 'Public and public charter high schools are eligible.',
    kind: 'choice' as const,
    options: ['public', 'charter', 'private', 'other'],
  },
  {
    key: 'district_iep_percent',
    prompt: 'What share of students in your district have an IEP (in percent)?',
    help: "Your school's share may be at most 2 points below the district's.",
    kind: 'number' as const,
    options: [],
  },
  {
    key: 'zero_tolerance',
    prompt: 'Does the school use zero-tolerance discipline policies?',
    help: 'Zero-tolerance discipline disqualifies a school.',
    kind: 'yes_no' as const,
    options: [],
  },
  {
    key: 'restricts_access',
    prompt: 'Does the school restrict access to its most challenging courses (for example by test scores or tracking)?',
    help: 'Restricting access to the best opportunities disqualifies a school.',
    kind: 'yes_no' as const,
    options: [],
  },
];

export const DEMO_ELIGIBILITY_RULES = [
  {
    subject: 'answer.school_type',
    operator: 'one_of' as const,
    values: ['public', 'charter'],
    message: 'Only public and charter schools are eligible.',
  },
  {
    subject: 'school.level',
    operator: 'one_of' as const,
    values: ['high'],
    message: 'Only high schools are eligible.',
  },
  {
    subject: 'school.frlPercent',
    operator: 'at_least' as const,
    values: ['10'],
    message: 'At least 10% of students must qualify for free or reduced-price lunch.',
  },
  {
    subject: 'school.iepPercent',
    operator: 'not_below' as const,
    other: 'answer.district_iep_percent',
    margin: 2,
    message: "The school's share of students with IEPs is more than 2 points below the district's.",
  },
  {
    subject: 'answer.zero_tolerance',
    operator: 'equals' as const,
    values: ['no'],
    message: 'Schools with zero-tolerance discipline are not eligible.',
  },
  {
    subject: 'answer.restricts_access',
    operator: 'equals' as const,
    values: ['no'],
    message: 'Schools that restrict access to their best opportunities are not eligible.',
  },
];

/** Dates around "now" so the demo's open cycle (next year's) takes applications when someone tries the portal. */
export function demoCycleDates(now: Date) {
  const day = 24 * 60 * 60 * 1000;
  const at = (days: number) => new Date(now.getTime() + days * day);
  return {
    opensAt: at(-30),
    nominationsCloseAt: at(30),
    applicationsCloseAt: at(60),
    reviewsDueAt: at(105),
    announcementAt: at(150),
  };
}

/**
 * This year's cycle: applications closed six days ago; its round 1 is due in ten days. `closedAt`
 * stays empty: the deadline passed, nobody closed the cycle early.
 */
export function demoReviewCycleDates(now: Date) {
  const day = 24 * 60 * 60 * 1000;
  const at = (days: number) => new Date(now.getTime() + days * day);
  return {
    opensAt: at(-120),
    nominationsCloseAt: at(-50),
    applicationsCloseAt: at(-6),
    reviewsDueAt: at(30),
    announcementAt: at(75),
  };
}

/** Last year's cycle, published seven months ago; publishing closed it, as it does. */
export function demoPublishedCycleDates(now: Date) {
  const day = 24 * 60 * 60 * 1000;
  const at = (days: number) => new Date(now.getTime() + days * day);
  return {
    opensAt: at(-395),
    nominationsCloseAt: at(-335),
    applicationsCloseAt: at(-305),
    reviewsDueAt: at(-260),
    announcementAt: at(-215),
    publishedAt: at(-215),
    closedAt: at(-215),
  };
}

/** A school of the demo with its profile and its answers. */
export interface DemoSchool {
  name: string;
  district: string;
  city: string;
  state: string;
  enrollment: number;
  frlPercent: number;
  iepPercent: number;
  /** Answers by criterion position: 1 and 2, then the optional ones the school chose. */
  answers: Record<number, string>;
}

/** A school that applies through the portal, with the person who acts for it. */
export interface DemoApplicant extends DemoSchool {
  contact: { name: string; email: string };
  /** The district's share of students with IEPs, as the school answered the eligibility question. */
  districtIepPercent: number;
  schoolType?: 'public' | 'charter';
  zeroTolerance?: boolean;
}
