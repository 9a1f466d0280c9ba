// The nomination and application journeys in Spanish, in a real browser whose language is
// Spanish (Accept-Language es-MX), with axe on every page and <html lang="es">. The words the test
// looks for come from the Spanish catalogue, so it follows the catalogue as it is edited.
import { expect } from 'chai';
import { eq } from 'drizzle-orm';
import type { BrowserContext, Page } from 'playwright-core';
import { nominations, outbox } from '../../models/schema.js';
import { t } from '../../server/i18n/translate.js';
import { createOpenCycle } from '../helpers/factories.js';
import { accessibilityViolations, mailLink, screenshots, startLivePortal, type LivePortal } from './helpers.js';
import { tabAndCheck, tabAndType, tabTo } from './keyboard.js';

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
});
