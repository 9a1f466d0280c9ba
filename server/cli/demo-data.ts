// The demo program: the real "Schools of Opportunity" rules from docs/DOMAIN.md.
// Criteria 7–10 are worded for the demo; the program has not confirmed their wording.
import type { Translations } from '../../models/programs.js';

export const DEMO_PROGRAM = {
  slug: 'schools-of-opportunity',
  name: 'Schools of Opportunity',
  timeZone: 'America/Denver',
  description:
    'Recognizing public high schools that close opportunity gaps: schools that give every student ' +
    'rich learning opportunities, a healthy culture, and the support to succeed.',
  // The demo shows Spanish pages with the program's own words in Spanish too.
  translations: {
    es: {
      description:
        'Reconoce a las escuelas secundarias públicas que cierran las brechas de oportunidades: escuelas que ' +
        'dan a cada estudiante oportunidades de aprendizaje ricas, un ambiente sano y el apoyo para salir adelante.',
    },
  },
};

export const DEMO_CRITERIA = [
  {
    title: 'Broadening and enriching learning opportunities',
    guidance:
      'How the school gives every student access to its richest courses and experiences, with less tracking and detracked classes.',
    evidenceRequested: 'Course guide; enrollment in advanced courses by student group; master schedule.',
    translations: {
      es: {
        title: 'Ampliar y enriquecer las oportunidades de aprendizaje',
        guidance:
          'Cómo la escuela da a cada estudiante acceso a sus cursos y experiencias más enriquecedores, con menos separación por niveles y clases sin agrupar por nivel.',
        evidenceRequested: 'Guía de cursos; inscripción en cursos avanzados por grupo de estudiantes; horario general.',
      },
    },
    required: true,
  },
  {
    title: 'A healthy school culture',
    guidance: 'Fair, restorative discipline; a diverse and welcoming school; students who feel they belong.',
    evidenceRequested: 'Code of conduct; discipline data by student group; climate survey results.',
    translations: {
      es: {
        title: 'Un ambiente escolar sano',
        guidance:
          'Disciplina justa y restaurativa; una escuela diversa y acogedora; estudiantes que sienten que pertenecen.',
        evidenceRequested:
          'Código de conducta; datos de disciplina por grupo de estudiantes; resultados de encuestas sobre el ambiente escolar.',
      },
    },
    required: true,
  },
  {
    title: 'More and better learning time',
    guidance: 'Extended days or years, summer programs, and time used well for students who need it most.',
    evidenceRequested: 'Bell schedule; calendar; participation in extended-learning programs.',
    translations: {
      es: {
        title: 'Más y mejor tiempo de aprendizaje',
        guidance:
          'Jornadas o años escolares extendidos, programas de verano y tiempo bien usado para quienes más lo necesitan.',
        evidenceRequested: 'Horario de clases; calendario; participación en programas de aprendizaje extendido.',
      },
    },
    required: false,
  },
  {
    title: 'A variety of assessments that respond to students',
    guidance: 'Portfolios, performance tasks and exhibitions alongside tests, used to adapt teaching.',
    evidenceRequested: 'Sample performance tasks; grading policy; examples of student work.',
    translations: {
      es: {
        title: 'Evaluaciones variadas que responden a los estudiantes',
        guidance:
          'Portafolios, tareas de desempeño y presentaciones junto con los exámenes, usados para adaptar la enseñanza.',
        evidenceRequested:
          'Ejemplos de tareas de desempeño; política de calificaciones; ejemplos de trabajos de estudiantes.',
      },
    },
    required: false,
  },
  {
    title: 'Supporting teachers as professionals',
    guidance: 'Collaboration time, mentoring, and a voice for teachers in decisions.',
    evidenceRequested: 'Professional learning calendar; teacher retention data.',
    translations: {
      es: {
        title: 'Apoyar a los maestros como profesionales',
        guidance: 'Tiempo para colaborar, mentoría y voz para los maestros en las decisiones.',
        evidenceRequested: 'Calendario de formación profesional; datos de permanencia de los maestros.',
      },
    },
    required: false,
  },
  {
    title: 'Students with disabilities: challenge and support',
    guidance: 'Students with IEPs learn in general classrooms with high expectations and real support.',
    evidenceRequested: 'Placement data for students with IEPs; co-teaching schedule.',
    translations: {
      es: {
        title: 'Estudiantes con discapacidades: exigencia y apoyo',
        guidance: 'Los estudiantes con IEP aprenden en aulas generales con altas expectativas y apoyo real.',
        evidenceRequested: 'Datos de ubicación de los estudiantes con IEP; horario de coenseñanza.',
      },
    },
    required: false,
  },
  {
    title: 'Health and psychological supports',
    guidance: 'Counselors, nurses and mental-health services that reach every student.',
    evidenceRequested: 'Staffing ratios; description of services; referral data.',
    translations: {
      es: {
        title: 'Apoyo para la salud física y emocional',
        guidance: 'Consejeros, enfermeros y servicios de salud mental que llegan a cada estudiante.',
        evidenceRequested: 'Proporción de personal; descripción de los servicios; datos de derivaciones.',
      },
    },
    required: false,
  },
  {
    title: 'Language-minority students',
    guidance: 'Students learning English reach the full curriculum while their home languages are valued.',
    evidenceRequested: 'Program description; course-taking data for English learners.',
    translations: {
      es: {
        title: 'Estudiantes de minorías lingüísticas',
        guidance:
          'Los estudiantes que aprenden inglés acceden a todo el plan de estudios y se valoran sus idiomas maternos.',
        evidenceRequested: 'Descripción del programa; datos de cursos de los estudiantes que aprenden inglés.',
      },
    },
    required: false,
  },
  {
    title: 'Family and community engagement',
    guidance: 'Families are partners: welcomed, informed in their languages, and involved in decisions.',
    evidenceRequested: 'Family-engagement plan; meeting schedule; translated materials.',
    translations: {
      es: {
        title: 'Participación de las familias y la comunidad',
        guidance: 'Las familias son aliadas: bienvenidas, informadas en sus idiomas e involucradas en las decisiones.',
        evidenceRequested: 'Plan de participación familiar; calendario de reuniones; materiales traducidos.',
      },
    },
    required: false,
  },
  {
    title: 'Community partnerships and outreach',
    guidance: 'Partnerships with local organizations that widen what students can do and learn.',
    evidenceRequested: 'List of partners; agreements; examples of joint programs.',
    translations: {
      es: {
        title: 'Alianzas y acercamiento a la comunidad',
        guidance: 'Alianzas con organizaciones locales que amplían lo que los estudiantes pueden hacer y aprender.',
        evidenceRequested: 'Lista de aliados; acuerdos; ejemplos de programas conjuntos.',
      },
    },
    required: false,
  },
];

