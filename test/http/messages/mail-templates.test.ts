// The admins edit the words of an e-mail, each language beside the other: fields listed, preview
// with sample data in each language, a broken edit refused with the error beside the field of
// its language and never sent, no markup injected, a test to oneself, a reset per language; an
// edit reaches only the readers of its language.
import { expect } from 'chai';
import { eq } from 'drizzle-orm';
import { mailTemplates, users } from '../../../models/schema.js';
import { defaultWords } from '../../../server/mail/templates.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { createUser, signIn, createOpenCycle } from '../../helpers/factories.js';
import { readable, submitForm } from '../../helpers/forms.js';
import { confirm, confirmLinkFor, nominate, NOMINATION } from '../../helpers/nominator.js';

type Agent = ReturnType<Harness['agent']>;
const EDIT = '/admin/mail-templates/school-invitation';
const shipped = (language: string) => {
  const words = defaultWords('school-invitation', language);
  return { [`subject_${language}`]: words.subject, [`body_${language}`]: words.body };
};

describe('e-mails edited by the admins', () => {
  let h: Harness;
  let admin: Agent;
  /** Saves `fields`, with every language not given left as shipped. */
  const save = (fields: Record<string, string>) =>
    submitForm(admin, EDIT, EDIT, { action: 'save', ...shipped('en'), ...shipped('es'), ...fields });

  /** A confirmed nomination invites its school: the e-mail under test. */
  async function invitation(schoolName: string, contactEmail: string) {
    const parent = h.agent();
    const nominatorEmail = `parent.of.${contactEmail}`;
    expect((await nominate(parent, { ...NOMINATION, schoolName, contactEmail, nominatorEmail })).status).to.equal(303);
    await confirm(parent, await confirmLinkFor(h, nominatorEmail));
    await h.deliverMail();
    return h.sink.waitFor((m) => m.to.includes(contactEmail));
  }

  /** An account at `email` whose owner chose Spanish. */
  async function spanishReader(email: string) {
    const user = await createUser(h.db, { email });
    await h.db.update(users).set({ language: 'es' }).where(eq(users.id, user.id));
  }

  before(async () => {
    h = await startHarness();
    await createOpenCycle(h.db, h.clock());
    await createUser(h.db, { email: 'admin@program.example.org', name: 'Ada Admin', roles: ['admin'] });
    admin = h.agent();
    await signIn(admin, 'admin@program.example.org');
  });
  after(() => h.close());

  it('lists every e-mail with each language’s state, and shows both languages side by side', async () => {
    const list = readable((await admin.get('/admin/mail-templates')).text);
    expect(list).to.contain('<a href="/admin/mail-templates/school-invitation">school-invitation</a>');
    expect(list).to.contain('English: as shipped');
    expect(list).to.contain('Spanish: as shipped');
    const page = readable((await admin.get(EDIT)).text);
    expect(page).to.contain('<code>{{schoolName}}</code>');
    expect(page).to.contain('<code>{{link}}</code>');
    expect(page).to.match(
      /id="subject_en" name="subject_en" type="text" lang="en"[^>]*value="\{\{schoolName\}\} is invited to apply to \{\{cycleName\}\}"/,
    );
    expect(page).to.match(
      /id="subject_es" name="subject_es" type="text" lang="es"[^>]*value="\{\{schoolName\}\} está invitada a postularse a \{\{cycleName\}\}"/,
    );
    expect(page).to.contain('<label for="body_es">Message (Spanish)');
    expect(page).to.contain('Hola:\n\n{{#if nominators}}');
    expect(page).to.contain('Las postulaciones cierran el {{moment deadline}}.');

    const spanish = readable((await admin.get(`${EDIT}?lang=es`)).text);
    expect(spanish).to.contain('<label for="subject_en">Asunto (inglés)');
    expect(spanish).to.contain('Español: texto original');
    expect(spanish).to.contain('Enviarme una prueba (español)');
    await admin.get(`${EDIT}?lang=en`);
  });

  it('refuses an edit that cannot be sent, with the error beside the field of its language', async () => {
    for (const [fields, field, language] of [
      [{ body_en: 'Hello {{#if nominators}people' }, 'body_en', 'English'],
      [{ body_es: 'Hola {{principalName}}' }, 'body_es', 'Spanish'],
      [{ subject_es: 'Invitada {{{schoolName}}}' }, 'subject_es', 'Spanish'],
      [{ subject_en: '' }, 'subject_en', 'English'],
    ] as const) {
      const res = await save(fields);
      expect(res.status, JSON.stringify(fields)).to.equal(422);
      expect(res.text).to.match(new RegExp(`id="${field}"[^>]*aria-invalid="true"`));
      const text = readable(res.text);
      if (field !== 'subject_en') expect(text).to.contain(`This cannot be sent as written (${language})`);
      else expect(text).to.contain('Write the subject line (English).');
      const typed = Object.values(fields)[0];
      if (typed) expect(res.text).to.contain(typed.replace(/"/g, '&quot;')); // what was typed stays
    }
    // Both languages broken at once: a message beside each.
    const both = await save({ body_en: 'Hello {{nope}}', body_es: 'Hola {{#each}}' });
    expect(both.status).to.equal(422);
    expect(both.text).to.match(/id="body_en"[^>]*aria-invalid="true"/);
    expect(both.text).to.match(/id="body_es"[^>]*aria-invalid="true"/);
    expect(await h.db.select().from(mailTemplates)).to.deep.equal([]);
  });

  it('previews each language with sample data before saving', async () => {
    const res = await submitForm(admin, EDIT, EDIT, {
      action: 'preview',
      subject_en: 'Your invitation, {{schoolName}}',
      body_en: 'Dear {{schoolName}},\n\nApply at {{link}} by {{deadline}}.',
      ...shipped('es'),
    });
    expect(res.status).to.equal(200);
    const page = readable(res.text);
    expect(page).to.contain('Your invitation, Lincoln High School');
    expect(page).to.contain(
      'Apply at https://awards.example.org/invitations/sample by Saturday, January 30, 2027, 11:59 PM MT.',
    );
    expect(page).to.contain('Lincoln High School está invitada a postularse');
    expect(page).to.contain('Las postulaciones cierran el sábado, 30 de enero de 2027, 11:59');
    expect(await h.db.select().from(mailTemplates)).to.deep.equal([]);
  });

  it('saves only the language that changed, and sends it only to readers of that language', async () => {
    const res = await save({
      subject_en: 'Your invitation, {{schoolName}}',
      body_en:
        'Dear {{schoolName}},\n\n<b>Apply</b> at {{link}}<script>alert(1)</script>\n\nApplications close on {{deadline}}.',
    });
    expect(res.status, res.text).to.equal(303);
    const rows = await h.db.select().from(mailTemplates);
    expect(rows.map((r) => r.language)).to.deep.equal(['en']);
    const list = readable((await admin.get('/admin/mail-templates')).text);
    expect(list).to.match(/English: edited /);
    expect(list).to.contain('Spanish: as shipped');

    const mail = await invitation('Grant High School', 'principal@grant.example.org');
    expect(mail.subject).to.equal('Your invitation, Grant High School');
    expect(mail.text).to.contain('Dear Grant High School,');
    expect(mail.html).to.contain('&lt;b&gt;Apply&lt;/b&gt; at <a href="');
    expect(mail.html).not.to.contain('<script>');
    expect(mail.html).not.to.contain('<b>Apply</b>');
    expect(mail.html).to.contain('Sent by Schools of Opportunity');
    expect(mail.html).to.contain('role="presentation"');

    // A principal who reads Spanish gets the Spanish words as shipped.
    await spanishReader('principal@hoover.example.org');
    const spanish = await invitation('Hoover High School', 'principal@hoover.example.org');
    expect(spanish.subject).to.match(/^Hoover High School está invitada a postularse a /);
    expect(spanish.text).not.to.contain('Dear');
  });

  it('saves a Spanish edit for Spanish readers, keeping the English one', async () => {
    const res = await save({
      subject_en: 'Your invitation, {{schoolName}}',
      body_en: 'Dear {{schoolName}},\n\nApply at {{link}}.',
      subject_es: 'Su invitación, {{schoolName}}',
      body_es: 'Estimada {{schoolName}}:\n\nPostúlese en {{link}} antes del {{deadline}}.',
    });
    expect(res.status, res.text).to.equal(303);
    const rows = await h.db.select().from(mailTemplates).orderBy(mailTemplates.language);
    expect(rows.map((r) => [r.language, r.subject])).to.deep.equal([
      ['en', 'Your invitation, {{schoolName}}'],
      ['es', 'Su invitación, {{schoolName}}'],
    ]);
    await spanishReader('principal@adams.example.org');
    const spanish = await invitation('Adams High School', 'principal@adams.example.org');
    expect(spanish.subject).to.equal('Su invitación, Adams High School');
    expect(spanish.text).to.contain('Postúlese en');
    expect((await invitation('Taft High School', 'principal@taft.example.org')).subject).to.equal(
      'Your invitation, Taft High School',
    );
  });

  it('sends a test to the admin who asks, in the language asked for', async () => {
    const res = await submitForm(admin, EDIT, `${EDIT}/test`, { language: 'es' });
    expect(res.status).to.equal(303);
    expect(readable((await admin.get(EDIT)).text)).to.contain(
      'A test of this e-mail in Spanish, with sample data, is on its way to admin@program.example.org.',
    );
    await h.deliverMail();
    const test = await h.sink.waitFor((m) => m.to.includes('admin@program.example.org'));
    expect(test.subject).to.equal('Su invitación, Lincoln High School');
  });

  it('puts one language back to the words it shipped with', async () => {
    const res = await submitForm(admin, EDIT, `${EDIT}/reset`, { language: 'es' });
    expect(res.status).to.equal(303);
    expect((await h.db.select().from(mailTemplates)).map((r) => r.language)).to.deep.equal(['en']);
    expect(readable((await admin.get(EDIT)).text)).to.contain('Spanish: as shipped');
    // Saving the English words as shipped removes the English edit too.
    expect((await save({})).status).to.equal(303);
    expect(await h.db.select().from(mailTemplates)).to.deep.equal([]);
    const mail = await invitation('Jefferson High School', 'principal@jefferson.example.org');
    expect(mail.subject).to.match(/^Jefferson High School is invited to apply to /);
    expect((await submitForm(admin, EDIT, `${EDIT}/reset`, { language: 'fr' })).status).to.equal(404);
  });

  it('keeps e-mail editing to admins', async () => {
    await createUser(h.db, { email: 'someone@example.org' });
    const someone = h.agent();
    await signIn(someone, 'someone@example.org');
    expect((await someone.get(EDIT)).status).to.equal(403);
    expect((await submitForm(someone, '/', EDIT, { action: 'save', subject_en: 'x', body_en: 'y' })).status).to.equal(
      403,
    );
    expect((await admin.get('/admin/mail-templates/no-such-mail')).status).to.equal(404);
    expect(
      await h.db.select().from(mailTemplates).where(eq(mailTemplates.template, 'school-invitation')),
    ).to.deep.equal([]);
  });
});
