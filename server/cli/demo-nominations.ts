// Nominations in the demo, for this year's cycle (closed: its schools applied, or not) and for
// next year's open call, and the schools that have started next year's application. The people
// and their words are made up for the demo.
import type { Relationship } from '../../models/schema.js';
import type { DemoApplicant } from './demo-data.js';

export interface DemoNomination {
  school: string;
  district: string;
  city: string;
  state: string;
  nominator: string;
  email: string;
  relationship: Relationship;
  reason: string;
  /** Positions of the criteria the nominator says the school shows. */
  criteria?: number[];
  /** The school's address the nominator gave: the school gets an invitation to apply. */
  contactEmail?: string;
  status?: 'confirmed' | 'unconfirmed' | 'spam';
  daysAgo: number;
}

/** This year's, sent before nominations closed (50 days ago). */
export const DEMO_NOMINATIONS_THIS_YEAR: DemoNomination[] = [
  {
    school: 'Madison High School',
    district: 'San Diego Unified',
    city: 'San Diego',
    state: 'CA',
    nominator: 'Graciela Montoya',
    email: 'graciela.montoya@example.com',
    relationship: 'parent',
    reason:
      'My son arrived from Tijuana in tenth grade speaking almost no English. Madison put him in the dual-language program instead of a remedial class, and this year he is taking AP Biology in Spanish and English. The teachers call me in Spanish, every time.',
    criteria: [1, 8],
    daysAgo: 96,
  },
  {
    school: 'Madison High School',
    district: 'San Diego Unified',
    city: 'San Diego',
    state: 'CA',
    nominator: 'Kevin Tran',
    email: 'kevin.tran@example.net',
    relationship: 'student',
    reason:
      'I graduated from Madison two years ago. I was not an “IB kid” until they dropped the GPA requirement; I took three IB classes and I am now at UC San Diego studying chemistry.',
    criteria: [1],
    daysAgo: 81,
  },
  {
    school: 'Jefferson High School',
    district: 'Denver Public Schools',
    city: 'Denver',
    state: 'CO',
    nominator: 'Paul Andersen',
    email: 'paul.andersen@example.org',
    relationship: 'district_staff',
    reason:
      'As the district’s discipline data analyst I watched Jefferson’s suspensions fall faster than any other high school’s in Denver, without the school becoming less safe. Other principals now visit to see its restorative circles.',
    criteria: [2],
    daysAgo: 104,
  },
  {
    school: 'Washington High School',
    district: 'Milwaukee Public Schools',
    city: 'Milwaukee',
    state: 'WI',
    nominator: 'Rev. Harold Banks',
    email: 'harold.banks@example.org',
    relationship: 'community',
    reason:
      'Our congregation sits two blocks from Washington. Since the clinic opened, families who had no doctor bring their children there, and the school’s hallway hosts know the young people in our youth group by name.',
    criteria: [2, 7],
    daysAgo: 88,
  },
  {
    school: 'Franklin High School',
    district: 'Baltimore City Public Schools',
    city: 'Baltimore',
    state: 'MD',
    nominator: 'Erica Lowe',
    email: 'erica.lowe@example.com',
    relationship: 'teacher',
    reason:
      'I teach chemistry at Franklin. Watching a student who failed ninth-grade science walk across the community college stage with an associate degree is why I stay. This school believes in its kids and builds the supports to back it up.',
    criteria: [1, 7],
    daysAgo: 75,
  },
  {
    school: 'Garfield High School',
    district: 'Seattle Public Schools',
    city: 'Seattle',
    state: 'WA',
    nominator: 'Amira Hassan',
    email: 'amira.hassan@example.net',
    relationship: 'student',
    reason:
      'In ninth grade I was in the same honors English class as everyone else, and nobody told me it was not for me.',
    daysAgo: 70,
  },
  {
    school: 'Chavez High School',
    district: 'Houston ISD',
    city: 'Houston',
    state: 'TX',
    nominator: 'Rosa Villarreal',
    email: 'rosa.villarreal@example.com',
    relationship: 'parent',
    reason:
      'Chavez has a health clinic, a food pantry and counselors who speak Spanish. My daughter is the first in our family to take AP classes. I do not know if the school knows about this award, so I am writing to you.',
    criteria: [7, 9],
    contactEmail: 'principal@chavez-high-school.example.org',
    daysAgo: 64,
  },
  {
    school: 'Best High School',
    district: '',
    city: 'Dallas',
    state: 'TX',
    nominator: 'Essay Writers Online',
    email: 'offers@essays-fast.example.com',
    relationship: 'other',
    reason: 'Top quality essays for every student, 24/7, discount code BEST20.',
    status: 'spam',
    daysAgo: 58,
  },
];

