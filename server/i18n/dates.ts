// Dates and times in a reader's language and the program's time zone, through Intl: a deadline
// reads "Saturday, January 30, 2027, 11:59 PM MT" or "sábado, 30 de enero de 2027, 11:59 p.m. MT".
// Here rather than in server/time.ts so that messages (translate.ts) can write a moment too.
import { intlLocale, SOURCE_LANGUAGE } from './languages.js';

/** The zone of a program that has not chosen one. */
export const DEFAULT_TIME_ZONE = 'UTC';

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(
  zone: string,
  kind: 'day' | 'longDay' | 'time' | 'shortDay',
  language = SOURCE_LANGUAGE,
): Intl.DateTimeFormat {
  const key = `${kind} ${zone} ${language}`;
  let found = formatters.get(key);
  if (!found) {
    const options: Record<typeof kind, Intl.DateTimeFormatOptions> = {
      day: { year: 'numeric', month: 'long', day: 'numeric' },
      longDay: { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' },
      shortDay: { year: 'numeric', month: 'short', day: 'numeric' },
      time: { hour: 'numeric', minute: '2-digit', timeZoneName: 'shortGeneric' },
    };
    found = new Intl.DateTimeFormat(intlLocale(language), {
      ...options[kind],
      timeZone: zone,
    });
    formatters.set(key, found);
  }
  return found;
}

/** "11:59 PM MT"; UTC is written "UTC", not "GMT+0". */
function timeOfDay(date: Date, zone: string, language: string): string {
  const text = formatter(zone, 'time', language).format(date);
  return zone === 'UTC' ? text.replace(/GMT\+?0?$/, 'UTC') : text;
}

/** "January 30, 2027": the day in the program's zone. */
export function formatDay(date: Date, zone: string = DEFAULT_TIME_ZONE, language = SOURCE_LANGUAGE): string {
  return formatter(zone, 'day', language).format(date);
}

/** "Saturday, January 30, 2027, 11:59 PM MT": a deadline or a moment, whole. */
export function formatMoment(date: Date, zone: string = DEFAULT_TIME_ZONE, language = SOURCE_LANGUAGE): string {
  return `${formatter(zone, 'longDay', language).format(date)}, ${timeOfDay(date, zone, language)}`;
}

/** "Jan 30, 2027, 11:59 PM MT": a moment in a table. */
export function formatShortMoment(date: Date, zone: string = DEFAULT_TIME_ZONE, language = SOURCE_LANGUAGE): string {
  return `${formatter(zone, 'shortDay', language).format(date)}, ${timeOfDay(date, zone, language)}`;
}
