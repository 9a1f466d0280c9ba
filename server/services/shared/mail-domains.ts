// Addresses at these domains say nothing about where someone works: sharing one with a school's
// contacts is no conflict of interest, and a school website on one admits nobody by its domain.

/** Domains anyone can have an address at: sharing one says nothing about a school. */
export const PUBLIC_MAIL_DOMAINS = [
  'gmail.com',
  'googlemail.com',
  'yahoo.com',
  'outlook.com',
  'hotmail.com',
  'live.com',
  'msn.com',
  'icloud.com',
  'me.com',
  'aol.com',
  'protonmail.com',
  'proton.me',
  'comcast.net',
  'att.net',
  'verizon.net',
  'example.com',
];
