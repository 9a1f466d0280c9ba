// The unsubscribe link every e-mail carries, and the one-click unsubscribe mail programs use.
import { Router, type Response } from 'express';
import type { AppContext } from '../../server/context.js';
import { msg, t } from '../../server/i18n/translate.js';
import { suppress, verifyUnsubscribe } from '../../server/mail/unsubscribe.js';

/** Who the mail comes from: the program's name, or Laurel before there is one. */
const senderName = (res: Response) => (res.locals.site as { name?: string } | undefined)?.name || 'Laurel';

export function unsubscribeRoutes(context: AppContext): Router {
  const router = Router();
  const { db } = context;
  const unsubscribeSecret = context.mail.unsubscribeSecret ?? '';

  router.get('/unsubscribe', function showUnsubscribe(req, res) {
    const email = verifyUnsubscribe(unsubscribeSecret, req.query.e, req.query.t);
    if (!email)
      return res.status(404).render('nominations/confirm-problem', {
        title: t(res.locals.lang as string, 'nominations.problem.title'),
        message: msg('public.unsubscribe.invalid'),
      });
    res.render('unsubscribe', {
      title: t(res.locals.lang as string, 'public.unsubscribe.title', { name: senderName(res) }),
      senderName: senderName(res),
      email,
      e: req.query.e,
      // Not `t`: that name is the translation helper in templates.
      signature: req.query.t,
    });
  });

  // Also the one-click target of the List-Unsubscribe header (RFC 8058): mail programs post
  // here without a CSRF token, so the signed link is the proof (see middleware/csrf.ts).
  router.post('/unsubscribe', async function unsubscribe(req, res) {
    const email = verifyUnsubscribe(unsubscribeSecret, req.query.e, req.query.t);
    if (!email)
      return res.status(404).render('nominations/confirm-problem', {
        title: t(res.locals.lang as string, 'nominations.problem.title'),
        message: msg('public.unsubscribe.invalidShort'),
      });
    await suppress(db, email);
    res.render('unsubscribe', {
      title: t(res.locals.lang as string, 'public.unsubscribe.doneTitle'),
      senderName: senderName(res),
      email,
      done: true,
    });
  });

  return router;
}
