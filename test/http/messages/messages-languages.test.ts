// A message from the staff reaches each person with the staff's own subject and words, and the
// words around them (greeting, the cycle line, the footer) in the language that person reads.
// The staff's pages for messages and the outbox are in Spanish for a Spanish-speaking admin.
import { expect } from 'chai';
import { eq } from 'drizzle-orm';
import { applications, nominations, outbox, schoolContacts, schools, users } from '../../../models/schema.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { createUser, signIn, createOpenCycle } from '../../helpers/factories.js';
import { readable, submitForm } from '../../helpers/forms.js';

type Agent = ReturnType<Harness['agent']>;

describe('messages in each person’s language', () => {
  let h: Harness;
  let admin: Agent;
  let cycleId: number;
  const page = () => `/admin/cycles/${cycleId}/messages`;

  before(async () => {
    h = await startHarness();
    cycleId = await createOpenCycle(h.db, h.clock());
    await createUser(h.db, { email: 'admin@program.example.org', name: 'Ada Admin', roles: ['admin'] });
    const [school] = await h.db
      .insert(schools)
      .values({ name: 'Lincoln High School', city: 'Portland', state: 'OR', level: 'high', matchKey: 'lincoln' })
      .returning();
    for (const [email, name, language] of [
      ['pat@lincoln.example.org', 'Pat Principal', null],
      ['lucia@lincoln.example.org', 'Lucía Directora', 'es'],
    ] as const) {
      const user = await createUser(h.db, { email, name });
      await h.db.update(users).set({ language }).where(eq(users.id, user.id));
      await h.db.insert(schoolContacts).values({ schoolId: school!.id, userId: user.id, status: 'active' });
    }
    await h.db.insert(applications).values({ cycleId, schoolId: school!.id, status: 'draft' });
    // A nominator who wrote in Spanish, of a school that never applied.
    await h.db.insert(nominations).values({
      cycleId,
      schoolName: 'Roosevelt High School',
      city: 'Portland',
      state: 'OR',
      matchKey: 'roosevelt',
      nominatorName: 'María Madre',
      nominatorEmail: 'maria@example.com',
      relationship: 'parent',
      reason: 'Una escuela que abre puertas.',
      status: 'confirmed',
      language: 'es',
      confirmTokenHash: 'hash-maria',
      confirmExpiresAt: new Date(h.clock().getTime() + 86_400_000),
      confirmedAt: h.clock(),
    });
    admin = h.agent();
    await signIn(admin, 'admin@program.example.org');
  });
  after(() => h.close());

  it('greets each contact in their language around the staff’s own words', async () => {
    const res = await submitForm(admin, page(), page(), {
      segment: 'drafts',
      subject: 'Two weeks left / Quedan dos semanas',
      body: 'Your application is still a draft.',
      expected: '2',
    });
    expect(res.status, res.text).to.equal(303);
    const shown = readable((await admin.get(res.headers.location!)).text);
    expect(shown).to.match(/<td>lucia@lincoln.example.org<\/td><td>Spanish<\/td>/);
    expect(shown).to.match(/<td>pat@lincoln.example.org<\/td><td>English<\/td>/);
    await h.deliverMail();
    const lucia = await h.sink.waitFor((m) => m.to.includes('lucia@lincoln.example.org'));
    expect(lucia.subject).to.equal('Two weeks left / Quedan dos semanas');
    expect(lucia.text).to.contain('Hola, Lucía Directora:\n\nYour application is still a draft.');
    expect(lucia.text).to.contain('Recibe este mensaje sobre Schools of Opportunity');
    const pat = await h.sink.waitFor((m) => m.to.includes('pat@lincoln.example.org'));
    expect(pat.text).to.contain('Hello Pat Principal,');
    expect(pat.text).to.contain('You receive this message about Schools of Opportunity');
  });

  it('writes to a nominator in the language of the nomination', async () => {
    const res = await submitForm(admin, page(), page(), {
      segment: 'nominators_not_applied',
      subject: 'Gracias',
      body: 'Gracias por su nominación.',
      expected: '1',
    });
    expect(res.status, res.text).to.equal(303);
    const [copy] = await h.db.select().from(outbox).where(eq(outbox.toAddress, 'maria@example.com'));
    expect(copy!.language).to.equal('es');
    expect(copy!.textBody).to.contain('Hola, María Madre:');
  });

  it('shows the staff’s pages in Spanish', async () => {
    const compose = readable((await admin.get(`${page()}?lang=es`)).text);
    expect(compose).to.contain('Mensajes: Schools of Opportunity');
    expect(compose).to.contain('Ver el mensaje antes de enviarlo');
    expect(compose).to.contain('(2 personas)');
    expect(compose).to.contain('Enviados');
    const refused = await submitForm(admin, page(), `${page()}/preview`, { segment: 'nadie', subject: '', body: '' });
    expect(refused.status).to.equal(422);
    const errors = readable(refused.text);
    expect(errors).to.contain('Elija para quién es el mensaje.');
    expect(errors).to.contain('Escriba el asunto.');
    const preview = readable(
      (await submitForm(admin, page(), `${page()}/preview`, { segment: 'drafts', subject: 'Hola', body: 'Texto.' }))
        .text,
    );
    expect(preview).to.contain('Enviar a 2 personas');
    expect(preview).to.contain('Hola, <em>nombre</em>:');
    const outboxPage = readable((await admin.get('/admin/outbox')).text);
    expect(outboxPage).to.contain('Pendientes: 1 · Enviándose: 0 · Enviados: 2 · Fallidos: 0');
    expect(outboxPage).to.contain('<td>pendiente</td>');
    const mailTemplates = readable((await admin.get('/admin/mail-templates')).text);
    expect(mailTemplates).to.contain('Español: texto original');
    await admin.get(`${page()}?lang=en`);
  });
});
