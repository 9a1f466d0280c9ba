// The messages the admins edited (mail_templates), read in the mail layer so that every e-mail
// uses them. All rows at once (one a message), kept for a few seconds; saving one forgets them.
import { mailTemplates } from '../../models/schema.js';
import type { Database } from '../db/client.js';
import type { EditedMail } from './templates.js';

const KEEP_MS = 10_000;
const remembered = new WeakMap<Database, { edits: Map<string, EditedMail>; until: number }>();

export async function editedMails(db: Database): Promise<Map<string, EditedMail>> {
  const kept = remembered.get(db);
  if (kept && kept.until > Date.now()) return kept.edits;
  const rows = await db
    .select({ template: mailTemplates.template, subject: mailTemplates.subject, body: mailTemplates.body })
    .from(mailTemplates);
  const edits = new Map(rows.map((r) => [r.template, { subject: r.subject, body: r.body }]));
  remembered.set(db, { edits, until: Date.now() + KEEP_MS });
  return edits;
}

export function forgetEditedMails(db: Database): void {
  remembered.delete(db);
}
