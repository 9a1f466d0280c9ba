// express-session's store over the sessions table, so sessions survive restarts and are shared
// by every app instance. Only people who sign in (or start something that needs a session)
// get a row: the session middleware runs with saveUninitialized: false.
//
// A signed-in request costs one read: the session row comes with its user (id, e-mail, name,
// roles), which passport's deserializer takes from sessionUserOf instead of querying again.
// Sessions slide (rolling cookies), but the row's expiry is written at most every few minutes,
// not on every request.
import { eq, lt, sql } from 'drizzle-orm';
import session from 'express-session';
import { sessions, type Role } from '../../models/schema.js';
import { rowsOf, type Database } from '../db/client.js';
import type { SessionUser } from './sign-in.js';

const DEFAULT_TTL_MS = 24 * 60 * 60 * 1000;
/** A sliding session's expiry moves in the database when it has moved this much. */
export const TOUCH_EVERY_MS = 5 * 60 * 1000;
const REMEMBERED_EXPIRIES = 10_000;

/**
 * The user read with a session, keyed by the session's `passport` object (which express-session
 * hands to passport as is): the user as the database had it at the start of this request.
 */
const usersBySession = new WeakMap<object, SessionUser | null>();

export function sessionUserOf(passportData: unknown): SessionUser | null | undefined {
  return typeof passportData === 'object' && passportData !== null ? usersBySession.get(passportData) : undefined;
}

interface SessionRow {
  data: session.SessionData & { passport?: { user?: unknown } };
  expires_at: string | Date;
  user_id: string | number | null;
  email: string | null;
  name: string | null;
  roles: Role[] | null;
  language: string | null;
}

type Callback<T = void> = (error?: unknown, value?: T) => void;

function expiryOf(data: session.SessionData): Date {
  const expires = data.cookie?.expires;
  return expires ? new Date(expires) : new Date(Date.now() + DEFAULT_TTL_MS);
}

export class DatabaseSessionStore extends session.Store {
  /** The expiry each recently read session has in the database, so touch() knows when to write. */
  private readonly storedExpiry = new Map<string, number>();

  constructor(private readonly db: Database) {
    super();
  }

  private remember(sid: string, expiresAt: number) {
    this.storedExpiry.delete(sid);
    this.storedExpiry.set(sid, expiresAt);
    if (this.storedExpiry.size > REMEMBERED_EXPIRIES) {
      const oldest = this.storedExpiry.keys().next().value;
      if (oldest !== undefined) this.storedExpiry.delete(oldest);
    }
  }

  override get(sid: string, callback: Callback<session.SessionData | null>): void {
    this.db
      .execute(
        sql`select s.data, s.expires_at, u.id as user_id, u.email, u.name, u.roles, u.language
            from sessions s
            left join users u on u.id = case when s.data -> 'passport' ->> 'user' ~ '^[0-9]{1,15}$'
                                             then (s.data -> 'passport' ->> 'user')::bigint end
            where s.sid = ${sid}`,
      )
      .then((result) => {
        const [row] = rowsOf<SessionRow>(result);
        const expiresAt = row ? new Date(row.expires_at).getTime() : 0;
        if (!row || expiresAt <= Date.now()) return callback(undefined, null);
        this.remember(sid, expiresAt);
        const { data } = row;
        if (data.passport && typeof data.passport === 'object') {
          usersBySession.set(
            data.passport,
            row.user_id === null
              ? null
              : {
                  id: Number(row.user_id),
                  email: row.email!,
                  name: row.name!,
                  roles: row.roles ?? [],
                  language: row.language,
                },
          );
        }
        callback(undefined, data);
      }, callback);
  }

  override set(sid: string, data: session.SessionData, callback: Callback = () => {}): void {
    const expiresAt = expiryOf(data);
    this.db
      .insert(sessions)
      .values({ sid, data, expiresAt })
      .onConflictDoUpdate({ target: sessions.sid, set: { data, expiresAt } })
      .then(() => {
        this.remember(sid, expiresAt.getTime());
        callback();
      }, callback);
  }

  override touch(sid: string, data: session.SessionData, callback: Callback = () => {}): void {
    const expiresAt = expiryOf(data);
    const stored = this.storedExpiry.get(sid);
    if (stored !== undefined && expiresAt.getTime() - stored < TOUCH_EVERY_MS) return callback();
    this.db
      .update(sessions)
      .set({ expiresAt })
      .where(eq(sessions.sid, sid))
      .then(() => {
        this.remember(sid, expiresAt.getTime());
        callback();
      }, callback);
  }

  override destroy(sid: string, callback: Callback = () => {}): void {
    this.storedExpiry.delete(sid);
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
