// express-session's store over the sessions table, so sessions survive restarts and are shared
// by every app instance. Only people who sign in (or start something that needs a session)
// get a row: the session middleware runs with saveUninitialized: false.
import { eq, lt, sql } from 'drizzle-orm';
import session from 'express-session';
import { sessions } from '../../models/schema.js';
import type { Database } from '../db/client.js';

const DEFAULT_TTL_MS = 24 * 60 * 60 * 1000;

type Callback<T = void> = (error?: unknown, value?: T) => void;

function expiryOf(data: session.SessionData): Date {
  const expires = data.cookie?.expires;
  return expires ? new Date(expires) : new Date(Date.now() + DEFAULT_TTL_MS);
}

export class DatabaseSessionStore extends session.Store {
  constructor(private readonly db: Database) {
    super();
  }

  override get(sid: string, callback: Callback<session.SessionData | null>): void {
    this.db
      .select()
      .from(sessions)
      .where(eq(sessions.sid, sid))
      .then(([row]) => {
        if (!row || row.expiresAt.getTime() <= Date.now()) return callback(undefined, null);
        callback(undefined, row.data as session.SessionData);
      }, callback);
  }

  override set(sid: string, data: session.SessionData, callback: Callback = () => {}): void {
    const expiresAt = expiryOf(data);
    this.db
      .insert(sessions)
      .values({ sid, data, expiresAt })
      .onConflictDoUpdate({ target: sessions.sid, set: { data, expiresAt } })
      .then(() => callback(), callback);
  }

  override touch(sid: string, data: session.SessionData, callback: Callback = () => {}): void {
    this.db
      .update(sessions)
      .set({ expiresAt: expiryOf(data) })
      .where(eq(sessions.sid, sid))
      .then(() => callback(), callback);
  }

  override destroy(sid: string, callback: Callback = () => {}): void {
    this.db
      .delete(sessions)
      .where(eq(sessions.sid, sid))
      .then(() => callback(), callback);
  }

  /** Deletes expired rows; the server calls it now and then. */
  async prune(now = new Date()): Promise<number> {
    const deleted = await this.db.delete(sessions).where(lt(sessions.expiresAt, now)).returning({ sid: sessions.sid });
    return deleted.length;
  }

  async count(): Promise<number> {
    const [row] = await this.db.select({ n: sql<number>`count(*)::int` }).from(sessions);
    return row?.n ?? 0;
  }
}
