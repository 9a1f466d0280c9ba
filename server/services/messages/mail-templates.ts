// The admins edit the words of each e-mail the portal sends, in each language: its subject and
// its plain-text body in Handlebars over the message's listed fields. An edit is rendered with
// the message's sample data before it is accepted, so a broken one is refused with the error and
// never sent; the HTML part is made from the text (server/mail/templates.ts), so no edit can
// inject markup. A language keeps the shipped words (in that language) until someone edits it,
// and goes back to them when its words are saved as shipped or reset.
import { and, eq } from 'drizzle-orm';
import { mailTemplates } from '../../../models/schema.js';
import type { Database } from '../../db/client.js';
import { Invalid, NotFound, type FieldErrors } from '../../errors.js';
import { LANGUAGES } from '../../i18n/languages.js';
import { msg } from '../../i18n/translate.js';
import { forgetEditedMails } from '../../mail/edited.js';
import { enqueueMail } from '../../mail/outbox.js';
import { MAIL_TEMPLATES, type MailOf, type MailTemplate } from '../../mail/registry.js';
import { fieldsOf, MAIL_SAMPLES } from '../../mail/samples.js';
import {
  defaultWords,
  RefusedEdit,
  renderEditedMail,
  type EditedMail,
  type RenderedMail,
} from '../../mail/templates.js';
import { recordAudit } from '../shared/audit.js';
import { checkText } from '../shared/form-input.js';
import type { ServiceContext } from '../../context.js';

export function parseTemplateName(value: unknown): MailTemplate {
  const name = String(value) as MailTemplate;
  if (!MAIL_TEMPLATES.includes(name)) throw new NotFound(msg('messages.mailTemplates.errors.noSuchMail'));
  return name;
}

export function parseLanguage(value: unknown): string {
  const language = String(value);
  if (!LANGUAGES.includes(language)) throw new NotFound(msg('messages.mailTemplates.errors.noSuchLanguage'));
  return language;
}

/** The form's field for one part in one language: subject_es, body_en. */
export const fieldName = (part: 'subject' | 'body', language: string) => `${part}_${language}`;

const sameWords = (a: string, b: string) => a.replace(/\r\n/g, '\n').trim() === b.replace(/\r\n/g, '\n').trim();

async function editsOf(db: Database, name?: MailTemplate) {
  const rows = await db
    .select()
    .from(mailTemplates)
    .where(name ? eq(mailTemplates.template, name) : undefined);
  return new Map(rows.map((r) => [`${r.template}\u0000${r.language}`, r]));
}

/** Every message, and for each language whether its words were edited, and when. */
export async function listMailTemplates(db: Database, reader: string) {
  const edits = await editsOf(db);
  return MAIL_TEMPLATES.map((name) => {
    const own = edits.get(`${name}\u0000${reader}`);
    return {
      name,
      subject: own?.subject ?? defaultWords(name, reader).subject,
      languages: LANGUAGES.map((language) => {
        const edit = edits.get(`${name}\u0000${language}`);
        return { language, edited: Boolean(edit), updatedAt: edit?.updatedAt };
      }),
    };
  });
}

/** The words of one message in each language as they stand (edited or shipped), and its fields. */
export async function mailTemplateWords(db: Database, name: MailTemplate) {
  const edits = await editsOf(db, name);
  return {
    name,
    fields: fieldsOf(name),
    languages: LANGUAGES.map((language) => {
      const edit = edits.get(`${name}\u0000${language}`);
      return {
        language,
        words: edit ? { subject: edit.subject, body: edit.body } : defaultWords(name, language),
        edited: Boolean(edit),
        updatedAt: edit?.updatedAt,
      };
    }),
  };
}

/** The problem of an edit, as the admin reads it beside the field that has it. */
function problemOf(error: unknown, name: MailTemplate, language: string) {
  const example = `{{${fieldsOf(name)[0]}}}`;
  if (error instanceof RefusedEdit) return msg('messages.mailTemplates.errors.refused', { language, example });
  const problem = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
  return msg('messages.mailTemplates.errors.cannotSend', { language, problem: problem.replace(/\.$/, ''), example });
}

/**
 * Checks the edit of every language by rendering it with the message's sample data (in that
 * language); the words and renderings by language, or Invalid with a message per field.
 */
