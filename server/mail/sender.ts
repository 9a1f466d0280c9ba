// Whom e-mails come from: the portal's first program (its name, sender name and colour), read
// here in the mail layer so that every message speaks as the program. Kept for a few seconds;
// server/services/programs/identity.ts forgets it when the program changes.
import { asc } from 'drizzle-orm';
import { programs } from '../../models/schema.js';
import type { Database } from '../db/client.js';

export interface Sender {
  /** The program's name, for footers: "Sent by …", "To stop e-mail from …". */
  name: string;
  /** The display name of the From header; empty before there is a program (the configured one stands). */
  senderName: string;
  color: string;
}

const LAUREL: Sender = { name: 'Laurel', senderName: '', color: '#2e6b3f' };
const KEEP_MS = 10_000;
const remembered = new WeakMap<Database, { sender: Sender; until: number }>();

export async function mailSender(db: Database): Promise<Sender> {
  const kept = remembered.get(db);
  if (kept && kept.until > Date.now()) return kept.sender;
  const [row] = await db
    .select({ name: programs.name, senderName: programs.mailSenderName, color: programs.primaryColor })
    .from(programs)
    .orderBy(asc(programs.id))
    .limit(1);
  const sender = row
    ? { name: row.name, senderName: row.senderName || row.name, color: row.color || LAUREL.color }
    : LAUREL;
  remembered.set(db, { sender, until: Date.now() + KEEP_MS });
  return sender;
}

export function forgetMailSender(db: Database): void {
  remembered.delete(db);
}