/** Next year's, during its open call (it opened 30 days ago). */
export const DEMO_NOMINATIONS_NEXT_YEAR: DemoNomination[] = [
  {
    school: 'Eastside High School',
    district: 'Alachua County Public Schools',
    city: 'Gainesville',
    state: 'FL',
    nominator: 'Monica Reyes',
    email: 'monica.reyes@example.com',
    relationship: 'parent',
    reason:
      'Eastside’s IB program used to be a school inside the school. Now any student can take IB English, and my twins, one with an IEP, sit in the same class with the support he needs.',
    criteria: [1, 6],
    contactEmail: 'principal@eastside-high-school.example.org',
    daysAgo: 21,
  },
  {
    school: 'Eastside High School',
    district: 'Alachua County Public Schools',
    city: 'Gainesville',
    state: 'FL',
    nominator: 'Aaron Fields',
    email: 'aaron.fields@example.org',
    relationship: 'teacher',
    reason:
      'I teach history at Eastside. Our teachers rewrote the ninth-grade curriculum together over two summers so that every student could take it at the honors level.',
    criteria: [1, 5],
    daysAgo: 12,
  },
  {
    school: 'Skyline High School',
    district: 'Oakland Unified',
    city: 'Oakland',
    state: 'CA',
    nominator: 'Luis Ortega',
    email: 'luis.ortega@example.net',
    relationship: 'community',
    reason:
      'I run the youth soccer league in the hills. Skyline’s wellness center and its newcomer program are the reason several of our players stayed in school.',
    criteria: [7, 8],
    daysAgo: 17,
  },
  {
    school: 'Wakefield High School',
    district: 'Arlington Public Schools',
    city: 'Arlington',
    state: 'VA',
    nominator: 'Dr. Naomi Feld',
    email: 'naomi.feld@example.org',
    relationship: 'district_staff',
    reason:
      'Wakefield’s Cohort program has brought hundreds of Black and Latino young men into AP courses over twenty years, with mentoring and a Saturday study group that the students now run themselves.',
    criteria: [1, 3],
    daysAgo: 9,
  },
  {
    school: 'Brighton High School',
    district: 'Boston Public Schools',
    city: 'Boston',
    state: 'MA',
    nominator: 'Jordan Lee',
    email: 'jordan.lee@example.net',
    relationship: 'student',
    reason: 'Brighton’s teachers stay after school every day for anyone who needs help.',
    status: 'unconfirmed',
    daysAgo: 1,
  },
];

/** Schools that have started next year's application and not finished it. */
export const DEMO_NEXT_YEAR_DRAFTS: DemoApplicant[] = [
  {
    name: 'Skyline High School',
    district: 'Oakland Unified',
    city: 'Oakland',
    state: 'CA',
    enrollment: 1700,
    frlPercent: 62,
    iepPercent: 12,
    districtIepPercent: 13,
    contact: { name: 'Priya Desai', email: 'priya.desai@skyline-high-school.example.org' },
    answers: {
      1: 'Every tenth grader now takes Chemistry in the Community with the same teachers, and the honors option is open to all. Enrollment in AP Chemistry doubled in two years.',
      2: 'Our restorative justice coordinator leads circles after every serious conflict.',
      7: 'A wellness center run with La Clínica de la Raza is open every school day, with a therapist who speaks Spanish and one who speaks Mam.',
    },
  },
  {
    name: 'Norview High School',
    district: 'Norfolk Public Schools',
    city: 'Norfolk',
    state: 'VA',
    enrollment: 1560,
    frlPercent: 70,
    iepPercent: 13,
    districtIepPercent: 14,
    contact: { name: 'James Whitaker', email: 'james.whitaker@norview-high-school.example.org' },
    answers: {
      1: 'Norview’s early college program with Tidewater Community College is open to every student who completes ninth grade.',
    },
  },
];
