// Last year's honorees of the demo program: what each school wrote, and what the program published
// about it. The schools are named after real ones, but every figure and story here is made up for
// the demo. Highlights quote the first sentence of the answers they name.
import type { DemoSchool } from './demo-data.js';

export interface DemoHonoree extends DemoSchool {
  level: 'gold' | 'silver';
  citation: string;
  /** Paragraphs separated by a blank line, as admins type them. */
  profile: string;
  /** Criterion positions whose answers the public page quotes. */
  highlights: number[];
}

export const DEMO_HONOREES: DemoHonoree[] = [
  {
    name: 'Roosevelt High School',
    district: 'Portland Public Schools',
    city: 'Portland',
    state: 'OR',
    enrollment: 1580,
    frlPercent: 71,
    iepPercent: 16,
    level: 'gold',
    citation:
      'Roosevelt detracked ninth grade, opened a health center on campus, and doubled the share of students of color in advanced courses.',
    profile:
      'When Roosevelt’s teachers looked at who sat in their advanced classes, they saw a school within a school. So they stopped sorting ninth graders: every freshman now takes the same English and biology courses, and honors credit is earned by contract, not by placement.\n\n' +
      'The change came with support. A summer bridge taught by fall teachers, a daily “Rider Time” for tutoring and labs, and a health center where two therapists work full time mean that students who once fell behind now have somewhere to turn.\n\n' +
      'Four years on, 47% of Black and Latino juniors take at least one AP or dual-credit course, up from 22%.',
    highlights: [1, 7, 9],
    answers: {
      1: 'Every ninth grader takes the same English and biology courses, in mixed classes with an honors option earned by contract rather than by placement. Since the change, the share of Black and Latino juniors in at least one AP or dual-credit course rose from 22% to 47%.',
      2: 'Our discipline policy starts with a conversation, not a removal. Out-of-school suspensions fell by two thirds in four years, and Black students went from 4.1 times as likely to be suspended as their peers to 1.3 times.',
      3: 'A summer bridge for incoming ninth graders, taught by the teachers they will have in the fall, enrolls 180 students a year. During the year, Rider Time gives every student 40 minutes four days a week for tutoring, labs or credit recovery.',
      7: 'A school-based health center on campus offers primary care, dental visits and counseling at no charge to families. Last year it recorded 2,300 visits; two therapists and a nurse practitioner work on site full time.',
      9: 'Family nights run in English, Spanish, Vietnamese and Somali, with dinner and child care. Our Family Advisory Council reviews the budget each spring; last year it chose to fund the ninth-grade bridge.',
      10: 'The St. Johns community center and Portland Community College give 90 juniors and seniors paid summer internships.',
    },
  },
  {
    name: 'Central High School',
    district: 'Little Rock School District',
    city: 'Little Rock',
    state: 'AR',
    enrollment: 2450,
    frlPercent: 54,
    iepPercent: 11,
    level: 'gold',
    citation:
      'Central opened all 28 of its AP courses to any student who wants them and pays every exam fee, so that its advanced classes look like its hallways.',
    profile:
      'Central High School carries a weight of history few schools share. Its staff decided that the best way to honor it was to make sure no door inside the building stays closed: there are no prerequisites for any of its 28 AP courses, and the school pays every exam fee.\n\n' +
      'Ninth graders all take Pre-AP English, world history and biology. Teachers plan in subject teams during a common period, and a Saturday “AP Academy” helps students who are the first in their families to take college-level work.',
    highlights: [1, 5],
    answers: {
      1: 'Any student may enroll in any of our 28 AP courses, and the school pays every exam fee. All ninth graders take Pre-AP English, world history and biology, and Black students now make up 49% of AP enrollment, close to their 55% share of the school.',
      2: 'Student-led Tiger Councils in each grade meet with administrators every month. We ended suspensions for tardiness and dress code in 2021.',
      3: 'A free Saturday AP Academy runs from October to May. About 400 students attend at least five sessions.',
      4: 'AP teachers give practice free-response questions every three weeks and regroup students by what they missed, not by their last grade.',
      5: 'Subject teams meet daily in a common planning period. Teachers new to AP attend summer institutes paid for by the school, and twelve teachers are now official AP readers.',
      9: 'The PTSA runs a parent mentoring program that pairs families new to Central with families who know it well.',
    },
  },
  {
    name: 'Lincoln Park Academy',
    district: 'St. Lucie Public Schools',
    city: 'Fort Pierce',
    state: 'FL',
    enrollment: 1390,
    frlPercent: 48,
    iepPercent: 9,
    level: 'silver',
    citation:
      'Lincoln Park Academy replaced its entrance test with a lottery weighted toward its own neighborhood, and kept its IB results as strong as before.',
    profile:
      'Lincoln Park Academy was long known as a selective magnet that few students from its own Fort Pierce neighborhood attended. Six years ago it replaced the entrance test with a lottery that gives half the seats to students from the surrounding zip codes.\n\n' +
      'The school now runs a middle-years program that prepares every student for the IB Diploma, and its diploma pass rate stayed above 80%. Teachers credit a culture of feedback: students present their work often, and revise it just as often.',
    highlights: [1, 4],
    answers: {
      1: 'We replaced our entrance test with a lottery that reserves half of all seats for students from the surrounding neighborhood. Every student follows the IB Middle Years Programme in ninth and tenth grade, and the IB Diploma pass rate has stayed above 80%.',
      2: 'Our honor code was written by students, and a student panel hears most violations.',
      4: 'Every course ends with a performance task that students present. In tenth grade, each student completes a personal project with a written reflection, assessed against the IB criteria.',
      5: 'New teachers are paired with an IB-trained mentor, and the school pays for IB workshops for every teacher within two years of hiring.',
      8: 'English learners take their IB courses with an ESOL co-teacher, and our Haitian Creole–speaking staff translate for families at every conference.',
      10: 'The Harbor Branch Oceanographic Institute hosts 30 of our students every summer for research projects.',
    },
  },
  {
    name: 'Dobbs Ferry High School',
    district: 'Dobbs Ferry UFSD',
    city: 'Dobbs Ferry',
    state: 'NY',
    enrollment: 520,
    frlPercent: 14,
    iepPercent: 15,
    level: 'gold',
    citation:
      'Dobbs Ferry made the IB Diploma open to every eleventh grader and gave students with IEPs the support to take it.',
    profile:
      'A small school with a big idea: every student can do the work of the International Baccalaureate. Dobbs Ferry dropped all prerequisites for IB courses in 2016 and has since added the support that makes the promise real.\n\n' +
      'Students with IEPs take IB courses with co-teachers, and an extended IB period gives everyone time to finish their extended essay with a teacher nearby. The school measures itself by who takes the courses as well as who passes.',
    highlights: [1, 6],
    answers: {
      1: 'All eleventh graders may take any IB course, and 83% take at least one. There are no grade or teacher-recommendation prerequisites. Students who take a single IB course earn the same certificate credit as diploma candidates.',
      2: 'Advisories of twelve students meet twice a week. Students helped write our cell phone and attendance policies.',
      3: 'An extended IB period on Tuesdays and Thursdays gives students time to work on their extended essay with a teacher in the room.',
      4: 'Internal IB assessments, oral presentations and lab investigations count for as much as exams in our grading policy.',
      5: 'Teachers receive two days of IB training each year and meet across departments to plan the Theory of Knowledge course together.',
      6: 'Students with IEPs take IB courses with a co-teacher, and 61% of them earned at least one IB certificate last year.',
    },
  },
  {
    name: 'Mountain View High School',
    district: 'Mesa Public Schools',
    city: 'Mesa',
    state: 'AZ',
    enrollment: 3100,
    frlPercent: 41,
    iepPercent: 12,
    level: 'silver',
    citation:
      'Mountain View built an extended school day around students who were failing, and turned its biggest freshman class into its most successful one.',
    profile:
      'With more than three thousand students, Mountain View could easily lose track of a ninth grader who falls behind. Instead it built a “Toro Hour” into every afternoon: students with a failing grade spend it with their own teachers, and everyone else chooses clubs, labs or study halls.\n\n' +
      'Ninth-grade course failures fell by half in two years. The school’s counseling team added a wellness center that any student can visit between classes.',
    highlights: [3, 7],
    answers: {
      1: 'Honors sections in ninth grade are open to any student who asks, and counselors invite every student with a B or better to try one.',
      2: 'A ninth-grade academy keeps freshmen on one wing of the campus with the same team of teachers.',
      3: 'A daily Toro Hour gives students with a failing grade time with their own teachers, and everyone else a choice of clubs, labs or study halls. Ninth-grade course failures fell from 31% to 15% in two years.',
      6: 'Students with IEPs are scheduled into Toro Hour with their case manager at least twice a week.',
      7: 'Our wellness center, staffed by a counselor and a social worker, is open all day to any student who needs a break or someone to talk to; it logged 4,100 visits last year.',
      10: 'Local businesses and Mesa Community College sponsor our career pathways in health sciences and construction.',
    },
  },
  {
    name: 'Hillside High School',
    district: 'Durham Public Schools',
    city: 'Durham',
    state: 'NC',
    enrollment: 1290,
    frlPercent: 78,
    iepPercent: 14,
    level: 'silver',
    citation:
      'Hillside joined its IB program to the community around it, with teachers who lead their own learning and families who shape the school.',
    profile:
      'Hillside is one of the oldest historically Black high schools in North Carolina, and its IB program has become a point of pride for its neighborhood. Any student may take IB courses, and the school’s teachers run their own professional learning.\n\n' +
      'What stands out is the partnership with families. A parent council meets monthly with the principal, and its members helped design the school’s new advisory program.\n\n' +
      'Reviewers noted that the school’s results for students with IEPs have room to grow, and Hillside names that as its next goal.',
    highlights: [5, 9],
    answers: {
      1: 'Any student may take IB courses, and the IB Diploma is offered alongside career pathways in engineering and the arts.',
      2: 'Our new advisory program was designed with families and students; every adult in the building advises a group of 15.',
      5: 'Teachers lead their own professional learning through a weekly “Hornet Lab”, where they visit each other’s classes and plan together. Two-thirds of our teachers have stayed five years or more.',
      7: 'A partnership with Duke Health brings a nurse and a mental health clinician to the school every day.',
      9: 'A parent council of 30 members meets with the principal every month and reviews the school improvement plan before it goes to the district. Meetings are held in the evening, with dinner and interpretation in Spanish.',
      10: 'North Carolina Central University students tutor our ninth graders twice a week.',
    },
  },
  {
    name: 'Boulder Valley High School',
    district: 'Boulder Valley School District',
    city: 'Boulder',
    state: 'CO',
    enrollment: 1720,
    frlPercent: 27,
    iepPercent: 12,
    level: 'gold',
    citation:
      'Boulder Valley replaced most of its final exams with projects that students defend, and built its English learner program into every department.',
    profile:
      'Boulder Valley asks students to show what they know. Most final exams were replaced three years ago by projects students present and defend, scored by teachers who calibrate together every semester.\n\n' +
      'The school’s English learners, about one in six students, are taught by teachers who all hold an ESL endorsement; the school paid for the coursework. Students learning English now pass their core classes at nearly the same rate as their classmates.',
    highlights: [4, 8],
    answers: {
      1: 'Ninth- and tenth-grade math is taught in mixed-level classes using a problem-based curriculum, and every student reaches precalculus by twelfth grade.',
      2: 'Students lead restorative conversations after conflicts, with a trained adult present.',
      4: 'We replaced most final exams with projects that students present and defend before their teachers and classmates. Teachers score them together twice a year to keep the standard consistent.',
      5: 'Teachers in every department lead one professional learning session a year, and planning time is protected from meetings.',
      6: 'Students with IEPs take the same projects as their classmates, with accommodations planned by the co-teacher and the student together.',
      8: 'Every core teacher in the school holds an ESL endorsement, paid for by the school. English learners now pass their core classes at 91% of the rate of their classmates, up from 64%.',
    },
  },
  {
    name: 'South Side High School',
    district: 'Rockville Centre UFSD',
    city: 'Rockville Centre',
    state: 'NY',
    enrollment: 1080,
    frlPercent: 17,
    iepPercent: 13,
    level: 'gold',
    citation:
      'South Side ended tracking step by step over a decade, and now nearly every graduate earns an IB diploma or certificate.',
    profile:
      'South Side did not detrack overnight. Starting with ninth-grade English and social studies, then math, then the sciences, the school spent a decade bringing every student into the same demanding courses.\n\n' +
      'The results speak for themselves: nearly every graduate now earns an IB diploma or certificate, and the gap between Black and Latino students and their classmates in IB participation has closed.\n\n' +
      'Support classes, “math workshop” and teacher teams that plan every unit together made the change last.',
    highlights: [1, 3, 6],
    answers: {
      1: 'Over ten years we brought every student into the same accelerated curriculum, one subject at a time, ending with the IB in eleventh and twelfth grade. Today 96% of graduates earn an IB diploma or certificate, and Black and Latino students take IB courses at the same rate as their classmates.',
      2: 'We have no in-school suspension room. Conflicts are handled by deans who know every student in their grade.',
      3: 'Students who need it take an every-other-day math workshop alongside their regular class, a second dose of instruction with the same teacher.',
      4: 'IB internal assessments, oral exams and lab reports make up at least a third of every course grade.',
      5: 'Teacher teams plan each unit together and look at student work from every section, so the same standard holds in every class.',
      6: 'Students with IEPs are in the same classes as everyone else, with co-teachers and a daily support period, and 74% of them earned an IB certificate last year.',
    },
  },
  {
    name: 'Casco Bay High School',
    district: 'Portland Public Schools',
    city: 'Portland',
    state: 'ME',
    enrollment: 390,
    frlPercent: 44,
    iepPercent: 18,
    level: 'silver',
    citation:
      'Casco Bay welcomes newcomers from two dozen countries into expeditions that end with public presentations to the city.',
    profile:
      'At Casco Bay, learning happens in expeditions: semester-long investigations that end with students presenting their findings to city officials, scientists or the public. A third of the school’s students are newcomers to the United States, and they present with everyone else.\n\n' +
      'Each student keeps a portfolio from ninth grade on and defends it to pass to eleventh grade and again to graduate.',
    highlights: [4, 8],
    answers: {
      1: 'Every student takes part in the same learning expeditions; there are no separate tracks or honors classes.',
      2: 'Crews of 12 students stay with the same adviser for four years and start each day together.',
      4: 'Each student keeps a portfolio from ninth grade on and defends it before a panel of teachers, family members and peers to move on to eleventh grade and again to graduate. Final expedition products are presented to outside audiences.',
      8: 'About a third of our students are newcomers from more than 20 countries. They join expeditions from their first semester with a language teacher in the room, and interpreters attend every family conference.',
      9: 'Families are invited to every expedition presentation and portfolio defense, with interpreters.',
      10: 'Partners such as the Gulf of Maine Research Institute and the city’s planning department are the audience and the experts for our expeditions.',
    },
  },
  {
    name: 'Edcouch-Elsa High School',
    district: 'Edcouch-Elsa ISD',
    city: 'Edcouch',
    state: 'TX',
    enrollment: 1260,
    frlPercent: 93,
    iepPercent: 10,
    level: 'silver',
    citation:
      'Edcouch-Elsa turned its high school into an early college for everyone, in a community where most families work in agriculture.',
    profile:
      'In the Rio Grande Valley, many Edcouch-Elsa students are the children of farmworkers, and few families had sent a child to college. The district made its high school an early college for all students: everyone takes dual-credit courses, starting in ninth grade.\n\n' +
      'A summer program for students whose families migrate for work keeps them on track, and family nights in Spanish explain each step of the college process.',
    highlights: [1, 8, 9],
    answers: {
      1: 'Every student is enrolled in our early college program, starting with dual-credit courses in ninth grade. Last year 62% of graduates earned at least 30 college credits, and 71 earned an associate degree.',
      2: 'Teachers greet students at the door every period, and our “Yellowjacket Family” advisory meets daily.',
      3: 'A summer session for students whose families migrate for farm work lets them finish courses they could not complete during the year.',
      8: 'Spanish is treated as an asset: students can earn college credit in Spanish, and 140 seniors earned the Seal of Biliteracy last year. English learners take dual-credit courses with bilingual tutors.',
      9: 'Family nights in Spanish walk parents through every step of college applications, financial aid and dual credit; 600 parents came to at least one last year.',
      10: 'South Texas College teaches dual-credit courses on our campus and trains our teachers to teach them.',
    },
  },
  {
    name: 'Rainier Beach High School',
    district: 'Seattle Public Schools',
    city: 'Seattle',
    state: 'WA',
    enrollment: 720,
    frlPercent: 76,
    iepPercent: 17,
    level: 'gold',
    citation:
      'Rainier Beach made the IB Diploma open to every student and rebuilt its school day around the support they need to succeed in it.',
    profile:
      'Rainier Beach was once a school families left. Its community fought to keep it open, and in 2013 it became one of the first schools in the country to offer the IB Diploma to every student, without prerequisites.\n\n' +
      'Enrollment has since grown by half, and on-time graduation rose from 56% to 87%. An extended day, teachers who design the school’s courses together and a health clinic on campus carry the work.\n\n' +
      'The school’s partners, from a neighborhood arts organization to the University of Washington, are part of the daily life of the building.',
    highlights: [1, 3, 7],
    answers: {
      1: 'Since 2013 the IB Diploma has been open to every student, without prerequisites. Eighty percent of juniors take at least one IB course, and on-time graduation rose from 56% to 87%.',
      2: 'We replaced most suspensions with restorative conferences and a student-led peace circle.',
      3: 'An extended day with a seventh period gives IB students time for the extended essay and tutoring, and a summer bridge prepares incoming ninth graders.',
      5: 'Teachers design the IB courses together in summer paid institutes, and every teacher has a period a day for shared planning.',
      7: 'A health clinic on campus, run by a community health center, provides medical, dental and mental health care to any student.',
      10: 'Partners include the University of Washington, which places student teachers and researchers in the school, and a neighborhood arts organization that teaches music and film.',
    },
  },
  {
    name: 'Oakland Technical High School',
    district: 'Oakland Unified',
    city: 'Oakland',
    state: 'CA',
    enrollment: 2100,
    frlPercent: 51,
    iepPercent: 13,
    level: 'silver',
    citation:
      'Oakland Tech opened its engineering and health academies to every student who applies and gave students with disabilities a place in each of them.',
    profile:
      'Oakland Tech’s career academies, in engineering, health, and computer science, were once reached mostly by students who knew to apply early. The school now admits everyone who applies, by lottery when needed, and reserves places for students with IEPs.\n\n' +
      'An advisory period and a wellness center give students somewhere to turn, and the academies bring in partners from local hospitals and tech companies.',
    highlights: [1, 6],
    answers: {
      1: 'Our engineering, health and computer science academies admit every student who applies, by lottery if needed. The share of Black and Latino students in the engineering academy rose from 19% to 44%.',
      2: 'A student equity team reviews discipline and attendance data with the administration every quarter.',
      3: 'Academy students take a summer internship between eleventh and twelfth grade, paid by our partners.',
      6: 'Each academy reserves places for students with IEPs, and a special educator is part of every academy team. Students with IEPs now graduate from academies at 88% of the rate of their peers.',
      7: 'A wellness center on campus offers counseling, health education and referrals; it is open during lunch and after school.',
      10: 'Local hospitals and technology companies mentor academy students and host summer internships.',
    },
  },
];
