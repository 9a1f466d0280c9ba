// The nomination and application journeys in Spanish, in a real browser whose language is
// Spanish (Accept-Language es-MX), with axe on every page and <html lang="es">. The words the test
// looks for come from the Spanish catalogue, so it follows the catalogue as it is edited.
import { expect } from 'chai';
import { asc, eq } from 'drizzle-orm';
import type { BrowserContext, Page } from 'playwright-core';
import { applicationAnswers, applications, criteria, nominations, outbox } from '../../models/schema.js';
import { t } from '../../server/i18n/translate.js';
import { createOpenCycle } from '../helpers/factories.js';
import { accessibilityViolations, mailLink, screenshots, startLivePortal, type LivePortal } from './helpers.js';
import { tabAndCheck, tabAndType, tabTo } from './keyboard.js';

const PASSWORD = 'correct horse battery staple';
const es = (key: string, values?: Record<string, unknown>) => t('es', key, values);
/** A label as the field partial writes it: the words, then "(obligatorio)" when required. */
const labelled = (key: string) => new RegExp(`^${es(key).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);

describe('the journeys in Spanish, in a real browser', function () {
  this.timeout(180_000);
  let live: LivePortal;

  async function check(page: Page, name: string) {
    expect(await page.locator('html').getAttribute('lang'), `${name}: <html lang>`).to.equal('es');
    const violations = await accessibilityViolations(page);
    expect(violations, `${name} (${page.url()}):\n${violations.join('\n')}`).to.deep.equal([]);
    await screenshots(page, `es-${name}`);
  }

  async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
    const context = await live.browser.newContext({ baseURL: live.baseUrl, locale: 'es-MX' });
    const page = await context.newPage();
    page.on('dialog', (dialog) => void dialog.accept());
    return { context, page };
  }

  before(async () => {
    live = await startLivePortal();
    await createOpenCycle(live.harness.db, live.harness.clock());
  });
  after(async () => {
    await live?.close();
  });

  it('lets a Spanish-speaking parent nominate a school with the keyboard and confirm it from a Spanish e-mail', async () => {
    const { context, page } = await newPage();
    await page.goto('/');
    await check(page, '01-inicio');
    await page
      .getByRole('link', { name: es('common.nav.nominate') })
      .first()
      .click();
    await page.waitForURL('**/nominate');
    await check(page, '02-nominar');

    // Nothing filled in: the problems are listed at the top, in Spanish, and the list has focus.
    await page.getByRole('button', { name: es('nominations.form.send') }).click();
    expect(await page.locator('#error-summary').evaluate((el) => el === document.activeElement)).to.equal(true);
    expect(await page.locator('#error-summary h2').textContent()).to.equal(es('common.form.problem'));
    expect(await page.getByRole('link', { name: es('nominations.errors.reasonRequired') }).isVisible()).to.equal(true);
    await check(page, '03-nominar-errores');

    await page.goto('/nominate');
    // The school's own field, not the search above it with the same words: it is required.
    await tabAndType(
      page,
      `${es('nominations.form.schoolName')} ${es('common.form.required')}`,
      'Escuela Secundaria César Chávez',
    );
    await tabAndType(page, labelled('nominations.form.district'), 'Distrito Escolar de Phoenix');
    await tabAndType(page, labelled('nominations.form.city'), 'Phoenix');
    await page.getByLabel(labelled('nominations.form.state')).selectOption('AZ');
    await page.getByLabel(labelled('nominations.form.contactEmail')).fill('directora@chavez.example.org');
    await tabAndCheck(page, /^1\. /);
    await tabAndType(
      page,
      labelled('nominations.form.reason'),
      'Todos los estudiantes pueden tomar cursos avanzados, y los maestros se aseguran de que tengan éxito. Las familias reciben la información en español.',
    );
    await tabAndType(page, labelled('nominations.form.nominatorName'), 'María Pérez');
    await tabAndType(page, labelled('nominations.form.nominatorEmail'), 'maria@familia.example.com');
    await page
      .getByLabel(labelled('nominations.form.relationship'))
      .selectOption({ label: es('labels.relationship.parent') });
    await tabTo(page, es('nominations.form.send'));
    await Promise.all([page.waitForURL('**/nominate/sent'), page.keyboard.press('Enter')]);
    expect(await page.getByText(es('nominations.sent.title')).first().isVisible()).to.equal(true);
    await check(page, '04-nominacion-enviada');

    const [nomination] = await live.harness.db.select().from(nominations);
    expect(nomination?.language).to.equal('es');
    const confirmPath = await mailLink(
      live.harness,
      (_subject, to) => to.includes('maria@familia.example.com'),
      '/nominations/confirm/',
    );
    const [mail] = await live.harness.db.select().from(outbox).where(eq(outbox.toAddress, 'maria@familia.example.com'));
    expect(mail?.language).to.equal('es');
    expect(mail?.textBody).to.match(/confirm|nominaci/i);
    await page.goto(confirmPath);
    await check(page, '05-confirmar');
    await page.getByRole('button', { name: es('nominations.confirm.button') }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).to.contain(es('nominations.confirm.thanks'));
    await check(page, '06-confirmada');
    await context.close();
  });

  it('lets the principal follow the Spanish invitation, register, fill the application in Spanish and submit it', async () => {
    const { context, page } = await newPage();
    const invitedSubject = es('emails.schoolInvitation.subject', {
      schoolName: 'Escuela Secundaria César Chávez',
      cycleName: '',
    });
    const invitation = await mailLink(
      live.harness,
      (subject, to) => subject.startsWith(invitedSubject.trim()) && to.includes('directora@chavez.example.org'),
      '/invitations/',
    );
    const [invitationMail] = await live.harness.db
      .select()
      .from(outbox)
      .where(eq(outbox.toAddress, 'directora@chavez.example.org'));
    expect(invitationMail?.language, 'the invitation follows the nomination').to.equal('es');
    await page.goto(invitation);
    await check(page, '07-invitacion');
    await page
      .locator('#main')
      .getByRole('link', { name: es('accounts.login.register') })
      .click();
    await page.getByLabel(labelled('accounts.register.name')).fill('Rosa Martínez');
    await page.getByLabel(labelled('accounts.register.email')).fill('directora@chavez.example.org');
    await page.getByLabel(labelled('accounts.register.password')).fill(PASSWORD);
    await check(page, '08-registro');
    await page.getByRole('button', { name: es('accounts.register.submit') }).click();
    await check(page, '09-registrada');

    const verifySubject = es('emails.verifyEmail.subject', { siteName: '' });
    const verify = await mailLink(
      live.harness,
      (subject, to) => subject.startsWith(verifySubject.trim()) && to.includes('directora@chavez.example.org'),
      '/verify-email/',
    );
    await page.goto(verify);
    await check(page, '10-confirmar-direccion');
    await page.getByRole('button', { name: es('accounts.verify.submit') }).click();
    await page.getByLabel(labelled('accounts.login.password')).fill(PASSWORD);
    await page.getByRole('button', { name: es('accounts.login.submit') }).click();
    await page.waitForURL('**/schools/new?**');
    await check(page, '11-agregar-escuela');
    await page.getByLabel(labelled('schools.fields.level')).selectOption('high');
    await page.getByLabel(labelled('schools.fields.enrollment')).fill('1210');
    await page.getByLabel(labelled('schools.fields.frl')).fill('71');
    await page.getByLabel(labelled('schools.fields.iep')).fill('14');
    await page.getByRole('button', { name: es('schools.new.add') }).click();
    await page.waitForURL('**/invitations/**');
    await check(page, '12-comenzar');
    await page.getByRole('button', { name: es('nominations.invitation.start') }).click();
    await page.waitForURL(/\/applications\/\d+$/);
    const applicationPath = new URL(page.url()).pathname;
    await check(page, '13-postulacion');

    await page.goto(`${applicationPath}/eligibility`);
    await check(page, '14-elegibilidad');
    for (const radio of await page.locator('#main input[type=radio]').all()) {
      const value = await radio.getAttribute('value');
      if (value === 'public' || value === 'yes') await radio.check();
    }
    for (const input of await page.locator('#main input[type=text], #main input[inputmode]').all())
      await input.fill('13');
    await Promise.all([
      page.waitForURL('**/profile'),
      page.getByRole('button', { name: es('applications.eligibility.save') }).click(),
    ]);
    await check(page, '15-perfil');
    await Promise.all([
      page.waitForURL(/\/criteria$/),
      page.getByRole('button', { name: es('applications.profile.save') }).click(),
    ]);
    await check(page, '16-criterios');
    const rows = await live.harness.db.select().from(criteria).orderBy(asc(criteria.position));
    const optional = rows.filter((r) => !r.required).slice(0, 4);
    for (const c of optional) await page.getByLabel(new RegExp(`^${c.position}\\. `)).check();
    await Promise.all([
      page.waitForNavigation(),
      page.getByRole('button', { name: es('applications.criteria.save') }).click(),
    ]);

    const chosen = rows.filter((r) => r.required).concat(optional);
    for (const [index, c] of chosen.entries()) {
      await page.goto(`${applicationPath}/criteria/${c.id}`);
      if (index === 0) await check(page, '17-criterio');
      await page.getByLabel(labelled('applications.criterion.languageLabel')).selectOption('es');
      await page
        .getByLabel(labelled('applications.criterion.answerLabel'))
        .fill(
          `Nuestra escuela trabaja en el criterio ${c.position} con todos los estudiantes y sus familias, en español y en inglés.`,
        );
      expect(await page.locator('#answer-count').textContent()).to.match(/^\d+ de 500 palabras/);
      await Promise.all([
        page.waitForNavigation(),
        page.getByRole('button', { name: es('applications.criterion.save'), exact: true }).click(),
      ]);
    }

    await page.goto(`${applicationPath}/review`);
    await check(page, '18-revisar');
    expect(await page.getByText(es('applications.review.ready')).isVisible()).to.equal(true);
    await Promise.all([
      page.waitForURL(/\/applications\/\d+$/),
      page.getByRole('button', { name: es('applications.review.submit') }).click(),
    ]);
    expect(await page.getByText(es('applications.review.submitted')).first().isVisible()).to.equal(true);
    await check(page, '19-enviada');

    const [application] = await live.harness.db.select().from(applications);
    expect(application?.status).to.equal('submitted');
    const answers = (
      await live.harness.db
        .select()
        .from(applicationAnswers)
        .where(eq(applicationAnswers.applicationId, application!.id))
    ).filter((a) => a.chosen);
    expect(answers).to.have.length(chosen.length);
    expect(answers.every((a) => a.answer.startsWith('Nuestra escuela'))).to.equal(true);
    expect(answers.every((a) => a.language === 'es')).to.equal(true);
    const submittedSubject = es('emails.applicationSubmitted.subject', {
      schoolName: 'Escuela Secundaria César Chávez',
      cycleName: '',
    });
    const receipts = await live.harness.db
      .select()
      .from(outbox)
      .where(eq(outbox.toAddress, 'directora@chavez.example.org'));
    const receipt = receipts.find((m) => m.subject.startsWith(submittedSubject.replace(/, $/, '')));
    expect(receipt?.language, "the receipt is in the applicant's language").to.equal('es');
    // Its dates are written in Spanish too ("… de enero de 2027"), not in English words.
    expect(receipt?.textBody).to.match(/\d{1,2} de [a-z]+ de \d{4}/);
    expect(receipt?.textBody).not.to.match(
      /January|February|March|April|May|June|July|August|September|October|November|December/,
    );
    expect(invitationMail?.textBody).to.match(/\d{1,2} de [a-z]+ de \d{4}/);
    await context.close();
  });
});