/** The real program's eligibility rules (DOMAIN.md), as questions plus automatic rules. */
export const DEMO_ELIGIBILITY_QUESTIONS = [
  {
    key: 'school_type',
    prompt: 'What kind of school is it?',
    help: 'Public and public charter high schools are eligible.',
    translations: {
      es: {
        prompt: '¿Qué tipo de escuela es?',
        help: 'Son elegibles las escuelas secundarias públicas y las escuelas públicas chárter.',
        options: 'Pública\nChárter\nPrivada\nOtra',
      },
    } as Translations,
    kind: 'choice' as const,
    options: ['public', 'charter', 'private', 'other'],
  },
  {
    key: 'district_iep_percent',
    prompt: 'What share of students in your district have an IEP (in percent)?',
    help: "Your school's share may be at most 2 points below the district's.",
    translations: {
      es: {
        prompt: '¿Qué porcentaje de los estudiantes de su distrito escolar tiene un IEP?',
        help: 'El porcentaje de su escuela puede estar como máximo 2 puntos por debajo del de su distrito escolar.',
      },
    } as Translations,
    kind: 'number' as const,
    options: [],
  },
  {
    key: 'zero_tolerance',
    prompt: 'Does the school use zero-tolerance discipline policies?',
    help: 'Zero-tolerance discipline disqualifies a school.',
    translations: {
      es: {
        prompt: '¿Aplica la escuela políticas de disciplina de tolerancia cero?',
        help: 'La disciplina de tolerancia cero descalifica a una escuela.',
      },
    } as Translations,
    kind: 'yes_no' as const,
    options: [],
  },
  {
    key: 'restricts_access',
    prompt: 'Does the school restrict access to its most challenging courses (for example by test scores or tracking)?',
    help: 'Restricting access to the best opportunities disqualifies a school.',
    translations: {
      es: {
        prompt:
          '¿Limita la escuela el acceso a sus cursos más exigentes (por ejemplo, según los resultados de exámenes o la separación por niveles)?',
        help: 'Limitar el acceso a las mejores oportunidades descalifica a una escuela.',
      },
    } as Translations,
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
    translations: { es: { message: 'Solo son elegibles las escuelas públicas y chárter.' } },
  },
  {
    subject: 'school.level',
    operator: 'one_of' as const,
    values: ['high'],
    message: 'Only high schools are eligible.',
    translations: { es: { message: 'Solo son elegibles las escuelas secundarias.' } },
  },
  {
    subject: 'school.frlPercent',
    operator: 'at_least' as const,
    values: ['10'],
    message: 'At least 10% of students must qualify for free or reduced-price lunch.',
    translations: {
      es: {
        message: 'Al menos el 10 % de los estudiantes debe tener derecho a almuerzo gratuito o a precio reducido.',
      },
    },
  },
  {
    subject: 'school.iepPercent',
    operator: 'not_below' as const,
    other: 'answer.district_iep_percent',
    margin: 2,
    message: "The school's share of students with IEPs is more than 2 points below the district's.",
    translations: {
      es: {
        message:
          'El porcentaje de estudiantes con IEP de la escuela está más de 2 puntos por debajo del de su distrito escolar.',
      },
    },
  },
  {
    subject: 'answer.zero_tolerance',
    operator: 'equals' as const,
    values: ['no'],
    message: 'Schools with zero-tolerance discipline are not eligible.',
    translations: { es: { message: 'Las escuelas con disciplina de tolerancia cero no son elegibles.' } },
  },
  {
    subject: 'answer.restricts_access',
    operator: 'equals' as const,
    values: ['no'],
    message: 'Schools that restrict access to their best opportunities are not eligible.',
    translations: {
      es: { message: 'Las escuelas que limitan el acceso a sus mejores oportunidades no son elegibles.' },
    },
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
