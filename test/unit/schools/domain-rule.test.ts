// The one rule that lets someone join a school without anyone approving: an address at the
// school website's own domain. A website on a shared public domain proves nothing.
import { expect } from 'chai';
import { emailMatchesSchoolDomain } from '../../../server/services/schools/contacts.js';

describe('joining a school by its web domain', () => {
  it('matches the website’s domain and its subdomains, with or without www', () => {
    expect(emailMatchesSchoolDomain('pat@lincoln.pps.example.org', 'https://lincoln.pps.example.org')).to.equal(true);
    expect(emailMatchesSchoolDomain('pat@mail.lincoln.example.org', 'https://www.lincoln.example.org/about')).to.equal(
      true,
    );
    expect(emailMatchesSchoolDomain('PAT@Lincoln.Example.org', 'https://lincoln.example.org')).to.equal(true);
  });

  it('refuses other domains, look-alikes and empty or broken websites', () => {
    expect(emailMatchesSchoolDomain('pat@evil-lincoln.example.org', 'https://lincoln.example.org')).to.equal(false);
    expect(emailMatchesSchoolDomain('pat@lincoln.example.org.evil.net', 'https://lincoln.example.org')).to.equal(false);
    expect(emailMatchesSchoolDomain('pat@example.org', 'https://lincoln.example.org')).to.equal(false);
    expect(emailMatchesSchoolDomain('pat@lincoln.example.org', '')).to.equal(false);
    expect(emailMatchesSchoolDomain('pat@localhost', 'http://localhost')).to.equal(false);
    expect(emailMatchesSchoolDomain('not-an-address', 'https://lincoln.example.org')).to.equal(false);
  });

  it('never matches a school whose website is on a public mail service’s domain', () => {
    expect(emailMatchesSchoolDomain('anyone@gmail.com', 'https://gmail.com')).to.equal(false);
    expect(emailMatchesSchoolDomain('anyone@outlook.com', 'https://www.outlook.com/lincoln')).to.equal(false);
  });
});
