// The language of a page: `?lang=` (remembered in a cookie, and on the account when signed in),
// the account's choice, the cookie, Accept-Language, then the program's default; with
// <html lang>, Content-Language, a switcher that is a plain link, hreflang alternates, and
// public-page copies kept per language.
import { expect } from 'chai';
import { eq } from 'drizzle-orm';
import { programs, users } from '../../../models/schema.js';
import { startHarness, TEST_BASE_URL, type Harness } from '../../helpers/harness.js';
import { createOpenCycle, createUser, signIn } from '../../helpers/factories.js';
import { forgetSiteIdentity } from '../../../server/services/programs/identity.js';

const START = new Date('2026-11-22T12:00:00Z');
const htmlLang = (html: string) => /<html lang="([^"]+)"/.exec(html)?.[1];
/** The page with the entities Handlebars writes in attributes (&amp; &#x3D;) decoded. */
const decoded = (html: string) => html.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');
const cookieOf = (headers: Record<string, unknown>) =>
  ([] as string[])
    .concat((headers['set-cookie'] as string[] | undefined) ?? [])
    .find((c) => c.startsWith('laurel.lang='));

describe('the language of a page', () => {
  let h: Harness;
  let programId: number;

  before(async () => {
    h = await startHarness();
    h.clock.set(START);
    await createOpenCycle(h.db, START);
    programId = (await h.db.select().from(programs))[0]!.id;
  });
  after(() => h.close());

  it('is English for a browser that asks for nothing, with its switcher to Spanish', async () => {
    const res = await h.agent().get('/honorees').expect(200);
    expect(htmlLang(res.text)).to.equal('en');
    expect(res.headers['content-language']).to.equal('en');
    expect(res.text).to.include('Nominate a school');
    expect(decoded(res.text)).to.include(
      '<a href="/honorees?lang=es" hreflang="es" lang="es" rel="alternate">Español</a>',
    );
    expect(res.text).to.include('<span aria-current="true" lang="en">English</span>');
    expect(cookieOf(res.headers)).to.equal(undefined);
  });

  it('follows Accept-Language, with its weights and regional variants', async () => {
    for (const header of ['es-MX,es;q=0.9', 'es', 'fr-FR, es;q=0.5, en;q=0.1']) {
      const res = await h.agent().get('/no-such-page').set('Accept-Language', header).expect(404);
      expect(htmlLang(res.text), header).to.equal('es');
      expect(res.text).to.include('No encontramos la página');
      expect(res.text).to.include('Nominar una escuela');
    }
    const english = await h.agent().get('/no-such-page').set('Accept-Language', 'en-US,en;q=0.9,es;q=0.8').expect(404);
    expect(htmlLang(english.text)).to.equal('en');
    expect(english.text).to.include('Page not found');
  });

  it('falls back to the program’s default language when the browser asks for one we do not speak', async () => {
    const french = () => h.agent().get('/no-such-page').set('Accept-Language', 'fr-FR,fr;q=0.9');
    expect(htmlLang((await french()).text)).to.equal('en');
    await h.db.update(programs).set({ defaultLanguage: 'es' }).where(eq(programs.id, programId));
    // The identity is kept for ten seconds (services/programs/identity.ts): as after an admin's save.
    forgetSiteIdentity(h.db);
    try {
      expect(htmlLang((await french()).text)).to.equal('es');
      // Any language the browser asks for that we speak still wins over the default.
      const english = await h.agent().get('/no-such-page').set('Accept-Language', 'en').expect(404);
      expect(htmlLang(english.text)).to.equal('en');
    } finally {
      await h.db.update(programs).set({ defaultLanguage: 'en' }).where(eq(programs.id, programId));
      forgetSiteIdentity(h.db);
    }
  });

  it('names the program, and shows its privacy notice, in the reader’s language where it has one', async () => {
    await h.db
      .update(programs)
      .set({
        privacyNotice: 'We keep your name private.',
        translations: { es: { name: 'Escuelas de Oportunidad', privacyNotice: 'Mantenemos su nombre en privado.' } },
      })
      .where(eq(programs.id, programId));
    forgetSiteIdentity(h.db);
    try {
      const spanish = await h.agent().get('/privacy').set('Accept-Language', 'es').expect(200);
      expect(spanish.text).to.include('Escuelas de Oportunidad');
      expect(spanish.text).to.include('Mantenemos su nombre en privado.');
      const english = await h.agent().get('/privacy').expect(200);
      expect(english.text).to.not.include('Escuelas de Oportunidad');
      expect(english.text).to.include('We keep your name private.');
    } finally {
      await h.db.update(programs).set({ privacyNotice: '', translations: {} }).where(eq(programs.id, programId));
      forgetSiteIdentity(h.db);
    }
  });

  it('opens a shared ?lang=es link in Spanish and remembers it in a cookie until switched back', async () => {
    const visitor = h.agent();
    const first = await visitor.get('/no-such-page?lang=es').set('Accept-Language', 'en').expect(404);
    expect(htmlLang(first.text)).to.equal('es');
    const cookie = cookieOf(first.headers);
    expect(cookie).to.match(/^laurel\.lang=es; Max-Age=31536000; Path=\/; Expires=[^;]+; SameSite=Lax$/);
    // The cookie beats the browser's English.
    const next = await visitor.get('/no-such-page').set('Accept-Language', 'en').expect(404);
    expect(htmlLang(next.text)).to.equal('es');
    expect(cookieOf(next.headers)).to.equal(undefined);
    const back = await visitor.get('/no-such-page?lang=en').expect(404);
    expect(htmlLang(back.text)).to.equal('en');
    expect(cookieOf(back.headers)).to.match(/^laurel\.lang=en;/);
    expect(htmlLang((await visitor.get('/no-such-page').set('Accept-Language', 'es')).text)).to.equal('en');
  });

  it('ignores a language it does not speak, and a hostile one', async () => {
    for (const value of ['fr', 'ES', 'es-MX', '<script>', 'es&lang=en', 'e'.repeat(5000)]) {
      const res = await h
        .agent()
        .get(`/no-such-page?lang=${encodeURIComponent(value)}`)
        .expect(404);
      expect(htmlLang(res.text), value).to.equal('en');
      expect(cookieOf(res.headers), value).to.equal(undefined);
    }
    const repeated = await h.agent().get('/no-such-page?lang=es&lang=en').expect(404);
    expect(htmlLang(repeated.text)).to.equal('en');
    const badCookie = await h.agent().get('/no-such-page').set('Cookie', 'laurel.lang=xx').expect(404);
    expect(htmlLang(badCookie.text)).to.equal('en');
  });

  it('names every language version of the page with hreflang, the x-default without ?lang', async () => {
    const page = decoded((await h.agent().get('/honorees?year=2027&lang=es').expect(200)).text);
    expect(page).to.include(`<link rel="alternate" hreflang="en" href="${TEST_BASE_URL}/honorees?year=2027&lang=en">`);
    expect(page).to.include(`<link rel="alternate" hreflang="es" href="${TEST_BASE_URL}/honorees?year=2027&lang=es">`);
    expect(page).to.include(`<link rel="alternate" hreflang="x-default" href="${TEST_BASE_URL}/honorees?year=2027">`);
    // The switcher keeps the page's other parameters.
    expect(page).to.include(
      '<a href="/honorees?year=2027&lang=en" hreflang="en" lang="en" rel="alternate">English</a>',
    );
  });

  it('keeps a signed-in person’s choice on the account, over the browser, in any new session', async () => {
    const user = await createUser(h.db, { email: 'madre@familia.example.org', name: 'Ana' });
    expect(user.language).to.equal(null);
    const first = h.agent();
    await signIn(first, 'madre@familia.example.org');
    await first.get('/my/applications?lang=es').expect(200);
    const [stored] = await h.db.select({ language: users.language }).from(users).where(eq(users.id, user.id));
    expect(stored!.language).to.equal('es');

    // Another browser, English, no cookie: once signed in, the pages are Spanish.
    const second = h.agent();
    await signIn(second, 'madre@familia.example.org');
    const page = await second.get('/my/applications').set('Accept-Language', 'en-US').expect(200);
    expect(htmlLang(page.text)).to.equal('es');
    expect(page.text).to.include('Sesión iniciada como Ana');
  });

  it('shows the sign-in prompt of a guarded page in the visitor’s language', async () => {
    const visitor = h.agent();
    await visitor.get('/admin').set('Accept-Language', 'es').expect(303);
    const login = await visitor.get('/login').set('Accept-Language', 'es').expect(200);
    expect(login.text).to.include('Inicie sesión para continuar.');
  });

  it('keeps a copy of a public page per language, and never serves one language’s copy to another', async () => {
    const spanish = () => h.agent().get('/honorees').set('Accept-Language', 'es');
    const first = await spanish().expect(200);
    const second = await spanish().expect(200);
    expect(second.headers.etag).to.equal(first.headers.etag);
    expect(htmlLang(second.text)).to.equal('es');
    expect(second.headers.vary).to.equal('Cookie, Accept-Language, Accept-Encoding');
    const english = await h.agent().get('/honorees').expect(200);
    expect(htmlLang(english.text)).to.equal('en');
    expect(english.headers.etag).to.not.equal(first.headers.etag);
    const byCookie = await h.agent().get('/honorees').set('Cookie', 'laurel.lang=es').expect(200);
    expect(htmlLang(byCookie.text)).to.equal('es');
    // A ?lang link the cookie does not hold yet is rendered, so the choice is remembered.
    const link = await h.agent().get('/honorees?lang=es').expect(200);
    expect(htmlLang(link.text)).to.equal('es');
    expect(cookieOf(link.headers)).to.match(/^laurel\.lang=es;/);
  });
});
