// counted(): a number and its noun agree, and large numbers read with separators.
import { expect } from 'chai';
import { counted } from '../../../server/text.js';

describe('counted', () => {
  it('uses the singular phrase for exactly one and the plural otherwise', () => {
    expect(counted(1, 'application', 'applications')).to.equal('1 application');
    expect(counted(0, 'application', 'applications')).to.equal('0 applications');
    expect(counted(2, 'review is', 'reviews are')).to.equal('2 reviews are');
  });

  it('writes thousands with separators', () => {
    expect(counted(2417, 'school', 'schools')).to.equal('2,417 schools');
    expect(counted(30000, 'review', 'reviews')).to.equal('30,000 reviews');
  });
});
