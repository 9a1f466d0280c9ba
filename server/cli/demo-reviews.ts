// This year's review panel and its round 1 reviews. Each reviewer has a tendency, as real panels
// do: Okafor is harsh (mostly 1–3), Liu lenient (4–5), Park a little below the middle, Moreno and
// Bell a little above. The reviewers were given different schools, so the ranking by raw mean and
// the ranking by normalized score (which corrects for each reviewer's tendency) differ visibly:
// Kennedy and Garfield, read by the lenient reviewers, lead by raw mean; Franklin and Jefferson,
// read by the harsh ones, rise once scores are normalized. test/http/site/demo.test.ts checks it.

export type DemoReviewerKey = 'moreno' | 'okafor' | 'liu' | 'park' | 'bell';

export interface DemoReviewer {
  key: DemoReviewerKey;
  name: string;
  email: string;
  affiliation: string;
  state: string;
  /** Criterion positions the reviewer knows best. */
  expertise: number[];
}

export const DEMO_REVIEWERS: DemoReviewer[] = [
  {
    key: 'moreno',
    name: 'Dr. Alice Moreno',
    email: 'alice.moreno@reviewers.example.org',
    affiliation: 'School of Education, University of Colorado',
    state: 'CO',
    expertise: [1, 2],
  },
  {
    key: 'okafor',
    name: 'Prof. Ben Okafor',
    email: 'ben.okafor@reviewers.example.org',
    affiliation: 'Teachers College, Columbia University',
    state: 'NY',
    expertise: [5, 3, 4],
  },
  {
    key: 'liu',
    name: 'Carmen Liu',
    email: 'carmen.liu@reviewers.example.org',
    affiliation: 'Retired high school principal',
    state: 'CA',
    expertise: [6, 2, 8],
  },
  {
    key: 'park',
    name: 'Dr. David Park',
    email: 'david.park@reviewers.example.org',
    affiliation: 'Office of Superintendent of Public Instruction',
    state: 'WA',
    expertise: [4, 6],
  },
  {
    key: 'bell',
    name: 'Marcus Bell',
    email: 'marcus.bell@reviewers.example.org',
    affiliation: 'National Board Certified teacher',
    state: 'OH',
    expertise: [5, 9, 10],
  },
];

/** A conflict a reviewer declared: the seed never assigns them that school. */
export const DEMO_DECLARED_CONFLICTS = [
  {
    reviewer: 'liu' as const,
    school: 'Madison High School',
    reason: 'I coached Madison’s principal in her first two years and still meet her regularly.',
  },
];

/**
 * The in-review cycle's calibration set: two examples written by the staff, scored by every
 * reviewer before their lists went out. Ben Okafor and Marcus Bell score low, David Park high.
 */
export const DEMO_CALIBRATION: Array<{ title: string; body: string; scores: Record<DemoReviewerKey, number> }> = [
  {
    title: 'Example A: one ninth grade for everyone',
    body:
      'All ninth graders take the same English, mathematics and science courses; the honors track was ' +
      'closed three years ago. Students who need more time get a second period of mathematics with the ' +
      'same teacher, and the school tutors after class four days a week. Course failures fell from 14% ' +
      'to 6%; the share of Black and Latino students in eleventh-grade AP courses doubled.',
    scores: { moreno: 4, okafor: 3, liu: 4, park: 5, bell: 3 },
  },
  {
    title: 'Example B: a new advisory period',
    body:
      'This year every student has an advisory period twice a week with the same adult for four years. ' +
      'Advisors were trained over the summer; the school plans to survey students in the spring. No ' +
      'other change to courses, discipline or family outreach is described.',
    scores: { moreno: 2, okafor: 1, liu: 2, park: 3, bell: 2 },
  },
];

/** A criterion's score (null: not scored yet, in a draft) and the reviewer's comment. */
export type DemoScore = [position: number, score: number | null, comment: string];

export interface DemoReview {
  school: string;
  reviewer: DemoReviewerKey;
  /** assigned: e-mailed, not opened yet; draft: partly written; submitted: counts in the ranking. */
  status: 'assigned' | 'draft' | 'submitted';
  scores: DemoScore[];
  /** For the admins only; other reviewers never see it. */
  note?: string;
}

