// Reviewers say which languages they read, on their profile, in English or Spanish; an unknown
// language or none at all is refused beside the field; admins see what each reviewer reads.
import { expect } from 'chai';
import { eq } from 'drizzle-orm';
import { cycleReviewers, reviewerProfiles } from '../../../models/schema.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { createOpenCycle, createUser, signIn } from '../../helpers/factories.js';
import { readable, submitForm } from '../../helpers/forms.js';

describe('the languages a reviewer reads', () => {
  let h: Harness;
  let cycleId: number;
  let reviewerId: number;
  let reviewer: ReturnType<Harness['agent']>;

  before(async () => {
    h = await startHarness();
    cycleId = await createOpenCycle(h.db, h.clock());
    const user = await createUser(h.db, { email: 'lucia@uni.example.edu', name: 'Lucía Reyes', roles: ['reviewer'] });
    reviewerId = user.id;
    await h.db.insert(cycleReviewers).values({ cycleId, userId: reviewerId, maxLoad: 5 });
    reviewer = h.agent();
    await signIn(reviewer, 'lucia@uni.example.edu');
  });
  after(() => h.close());

  const profile = async () =>
    (await h.db.select().from(reviewerProfiles).where(eq(reviewerProfiles.userId, reviewerId)))[0];
  const save = (languagesRead: string[]) =>
    submitForm(reviewer, '/reviewer/profile', '/reviewer/profile', { maxLoad: '4', languagesRead });

  it('offers every language in its own name, English ticked by default', async () => {
    const page = await reviewer.get('/reviewer/profile');
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('Languages you read well enough to review');
    expect(page.text).to.match(/id="language-en" name="languagesRead" value="en" checked>/);
    expect(page.text).to.match(/id="language-es" name="languagesRead" value="es">/);
    expect(page.text).to.contain('<label for="language-es" lang="es">Español</label>');
  });

  it('saves the languages read', async () => {
    const saved = await save(['es', 'en']);
    expect(saved.status, saved.text).to.equal(303);
    expect((await profile())?.languagesRead).to.deep.equal(['en', 'es']);
    const page = await reviewer.get('/reviewer/profile');
    expect(page.text).to.contain('Your profile is saved.');
    expect(page.text).to.match(/value="es" checked>/);
  });

  it('refuses an unknown language, and none at all, with a message beside the field', async () => {
    const unknown = await save(['en', 'fr']);
    expect(unknown.status).to.equal(422);
    expect(readable(unknown.text)).to.contain(
      '<p class="field-error" id="languagesRead-error"><span class="visually-hidden">Error:</span> Choose languages from the list.</p>',
    );
    const none = await save([]);
    expect(none.status).to.equal(422);
    expect(none.text).to.contain('Choose at least one language you read.');
    expect((await profile())?.languagesRead).to.deep.equal(['en', 'es']);
  });

  it('speaks Spanish to a reviewer who asks for it, field messages included', async () => {
    const page = await reviewer.get('/reviewer/profile?lang=es');
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('<html lang="es"');
    expect(page.text).to.contain('Su perfil de evaluador/a');
    expect(page.text).to.contain('Idiomas que lee lo suficientemente bien para evaluar');
    expect(page.text).not.to.contain('Languages you read');
    const none = await save([]);
    expect(none.status).to.equal(422);
    expect(none.text).to.contain('Elija al menos un idioma que lea.');
    const conflicts = await reviewer.get('/reviewer/conflicts');
    expect(conflicts.text).to.contain('Conflictos de interés');
    const reviews = await reviewer.get('/reviews');
    expect(reviews.text).to.contain('Sus evaluaciones');
    expect(reviews.text).to.contain('No tiene postulaciones asignadas en una ronda abierta.');
    await reviewer.get('/reviewer/profile?lang=en');
  });

  it('shows admins what each reviewer of the panel reads', async () => {
    await createUser(h.db, { email: 'admin@program.example.org', roles: ['admin'] });
    const admin = h.agent();
    await signIn(admin, 'admin@program.example.org');
    const page = await admin.get(`/admin/cycles/${cycleId}/reviewers`);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('<td class="languages-read">English and Spanish</td>');
    const spanish = await admin.get(`/admin/cycles/${cycleId}/reviewers?lang=es`);
    expect(spanish.text).to.contain('<td class="languages-read">inglés y español</td>');
    expect(spanish.text).to.contain('Panel de evaluación');
  });
});
