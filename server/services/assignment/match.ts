// How well a reviewer suits a school, as a whole number from 0 to 100. Pure and deterministic:
// the assignment solver maximises the sum of these scores once coverage and load balance are
// settled, so only their order matters, but admins see them too and the parts are meant to
// read plainly:
//
//   expertise   50  × the share of the school's focus topics (the topics of the criteria it
//                     chose) that the reviewer lists; a school without focus topics gives 0
//                     to everyone, which changes no ranking.
//   grade level 30  the reviewer lists the school's level, or 'k12' for a high, middle or
//                     elementary school; 15 when the school is 'k12' and the reviewer knows one
//                     of its levels; 10 for a neighbouring level (elementary–middle–high).
//   region      20  same state; 10 for another state of the same US census region; 0 when the
//                     reviewer gave no state or lives elsewhere (territories match by state only).
//
// The sum is rounded to the nearest whole number. Topics and levels are compared folded
// (case, spaces and underscores as hyphens), states as upper-case postal codes.

export interface ReviewerMatchProfile {
  expertise: string[];
  gradeLevels: string[];
  state: string | null;
}

export interface SchoolMatchProfile {
  state: string;
  level: string;
  focus: string[];
}

export const MATCH_WEIGHTS = { expertise: 50, gradeLevel: 30, region: 20 } as const;

export type CensusRegion = 'Northeast' | 'Midwest' | 'South' | 'West';

/** The four US Census Bureau regions, by two-letter postal code (50 states and DC). */
export const CENSUS_REGIONS: Readonly<Record<string, CensusRegion>> = Object.freeze({
  CT: 'Northeast',
  ME: 'Northeast',
  MA: 'Northeast',
  NH: 'Northeast',
  RI: 'Northeast',
  VT: 'Northeast',
  NJ: 'Northeast',
  NY: 'Northeast',
  PA: 'Northeast',
  IL: 'Midwest',
  IN: 'Midwest',
  MI: 'Midwest',
  OH: 'Midwest',
  WI: 'Midwest',
  IA: 'Midwest',
  KS: 'Midwest',
  MN: 'Midwest',
  MO: 'Midwest',
  NE: 'Midwest',
  ND: 'Midwest',
  SD: 'Midwest',
  DE: 'South',
  DC: 'South',
  FL: 'South',
  GA: 'South',
  MD: 'South',
  NC: 'South',
  SC: 'South',
  VA: 'South',
  WV: 'South',
  AL: 'South',
  KY: 'South',
  MS: 'South',
  TN: 'South',
  AR: 'South',
  LA: 'South',
  OK: 'South',
  TX: 'South',
  AZ: 'West',
  CO: 'West',
  ID: 'West',
  MT: 'West',
  NV: 'West',
  NM: 'West',
  UT: 'West',
  WY: 'West',
  AK: 'West',
  CA: 'West',
  HI: 'West',
  OR: 'West',
  WA: 'West',
});

/** Levels in order of students' age; neighbours in this list earn partial grade-level credit. */
const LEVEL_LADDER = ['elementary', 'middle', 'high'];

function fold(value: string): string {
  return value
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '-');
}

export function censusRegionOf(state: string | null): CensusRegion | undefined {
  if (state === null) return undefined;
  const code = state.trim().toUpperCase();
  return Object.hasOwn(CENSUS_REGIONS, code) ? CENSUS_REGIONS[code] : undefined;
}

function expertisePoints(reviewer: ReviewerMatchProfile, school: SchoolMatchProfile): number {
  const focus = new Set(school.focus.map(fold).filter((topic) => topic !== ''));
  if (focus.size === 0) return 0;
  const known = new Set(reviewer.expertise.map(fold));
  let covered = 0;
  for (const topic of focus) if (known.has(topic)) covered++;
  return (MATCH_WEIGHTS.expertise * covered) / focus.size;
}

function gradeLevelPoints(reviewer: ReviewerMatchProfile, school: SchoolMatchProfile): number {
  const level = fold(school.level);
  const known = new Set(reviewer.gradeLevels.map(fold));
  const full = MATCH_WEIGHTS.gradeLevel;
  if (known.has(level)) return full;
  if (known.has('k12') && (level === 'k12' || LEVEL_LADDER.includes(level))) return full;
  if (level === 'k12') return LEVEL_LADDER.some((l) => known.has(l)) ? full / 2 : 0;
  const rung = LEVEL_LADDER.indexOf(level);
  if (rung < 0) return 0;
  const neighbours = [LEVEL_LADDER[rung - 1], LEVEL_LADDER[rung + 1]];
  return neighbours.some((l) => l !== undefined && known.has(l)) ? full / 3 : 0;
}

function regionPoints(reviewer: ReviewerMatchProfile, school: SchoolMatchProfile): number {
  if (reviewer.state === null || reviewer.state.trim() === '') return 0;
  if (reviewer.state.trim().toUpperCase() === school.state.trim().toUpperCase()) return MATCH_WEIGHTS.region;
  const region = censusRegionOf(reviewer.state);
  return region !== undefined && region === censusRegionOf(school.state) ? MATCH_WEIGHTS.region / 2 : 0;
}

/** What the match score is made of, for an admin or a reviewer to read why a pair was made. */
export interface MatchParts {
  /** The school's focus topics the reviewer lists, as the school's criteria name them. */
  sharedTopics: string[];
  focusCount: number;
  /** 'level': the school's level or K–12; 'near': a neighbouring or partial level; 'none'. */
  gradeLevel: 'level' | 'near' | 'none';
  /** 'state': the same state; 'region': the same census region; 'none'. */
  region: 'state' | 'region' | 'none';
  score: number;
}

export function matchParts(reviewer: ReviewerMatchProfile, school: SchoolMatchProfile): MatchParts {
  const known = new Set(reviewer.expertise.map(fold));
  const focus = [...new Map(school.focus.map((topic) => [fold(topic), topic] as const)).entries()].filter(
    ([folded]) => folded !== '',
  );
  const level = gradeLevelPoints(reviewer, school);
  const region = regionPoints(reviewer, school);
  return {
    sharedTopics: focus.filter(([folded]) => known.has(folded)).map(([, topic]) => topic),
    focusCount: focus.length,
    gradeLevel: level === MATCH_WEIGHTS.gradeLevel ? 'level' : level > 0 ? 'near' : 'none',
    region: region === MATCH_WEIGHTS.region ? 'state' : region > 0 ? 'region' : 'none',
    score: matchScore(reviewer, school),
  };
}

/** The match score, 0..100; see the module note for the weights. */
export function matchScore(reviewer: ReviewerMatchProfile, school: SchoolMatchProfile): number {
  const total = expertisePoints(reviewer, school) + gradeLevelPoints(reviewer, school) + regionPoints(reviewer, school);
  return Math.min(100, Math.max(0, Math.round(total)));
}
