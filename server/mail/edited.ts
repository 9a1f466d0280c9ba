// The messages the admins edited (mail_templates), read in the mail layer so that every e-mail
// uses them: by message, then by language (one edit per language; a language without one gets
// the message as shipped in that language, never another language's edit). All rows at once,
// kept for a few seconds; saving one forgets them.
import { mailTemplates } from '../../models/schema.js';
import type { Database } from '../db/client.js';
import type { EditedMail } from './templates.js';

const KEEP_MS = 10_000;
type Edits = Map<string, Map<string, EditedMail>>;
const remembered = new WeakMap<Database, { edits: Edits; until: number }>();

export async function editedMails(db: Database): Promise<Edits> {
  const kept = remembered.get(db);
  if (kept && kept.until > Date.now()) return kept.edits;
  const rows = await db
    .select({
      template: mailTemplates.template,
      language: mailTemplates.language,
      subject: mailTemplates.subject,
      body: mailTemplates.body,
    })
    .from(mailTemplates);
  const edits: Edits = new Map();
  for (const row of rows) {
    const byLanguage = edits.get(row.template) ?? new Map<string, EditedMail>();
    byLanguage.set(row.language, { subject: row.subject, body: row.body });
    edits.set(row.template, byLanguage);
  }
  remembered.set(db, { edits, until: Date.now() + KEEP_MS });
  return edits;
}

export function forgetEditedMails(db: Database): void {
  remembered.delete(db);
}
