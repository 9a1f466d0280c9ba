// Putting a message in the outbox is part of the caller's transaction: if the change is rolled
// back, no e-mail goes out; if it commits, the worker will send it.
//
// A message is written in its reader's language: the one the caller knows (a nominator's, given
// as `language`), else the one the account with that address chose, else the caller's likely
// one (`languageHint`), else the program's default.
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { outbox } from '../../models/schema.js';
import { rowsOf } from '../db/client.js';
import { isLanguage, SOURCE_LANGUAGE } from '../i18n/languages.js';
import { t } from '../i18n/translate.js';
import { DEFAULT_TIME_ZONE } from '../time.js';
import type { Clock } from '../clock.js';
import type { Database } from '../db/client.js';
import type { MailOf, MailTemplate } from './registry.js';
import { renderEditedMail, renderMail, type RenderedMail } from './templates.js';
import { editedMails } from './edited.js';
import { isSuppressed, REQUESTED_TEMPLATES, unsubscribeUrl } from './unsubscribe.js';
import { mailSender } from './sender.js';

export interface MailSettings {
  baseUrl: string;
  mailFrom: string;
  /**
   * The worker decides what is due by its clock, so a new row must be due by that same clock,
   * not by the database's now() (a test clock, or a database server whose time drifts).
   */
  clock?: Clock;
  /** Signs unsubscribe links; without it messages carry none (tests of the outbox alone). */
  unsubscribeSecret?: string;
}

/**
 * The language to write to `address` in, and the program's time zone for its dates: one query,
 * as a message to a large group asks it once a person.
 */
async function readerOf(
  db: Database,
  address: string,
  given: string | undefined,
  hint: string | undefined,
): Promise<{ language: string; timeZone: string }> {
  const [row] = rowsOf<{ account: string | null; program: string | null; zone: string | null }>(
    await db.execute(sql`
      select (select language from users where email = ${address} limit 1) as account,
             (select default_language from programs order by id limit 1) as program,
             (select time_zone from programs order by id limit 1) as zone`),
  );
  const language = [given, row?.account, hint, row?.program].find(isLanguage) ?? SOURCE_LANGUAGE;
  return { language, timeZone: row?.zone || DEFAULT_TIME_ZONE };
}

/**
 * Renders and queues a message. Returns its outbox id, or undefined when the address has
 * unsubscribed and the message is not one the person just asked for.
 */
export async function enqueueMail<T extends MailTemplate>(
  db: Database,
  settings: MailSettings,
  { to, template, data, language: given, languageHint }: MailOf<T>,
  { programMessageId }: { programMessageId?: number } = {},
): Promise<number | undefined> {
  const address = to.trim().toLowerCase();
  const signed = settings.unsubscribeSecret
    ? unsubscribeUrl(settings.baseUrl, settings.unsubscribeSecret, address)
    : undefined;
  if (signed && !REQUESTED_TEMPLATES.has(template) && (await isSuppressed(db, address))) return undefined;
  // Every message speaks as the program: its name in the footer and as the sender's name.
  const sender = await mailSender(db);
  const { language, timeZone } = await readerOf(db, address, given, languageHint);
  // The unsubscribe page opens in the message's language.
  const unsubscribe = signed && `${signed}&lang=${language}`;
  const values: Record<string, unknown> = {
    ...(data as Record<string, unknown>),
    baseUrl: settings.baseUrl,
    unsubscribeUrl: unsubscribe,
    siteName: sender.name,
    siteColor: sender.color,
    lang: language,
    timeZone,
  };
  // The admins' words when they edited this message in this language (checked when saved); the
  // shipped ones in this language when they did not, or when theirs cannot be rendered with this
  // message's data after all.
  const edit = (await editedMails(db)).get(template)?.get(language);
  let rendered: RenderedMail | undefined;
  if (edit) {
    try {
      rendered = renderEditedMail(edit, values);
    } catch {
      rendered = undefined;
    }
  }
  rendered ??= renderMail(template, values);
  const domain = new URL(settings.baseUrl).hostname || 'localhost';
  const now = settings.clock?.();
  const [row] = await db
    .insert(outbox)
    .values({
      template,
      toAddress: address,
      subject: rendered.subject,
      fromName: sender.senderName || null,
      textBody: unsubscribe
        ? `${rendered.text.trimEnd()}\n\n--\n${t(language, 'emails.layout.unsubscribeLine', { siteName: sender.name, link: unsubscribe })}\n`
        : rendered.text,
      language,
      htmlBody: rendered.html,
      messageId: `<${randomUUID()}@${domain}>`,
      unsubscribeUrl: unsubscribe,
      programMessageId,
      ...(now ? { nextAttemptAt: now, createdAt: now } : {}),
    })
    .returning({ id: outbox.id });
  if (!row) throw new Error('The outbox insert returned no row');
  return row.id;
}
