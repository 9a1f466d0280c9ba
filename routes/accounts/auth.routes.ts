// Registration, e-mail verification, sign-in and out, password reset.
import { Router, type NextFunction, type Request, type Response } from 'express';
import type { AppContext } from '../../server/context.js';
import { safeNextPath } from '../../server/auth/sign-in.js';
import type { LoginFailureInfo, PassportInstance } from '../../server/auth/passport.js';
import { checkToken } from '../../server/auth/tokens.js';
import { TooManyRequests } from '../../server/errors.js';
import {
  registerUser,
  requestPasswordReset,
  resendVerification,
  resetPassword,
  checkVerificationLink,
  verifyEmail,
  type TokenProblem,
} from '../../server/services/accounts/accounts.js';
import { invitedEmail } from '../../server/services/nominations/invitations.js';
import { formField, showAgainIfInvalid } from '../forms.js';
import { msg, t, type Message } from '../../server/i18n/translate.js';

/** A school invitation's page, as its "Create an account" link names it in `next`. */
const INVITATION_PATH = /^\/invitations\/([A-Za-z0-9_-]{1,200})$/;

const TOKEN_PROBLEMS: Record<TokenProblem['reason'], { status: number; text: Message }> = {
  unknown: { status: 404, text: msg('accounts.token.unknown') },
  // Used, or retired because a newer link was sent or another link was used: the same to the reader.
  used: { status: 410, text: msg('accounts.token.used') },
  expired: { status: 410, text: msg('accounts.token.expired') },
};

/** The page's title in its language (server/middleware/language.ts). */
function titleOf(res: Response, key: string): string {
  return t((res.locals.lang as string | undefined) ?? 'en', key);
}

/** Where "Sign in" on the registration page goes: back to `next` afterwards. */
function signInHref(next: string): string {
  return next ? `/login?next=${next}` : '/login';
}

function showTokenProblem(res: Response, reason: keyof typeof TOKEN_PROBLEMS, purpose: 'verify' | 'reset') {
  const problem = TOKEN_PROBLEMS[reason];
  res.status(problem.status).render('auth/token-problem', {
    title: titleOf(res, 'accounts.token.title'),
    message: problem.text,
    isVerify: purpose === 'verify',
  });
}

/** Shows a form again with the reason nothing was sent, and when to try again. */
function showTooMany(res: Response, error: TooManyRequests, view: string, locals: Record<string, unknown>) {
  res.set('Retry-After', String(error.retryAfterSeconds));
  res.status(429).render(view, { ...locals, formError: error.text });
}

