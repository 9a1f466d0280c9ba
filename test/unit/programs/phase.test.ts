// The phase of a cycle, worked out from its dates and a few facts; and when applications close.
import { expect } from 'chai';
import {
  applicationsCloseAt,
  applicationsClosedReason,
  nominationsOpen,
  phaseOf,
  type PhaseFacts,
} from '../../../server/services/programs/phase.js';
import { msg, textIn } from '../../../server/i18n/translate.js';

const day = (d: number) => new Date(Date.UTC(2027, 0, d, 12));
const cycle = {
  opensAt: day(1),
  nominationsCloseAt: day(10),
  applicationsCloseAt: day(20),
  closedAt: null as Date | null,
  publishedAt: null as Date | null,
};
const none: PhaseFacts = { assigned: false, decided: false, lastDueAt: null };

describe('cycle phases', () => {
  it('goes draft → open → closed by the dates alone', () => {
    expect(phaseOf(cycle, none, day(0))).to.equal('draft');
    expect(phaseOf(cycle, none, day(5))).to.equal('open');
    expect(phaseOf(cycle, none, day(20))).to.equal('open'); // the deadline's own minute still counts
    expect(phaseOf(cycle, none, day(21))).to.equal('closed');
  });

  it('is in review once a round has assignments, deciding after the last due date or a first decision', () => {
    const assigned = { ...none, assigned: true, lastDueAt: day(40) };
    expect(phaseOf(cycle, assigned, day(30))).to.equal('in_review');
    expect(phaseOf(cycle, assigned, day(41))).to.equal('deciding');
    expect(phaseOf(cycle, { ...assigned, decided: true }, day(30))).to.equal('deciding');
    // Assignments alone never make an open cycle anything but open.
    expect(phaseOf(cycle, { ...assigned, decided: true }, day(5))).to.equal('open');
  });

  it('is published whatever else is true, and a published cycle takes nothing more', () => {
    const published = { ...cycle, publishedAt: day(8) };
    expect(phaseOf(published, none, day(5))).to.equal('published');
    expect(applicationsClosedReason(published, day(5))).to.deep.equal(msg('programs.closedReason.published'));
    expect(nominationsOpen(published, day(5))).to.equal(false);
  });

  it('closes early when the staff close it, and only then', () => {
    const closedEarly = { ...cycle, closedAt: day(15) };
    expect(applicationsCloseAt(closedEarly)).to.deep.equal(day(15));
    expect(phaseOf(closedEarly, none, day(14))).to.equal('open');
    expect(phaseOf(closedEarly, none, day(16))).to.equal('closed');
    expect(textIn('en', applicationsClosedReason(closedEarly, day(16)))).to.equal(
      'The program staff closed applications for this cycle.',
    );
    expect(textIn('es', applicationsClosedReason(closedEarly, day(16)))).to.equal(
      'El equipo del programa cerró las postulaciones para esta convocatoria.',
    );
    expect(nominationsOpen(closedEarly, day(9))).to.equal(true);
    expect(nominationsOpen({ ...cycle, closedAt: day(8) }, day(9))).to.equal(false);
    // A closedAt after the deadline (set when publishing late) does not move the deadline.
    expect(applicationsCloseAt({ ...cycle, closedAt: day(30) })).to.deep.equal(day(20));
    expect(textIn('en', applicationsClosedReason({ ...cycle, closedAt: day(30) }, day(25)))).to.equal(
      'The deadline for applications has passed.',
    );
  });
});