export const DEMO_REVIEWS: DemoReview[] = [
  {
    school: 'Jefferson High School',
    reviewer: 'moreno',
    status: 'submitted',
    scores: [
      [
        1,
        4,
        'Detracking English 9 and Biology with an open honors contract is exactly the kind of structural change this criterion is about, and the AP numbers for Latino students back it up. Pass rates alongside participation would make it complete.',
      ],
      [
        2,
        4,
        'A full-time coordinator and thirty trained staff suggest restorative practice is the norm here, not a pilot. The Peace Council gives students a real role.',
      ],
      [
        3,
        3,
        'The summer bridge is solid. Moving credit recovery into the day is sensible, but the answer does not say who attends Jaguar Hour or whether it reaches the students who need it most.',
      ],
      [
        5,
        4,
        'Teacher-planned Wednesday sessions with instructional rounds, and retention 17 points above the district: convincing.',
      ],
      [
        6,
        4,
        'Co-teaching in every core subject and a fourfold rise in advanced course-taking for students with IEPs. I would have liked outcomes, not only enrollment.',
      ],
      [
        9,
        3,
        'Calling every ninth-grade family by October is good practice. Budget votes by the advisory council are promising, though it is unclear how representative the council is.',
      ],
    ],
  },
  {
    school: 'Jefferson High School',
    reviewer: 'okafor',
    status: 'submitted',
    scores: [
      [
        1,
        3,
        'Participation rose, but 41% against a 52% share is still a gap, and there are no AP pass rates by group. Detracking ninth grade is a start; what happens in tenth?',
      ],
      [
        2,
        3,
        'The suspension numbers are impressive in total. Without a breakdown by race and disability I cannot tell whether the disparities narrowed.',
      ],
      [
        3,
        2,
        'A three-week bridge and a recovery hour are common practice. The 70% recovery figure comes without a word on how the credits were earned.',
      ],
      [
        5,
        3,
        'Late-start sessions designed by teachers are good. I discount the retention comparison somewhat: the district average mixes very different schools.',
      ],
      [
        6,
        2,
        '“60% of the rate of their peers” is still far from parity, and nothing is said about graduation or what comes after for students with IEPs.',
      ],
      [
        9,
        2,
        'Translated family nights and liaison calls are the baseline, not partnership. The budget vote is the one element that gives families real power.',
      ],
    ],
  },
  {
    school: 'Jefferson High School',
    reviewer: 'park',
    status: 'submitted',
    scores: [
      [
        1,
        3,
        'A single English 9 and Biology sequence is a real change. Mathematics is still tracked from ninth grade, and the answer does not mention it.',
      ],
      [
        2,
        4,
        'The strongest section: a large, sustained drop in suspensions with students involved in reviewing the data.',
      ],
      [3, 3, 'A reasonable extended-learning offer; attendance at the bridge by student group would strengthen it.'],
      [5, 3, 'Good structure. Nothing is said about follow-up in classrooms beyond the rounds.'],
      [
        6,
        3,
        'The co-teaching model is clear. I would like the share of students with IEPs in general education most of the day.',
      ],
      [9, 2, 'Outreach is described, engagement is not: how many families come, and who?'],
    ],
  },
  {
    school: 'Madison High School',
    reviewer: 'okafor',
    status: 'submitted',
    note: 'I may be reading this one strictly. The dual-language strand sounds like the real thing; the application just does not show it. Worth a second opinion.',
    scores: [
      [
        1,
        2,
        'Removing prerequisites for IB is welcome, but “the pass rate held” tells me nothing about who passes. No data by student group.',
      ],
      [2, 2, 'Advisory and a climate survey, in two sentences. I cannot score intentions.'],
      [
        4,
        1,
        'A portfolio defense is a fine idea, but 94% passing by June after a retake suggests a low bar. No rubric, no examples of student work.',
      ],
      [
        8,
        2,
        'The dual-language strand may well be the heart of this school, but the answer counts seals of biliteracy without saying how many English learners are reclassified or reach AP courses taught in English.',
      ],
      [9, 2, 'Three hundred families out of some 1,500 is modest, and nothing suggests families shape decisions.'],
      [
        10,
        1,
        'A dual-credit agreement and a weekly workshop are listed, with no detail about who takes part or what changes.',
      ],
    ],
  },
  {
    school: 'Madison High School',
    reviewer: 'bell',
    status: 'submitted',
    scores: [
      [1, 4, 'Doubling IB enrollment while holding a 71% pass rate is hard to pull off. A real accomplishment.'],
      [
        2,
        4,
        'Four-year advisory groups of 18 make a big school feel small, and 81% saying an adult knows them well is strong for a school this size.',
      ],
      [
        4,
        3,
        'Two portfolio defenses in four years is a great practice; I would want to see how panels keep the standard consistent.',
      ],
      [
        8,
        5,
        'The standout: a Spanish–English strand through twelfth grade including AP Biology, a newcomer center, and 40 former English learners earning the Seal of Biliteracy. A model for other schools.',
      ],
      [9, 4, 'Saturday classes in three languages, on topics families asked for. Good reach.'],
      [10, 3, 'Dual-credit courses on campus are a smart partnership; the clinic workshops sound more occasional.'],
    ],
  },
  {
    school: 'Madison High School',
    reviewer: 'park',
    status: 'draft',
    scores: [
      [1, 3, 'Enrollment doubled; I am waiting to see pass rates by group before settling on a score.'],
      [8, 4, 'A dual-language strand through grade 12 is unusual and well described.'],
      [2, null, ''],
    ],
  },
  {
    school: 'Garfield High School',
    reviewer: 'liu',
    status: 'submitted',
    scores: [
      [
        1,
        5,
        'Garfield did the hard thing: one honors ninth grade for everyone, after a year of preparing its teachers. Black students’ share of AP enrollment nearly tripled. Wonderful.',
      ],
      [
        2,
        4,
        'Sharing discipline data by race with the students themselves takes courage. The reset room sounds humane.',
      ],
      [
        5,
        5,
        'Designing the ninth-grade curriculum together is how detracking lasts. Two years of mentoring for new teachers, too.',
      ],
      [
        6,
        4,
        'Co-teachers in the honors classes and a resource period as a second dose, not a separate track: exactly right.',
      ],
      [
        7,
        5,
        'A weekly grief and crisis group and a nurse practitioner on site three days a week. These students are cared for.',
      ],
      [
        10,
        4,
        'Four hundred students in after-school music, coding and mentoring, mostly from the neighborhood: a real bridge.',
      ],
    ],
  },
  {
    school: 'Garfield High School',
    reviewer: 'moreno',
    status: 'submitted',
    scores: [
      [
        1,
        4,
        'Well-documented detracking of ninth-grade English and social studies, with the preparation year explained. Tenth grade and mathematics are not addressed.',
      ],
      [
        2,
        3,
        'Belonging within 5 points is encouraging, but we do not learn whether discipline disparities changed after the reset room opened.',
      ],
      [5, 4, 'Shared curriculum design shows teacher ownership. Retention figures would complete the picture.'],
      [6, 3, 'The structure is right; outcomes for students with IEPs in the honors courses are not reported.'],
      [7, 3, 'Good supports, though a clinic three days a week may not meet demand in a school of 1,650.'],
      [
        10,
        3,
        'A real partnership that reads as enrichment; the answer does not connect it to the gaps the school describes.',
      ],
    ],
  },
  { school: 'Garfield High School', reviewer: 'bell', status: 'assigned', scores: [] },
  {
    school: 'Washington High School',
    reviewer: 'liu',
    status: 'submitted',
    note: 'I would support a site visit if Washington reaches round 2.',
    scores: [
      [
        1,
        5,
        'AP Language for every junior, with a second period of support, and college enrollment doubled. This is what opening the door looks like.',
      ],
      [
        2,
        5,
        'Adults greeting students by name in every hallway, and nobody sent home for dress code. Chronic absence down 15 points!',
      ],
      [3, 4, 'Starting two weeks early for ninth graders is a smart investment, and the evening tutoring is lovely.'],
      [
        7,
        5,
        'A health center open to brothers and sisters too, three therapists, and most students seeing a therapist for the first time. Exemplary.',
      ],
      [
        9,
        5,
        'Home visits before the first day, at a place the family chooses. This school goes to families instead of waiting for them.',
      ],
      [
        10,
        5,
        'A student-run credit union branch and paid hospital internships: partnerships that pay students and teach them.',
      ],
    ],
  },
  {
    school: 'Washington High School',
    reviewer: 'okafor',
    status: 'submitted',
    scores: [
      [
        1,
        2,
        'Requiring AP Language of every junior is bold, but with a 38% pass rate most students leave without the credit, and the college claim has no comparison group.',
      ],
      [
        2,
        2,
        'Hallway hosts and ending dress-code removals are good small steps. Chronic absence at 29% is still very high.',
      ],
      [3, 2, 'Two extra weeks and an open library help; neither is evaluated.'],
      [
        7,
        3,
        'The clinic is the strongest part of the application: real services, real numbers. I would still like to know waiting times.',
      ],
      [9, 2, 'Home visits are promising, but we are not told how many families were reached.'],
      [10, 2, 'Twenty-five internships in a school of 1,120 is a small share.'],
    ],
  },
  { school: 'Washington High School', reviewer: 'park', status: 'assigned', scores: [] },
  {
    school: 'Kennedy High School',
    reviewer: 'liu',
    status: 'submitted',
    scores: [
      [1, 4, 'Nineteen open AP courses plus Daley College, and advanced course-taking up from 31% to 58%. Impressive.'],
      [2, 4, 'A dean of culture instead of a dean of discipline says a lot.'],
      [3, 4, 'A ninth period that 640 students choose to attend: a school students want to stay in.'],
      [4, 4, 'Quarterly tasks scored together are good for students and for shared standards.'],
      [5, 4, 'A teacher-built menu and lab classrooms led by teachers. This staff is trusted.'],
      [7, 5, 'Daily advisory, and counseling waits down from three weeks to four days. Students are looked after.'],
    ],
  },
  {
    school: 'Kennedy High School',
    reviewer: 'bell',
    status: 'submitted',
    scores: [
      [
        1,
        4,
        'Open-enrollment AP at this scale in a neighborhood school is a real achievement; pass rates by group would make the case airtight.',
      ],
      [
        2,
        5,
        'Student-run mediation, peace circles and a 72% drop in suspensions. Kennedy rebuilt its culture, not just its policy.',
      ],
      [3, 4, 'Period 9 is well used, and robotics next to tutoring is a good mix.'],
      [4, 4, 'Students revise after feedback before the grade counts: assessment used for learning.'],
      [5, 4, 'I would love to visit one of those lab classrooms. Teachers leading teachers.'],
      [7, 5, 'The path from advisor to social worker clearly works: four days’ wait instead of three weeks.'],
    ],
  },
  {
    school: 'Kennedy High School',
    reviewer: 'moreno',
    status: 'draft',
    scores: [
      [1, 3, 'Participation gains are clear. Checking whether the dual-enrollment figure counts AP students twice.'],
      [2, 4, 'Strong culture section.'],
      [3, null, 'Period 9: need attendance by grade.'],
    ],
  },
  {
    school: 'Franklin High School',
    reviewer: 'okafor',
    status: 'submitted',
    scores: [
      [
        1,
        4,
        'No cutoff for early college, 212 students earning credit and 38 associate degrees in a school of under a thousand. The strongest access work I have read this year.',
      ],
      [
        2,
        3,
        'Family conferences before any removal and a steep drop in suspensions. The code of conduct still allows long suspensions for several offenses.',
      ],
      [
        4,
        3,
        'Capstones and passage portfolios are sound; calibrating twice a year is the minimum for this to be fair.',
      ],
      [
        6,
        3,
        'Good inclusion rates, and college courses for students with IEPs are notable. Their results in those courses are not given.',
      ],
      [7, 3, 'A well-staffed community school. The answer lists services rather than showing which students use them.'],
      [10, 2, 'A list of respected partners; only the pre-apprenticeship is described well enough to judge.'],
    ],
  },
  {
    school: 'Franklin High School',
    reviewer: 'park',
    status: 'submitted',
    scores: [
      [
        1,
        4,
        'Early college open to every junior, with clear numbers. Persistence data for the associate-degree graduates would help.',
      ],
      [
        2,
        3,
        'Suspensions down from 19% to 6% and the gap for students with IEPs closed. Culture beyond discipline is not described.',
      ],
      [4, 3, 'Good structure; examples of capstone topics would help.'],
      [
        6,
        4,
        'Most students with IEPs in general education most of the day, 31 in college courses, and shared planning for co-teachers.',
      ],
      [
        7,
        4,
        'A coordinator plus a university mental-health team in the building: strong, in a school where 90% of students qualify for free meals.',
      ],
      [10, 3, 'Pre-apprenticeships from eleventh grade are a real pathway; the other partnerships are thinner.'],
    ],
  },
  {
    school: 'Franklin High School',
    reviewer: 'liu',
    status: 'submitted',
    scores: [
      [
        1,
        5,
        'Thirty-eight associate degrees! Franklin treats every junior as college material, and the results prove it right.',
      ],
      [2, 4, 'Families at every discipline conference, and a building open until 8 p.m.: a true community school.'],
      [
        4,
        5,
        'Presenting to a community panel as ninth graders and again as seniors builds a confidence no test measures.',
      ],
      [6, 5, 'Students with IEPs taking college courses is something I have rarely seen. Beautiful work.'],
      [
        7,
        5,
        'Food, housing and health through one coordinator, and therapists in the building. Students can learn because their needs are met.',
      ],
      [10, 4, 'The union pre-apprenticeship gives students a paid path that does not require a four-year degree.'],
    ],
  },
  {
    school: 'Cedar Ridge High School',
    reviewer: 'okafor',
    status: 'submitted',
    scores: [
      [
        1,
        2,
        'Detracking mathematics is planned for next fall; I can only score what exists. Two new AP courses, with no enrollment data.',
      ],
      [
        2,
        2,
        'A points-and-store behavior system is close to the opposite of what this criterion asks for, and “referrals decreased” needs numbers.',
      ],
      [4, 2, 'Standards-based grading “in some departments” is too vague to evaluate.'],
      [5, 3, 'Weekly PLC time and conference funding are standard, but at least they are in place.'],
      [8, 2, 'ELD and sheltered classes are what the law requires; the heritage-speakers course is the only addition.'],
      [9, 1, 'Newsletters and two conferences a year are the minimum, not engagement.'],
    ],
  },
  {
    school: 'Cedar Ridge High School',
    reviewer: 'bell',
    status: 'draft',
    scores: [
      [1, 4, 'The plan to detrack ninth-grade Algebra is thoughtful and worth supporting.'],
      [5, 4, 'Weekly PLC time is protected.'],
      [8, 3, ''],
    ],
  },
  { school: 'Cedar Ridge High School', reviewer: 'moreno', status: 'assigned', scores: [] },
  {
    school: 'Sunnyside High School',
    reviewer: 'park',
    status: 'submitted',
    scores: [
      [
        1,
        3,
        'Open AP with exam fees paid, and a dual-credit Mexican American Studies course with the university: good. Results by course are missing.',
      ],
      [2, 3, 'No expulsions last year is notable; the Familia advisories are described only briefly.'],
      [3, 2, 'Saturday enrichment is welcome, but 250 of 2,000 students is a small share.'],
      [6, 3, 'Forty-five students with IEPs in AP is promising; how they are supported there is not said.'],
      [
        8,
        3,
        'A full Spanish for Native Speakers sequence through AP Literature is a strength; reclassification rates would show whether English learners progress.',
      ],
      [10, 2, 'The Pima certificates are useful; the mariachi program is a point of pride rather than a partnership.'],
    ],
  },
  {
    school: 'Sunnyside High School',
    reviewer: 'liu',
    status: 'draft',
    scores: [
      [1, 5, 'Paying every AP exam fee removes a barrier many schools ignore.'],
      [2, 5, 'No expulsions at all, in a school of two thousand!'],
    ],
  },
  { school: 'Sunnyside High School', reviewer: 'bell', status: 'assigned', scores: [] },
];

/** A review's recommendation follows its mean score on the 1–5 scale. */
export function recommendationFor(meanScore: number): 'gold' | 'silver' | 'not_recommended' {
  if (meanScore >= 4) return 'gold';
  if (meanScore >= 2.5) return 'silver';
  return 'not_recommended';
}
