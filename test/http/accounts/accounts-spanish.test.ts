// Accounts in Spanish: registering from a Spanish page keeps Spanish as the account's language
// (so its e-mails come in it), and the sign-in, registration and password pages speak Spanish.
import { expect } from 'chai';
import { eq } from 'drizzle-orm';
import { outbox, users } from '../../../models/schema.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { STRONG_PASSWORD, createUser, signIn } from '../../helpers/factories.js';
import { csrfTokenFrom, readable, submitForm } from '../../helpers/forms.js';

describe('accounts in Spanish', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  it('registers from a Spanish page: the account and its verification e-mail are in Spanish', async () => {
    const agent = h.agent();
    const page = readable((await agent.get('/register?lang=es')).text);
    expect(page).to.contain('<h1>Crear una cuenta</h1>');
    expect(page).to.contain('Para nominar una escuela no necesita una.');
    const registered = await submitForm(agent, '/register', '/register', {
      name: 'Lucía Hernández',
      email: 'lucia@escuela.example.org',
      password: STRONG_PASSWORD,
    });
    expect(registered.status).to.equal(303);
    expect(readable((await agent.get('/login')).text)).to.contain(
      '¡Gracias! Enviamos un enlace a lucia@escuela.example.org.',
    );
    const [user] = await h.db.select().from(users).where(eq(users.email, 'lucia@escuela.example.org'));
    expect(user?.language).to.equal('es');
    const queued = await h.db.select().from(outbox).where(eq(outbox.toAddress, 'lucia@escuela.example.org'));
    expect(queued.map((m) => [m.template, m.language])).to.deep.equal([['verify-email', 'es']]);
  });

  it('registers from an English page with the account’s language left to the browser', async () => {
    const agent = h.agent();
    await submitForm(agent, '/register', '/register', {
      name: 'Sam Lee',
      email: 'sam@school.example.org',
      password: STRONG_PASSWORD,
    });
    const [user] = await h.db.select().from(users).where(eq(users.email, 'sam@school.example.org'));
    expect(user?.language).to.equal('en');
    const queued = await h.db.select().from(outbox).where(eq(outbox.toAddress, 'sam@school.example.org'));
    expect(queued.map((m) => m.language)).to.deep.equal(['en']);
  });

  it('refuses a bad registration with Spanish field messages (Accept-Language: es)', async () => {
    const agent = h.agent();
    const form = await agent.get('/register').set('Accept-Language', 'es-US,es;q=0.9');
    expect(form.text).to.contain('<html lang="es"');
    const res = await agent
      .post('/register')
      .set('Accept-Language', 'es-US,es;q=0.9')
      .type('form')
      .send({ _csrf: csrfTokenFrom(form.text), name: '', email: 'no-es-un-correo', password: 'corta' });
    expect(res.status).to.equal(422);
    const page = readable(res.text);
    expect(page).to.contain('Escriba su nombre.');
    expect(page).to.contain('Escriba un correo electrónico como nombre@escuela.org.');
    expect(page).to.contain('Use al menos 10 caracteres.');
  });

  it('shows the sign-in page and its error in Spanish', async () => {
    await createUser(h.db, { email: 'marta@escuela.example.org', name: 'Marta Ruiz' });
    const agent = h.agent();
    const page = readable((await agent.get('/login?lang=es')).text);
    expect(page).to.contain('<h1>Iniciar sesión</h1>');
    expect(page).to.contain('¿Olvidó su contraseña?');
    const wrong = await signIn(agent, 'marta@escuela.example.org', 'not the password at all');
    expect(wrong.status).to.equal(401);
    expect(readable(wrong.text)).to.contain(
      'Ese correo electrónico y esa contraseña no corresponden a ninguna cuenta.',
    );
    expect(wrong.text).not.to.contain('do not match an account');
    const right = await signIn(agent, 'marta@escuela.example.org');
    expect(right.status).to.equal(303);
    expect(readable((await agent.get('/')).text)).to.contain('Bienvenido/a, Marta Ruiz.');
  });

  it('says in Spanish when a link does not work, and on the password-reset pages', async () => {
    const agent = h.agent();
    const unknown = await agent.get('/verify-email/not-a-real-token?lang=es');
    expect(unknown.status).to.equal(404);
    const page = readable(unknown.text);
    expect(page).to.contain('<h1>Este enlace no funciona</h1>');
    expect(page).to.contain('Este enlace no es válido.');
    const forgot = readable((await agent.get('/forgot-password')).text);
    expect(forgot).to.contain('<h1>Restablecer su contraseña</h1>');
    const sent = await submitForm(agent, '/forgot-password', '/forgot-password', { email: 'nadie@example.org' });
    expect(sent.status).to.equal(303);
    expect(readable((await agent.get('/login')).text)).to.contain(
      'Si nadie@example.org tiene una cuenta, le enviamos un enlace',
    );
  });
});
