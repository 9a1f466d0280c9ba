// Dates in the program's zone: written for people, read from forms, across daylight saving.
import { expect } from 'chai';
import {
  formatAge,
  formatDay,
  formatMoment,
  formatShortMoment,
  isTimeZone,
  localDay,
  localTime,
  startOfLocalDay,
  zonedTime,
} from '../../../server/time.js';

const DENVER = 'America/Denver';

describe('time in the program’s zone', () => {
  it('writes a deadline for people, with the zone', () => {
    const deadline = new Date('2027-01-31T06:59:59Z');
    expect(formatMoment(deadline, DENVER)).to.equal('Saturday, January 30, 2027, 11:59 PM MT');
    expect(formatShortMoment(deadline, DENVER)).to.equal('Jan 30, 2027, 11:59 PM MT');
    expect(formatDay(deadline, DENVER)).to.equal('January 30, 2027');
    expect(formatMoment(deadline, 'UTC')).to.equal('Sunday, January 31, 2027, 6:59 AM UTC');
  });

  it('reads a day and time typed in the zone, on both sides of a daylight-saving change', () => {
    // Mountain Standard Time (UTC−7) until March 14, 2027; Mountain Daylight Time (UTC−6) after.
    expect(zonedTime('2027-03-13', '23:59:59', DENVER)?.toISOString()).to.equal('2027-03-14T06:59:59.000Z');
    expect(zonedTime('2027-03-15', '23:59:59', DENVER)?.toISOString()).to.equal('2027-03-16T05:59:59.000Z');
    expect(formatMoment(zonedTime('2027-03-15', '23:59', DENVER)!, DENVER)).to.equal(
      'Monday, March 15, 2027, 11:59 PM MT',
    );
    // Back to standard time on November 7, 2027: 1:30 AM happens twice; the first is meant.
    expect(zonedTime('2027-11-07', '01:30', DENVER)?.toISOString()).to.equal('2027-11-07T07:30:00.000Z');
    expect(zonedTime('2027-11-08', '00:00', DENVER)?.toISOString()).to.equal('2027-11-08T07:00:00.000Z');
  });

  it('gives back the day and time a form shows, and the start of the local day', () => {
    const instant = new Date('2027-03-16T05:59:59Z');
    expect([localDay(instant, DENVER), localTime(instant, DENVER)]).to.deep.equal(['2027-03-15', '23:59']);
    expect([localDay(instant, 'UTC'), localTime(instant, 'UTC')]).to.deep.equal(['2027-03-16', '05:59']);
    expect(startOfLocalDay(instant, DENVER).toISOString()).to.equal('2027-03-15T06:00:00.000Z');
  });

  it('refuses days, times and zones that do not exist', () => {
    expect(zonedTime('2027-02-30', '12:00', DENVER)).to.equal(undefined);
    expect(zonedTime('2027-02-03', '24:00', DENVER)).to.equal(undefined);
    expect(zonedTime('tomorrow', '12:00', DENVER)).to.equal(undefined);
    expect(isTimeZone('America/Denver')).to.equal(true);
    expect(isTimeZone('UTC')).to.equal(true);
    expect(isTimeZone('Mars/Olympus_Mons')).to.equal(false);
    expect(isTimeZone('')).to.equal(false);
  });

  it('says how long ago a moment was, in whole units', () => {
    const now = new Date('2026-11-22T12:00:00Z');
    const ago = (seconds: number) => formatAge(new Date(now.getTime() - seconds * 1000), now);
    const MINUTE = 60;
    const HOUR = 60 * MINUTE;
    const DAY = 24 * HOUR;
    expect(ago(0)).to.equal('just now');
    expect(ago(59)).to.equal('just now');
    expect(ago(MINUTE)).to.equal('1 minute ago');
    expect(ago(59 * MINUTE + 59)).to.equal('59 minutes ago');
    expect(ago(HOUR)).to.equal('1 hour ago');
    expect(ago(3 * HOUR + 59 * MINUTE)).to.equal('3 hours ago');
    expect(ago(47 * HOUR)).to.equal('47 hours ago');
    expect(ago(2 * DAY)).to.equal('2 days ago');
    expect(ago(89 * DAY)).to.equal('89 days ago');
    expect(ago(90 * DAY)).to.equal('3 months ago');
    expect(ago(800 * DAY)).to.equal('2 years ago');
    expect(ago(-5 * MINUTE)).to.equal('in 5 minutes');
  });
});
