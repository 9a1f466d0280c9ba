// The admins edit the words of each e-mail the portal sends: its subject and its plain-text body
// in Handlebars over the message's listed fields. An edit is rendered with the message's sample
// data before it is accepted, so a broken one is refused with the error and never sent; the
// HTML part is made from the text (server/mail/templates.ts), so no edit can inject markup.
import { eq } from 'drizzle-orm';
import { mailTemplates } from '../../../models/schema.js';
import type { Database } from '../../db/client.js';
import { Invalid, NotFound, type FieldErrors } from '../../errors.js';
import { forgetEditedMails } from '../../mail/edited.js';
import { enqueueMail } from '../../mail/outbox.js';
import { MAIL_TEMPLATES, type MailOf, type MailTemplate } from '../../mail/registry.js';
import { fieldsOf, MAIL_SAMPLES } from '../../mail/samples.js';
import { defaultWords, renderEditedMail, type EditedMail, type RenderedMail } from '../../mail/templates.js';
import { recordAudit } from '../shared/audit.js';
import { checkText } from '../shared/form-input.js';
import type { ServiceContext } from '../../context.js';

export function parseTemplateName(value: unknown): MailTemplate {
  const name = String(value) as MailTemplate;
  if (!MAIL_TEMPLATES.includes(name)) throw new NotFound('There is no such e-mail.');
  return name;
}

/** Every message, whether its words were edited, and when. */
export async function listMailTemplates(db: Database) {
  const rows = await db.select().from(mailTemplates);
  const edited = new Map(rows.map((r) => [r.template, r]));
  return MAIL_TEMPLATES.map((name) => ({
    name,
    subject: edited.get(name)?.subject ?? defaultWords(name).subject,
    edited: edited.has(name),
    updatedAt: edited.get(name)?.updatedAt,
  }));
}

/** The words of one message as they stand (edited or shipped), and the fields it may use. */
export async function mailTemplateWords(db: Database, name: MailTemplate) {
  const [row] = await db.select().from(mailTemplates).where(eq(mailTemplates.template, name));
  return {
    name,
    words: row ? { subject: row.subject, body: row.body } : defaultWords(name),
    edited: Boolean(row),
    fields: fieldsOf(name),
  };
}

/** Checks an edit by rendering it with the message's sample data; the rendering, or Invalid. */
export function checkWords(
  name: MailTemplate,
  input: { subject: unknown; body: unknown },
  site: { siteName: string; siteColor: string },
): { words: EditedMail; rendered: RenderedMail } {
  const errors: FieldErrors = {};
  const subject = checkText(errors, 'subject', input.subject, { max: 300, required: 'Write the subject line.' });
  const body = checkText(errors, 'body', input.body, { max: 20_000, required: 'Write the message.' });
  if (Object.keys(errors).length > 0) throw new Invalid(errors);
  const sample = { ...MAIL_SAMPLES[name], ...site, baseUrl: 'https://awards.example.org' };
  // Each part on its own, so the error shows beside the part that has it.
  for (const [field, words] of [
    ['subject', { subject, body: '' }],
    ['body', { subject: 'x', body }],
  ] as const) {
    try {
      renderEditedMail(words, sample);
    } catch (error) {
      errors[field] =
        `This cannot be sent as written: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}. ` +
        `Use only the fields listed, like {{${fieldsOf(name)[0]}}}.`;
    }
  }
  if (Object.keys(errors).length > 0) throw new Invalid(errors);
  return { words: { subject, body }, rendered: renderEditedMail({ subject, body }, sample) };
}

export async function saveMailTemplate(
  { db, clock }: Pick<ServiceContext, 'db' | 'clock'>,
  input: {
    name: MailTemplate;
    adminId: number;
    subject: unknown;
    body: unknown;
    site: { siteName: string; siteColor: string };
  },
): Promise<void> {
  const { words } = checkWords(input.name, input, input.site);
  const now = clock();
  await db.transaction(async (tx) => {
    await tx
      .insert(mailTemplates)
      .values({ template: input.name, ...words, updatedBy: input.adminId, updatedAt: now })
      .onConflictDoUpdate({
        target: [mailTemplates.template, mailTemplates.language],
        set: { ...words, updatedBy: input.adminId, updatedAt: now },
      });
    await recordAudit(tx, clock, {
      actorId: input.adminId,
      action: 'mail.edit',
      subjectType: 'mail_template',
      subjectId: input.name,
      summary: `Edited the e-mail “${input.name}”`,
      details: { template: input.name, subject: words.subject },
    });
  });
  forgetEditedMails(db);
}

export async function resetMailTemplate(
  { db, clock }: Pick<ServiceContext, 'db' | 'clock'>,
  { name, adminId }: { name: MailTemplate; adminId: number },
): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.delete(mailTemplates).where(eq(mailTemplates.template, name));
    await recordAudit(tx, clock, {
      actorId: adminId,
      action: 'mail.reset',
      subjectType: 'mail_template',
      subjectId: name,
      summary: `Reset the e-mail “${name}” to the words it shipped with`,
      details: { template: name },
    });
  });
  forgetEditedMails(db);
}

/** Sends the message as it stands, with its sample data, to the admin asking. */
export async function sendTestMail(
  { db, mail }: Pick<ServiceContext, 'db' | 'mail'>,
  { name, to }: { name: MailTemplate; to: string },
): Promise<boolean> {
  const message = { to, template: name, data: MAIL_SAMPLES[name] } as MailOf<typeof name>;
  return (await enqueueMail(db, mail, message)) !== undefined;
}
// i18n: not yet translated
