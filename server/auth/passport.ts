// passport-local checks e-mail and password through the accounts service (which counts and
// throttles failures); the session keeps only the user id, reloaded on each signed-in request.
import type { IncomingMessage } from 'node:http';
import type { Passport } from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import type { AppContext } from '../context.js';
import { sessionUserOf } from './session-store.js';
import { authenticate, findSessionUser, type SessionUser } from './sign-in.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface User extends SessionUser {}
  }
}

/** A Passport of the app's own (not the global singleton), so test apps share no state. */
export type PassportInstance = InstanceType<typeof Passport>;

export interface LoginFailureInfo {
  reason: 'invalid' | 'unverified';
  email: string;
}

export function configurePassport(passport: PassportInstance, context: AppContext): void {
  passport.use(
    new LocalStrategy(
      { usernameField: 'email', passwordField: 'password', passReqToCallback: true },
      (req, email, password, done) => {
        authenticate(context, { email, password, address: req.ip ?? 'unknown' }).then(
          (outcome) =>
            outcome.ok
              ? done(null, outcome.user)
              : done(null, false, {
                  message: outcome.reason,
                  reason: outcome.reason,
                  email: outcome.email,
                } as LoginFailureInfo & { message: string }),
          (error: unknown) => done(error),
        );
      },
    ),
  );
  passport.serializeUser((user, done) => done(null, user.id));
  // The session store read the user with the session (one query per signed-in request); a
  // session from elsewhere (a test's store) falls back to reading the user.
  passport.deserializeUser(
    (req: IncomingMessage, id: unknown, done: (error: unknown, user?: SessionUser | false) => void) => {
      const userId = Number(id);
      if (!Number.isSafeInteger(userId)) return done(null, false);
      const read = sessionUserOf((req as { session?: { passport?: unknown } }).session?.passport);
      if (read !== undefined && (read === null || read.id === userId)) return done(null, read ?? false);
      findSessionUser(context.db, userId).then((user) => done(null, user ?? false), done);
    },
  );
}
