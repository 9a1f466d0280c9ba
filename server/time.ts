// Dates and times for people, in the program's time zone, through the platform's Intl: a
// deadline reads "Saturday, January 30, 2027, 11:59 PM MT", and a day typed into a form
// ("2027-01-30") means that day where the program is, across daylight-saving changes too.

import { intlLocale, SOURCE_LANGUAGE } from './i18n/languages.js';
import { t } from './i18n/translate.js';

import { DEFAULT_TIME_ZONE } from './i18n/dates.js';

/** Every zone the platform knows, for the program form's list (UTC first). */
export function timeZoneChoices(): string[] {
  return ['UTC', ...Intl.supportedValuesOf('timeZone').filter((zone) => zone !== 'UTC')];
}

/** Whether `zone` is a time zone the platform can write dates in. */
export function isTimeZone(zone: unknown): zone is string {
  if (typeof zone !== 'string' || zone === '' || zone.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export { DEFAULT_TIME_ZONE, formatDay, formatMoment, formatShortMoment } from './i18n/dates.js';

const partsFormatters = new Map<string, Intl.DateTimeFormat>();
/** Numeric parts of a moment in `zone`, for reading the wall clock. */
function partsFormatter(zone: string): Intl.DateTimeFormat {
  let found = partsFormatters.get(zone);
  if (!found) {
    found = new Intl.DateTimeFormat('en-US', {
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      timeZone: zone,
    });
    partsFormatters.set(zone, found);
  }
  return found;
}

const relative = new Map<string, Intl.RelativeTimeFormat>();
const AGE_UNITS: Array<[Intl.RelativeTimeFormatUnit, number, number]> = [
  // unit, its length in seconds, and the age from which it is used
  ['year', 365 * 86_400, 730 * 86_400],
  ['month', 30 * 86_400, 90 * 86_400],
  ['day', 86_400, 2 * 86_400],
  ['hour', 3600, 3600],
  ['minute', 60, 60],
];

/**
 * "3 hours ago", "2 days ago", "just now": how long before `now` a moment was, in whole units
 * (hours until two days, days until three months). A moment after `now` reads "in 5 minutes".
 */
export function formatAge(date: Date, now: Date, language = SOURCE_LANGUAGE): string {
  const seconds = (now.getTime() - date.getTime()) / 1000;
  const age = Math.abs(seconds);
  const found = AGE_UNITS.find(([, , from]) => age >= from);
  let format = relative.get(language);
  if (!format) {
    format = new Intl.RelativeTimeFormat(intlLocale(language), { numeric: 'always' });
    relative.set(language, format);
  }
  if (!found) return t(language, 'common.time.justNow');
  const [unit, length] = found;
  const count = Math.floor(age / length);
  return format.format(seconds >= 0 ? -count : count, unit);
}

/** The wall-clock reading of `date` in `zone`. */
function wallClock(date: Date, zone: string) {
  const parts = Object.fromEntries(
    partsFormatter(zone)
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  );
  return {
    day: `${parts.year}-${parts.month}-${parts.day}`,
    time: `${parts.hour}:${parts.minute}`,
    // The same reading as if it were UTC, to compare with the instant itself.
    asUtc: Date.UTC(
      Number(parts.year),
      Number(parts.month) - 1,
      Number(parts.day),
      Number(parts.hour),
      Number(parts.minute),
      Number(parts.second),
    ),
  };
}

/** "2027-01-30": the day `date` falls on in `zone`, as a date field shows it. */
export function localDay(date: Date, zone: string = DEFAULT_TIME_ZONE): string {
  return wallClock(date, zone).day;
}

/** "23:59": the time of day of `date` in `zone`, as a time field shows it. */
export function localTime(date: Date, zone: string = DEFAULT_TIME_ZONE): string {
  return wallClock(date, zone).time;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?$/;

/**
 * The instant a wall clock in `zone` reads `day` at `time` ("2027-03-14", "23:59:59"); undefined
 * for a day or time that does not exist (2027-02-30, 24:00). A reading the spring change skips
 * (2:30 AM that night) is taken an hour earlier; one the fall change repeats, the first of the two.
 */
export function zonedTime(day: string, time: string, zone: string = DEFAULT_TIME_ZONE): Date | undefined {
  const d = DAY.exec(day);
  const t = TIME.exec(time);
  if (!d || !t) return undefined;
  const [year, month, date] = [Number(d[1]), Number(d[2]), Number(d[3])];
  const wanted = Date.UTC(year, month - 1, date, Number(t[1]), Number(t[2]), Number(t[3] ?? 0));
  const check = new Date(Date.UTC(year, month - 1, date));
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== date) {
    return undefined;
  }
  // The zone's offset at the wanted reading, found in two steps (the second settles a change
  // of offset between the reading taken as UTC and the real instant).
  let instant = wanted;
  for (let i = 0; i < 2; i += 1) instant = wanted - (wallClock(new Date(instant), zone).asUtc - instant);
  return new Date(instant);
}

/** The first instant of the day `date` falls on in `zone`. */
export function startOfLocalDay(date: Date, zone: string = DEFAULT_TIME_ZONE): Date {
  return zonedTime(localDay(date, zone), '00:00', zone)!;
}
