import { expect } from 'chai';
import { createRedactor, redactionTerms } from '../../../server/services/review/redaction.js';

const lincoln = createRedactor({ name: 'Lincoln High School', district: 'Portland Public Schools', city: 'Portland' });

describe('blind-review redaction', () => {
  it('replaces the school, district and city, whatever their case', () => {
    expect(lincoln('Lincoln High School serves Portland for PORTLAND PUBLIC SCHOOLS.')).to.equal(
      '[school] serves [city] for [district].',
    );
    expect(lincoln('lincoln high school')).to.equal('[school]');
  });

  it('also replaces the name without "High School", "High" or "HS"', () => {
    expect(lincoln('At Lincoln, and at Lincoln High, Lincoln HS and Lincoln H.S. alike')).to.equal(
      'At [school], and at [school], [school] and [school] alike',
    );
    expect(lincoln('We are Lincoln HS. We are Lincoln High Schoolers.')).to.equal(
      'We are [school]. We are [school] Schoolers.',
    );
    const roosevelt = createRedactor({ name: 'Roosevelt HS', district: '', city: 'Des Moines' });
    expect(roosevelt('Roosevelt HS in Des Moines; Roosevelt High School too')).to.equal(
      '[school] in [city]; [school] too',
    );
  });

  it('matches whole words only, and keeps possessives and punctuation around them', () => {
    expect(lincoln('Lincolnshire and Portlandia stay; Lincoln’s and Portland-based go')).to.equal(
      'Lincolnshire and Portlandia stay; [school]’s and [city]-based go',
    );
    expect(lincoln('see lincoln.pps.example.org')).to.equal('see [school].pps.example.org');
  });

  it('finds names across line breaks and extra spaces', () => {
    expect(lincoln('Lincoln\nHigh   School and Portland\tPublic Schools')).to.equal('[school] and [district]');
  });

  it('shortens districts to their place name and lets the city label win when they are the same', () => {
    const austin = createRedactor({ name: 'Vista Academy', district: 'Round Rock ISD', city: 'Austin' });
    expect(austin('Vista Academy, Round Rock ISD, Round Rock schools, Austin')).to.equal(
      '[school], [district], [district] schools, [city]',
    );
    const terms = redactionTerms({
      name: 'Lincoln High School',
      district: 'Portland Public Schools',
      city: 'Portland',
    });
    expect(terms.find((t) => t.term === 'Portland')?.label).to.equal('[city]');
    expect(
      createRedactor({ name: 'Kennedy Charter', district: 'Los Angeles Unified School District', city: 'Los Angeles' })(
        'the Los Angeles Unified School District',
      ),
    ).to.equal('the [district]');
  });

  it('never blanks out common words, and treats punctuation in names literally', () => {
    const central = createRedactor({ name: 'The High School', district: 'County Schools', city: 'X' });
    expect(central('the school is high on the county list')).to.equal('the school is high on the county list');
    const saint = createRedactor({ name: "St. Mary's (Prep) High School", district: '', city: 'Baltimore' });
    expect(saint('At St. Mary’s (Prep) High School in Baltimore.')).to.equal('At [school] in [city].');
    expect(saint('St. Mary’s (Prep) won; St Marys did not')).to.equal('[school] won; St Marys did not');
  });

  it('handles accents and empty fields', () => {
    const accented = createRedactor({ name: 'Escuela Secundaria Peñasco', district: '', city: 'Peñasco' });
    expect(accented('Peñasco and PEÑASCO, not Peñascoso'.normalize('NFD'))).to.equal(
      '[city] and [city], not Peñascoso',
    );
    expect(createRedactor({ name: '', district: '', city: '' })('Nothing to hide')).to.equal('Nothing to hide');
  });
});