export function checkWords(
  name: MailTemplate,
  input: Record<string, unknown>,
  site: { siteName: string; siteColor: string },
): Map<string, { words: EditedMail; rendered: RenderedMail }> {
  const errors: FieldErrors = {};
  const checked = new Map<string, EditedMail>();
  for (const language of LANGUAGES) {
    const subjectField = fieldName('subject', language);
    const bodyField = fieldName('body', language);
    const subject = checkText(errors, subjectField, input[subjectField], { max: 300 });
    const body = checkText(errors, bodyField, input[bodyField], { max: 20_000 });
    if (subject === '' && !errors[subjectField])
      errors[subjectField] = msg('messages.mailTemplates.errors.subjectRequired', { language });
    if (body === '' && !errors[bodyField])
      errors[bodyField] = msg('messages.mailTemplates.errors.bodyRequired', { language });
    checked.set(language, { subject, body });
  }
  if (Object.keys(errors).length > 0) throw new Invalid(errors);
  const result = new Map<string, { words: EditedMail; rendered: RenderedMail }>();
  for (const [language, { subject, body }] of checked) {
    const sample = { ...MAIL_SAMPLES[name], ...site, baseUrl: 'https://awards.example.org', lang: language };
    // Each part on its own, so the error shows beside the part that has it.
    for (const [field, words] of [
      [fieldName('subject', language), { subject, body: '' }],
      [fieldName('body', language), { subject: 'x', body }],
    ] as const) {
      try {
        renderEditedMail(words, sample);
      } catch (error) {
        errors[field] = problemOf(error, name, language);
      }
    }
    if (!errors[fieldName('subject', language)] && !errors[fieldName('body', language)])
      result.set(language, { words: { subject, body }, rendered: renderEditedMail({ subject, body }, sample) });
  }
  if (Object.keys(errors).length > 0) throw new Invalid(errors);
  return result;
}

/**
 * Saves the words of every language: an edit where they differ from the shipped words in that
 * language, none (the shipped words) where they are the same.
 */
export async function saveMailTemplate(
  { db, clock }: Pick<ServiceContext, 'db' | 'clock'>,
  input: {
    name: MailTemplate;
    adminId: number;
    fields: Record<string, unknown>;
    site: { siteName: string; siteColor: string };
  },
): Promise<void> {
  const checked = checkWords(input.name, input.fields, input.site);
  const now = clock();
  const existing = await editsOf(db, input.name);
  await db.transaction(async (tx) => {
    for (const [language, { words }] of checked) {
      const shipped = defaultWords(input.name, language);
      const edit = existing.get(`${input.name}\u0000${language}`);
      const asShipped = sameWords(words.subject, shipped.subject) && sameWords(words.body, shipped.body);
      if (asShipped) {
        if (edit) await deleteEdit(tx, clock, { name: input.name, language, adminId: input.adminId });
        continue;
      }
      if (edit && edit.subject === words.subject && edit.body === words.body) continue;
      await tx
        .insert(mailTemplates)
        .values({ template: input.name, language, ...words, updatedBy: input.adminId, updatedAt: now })
        .onConflictDoUpdate({
          target: [mailTemplates.template, mailTemplates.language],
          set: { ...words, updatedBy: input.adminId, updatedAt: now },
        });
      await recordAudit(tx, clock, {
        actorId: input.adminId,
        action: 'mail.edit',
        subjectType: 'mail_template',
        subjectId: input.name,
        summary: msg('audit.mails.edited', { template: input.name, language }),
        details: { template: input.name, language, subject: words.subject },
      });
    }
  });
  forgetEditedMails(db);
}

async function deleteEdit(
  db: Database,
  clock: ServiceContext['clock'],
  { name, language, adminId }: { name: MailTemplate; language: string; adminId: number },
) {
  await db.delete(mailTemplates).where(and(eq(mailTemplates.template, name), eq(mailTemplates.language, language)));
  await recordAudit(db, clock, {
    actorId: adminId,
    action: 'mail.reset',
    subjectType: 'mail_template',
    subjectId: name,
    summary: msg('audit.mails.reset', { template: name, language }),
    details: { template: name, language },
  });
}

/** Puts one language of a message back to the words it shipped with in that language. */
export async function resetMailTemplate(
  { db, clock }: Pick<ServiceContext, 'db' | 'clock'>,
  { name, language, adminId }: { name: MailTemplate; language: string; adminId: number },
): Promise<void> {
  await db.transaction((tx) => deleteEdit(tx, clock, { name, language, adminId }));
  forgetEditedMails(db);
}

/** Sends the message as it stands in `language`, with its sample data, to the admin asking. */
export async function sendTestMail(
  { db, mail }: Pick<ServiceContext, 'db' | 'mail'>,
  { name, to, language }: { name: MailTemplate; to: string; language: string },
): Promise<boolean> {
  const message = { to, template: name, data: MAIL_SAMPLES[name], language } as MailOf<typeof name>;
  return (await enqueueMail(db, mail, message)) !== undefined;
}
