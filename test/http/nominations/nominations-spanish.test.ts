// The nomination journey in Spanish: the form and its messages, the language a nomination keeps,
// and the program's own words (cycle and criteria) in Spanish where it wrote them.
import { expect } from 'chai';
import { asc, eq } from 'drizzle-orm';
import { criteria, cycles, nominations, outbox } from '../../../models/schema.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { createOpenCycle } from '../../helpers/factories.js';
import { csrfTokenFrom, linkIn, readable } from '../../helpers/forms.js';
import { nominate, NOMINATION } from '../../helpers/nominator.js';

describe('nominations in Spanish', () => {
  let h: Harness;
  let cycleId: number;
  let firstTitle: string;
  let secondTitle: string;

  before(async () => {
    h = await startHarness();
    cycleId = await createOpenCycle(h.db, h.clock());
    const list = await h.db
      .select()
      .from(criteria)
      .where(eq(criteria.cycleId, cycleId))
      .orderBy(asc(criteria.position));
    firstTitle = list[0]!.title;
    secondTitle = list[1]!.title;
    // The program wrote the cycle's name and its first criterion in Spanish, not the second.
    await h.db
      .update(criteria)
      .set({ translations: { es: { title: 'Ampliar las oportunidades de aprendizaje' } } })
      .where(eq(criteria.id, list[0]!.id));
    // The demo criteria come with Spanish: this one is left without, as a program may.
    await h.db.update(criteria).set({ translations: {} }).where(eq(criteria.id, list[1]!.id));
    await h.db
      .update(cycles)
      .set({ translations: { es: { name: 'Escuelas de Oportunidad 2026–2027' } } })
      .where(eq(cycles.id, cycleId));
  });
  after(() => h.close());

  it('shows the form in Spanish when asked with ?lang=es, with the program’s Spanish words', async () => {
    const page = await h.agent().get('/nominate?lang=es');
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('<html lang="es"');
    const text = readable(page.text);
    expect(text).to.contain('<h1>Nominar una escuela</h1>');
    expect(text).to.contain('<title>Nominar una escuela — Escuelas de Oportunidad 2026–2027');
    expect(text).to.contain('<label for="nominatorName">Su nombre <span class="required">(obligatorio)</span>');
    expect(text).to.contain('<option value="parent">Madre, padre o tutor</option>');
    expect(text).to.contain(
      '<label for="contactEmail">Correo electrónico del director o la directora, u otro contacto de la escuela, si lo sabe</label>',
    );
    expect(text).to.contain('Enviar mi nominación');
    expect(text).to.contain('Las nominaciones cierran el ');
    // A criterion with a translation shows it; one without shows the program's own words.
    expect(text).to.contain('1. Ampliar las oportunidades de aprendizaje</label>');
    expect(text).to.contain(`2. ${secondTitle}</label>`);
    expect(text).not.to.contain(firstTitle);
    for (const english of ['Nominate a school', 'Your name', 'Send my nomination', 'About you']) {
      expect(text).not.to.contain(english);
    }
  });

  it('follows Accept-Language (es-MX), and stays English without one', async () => {
    const spanish = readable((await h.agent().get('/nominate').set('Accept-Language', 'es-MX,es;q=0.9')).text);
    expect(spanish).to.contain('<h1>Nominar una escuela</h1>');
    expect(spanish).to.contain('¿Cómo conoce la escuela?');
    const english = readable((await h.agent().get('/nominate')).text);
    expect(english).to.contain('<h1>Nominate a school</h1>');
    expect(english).to.contain(`1. ${firstTitle}</label>`);
  });

  it('says what is wrong in Spanish on a bad submit', async () => {
    const agent = h.agent();
    await agent.get('/nominate?lang=es');
    const res = await nominate(agent, {
      ...NOMINATION,
      nominatorName: '',
      nominatorEmail: 'not an address',
      relationship: '',
      contactEmail: 'nope',
      reason: '',
    });
    expect(res.status).to.equal(422);
    const text = readable(res.text);
    expect(text).to.contain('<h2 id="error-summary-title">Hay un problema</h2>');
    for (const message of [
      'Escriba su nombre.',
      'Escriba su correo electrónico, por ejemplo nombre@ejemplo.org. Le enviaremos un enlace para confirmarlo.',
      'Elija cómo conoce la escuela.',
      'Escriba un correo electrónico como director@escuela.org, o deje el campo vacío.',
      'Cuéntenos por qué esta escuela merece un reconocimiento.',
    ]) {
      expect(text).to.contain(message);
    }
    expect(text).not.to.contain('Enter your name.');
    expect(await h.db.select().from(nominations)).to.have.length(0);

    const tooLong = await nominate(agent, { ...NOMINATION, reason: 'palabra '.repeat(301) });
    expect(readable(tooLong.text)).to.contain('Use como máximo 300 palabras; usted escribió 301.');
  });

  it('keeps the language a nomination was written in, and queues its e-mail in it', async () => {
    const agent = h.agent();
    await agent.get('/nominate?lang=es');
    const res = await nominate(agent, { ...NOMINATION, nominatorEmail: 'lucia@example.com', nominatorName: 'Lucía' });
    expect(res.status, res.text).to.equal(303);
    expect(readable((await agent.get('/nominate/sent')).text)).to.contain(
      '¡Gracias! Le enviamos un enlace a lucia@example.com.',
    );
    const [row] = await h.db.select().from(nominations).where(eq(nominations.nominatorEmail, 'lucia@example.com'));
    expect(row?.language).to.equal('es');
    const [mail] = await h.db.select().from(outbox).where(eq(outbox.toAddress, 'lucia@example.com'));
    expect(mail?.template).to.equal('nomination-confirm');
    expect(mail?.language).to.equal('es');

    // The confirmation page follows the reader's language too.
    const link = linkIn(mail!.textBody, '/nominations/confirm/');
    const page = await agent.get(link);
    expect(readable(page.text)).to.contain('Usted nominó a Lincoln H.S.');
    const confirmed = await agent
      .post(link)
      .type('form')
      .send({ _csrf: csrfTokenFrom(page.text) });
    expect(readable(confirmed.text)).to.contain('Gracias: su nominación ya cuenta');

    // Written in English, it stays English.
    await nominate(h.agent(), { ...NOMINATION, nominatorEmail: 'sam@example.com', schoolName: 'Grant High' });
    const [english] = await h.db.select().from(nominations).where(eq(nominations.nominatorEmail, 'sam@example.com'));
    expect(english?.language).to.equal('en');
    const [englishMail] = await h.db.select().from(outbox).where(eq(outbox.toAddress, 'sam@example.com'));
    expect(englishMail?.language).to.equal('en');
  });

  it('says in Spanish why a file is refused, and stores nothing', async () => {
    const before = await h.db.select().from(nominations);
    const agent = h.agent();
    await agent.get('/nominate?lang=es');
    // fake.pdf is plain text named like a PDF.
    const res = await nominate(agent, { ...NOMINATION, nominatorEmail: 'archivos@example.com' }, [
      { name: 'fake.pdf' },
    ]);
    expect(res.status).to.equal(422);
    const text = readable(res.text);
    expect(text).to.contain(
      '“fake.pdf” parece ser texto sin formato, no un PDF. ' +
        'Suba un archivo PDF, Word (.doc, .docx), Excel (.xls, .xlsx), PNG o JPEG. Elija sus archivos de nuevo.',
    );
    expect(text).not.to.contain('looks like');
    expect(text).to.contain('value="Lincoln H.S."');
    expect(await h.db.select().from(nominations)).to.have.length(before.length);
  });

  it('says a bad confirmation link does not work, in Spanish', async () => {
    const res = await h.agent().get('/nominations/confirm/not-a-token').set('Accept-Language', 'es');
    expect(res.status).to.equal(404);
    const text = readable(res.text);
    expect(text).to.contain('<h1>Este enlace no funciona</h1>');
    expect(text).to.contain('Este enlace de confirmación no es válido.');
  });
});
