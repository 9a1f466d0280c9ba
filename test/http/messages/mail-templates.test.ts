// The admins edit the words of an e-mail: fields listed, preview with sample data, a broken
// edit refused with the error and never sent, no markup injected, a test to oneself, a reset.
import { expect } from 'chai';
import { mailTemplates } from '../../../models/schema.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { createUser, signIn, createOpenCycle } from '../../helpers/factories.js';
import { readable, submitForm } from '../../helpers/forms.js';
import { confirm, confirmLinkFor, nominate, NOMINATION } from '../../helpers/nominator.js';

type Agent = ReturnType<Harness['agent']>;
const EDIT = '/admin/mail-templates/school-invitation';

describe('e-mails edited by the admins', () => {
  let h: Harness;
  let admin: Agent;
  const save = (fields: Record<string, string>) => submitForm(admin, EDIT, EDIT, { action: 'save', ...fields });

  /** A confirmed nomination invites its school: the e-mail under test. */
  async function invitation(schoolName: string, contactEmail: string) {
    const parent = h.agent();
    const nominatorEmail = `parent.of.${contactEmail}`;
    expect((await nominate(parent, { ...NOMINATION, schoolName, contactEmail, nominatorEmail })).status).to.equal(303);
    await confirm(parent, await confirmLinkFor(h, nominatorEmail));
    await h.deliverMail();
    return h.sink.waitFor((m) => m.to.includes(contactEmail));
  }

  before(async () => {
    h = await startHarness();
    await createOpenCycle(h.db, h.clock());
    await createUser(h.db, { email: 'admin@program.example.org', name: 'Ada Admin', roles: ['admin'] });
    admin = h.agent();
    await signIn(admin, 'admin@program.example.org');
  });
  after(() => h.close());

  it('lists every e-mail, and shows one with its words and the fields it may use', async () => {
    const list = readable((await admin.get('/admin/mail-templates')).text);
    expect(list).to.contain('<a href="/admin/mail-templates/school-invitation">school-invitation</a>');
    expect(list).to.contain('As shipped');
    const page = readable((await admin.get(EDIT)).text);
    expect(page).to.contain('<code>{{schoolName}}</code>');
    expect(page).to.contain('<code>{{link}}</code>');
    expect(page).to.contain('value="{{schoolName}} is invited to apply to {{cycleName}}"');
  });

  it('refuses an edit that cannot be sent, with the error beside the part that has it', async () => {
    for (const [fields, field] of [
      [{ subject: 'Invited', body: 'Hello {{#if nominators}people' }, 'body'],
      [{ subject: 'Invited', body: 'Hello {{principalName}}' }, 'body'],
      [{ subject: 'Invited {{{schoolName}}}', body: 'Hello' }, 'subject'],
      [{ subject: '', body: 'Hello' }, 'subject'],
    ] as const) {
      const res = await save(fields);
      expect(res.status, JSON.stringify(fields)).to.equal(422);
      expect(res.text).to.match(new RegExp(`id="${field}"[^>]*aria-invalid="true"`));
      if (fields.subject !== '') expect(readable(res.text)).to.contain('This cannot be sent as written');
      expect(res.text).to.contain(fields.body); // what was typed stays
    }
    expect(await h.db.select().from(mailTemplates)).to.deep.equal([]);
  });

  it('previews an edit with sample data before saving it', async () => {
    const res = await submitForm(admin, EDIT, EDIT, {
      action: 'preview',
      subject: 'Your invitation, {{schoolName}}',
      body: 'Dear {{schoolName}},\n\nApply at {{link}} by {{deadline}}.',
    });
    expect(res.status).to.equal(200);
    const page = readable(res.text);
    expect(page).to.contain('Preview: Your invitation, Lincoln High School');
    expect(page).to.contain('Apply at https://awards.example.org/invitations/sample by Saturday, January 30, 2027');
    expect(await h.db.select().from(mailTemplates)).to.deep.equal([]);
  });

  it('sends the saved words, with any markup shown as text and the layout kept', async () => {
    const res = await save({
      subject: 'Your invitation, {{schoolName}}',
      body: 'Dear {{schoolName}},\n\n<b>Apply</b> at {{link}}<script>alert(1)</script>\n\nApplications close on {{deadline}}.',
    });
    expect(res.status, res.text).to.equal(303);
    const mail = await invitation('Grant High School', 'principal@grant.example.org');
    expect(mail.subject).to.equal('Your invitation, Grant High School');
    expect(mail.text).to.contain('Dear Grant High School,');
    expect(mail.html).to.contain('&lt;b&gt;Apply&lt;/b&gt; at <a href="');
    expect(mail.html).not.to.contain('<script>');
    expect(mail.html).not.to.contain('<b>Apply</b>');
    expect(mail.html).to.contain('Sent by Schools of Opportunity');
    expect(mail.html).to.contain('role="presentation"');
  });

  it('sends a test to the admin who asks, with sample data', async () => {
    const res = await submitForm(admin, EDIT, `${EDIT}/test`, {});
    expect(res.status).to.equal(303);
    expect(readable((await admin.get(EDIT)).text)).to.contain(
      'A test of this e-mail, with sample data, is on its way to admin@program.example.org.',
    );
    await h.deliverMail();
    const test = await h.sink.waitFor((m) => m.to.includes('admin@program.example.org'));
    expect(test.subject).to.equal('Your invitation, Lincoln High School');
  });

  it('goes back to the words it shipped with', async () => {
    const res = await submitForm(admin, EDIT, `${EDIT}/reset`, {});
    expect(res.status).to.equal(303);
    expect(await h.db.select().from(mailTemplates)).to.deep.equal([]);
    const mail = await invitation('Jefferson High School', 'principal@jefferson.example.org');
    expect(mail.subject).to.match(/^Jefferson High School is invited to apply to /);
  });

  it('keeps e-mail editing to admins', async () => {
    await createUser(h.db, { email: 'someone@example.org' });
    const someone = h.agent();
    await signIn(someone, 'someone@example.org');
    expect((await someone.get(EDIT)).status).to.equal(403);
    expect((await submitForm(someone, '/', EDIT, { action: 'save', subject: 'x', body: 'y' })).status).to.equal(403);
    expect((await admin.get('/admin/mail-templates/no-such-mail')).status).to.equal(404);
  });
});
