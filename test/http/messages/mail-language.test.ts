// Each e-mail is written in its reader's language: the one the caller gives (a nominator's),
// else the one the account with that address chose, else the program's default. The outbox row
// records it; the subject, the words around the data, the dates and the footer are in it; and an
// admin's edit in one language never reaches a reader of another.
import { expect } from 'chai';
import { eq } from 'drizzle-orm';
import { mailTemplates, outbox, programs, users } from '../../../models/schema.js';
import { enqueueMail, type MailSettings } from '../../../server/mail/outbox.js';
import { forgetEditedMails } from '../../../server/mail/edited.js';
import { startHarness, TEST_BASE_URL, TEST_MAIL_FROM, type Harness } from '../../helpers/harness.js';
import { createOpenCycle, createUser } from '../../helpers/factories.js';

describe('e-mail in each reader’s language', () => {
  let h: Harness;
  let settings: MailSettings;
  // Saturday, January 30, 2027, 11:59 PM in Denver.
  const deadline = { at: new Date('2027-01-31T06:59:00Z'), zone: 'America/Denver' };
  const invitation = (to: string, language?: string) =>
    enqueueMail(h.db, settings, {
      to,
      language,
      template: 'school-invitation',
      data: {
        schoolName: 'Lincoln High School',
        cycleName: 'Schools of Opportunity 2027',
        deadline,
        nominators: 2,
        link: `${TEST_BASE_URL}/invitations/abc`,
      },
    });
  const row = async (id: number | undefined) => (await h.db.select().from(outbox).where(eq(outbox.id, id!)))[0]!;

  before(async () => {
    h = await startHarness();
    await createOpenCycle(h.db, h.clock());
    settings = {
      baseUrl: TEST_BASE_URL,
      mailFrom: TEST_MAIL_FROM,
      clock: h.clock,
      unsubscribeSecret: 'secret-for-tests',
    };
  });
  after(() => h.close());

  it('writes a message in the language given, with its dates in that language, and stores the language', async () => {
    const mail = await row(await invitation('principal@lincoln.example.org', 'es'));
    expect(mail.language).to.equal('es');
    expect(mail.subject).to.equal('Lincoln High School está invitada a postularse a Schools of Opportunity 2027');
    expect(mail.textBody).to.contain('Hola:');
    expect(mail.textBody).to.contain('2 miembros de su comunidad nominaron a Lincoln High School');
    expect(mail.textBody).to.contain('Las postulaciones cierran el sábado, 30 de enero de 2027, 11:59');
    expect(mail.textBody).to.contain('Para dejar de recibir correos de Schools of Opportunity:');
    expect(mail.textBody).not.to.contain('Hello');
    expect(mail.htmlBody).to.contain('<html lang="es">');
    expect(mail.htmlBody).to.contain('<strong>Lincoln High School</strong>');
    expect(mail.htmlBody).to.contain('Enviado por Schools of Opportunity');
    expect(mail.htmlBody).to.contain('Comenzar la postulación');
    // Its unsubscribe link opens the page in Spanish too.
    expect(mail.unsubscribeUrl).to.match(/&lang=es$/);
    const unsubscribePage = await h.agent().get(mail.unsubscribeUrl!.slice(TEST_BASE_URL.length));
    expect(unsubscribePage.text).to.contain('<html lang="es"');

    // The same message in English reads as it always did.
    const english = await row(await invitation('principal@grant.example.org', 'en'));
    expect(english.language).to.equal('en');
    expect(english.subject).to.equal('Lincoln High School is invited to apply to Schools of Opportunity 2027');
    expect(english.textBody).to.contain(
      '2 members of your community nominated Lincoln High School for recognition in Schools of Opportunity 2027.',
    );
    expect(english.textBody).to.contain('Applications close on Saturday, January 30, 2027, 11:59 PM MT.');
    expect(english.htmlBody).to.contain('<html lang="en">');
  });

  it('without a language, writes in the language of the account with that address', async () => {
    const user = await createUser(h.db, { email: 'ana@example.org', name: 'Ana Reyes' });
    await h.db.update(users).set({ language: 'es' }).where(eq(users.id, user.id));
    const id = await enqueueMail(h.db, settings, {
      to: 'Ana@Example.org',
      template: 'password-reset',
      data: { name: 'Ana Reyes', link: `${TEST_BASE_URL}/reset-password/xyz` },
    });
    const mail = await row(id);
    expect(mail.language).to.equal('es');
    expect(mail.subject).to.equal('Elija una nueva contraseña para Schools of Opportunity');
    expect(mail.textBody.split('\n')[0]).to.equal('Hola, Ana Reyes:');

    // What reaches the SMTP server is that Spanish message.
    await h.deliverMail();
    const sent = await h.sink.waitFor((m) => m.to.includes('ana@example.org'));
    expect(sent.subject).to.equal('Elija una nueva contraseña para Schools of Opportunity');
    expect(sent.text).to.contain('Alguien pidió restablecer la contraseña de su cuenta.');
    expect(sent.html).to.contain('Elegir una nueva contraseña');
  });

  it('an address with no account gets the program’s default language', async () => {
    expect((await row(await invitation('nobody@example.org'))).language).to.equal('en');
    await h.db.update(programs).set({ defaultLanguage: 'es' });
    const mail = await row(await invitation('someone.else@example.org'));
    expect(mail.language).to.equal('es');
    expect(mail.subject).to.match(/está invitada a postularse/);
    // An account's own choice still wins over the program's default.
    const user = await createUser(h.db, { email: 'lee@example.org', name: 'Lee' });
    await h.db.update(users).set({ language: 'en' }).where(eq(users.id, user.id));
    expect((await row(await invitation('lee@example.org'))).language).to.equal('en');
    await h.db.update(programs).set({ defaultLanguage: 'en' });
  });

  it('uses an edit only for readers of its language', async () => {
    await h.db.insert(mailTemplates).values({
      template: 'school-invitation',
      language: 'en',
      subject: 'Edited: {{schoolName}}',
      body: 'Edited words. Apply by {{deadline}}.',
      updatedAt: h.clock(),
    });
    forgetEditedMails(h.db);
    const english = await row(await invitation('a@example.org', 'en'));
    expect(english.subject).to.equal('Edited: Lincoln High School');
    expect(english.textBody).to.contain('Apply by Saturday, January 30, 2027, 11:59 PM MT.');
    const spanish = await row(await invitation('b@example.org', 'es'));
    expect(spanish.subject).to.equal('Lincoln High School está invitada a postularse a Schools of Opportunity 2027');
    expect(spanish.textBody).not.to.contain('Edited');

    await h.db.insert(mailTemplates).values({
      template: 'school-invitation',
      language: 'es',
      subject: 'Invitación editada: {{schoolName}}',
      body: 'Palabras editadas. Postúlese antes del {{deadline}}.',
      updatedAt: h.clock(),
    });
    forgetEditedMails(h.db);
    const edited = await row(await invitation('c@example.org', 'es'));
    expect(edited.subject).to.equal('Invitación editada: Lincoln High School');
    expect(edited.textBody).to.contain('Postúlese antes del sábado, 30 de enero de 2027, 11:59');
    expect((await row(await invitation('d@example.org', 'en'))).subject).to.equal('Edited: Lincoln High School');
    await h.db.delete(mailTemplates);
    forgetEditedMails(h.db);
  });

  it('writes words a service chose (a level, a review’s state) in the reader’s language', async () => {
    const id = await enqueueMail(h.db, settings, {
      to: 'rosa@uni.example.edu',
      language: 'es',
      template: 'review-reminder',
      data: {
        name: 'Rosa',
        roundName: 'Ronda 1',
        cycleName: 'Schools of Opportunity 2027',
        count: 1,
        items: [{ number: 42, schoolName: 'Lincoln High School', state: { key: 'emails.reviewReminder.state.draft' } }],
        dueDate: new Date('2027-03-31T18:00:00Z'),
        daysLeft: 3,
        link: `${TEST_BASE_URL}/reviews`,
      },
    });
    const mail = await row(id);
    expect(mail.subject).to.equal('Recordatorio: 1 evaluación vence el 31 de marzo de 2027 en Ronda 1');
    expect(mail.textBody).to.contain(
      '1 de sus evaluaciones en Ronda 1 de Schools of Opportunity 2027 todavía no se ha enviado.',
    );
    expect(mail.textBody).to.contain('(faltan 3 días)');
    expect(mail.textBody).to.contain('- Postulación 42 — Lincoln High School: borrador guardado, sin enviar');
  });
});
