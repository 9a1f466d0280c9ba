// The whole journey as people do it, in a real browser, with axe on every page visited.
import { expect } from 'chai';
import { asc, eq } from 'drizzle-orm';
import type { BrowserContext, Page } from 'playwright-core';
import {
  applications,
  assignments,
  criteria,
  cycleReviewers,
  reviewerProfiles,
  reviewRounds,
  programs,
  roundApplications,
  schools,
} from '../../models/schema.js';
import sharp from 'sharp';
import { finishBackupRun, startBackupRun } from '../../server/operations/backup-runs.js';
import { createUser, createOpenCycle } from '../helpers/factories.js';
import { fixture } from '../helpers/applicant.js';
import { accessibilityViolations, mailLink, screenshots, startLivePortal, type LivePortal } from './helpers.js';
import { tabAndCheck, tabAndSelect, tabAndType, tabTo } from './keyboard.js';

const PASSWORD = 'correct horse battery staple';

describe('the journey in a real browser', function () {
  this.timeout(180_000);
  let live: LivePortal;
  let cycleId: number;
  const visited: string[] = [];

  /** Checks the page with axe and saves screenshots; every visited page goes through here. */
  async function check(page: Page, name: string) {
    const violations = await accessibilityViolations(page);
    expect(violations, `${name} (${page.url()}):\n${violations.join('\n')}`).to.deep.equal([]);
    await screenshots(page, name);
    visited.push(name);
  }

  async function signInAs(page: Page, email: string) {
    await page.goto('/login');
    await page.getByLabel('E-mail address').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Sign in' }).click()]);
  }

  async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
    const context = await live.browser.newContext({ baseURL: live.baseUrl });
    const page = await context.newPage();
    // Destructive buttons ask first (server/public/js/forms.js); the person says yes.
    page.on('dialog', (dialog) => void dialog.accept());
    return { context, page };
  }

  before(async () => {
    live = await startLivePortal();
    cycleId = await createOpenCycle(live.harness.db, live.harness.clock());
    await createUser(live.harness.db, {
      email: 'admin@program.example.org',
      name: 'Ada Admin',
      roles: ['admin'],
      password: PASSWORD,
    });
  });
  after(async () => {
    await live?.close();
  });

  it('shows the program to the public', async () => {
    const { context, page } = await newPage();
    await page.goto('/');
    expect(await page.getByRole('heading', { level: 1, name: 'Schools of Opportunity' }).isVisible()).to.equal(true);
    await check(page, '01-home');
    await page.goto('/no-such-page');
    await check(page, '02-not-found');
    await context.close();
  });

  it('lets a parent nominate a school with the keyboard alone and confirm it from the e-mail', async () => {
    const { context, page } = await newPage();
    await page.goto('/nominate');
    await check(page, '03-nominate');

    // A first try with nothing filled in: the errors are listed at the top, which has focus.
    await page.getByRole('button', { name: 'Send my nomination' }).click();
    expect(await page.locator('#error-summary').evaluate((el) => el === document.activeElement)).to.equal(true);
    expect(await page.getByRole('link', { name: "Enter the school's name." }).isVisible()).to.equal(true);
    await check(page, '04-nominate-errors');

    await page.goto('/nominate');
    await tabAndType(page, 'School name (required)', 'Lincoln High School');
    await tabAndType(page, 'District', 'Portland Public Schools');
    await tabAndType(page, 'City or town', 'Portland');
    await tabAndSelect(page, 'State', 'OR');
    await tabAndType(page, 'E-mail of the principal', 'principal@lincoln.pps.example.org');
    await tabAndCheck(page, '1. Broadening');
    await tabAndType(
      page,
      'In your words',
      'Every student can take the advanced courses, and the teachers make sure they succeed.',
    );
    await tabAndType(page, 'Your name', 'Maria Parent');
    await tabAndType(page, 'Your e-mail address', 'maria@example.com');
    await tabAndSelect(page, 'How do you know the school?', 'Parent');
    await tabTo(page, 'Send my nomination');
    await Promise.all([page.waitForURL('**/nominate/sent'), page.keyboard.press('Enter')]);
    expect(await page.getByText('We sent a link to maria@example.com').isVisible()).to.equal(true);
    await check(page, '05-nomination-sent');

    const confirmPath = await mailLink(
      live.harness,
      (s, to) => s.startsWith('Please confirm') && to.includes('maria@example.com'),
      '/nominations/confirm/',
    );
    await page.goto(confirmPath);
    await check(page, '06-confirm-nomination');
    await page.getByRole('button', { name: 'Confirm my nomination' }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).to.contain('your nomination counts');
    await context.close();
  });

  it('lets the principal follow the invitation, register, fill the application by keyboard, upload and submit', async () => {
    const { context, page } = await newPage();
    const invitation = await mailLink(
      live.harness,
      (s, to) => s.includes('is invited to apply') && to.includes('principal@lincoln.pps.example.org'),
      '/invitations/',
    );
    await page.goto(invitation);
    await check(page, '07-invitation');
    await page.locator('#main').getByRole('link', { name: 'Create an account' }).click();
    await page.getByLabel('Your name').fill('Pat Principal');
    await page.getByLabel('E-mail address').fill('principal@lincoln.pps.example.org');
    await page.getByLabel('Password').fill(PASSWORD);
    await check(page, '08-register');
    await page.getByRole('button', { name: 'Create account' }).click();
    await check(page, '09-login-after-register');

    const verify = await mailLink(
      live.harness,
      (s, to) => s.startsWith('Confirm your e-mail') && to.includes('principal@lincoln.pps.example.org'),
      '/verify-email/',
    );
    await page.goto(verify);
    await check(page, '09b-confirm-address');
    await page.getByRole('button', { name: 'Confirm my address' }).click();
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL('**/schools/new?**');
    await check(page, '10-add-school');
    expect(await page.getByLabel('School name').inputValue()).to.equal('Lincoln High School');
    await page.getByLabel('Kind of school').selectOption('high');
    await page.getByLabel('Website').fill('https://lincoln.pps.example.org');
    await page.getByLabel('Number of students').fill('1540');
    await page.getByLabel('Students eligible for free or reduced-price lunch (%)').fill('38');
    await page.getByLabel('Students with an IEP (%)').fill('12');
    await page.getByRole('button', { name: 'Add the school' }).click();
    await page.waitForURL('**/invitations/**');
    await check(page, '11-invitation-start');
    await page.getByRole('button', { name: 'Start the application' }).click();
    await page.waitForURL(/\/applications\/\d+$/);
    const applicationPath = new URL(page.url()).pathname;
    await check(page, '11-application-overview');

    // Eligibility, with the keyboard alone.
    await page.goto(`${applicationPath}/eligibility`);
    await check(page, '12-eligibility');
    await tabTo(page, 'public');
    await page.keyboard.press('Space');
    await tabAndType(page, 'What share of students in your district', '13');
    await tabTo(page, 'Yes');
    await page.keyboard.press('ArrowRight');
    await tabTo(page, 'Yes');
    await page.keyboard.press('ArrowRight');
    await tabTo(page, 'Save and continue');
    await Promise.all([page.waitForURL('**/profile'), page.keyboard.press('Enter')]);
    await check(page, '13-profile');
    await tabTo(page, 'Save and continue');
    await Promise.all([page.waitForURL(/\/criteria$/), page.keyboard.press('Enter')]);
    await check(page, '14-criteria-choice');
    const rows = await live.harness.db
      .select()
      .from(criteria)
      .where(eq(criteria.cycleId, cycleId))
      .orderBy(asc(criteria.position));
    for (const c of rows.filter((r) => !r.required).slice(0, 4))
      await tabAndCheck(page, new RegExp(`^${c.position}\\. `));
    await tabTo(page, 'Save my choice');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);

    const chosen = rows.filter((r) => r.required).concat(rows.filter((r) => !r.required).slice(0, 4));
    for (const [index, c] of chosen.entries()) {
      await page.goto(`${applicationPath}/criteria/${c.id}`);
      if (index === 0) {
        await check(page, '15-criterion');
        await page.getByLabel('Add evidence files').setInputFiles([fixture('sample.pdf'), fixture('sample.docx')]);
      }
      await tabAndType(
        page,
        'Your answer',
        `Our school ${c.title.toLowerCase()} for every student, with evidence from our course guide.`,
      );
      expect(await page.locator('#answer-count').textContent()).to.match(/^\d+ of 500 words/);
      if (index === 1) {
        // Over 1 MB: the upload goes through the progress bar, and the answer page replaces this one.
        const big = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(1_500_000, 0x20), Buffer.from('\n%%EOF\n')]);
        await page
          .getByLabel('Add evidence files')
          .setInputFiles({ name: 'master-schedule.pdf', mimeType: 'application/pdf', buffer: big });
        await tabTo(page, 'Save');
        await page.keyboard.press('Enter');
        // The PDF opens in the browser from its name; "Download" beside it saves it.
        await page.getByRole('link', { name: 'View master-schedule.pdf in the browser' }).waitFor();
        expect(page.url()).to.match(new RegExp(`/criteria/${c.id}$`));
        continue;
      }
      await tabTo(page, 'Save');
      await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    }
    expect(await page.getByRole('link', { name: 'View sample.pdf in the browser' }).isVisible()).to.equal(false);
    await page.goto(`${applicationPath}/criteria/${chosen[0]!.id}`);
    expect(await page.getByRole('link', { name: 'View sample.pdf in the browser' }).isVisible()).to.equal(true);

    await page.goto(`${applicationPath}/review`);
    await check(page, '16-review');
    expect(await page.getByText('Everything needed is here.').isVisible()).to.equal(true);
    await tabTo(page, 'Submit the application');
    await Promise.all([page.waitForURL(/\/applications\/\d+$/), page.keyboard.press('Enter')]);
    expect(await page.getByText('Your application is submitted.').isVisible()).to.equal(true);
    await check(page, '17-submitted');
    await page.goto('/my/applications');
    await check(page, '18-my-applications');
    const [row] = await live.harness.db.select().from(applications);
    expect(row?.status).to.equal('submitted');
    await context.close();
  });

  it('lets the admin close applications from the dashboard and screen the clean application in bulk', async () => {
    const { context, page } = await newPage();
    await page.goto('/login');
    await check(page, '19-login');
    await page.getByLabel('E-mail address').fill('admin@program.example.org');
    await page.getByLabel('Password').fill(PASSWORD);
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Sign in' }).click()]);
    await page.goto('/admin');
    expect(await page.locator('#dashboard-phase').textContent()).to.equal('Open for applications');
    await check(page, '20-admin-dashboard-open');
    // The confirmation dialog is accepted by newPage().
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Close applications now' }).click()]);
    expect(await page.locator('#dashboard-phase').textContent()).to.equal('Applications closed');
    await check(page, '20b-admin-dashboard-closed');
    await Promise.all([
      page.waitForNavigation(),
      page.getByRole('link', { name: 'Applications waiting for screening' }).click(),
    ]);
    await check(page, '21-admin-applications');
    await page
      .getByRole('link', { name: /Screen: no rule failed/ })
      .first()
      .click();
    await check(page, '22-screening');
    await page.goBack();
    await Promise.all([
      page.waitForNavigation(),
      page.getByRole('button', { name: 'Mark 1 clean application eligible' }).click(),
    ]);
    expect(await page.getByText('1 application is now eligible').isVisible()).to.equal(true);
    const [row] = await live.harness.db.select().from(applications);
    expect(row?.status).to.equal('eligible');
    await page.goto('/admin/nominations');
    await check(page, '23-admin-nominations');
    await context.close();
  });

  it('lets the admin open round 1 and assign two reviewers automatically', async () => {
    const db = live.harness.db;
    for (const [email, name] of [
      ['rosa@uni.example.edu', 'Rosa Researcher'],
      ['ben@college.example.edu', 'Ben Scholar'],
    ] as const) {
      const user = await createUser(db, { email, name, roles: ['reviewer'], password: PASSWORD });
      await db
        .insert(reviewerProfiles)
        .values({ userId: user.id, state: 'OR', gradeLevels: ['high'], expertise: ['A healthy school culture'] });
      await db.insert(cycleReviewers).values({ cycleId, userId: user.id, maxLoad: 5 });
    }
    const { context, page } = await newPage();
    await signInAs(page, 'admin@program.example.org');
    await page.goto(`/admin/cycles/${cycleId}/rounds`);
    await check(page, '24-rounds');
    await page.getByLabel('Name (required)', { exact: true }).fill('Round 1');
    await page.getByLabel('Reviewers per application').fill('2');
    await page.getByLabel('Reviews due').fill('2027-03-01');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Create round' }).click()]);
    expect(await page.getByText('Round 1 was created.').isVisible()).to.equal(true);
    const roundPath = new URL(page.url()).pathname;
    await check(page, '25-round');
    await page.goto(`${roundPath}/auto`);
    await check(page, '26-auto-preview');
    await page.getByRole('button', { name: /Confirm these 2 assignments/ }).click();
    await page.getByRole('button', { name: 'E-mail reviewers their lists' }).click();
    expect(await db.select().from(assignments)).to.have.length(2);
    // One calibration example, which both reviewers score before their assignments open.
    await page.goto(`/admin/cycles/${cycleId}/calibration`);
    await page.getByLabel('Title (required)', { exact: true }).first().fill('A detracked ninth grade');
    await page
      .getByLabel(/^The example as reviewers read it/)
      .fill('Every ninth grader takes the same college-preparatory courses, with support classes alongside.');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Add the example' }).click()]);
    expect(await page.getByText('The example was added.').isVisible()).to.equal(true);
    await check(page, '26b-calibration-admin');
    await context.close();
  });

  it('lets two reviewers score the application', async () => {
    for (const [email, score, recommendation] of [
      ['rosa@uni.example.edu', '5 (highest)', 'Gold'],
      ['ben@college.example.edu', '4', 'Gold'],
    ] as const) {
      const { context, page } = await newPage();
      await signInAs(page, email);
      await page.goto('/reviews');
      await Promise.all([
        page.waitForNavigation(),
        page.getByRole('link', { name: 'Score the calibration examples' }).click(),
      ]);
      await check(page, `26c-calibration-${email.split('@')[0]}`);
      await page
        .getByRole('group', { name: /Your score for A detracked ninth grade/ })
        .getByLabel(email.startsWith('rosa') ? '4' : '3', { exact: true })
        .check();
      await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Send my scores' }).click()]);
      await check(page, `26d-calibration-result-${email.split('@')[0]}`);
      await page.goto('/reviews');
      await check(page, `27-reviews-${email.split('@')[0]}`);
      await page
        .getByRole('link', { name: /Lincoln High School/ })
        .first()
        .click();
      await check(page, `28-review-form-${email.split('@')[0]}`);
      if (email.startsWith('rosa')) {
        // A comment is saved in the background a few seconds after the last keystroke, and is
        // there after a reload; the form's buttons still save after it.
        const comment = page.getByLabel(/^Comment on criterion 1/);
        await comment.fill('Every ninth grader takes an honors course, with tutoring after school.');
        await page.getByText(/^Draft saved at /).waitFor({ timeout: 20_000 });
        const [saved] = await live.harness.db.select().from(assignments).where(eq(assignments.status, 'draft'));
        expect(saved, 'the draft is saved').not.to.equal(undefined);
        await page.reload();
        expect(await page.getByLabel(/^Comment on criterion 1/).inputValue()).to.equal(
          'Every ninth grader takes an honors course, with tutoring after school.',
        );
        await check(page, '28b-review-form-autosaved');
      }
      for (const group of await page.getByRole('group', { name: /Your score for criterion/ }).all()) {
        await group.getByLabel(score, { exact: true }).check();
      }
      await page
        .getByRole('group', { name: 'Your recommendation' })
        .getByLabel(recommendation, { exact: true })
        .check();
      await page.getByRole('button', { name: 'Submit review' }).click();
      expect(await page.getByText('Reviewer A').first().isVisible()).to.equal(email.startsWith('ben'));
      await context.close();
    }
    const rows = await live.harness.db.select().from(assignments);
    expect(rows.map((r) => r.status)).to.deep.equal(['submitted', 'submitted']);
  });

  it('lets the admin decide Gold from the ranking and publish; the public page shows the school', async () => {
    // A second school, screened eligible after the reviewers finished: in round 1 without reviews.
    const db = live.harness.db;
    const [late] = await db
      .insert(schools)
      .values({ name: 'Roosevelt High School', city: 'Salem', state: 'OR', level: 'high', matchKey: 'roosevelt high' })
      .returning();
    const [lateApp] = await db
      .insert(applications)
      .values({ cycleId, schoolId: late!.id, status: 'eligible', submittedAt: live.harness.clock() })
      .returning();
    const [round1] = await db.select().from(reviewRounds);
    await db.insert(roundApplications).values({ roundId: round1!.id, applicationId: lateApp!.id });

    const { context, page } = await newPage();
    await signInAs(page, 'admin@program.example.org');
    await page.goto('/admin');
    await check(page, '29-admin-dashboard-in-review');
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: /^Ranking of/ }).click()]);
    await check(page, '29b-ranking');
    await page.getByLabel('Decision for Lincoln High School').selectOption('gold');
    await Promise.all([
      page.waitForNavigation(),
      page.getByRole('button', { name: 'Save the decision for Lincoln High School' }).click(),
    ]);
    expect(await page.getByText('Decision saved: Gold.').isVisible()).to.equal(true);
    await page.goto(`/admin/cycles/${cycleId}/decisions`);
    await check(page, '30-decisions');
    // The rest in one confirmed step; Roosevelt has none of the 2 reviews asked for, so a reason is due.
    await page.getByLabel('Why decide without all the reviews').fill('Screened after the panel finished.');
    await Promise.all([
      page.waitForNavigation(),
      page.getByRole('button', { name: 'Mark 1 application not selected' }).click(),
    ]);
    expect(await page.getByText('1 application is now not selected.').isVisible()).to.equal(true);
    await check(page, '30a-decisions-all-decided');
    await page.setViewportSize({ width: 375, height: 800 });
    // On a phone the decisions stack: nothing scrolls sideways.
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).to.equal(true);
    await check(page, '30b-decisions-phone');
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto('/admin');
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Preview publishing' }).click()]);
    await check(page, '31-publish-preview');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: /^Publish and send/ }).click()]);
    await page.goto('/admin');
    expect(await page.locator('#dashboard-phase').textContent()).to.equal('Published');
    await check(page, '31b-admin-dashboard-published');
    await page.goto('/admin/audit');
    await check(page, '32-audit');
    // The backups page with one run done and one failed, as the schedule records them.
    const hourAgo = new Date(live.harness.clock().getTime() - 60 * 60 * 1000);
    const done = await startBackupRun(live.harness.db, {
      trigger: 'scheduled',
      fileName: 'laurel-backup-20261201-030000.tar.gz',
      instance: 'portal-1',
      now: hourAgo,
    });
    await finishBackupRun(
      live.harness.db,
      done,
      { sizeBytes: 52_428_800, rows: 241_124, files: 1000 },
      live.harness.clock(),
    );
    const failed = await startBackupRun(live.harness.db, {
      trigger: 'requested',
      fileName: '/var/backups/laurel/now.tar.gz',
      instance: 'portal-1',
      now: live.harness.clock(),
    });
    await finishBackupRun(live.harness.db, failed, { error: new Error('The disk is full') }, live.harness.clock());
    await page.goto('/admin/backups');
    expect(await page.locator('#backup-runs tbody tr').count()).to.equal(2);
    await check(page, '32b-backups');
    await context.close();

    const visitor = await newPage();
    await visitor.page.goto('/honorees');
    await check(visitor.page, '33-honorees');
    await visitor.page
      .getByRole('link', { name: /Lincoln High School/ })
      .first()
      .click();
    expect(await visitor.page.getByRole('heading', { level: 1 }).textContent()).to.contain('Lincoln High School');
    expect(await visitor.page.locator('meta[property="og:title"]').getAttribute('content')).to.contain(
      'Lincoln High School',
    );
    await check(visitor.page, '34-honoree');
    await visitor.context.close();
    expect(visited.length).to.be.greaterThan(30);
  });

  it('lets the admin give the portal the program’s logo and colour, and every page stays accessible', async () => {
    const [program] = await live.harness.db.select().from(programs);
    const { context, page } = await newPage();
    await signInAs(page, 'admin@program.example.org');
    await page.goto(`/admin/programs/${program!.id}/identity`);
    await check(page, '35-identity');
    const logo = await sharp({ create: { width: 600, height: 200, channels: 4, background: '#8a1538' } })
      .png()
      .toBuffer();
    await page.getByLabel('The logo').setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: logo });
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Upload the logo' }).click()]);
    expect(await page.getByText('The logo is saved.').isVisible()).to.equal(true);
    // A colour too light for white text is refused, with the reason next to the field.
    await page.getByLabel('Primary colour').fill('#f2a900');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Save the identity' }).click()]);
    expect(
      await page
        .getByText(/This colour has a contrast of .* with white/)
        .first()
        .isVisible(),
    ).to.equal(true);
    await check(page, '36-identity-refused-colour');
    await page.getByLabel('Primary colour').fill('#8a1538');
    await page.getByRole('textbox', { name: 'Short name (English)' }).fill('SOO');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Save the identity' }).click()]);
    await context.close();

    const visitor = await newPage();
    await visitor.page.goto('/');
    expect(await visitor.page.locator('img.brand-logo').count()).to.equal(1);
    const buttonColor = await visitor.page.evaluate(() =>
      getComputedStyle(document.documentElement).getPropertyValue('--green').trim(),
    );
    expect(buttonColor).to.equal('#8a1538');
    await check(visitor.page, '37-home-with-identity');
    await visitor.page.goto('/honorees');
    await check(visitor.page, '38-honorees-with-identity');
    await visitor.context.close();
  });

  it('lets the admin write to every reviewer of the panel, preview it and send it once', async () => {
    const { context, page } = await newPage();
    await signInAs(page, 'admin@program.example.org');
    await page.goto(`/admin/cycles/${cycleId}/messages`);
    await check(page, '39-messages');
    await page.getByLabel('To (required)').selectOption({ value: 'reviewers' });
    await page.getByLabel('Subject (required)').fill('Thank you for reviewing');
    await page.getByLabel('Message (required)').fill('The honorees are published.\n\nSee you next year.');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Preview the message' }).click()]);
    expect(await page.locator('#reach').textContent()).to.contain('2 people');
    await check(page, '40-message-preview');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Send to 2 people' }).click()]);
    await check(page, '41-message-sent');
    await context.close();
    await live.harness.deliverMail();
    const sent = live.harness.sink.messages.filter((m) => m.subject === 'Thank you for reviewing');
    expect(sent.map((m) => m.to[0]).sort()).to.deep.equal(['ben@college.example.edu', 'rosa@uni.example.edu']);
    // The paragraphs survived the round trip through the preview's hidden field.
    expect(sent[0]!.text).to.match(/The honorees are published\.\n\nSee you next year\./);
  });
});
