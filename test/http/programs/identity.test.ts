// The portal speaks as the program: its admins set a short name, a colour (refused without AA
// contrast), contact details, privacy and accessibility pages, the e-mail sender name and a logo
// (its bytes checked, resized); every page and e-mail uses them.
import { expect } from 'chai';
import { eq } from 'drizzle-orm';
import sharp from 'sharp';
import { programs } from '../../../models/schema.js';
import { contrastRatio } from '../../../server/services/programs/identity.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { createUser, signIn, createOpenCycle } from '../../helpers/factories.js';
import { csrfTokenFrom, readable, submitForm } from '../../helpers/forms.js';
import { confirmLinkFor, nominate, NOMINATION } from '../../helpers/nominator.js';

type Agent = ReturnType<Harness['agent']>;

const IDENTITY = {
  shortName: 'SOO',
  primaryColor: '#1d4f91',
  mailSenderName: 'Schools of Opportunity Team',
  contactEmail: 'info@opportunity.example.org',
  postalAddress: 'National Education Policy Center\nSchool of Education, 249 UCB\nBoulder, CO 80309',
  privacyNotice: 'We keep what schools send us to run the program.\n\nWe never sell it.',
  accessibilityStatement: 'We aim for WCAG 2.1 AA on every page.',
};

describe('the program’s identity', () => {
  let h: Harness;
  let admin: Agent;
  let programId: number;
  const identityPage = () => `/admin/programs/${programId}/identity`;

  async function uploadLogo(bytes: Buffer, name: string) {
    const page = await admin.get(identityPage());
    return admin
      .post(`/admin/programs/${programId}/logo?_csrf=${encodeURIComponent(csrfTokenFrom(page.text))}`)
      .attach('logo', bytes, name);
  }

  before(async () => {
    h = await startHarness();
    const cycleId = await createOpenCycle(h.db, h.clock());
    programId = (await h.db.select().from(programs))[0]!.id;
    expect(cycleId).to.be.a('number');
    await createUser(h.db, { email: 'admin@program.example.org', name: 'Ada Admin', roles: ['admin'] });
    admin = h.agent();
    await signIn(admin, 'admin@program.example.org');
  });
  after(() => h.close());

  it('looks like Laurel with the program’s name before anything is set', async () => {
    const home = (await h.agent().get('/')).text;
    expect(home).to.contain('<a class="brand" href="/">Schools of Opportunity</a>');
    expect(home).not.to.contain('/branding/theme.css');
    expect(home).to.contain('Runs on Laurel, an open-source portal for school recognition programs.');
    expect((await h.agent().get('/privacy')).status).to.equal(404);
    expect((await h.agent().get('/branding/logo.png')).status).to.equal(404);
  });

  it('refuses a colour without AA contrast against white, and other bad values, keeping what was typed', async () => {
    expect(contrastRatio('#ffcc00', '#ffffff')).to.be.below(4.5);
    const res = await submitForm(admin, identityPage(), identityPage(), {
      ...IDENTITY,
      primaryColor: '#ffcc00',
      contactEmail: 'not an address',
    });
    expect(res.status).to.equal(422);
    const text = readable(res.text);
    expect(text).to.contain(
      'This colour has a contrast of 1.5:1 with white; buttons and links need at least 4.5:1 (WCAG AA).',
    );
    expect(text).to.contain('Enter an e-mail address like info@program.org, or leave it empty.');
    expect(res.text).to.contain('value="#ffcc00"');
    expect(
      readable((await submitForm(admin, identityPage(), identityPage(), { ...IDENTITY, primaryColor: 'green' })).text),
    ).to.contain('Enter a colour as # and six hexadecimal digits');
    expect((await h.db.select().from(programs))[0]!.primaryColor).to.equal('');
  });

  it('puts the short name, colour, contact details and pages on every page', async () => {
    const res = await submitForm(admin, identityPage(), identityPage(), IDENTITY);
    expect(res.status, res.text).to.equal(303);
    const home = (await h.agent().get('/')).text;
    expect(home).to.contain('<abbr title="Schools of Opportunity">SOO</abbr>');
    expect(home).to.contain('<link rel="stylesheet" href="/branding/theme.css?c=1d4f91">');
    expect(home).to.contain('<a href="mailto:info@opportunity.example.org">info@opportunity.example.org</a>');
    // Line by line (white-space: pre-line; the layout's indentation before each line is collapsed).
    expect(home).to.match(/<address class="footer-address">National Education Policy Center\n\s*School of Education/);
    expect(home).to.contain('<a href="/privacy">Privacy notice</a>');
    expect(home).to.contain('<a href="/accessibility">Accessibility statement</a>');
    expect(home).to.match(/<title>[^<]*Schools of Opportunity<\/title>/);
    const theme = await h.agent().get('/branding/theme.css');
    expect(theme.headers['content-type']).to.match(/^text\/css/);
    expect(theme.text).to.contain('--green: #1d4f91;');
    expect(theme.text).to.match(/--green-dark: #[0-9a-f]{6};/);
    const privacy = (await h.agent().get('/privacy')).text;
    expect(privacy).to.contain('<h1>Privacy notice</h1>');
    expect(privacy).to.contain('<p class="preserve-lines">We never sell it.</p>');
  });

  it('checks a logo’s bytes whatever its name says, and resizes it to fit the header', async () => {
    const fake = await uploadLogo(Buffer.from('<?php echo "not an image"; ?>'), 'logo.png');
    expect(fake.status).to.equal(422);
    expect(readable(fake.text)).to.contain('Choose a PNG, JPEG or WebP image for the logo.');
    const svg = await uploadLogo(
      Buffer.from(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>',
      ),
      'logo.png',
    );
    expect(svg.status).to.equal(422);

    const big = await sharp({ create: { width: 1200, height: 400, channels: 3, background: '#1d4f91' } })
      .jpeg()
      .toBuffer();
    const res = await uploadLogo(big, 'logo.jpg');
    expect(res.status, res.text).to.equal(303);
    const served = await h.agent().get('/branding/logo.png').buffer(true);
    expect(served.status).to.equal(200);
    expect(served.headers['content-type']).to.equal('image/png');
    const { width, height, format } = await sharp(served.body as Buffer).metadata();
    expect([format, width, height]).to.deep.equal(['png', 480, 160]);
    const home = (await h.agent().get('/')).text;
    expect(home).to.match(/<img src="\/branding\/logo.png\?v=\d+" alt="" class="brand-logo">/);
  });

  it('sends e-mail as the program: its sender name, its name in the footer, its colour', async () => {
    const parent = h.agent();
    expect((await nominate(parent, NOMINATION)).status).to.equal(303);
    await confirmLinkFor(h, NOMINATION.nominatorEmail);
    const mail = h.sink.messages.find((m) => m.to.includes(NOMINATION.nominatorEmail))!;
    const from = mail.headerLines.find((l) => l.key === 'from')!.line;
    expect(from).to.match(/^From: "?Schools of Opportunity Team"? <[^>]+>$/);
    expect(mail.html).to.contain('Sent by Schools of Opportunity');
    expect(mail.html).to.contain('#1d4f91');
    expect(mail.text).to.contain('To stop e-mail from Schools of Opportunity:');
  });

  it('keeps the identity to admins', async () => {
    const someone = h.agent();
    await createUser(h.db, { email: 'someone@example.org' });
    await signIn(someone, 'someone@example.org');
    expect((await someone.get(identityPage())).status).to.equal(403);
    const post = await submitForm(someone, '/', identityPage(), { ...IDENTITY, shortName: 'HACK' });
    expect(post.status).to.equal(403);
    expect((await h.db.select().from(programs).where(eq(programs.id, programId)))[0]!.shortName).to.equal('SOO');
  });
});
