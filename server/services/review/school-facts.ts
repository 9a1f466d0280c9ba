// The school's profile facts a reviewer reads beside the answers: its level, enrollment, and the
// shares of students with free or reduced-price lunch and with an IEP. Blind review hides the
// school's name, district and city; the facts stay, as they describe the students the answers
// speak of, but an exact enrollment with a level can point to one school, so it is rounded.
import type { SchoolLevel } from '../../../models/schema.js';

/** The school's profile facts a reviewer reads beside the answers. */
export interface SchoolFacts {
  level: SchoolLevel;
  enrollment: number | null;
  /** The enrollment is rounded (blind review): an exact count and a level can name a school. */
  enrollmentRounded: boolean;
  /** Shares of the students, 0–1, for a percent in the reader's language. */
  frlShare: number | null;
  iepShare: number | null;
}

interface ProfileRow {
  level: SchoolLevel;
  enrollment: number | null;
  frlPercent: number | null;
  iepPercent: number | null;
}

const share = (percent: number | null) => (percent === null ? null : percent / 100);

/** In a blind cycle the enrollment is rounded to the nearest 100 (at least 100); the shares stay. */
export function schoolFacts({ level, enrollment, frlPercent, iepPercent }: ProfileRow, blind: boolean): SchoolFacts {
  const rounded = blind && enrollment !== null;
  return {
    level,
    enrollment: rounded ? Math.max(100, Math.round(enrollment / 100) * 100) : enrollment,
    enrollmentRounded: rounded,
    frlShare: share(frlPercent),
    iepShare: share(iepPercent),
  };
}