export function authRoutes(context: AppContext, passport: PassportInstance): Router {
  const router = Router();

  router.get('/register', async function showRegistration(req, res) {
    if (req.user) return res.redirect(303, '/');
    const next = safeNextPath(req.query.next);
    // Coming from a school invitation: its address is the one that joins the school at once.
    const invitationToken = INVITATION_PATH.exec(next)?.[1];
    const invited = invitationToken ? await invitedEmail(context.db, invitationToken) : undefined;
    const typed = typeof req.query.email === 'string' ? req.query.email.slice(0, 254) : '';
    res.render('auth/register', {
      title: titleOf(res, 'accounts.register.title'),
      next,
      signInHref: signInHref(next),
      values: { email: typed || invited || '' },
      invited: Boolean(invited) && !typed,
    });
  });

  router.post('/register', async function register(req, res) {
    const next = safeNextPath(formField(req, 'next'));
    const input = {
      name: formField(req, 'name'),
      email: formField(req, 'email'),
      password: formField(req, 'password'),
      next,
    };
    try {
      const { email } = await registerUser(context, {
        ...input,
        address: req.ip ?? 'unknown',
        language: res.locals.lang as string | undefined,
      });
      res.flash('success', msg('accounts.register.sent', { email }));
      res.redirect(303, '/login');
    } catch (error) {
      if (error instanceof TooManyRequests) {
        return showTooMany(res, error, 'auth/register', {
          title: titleOf(res, 'accounts.register.title'),
          values: { name: input.name, email: input.email },
          next,
          signInHref: signInHref(next),
        });
      }
      showAgainIfInvalid(error, (invalid) => {
        res.status(422).render('auth/register', {
          title: titleOf(res, 'accounts.register.title'),
          errors: invalid.fieldErrors,
          values: { name: input.name, email: input.email },
          next,
          signInHref: signInHref(next),
        });
      });
    }
  });

  // Opening the link shows a button; only pressing it (a POST) confirms the address. Mail
  // scanners that fetch every link in an inbox must not verify an account for someone else.
  router.get('/verify-email/:token', async function showConfirmEmail(req, res) {
    const outcome = await checkVerificationLink(context, { token: req.params.token });
    if (!outcome.ok) return showTokenProblem(res, outcome.reason, 'verify');
    res.render('auth/verify-email', {
      title: titleOf(res, 'accounts.verify.title'),
      email: outcome.email,
      token: req.params.token,
      next: safeNextPath(req.query.next),
    });
  });

  router.post('/verify-email/resend', async function resendVerificationLink(req, res) {
    const email = formField(req, 'email');
    try {
      await resendVerification(context, { email, address: req.ip ?? 'unknown' });
      res.flash('info', msg('accounts.verify.resent', { email: email.trim() }));
      res.redirect(303, '/login');
    } catch (error) {
      if (error instanceof TooManyRequests)
        return showTooMany(res, error, 'auth/login', {
          title: titleOf(res, 'accounts.login.title'),
          values: { email },
        });
      showAgainIfInvalid(error, (invalid) => {
        res.status(422).render('auth/login', {
          title: titleOf(res, 'accounts.login.title'),
          errors: invalid.fieldErrors,
          values: { email },
        });
      });
    }
  });

  router.post('/verify-email/:token', async function confirmEmail(req, res) {
    const outcome = await verifyEmail(context, { token: req.params.token });
    if (!outcome.ok) return showTokenProblem(res, outcome.reason, 'verify');
    res.flash('success', msg('accounts.verify.confirmed', { email: outcome.email }));
    const next = safeNextPath(formField(req, 'next'));
    res.redirect(
      303,
      `/login?email=${encodeURIComponent(outcome.email)}${next === '/' ? '' : `&next=${encodeURIComponent(next)}`}`,
    );
  });

  router.get('/login', function showLogin(req, res) {
    if (req.user) return res.redirect(303, safeNextPath(req.query.next));
    res.render('auth/login', {
      title: titleOf(res, 'accounts.login.title'),
      values: { email: typeof req.query.email === 'string' ? req.query.email.slice(0, 254) : '' },
      next: safeNextPath(req.query.next),
    });
  });

  router.post('/login', function logIn(req: Request, res: Response, next: NextFunction) {
    const nextPath = safeNextPath(formField(req, 'next') || '/');
    const email = formField(req, 'email').slice(0, 254);
    const authenticateWith = passport.authenticate(
      'local',
      (error: unknown, user: Express.User | false, info: LoginFailureInfo | undefined) => {
        if (error instanceof TooManyRequests) {
          res.set('Retry-After', String(error.retryAfterSeconds));
          return res.status(429).render('auth/login', {
            title: titleOf(res, 'accounts.login.title'),
            formError: error.text,
            values: { email },
            next: nextPath,
          });
        }
        if (error) return next(error);
        if (!user) {
          const unverified = info?.reason === 'unverified';
          return res.status(unverified ? 403 : 401).render('auth/login', {
            title: titleOf(res, 'accounts.login.title'),
            formError: msg(unverified ? 'accounts.login.unverified' : 'accounts.login.invalid'),
            unverified,
            values: { email },
            next: nextPath,
          });
        }
        // passport regenerates the session id here, so a planted session id is useless.
        req.logIn(user, (loginError) => {
          if (loginError) return next(loginError);
          res.flash('success', msg('accounts.login.welcome', { name: user.name }));
          res.redirect(303, nextPath);
        });
      },
    );
    authenticateWith(req, res, next);
  });

  router.post('/logout', function logOut(req, res, next) {
    req.logOut((error) => {
      if (error) return next(error);
      req.session.destroy((destroyError) => {
        if (destroyError) return next(destroyError);
        res.clearCookie(context.config.isProduction ? '__Host-laurel.sid' : 'laurel.sid', { path: '/' });
        res.flash('info', msg('accounts.login.signedOut'));
        res.redirect(303, '/');
      });
    });
  });

  router.get('/forgot-password', function showForgotPassword(_req, res) {
    res.render('auth/forgot-password', { title: titleOf(res, 'accounts.forgot.title') });
  });

  router.post('/forgot-password', async function sendResetLink(req, res) {
    const email = formField(req, 'email');
    try {
      await requestPasswordReset(context, { email });
      res.flash('info', msg('accounts.forgot.sent', { email: email.trim() }));
      res.redirect(303, '/login');
    } catch (error) {
      showAgainIfInvalid(error, (invalid) => {
        res.status(422).render('auth/forgot-password', {
          title: titleOf(res, 'accounts.forgot.title'),
          errors: invalid.fieldErrors,
          values: { email },
        });
      });
    }
  });

  router.get('/reset-password/:token', async function showResetForm(req, res) {
    const check = await checkToken(context.db, {
      token: req.params.token,
      purpose: 'reset_password',
      clock: context.clock,
    });
    if (!check.ok) return showTokenProblem(res, check.reason, 'reset');
    res.render('auth/reset-password', { title: titleOf(res, 'accounts.reset.title'), token: req.params.token });
  });

  // The link proves who this is, so the person is signed in here: a sign-in paused by someone
  // else's guessing (or a network's) must not keep the owner out after a reset.
  router.post('/reset-password/:token', async function setNewPassword(req, res, next) {
    const token = req.params.token;
    let outcome: Awaited<ReturnType<typeof resetPassword>>;
    try {
      outcome = await resetPassword(context, {
        token,
        password: formField(req, 'password'),
        confirm: formField(req, 'confirm'),
      });
    } catch (error) {
      return showAgainIfInvalid(error, (invalid) =>
        res.status(422).render('auth/reset-password', {
          title: titleOf(res, 'accounts.reset.title'),
          token,
          errors: invalid.fieldErrors,
        }),
      );
    }
    if (!outcome.ok) return showTokenProblem(res, outcome.reason, 'reset');
    const { user } = outcome;
    // passport regenerates the session id here, as at any sign-in.
    req.logIn(user, (loginError) => {
      if (loginError) return next(loginError);
      res.flash('success', msg('accounts.reset.done', { name: user.name }));
      res.redirect(303, '/');
    });
  });

  return router;
}
