// The HTML part of every e-mail, opened at phone width in a real browser: long links and
// addresses wrap, nothing scrolls sideways; the plain-text part is kept beside it.
import { expect } from 'chai';
import { chromium, type Browser } from 'playwright-core';
import { renderMail } from '../../server/mail/templates.js';
import { CHROMIUM_ARGS } from './helpers.js';

const BASE_URL = 'https://awards.example.org';
const LONG_LINK = `${BASE_URL}/invitations/${'a1b2c3d4'.repeat(12)}`;

describe('e-mails on a phone', function () {
  this.timeout(60_000);
  let browser: Browser;

  before(async () => {
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: CHROMIUM_ARGS,
    });
  });
  after(async () => {
    await browser?.close();
  });

  it('wraps a long link and a long address at 320 px, and keeps the plain text', async () => {
    const mail = renderMail('school-invitation', {
      schoolName: 'Thurgood Marshall Academy for Civic Engagement and Public Service',
      cycleName: 'Schools of Opportunity 2026–2027',
      deadline: 'Monday, March 15, 2027, 11:59 PM MT',
      nominators: 2,
      link: LONG_LINK,
      baseUrl: BASE_URL,
      unsubscribeUrl: `${BASE_URL}/unsubscribe/${'z'.repeat(80)}`,
    });
    expect(mail.text).to.contain(`\n${LONG_LINK}`);
    expect(mail.text).not.to.match(/<[a-z]/i);

    const page = await browser.newPage({ viewport: { width: 320, height: 640 } });
    await page.setContent(mail.html);
    const widths = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      inner: window.innerWidth,
    }));
    expect(widths.scroll, 'the message scrolls sideways').to.be.at.most(widths.inner);
    await page.close();
  });
});
