// The unsubscribe link every e-mail carries, and the one-click unsubscribe mail programs use.
import { Router } from 'express';
import type { AppContext } from '../../server/context.js';
import { suppress, verifyUnsubscribe } from '../../server/mail/unsubscribe.js';

export function unsubscribeRoutes(context: AppContext): Router {
  const router = Router();
  const { db } = context;
  const unsubscribeSecret = context.mail.unsubscribeSecret ?? '';

  router.get('/unsubscribe', function showUnsubscribe(req, res) {
    const email = verifyUnsubscribe(unsubscribeSecret, req.query.e, req.query.t);
    if (!email)
      return res.status(404).render('nominations/confirm-problem', {
        title: 'This link does not work',
        message: 'This unsubscribe link is not valid. Check that you copied the whole address from the e-mail.',
      });
    res.render('unsubscribe', { title: 'Stop e-mail from Laurel', email, e: req.query.e, t: req.query.t });
  });

  // Also the one-click target of the List-Unsubscribe header (RFC 8058): mail programs post
  // here without a CSRF token, so the signed link is the proof (see middleware/csrf.ts).
  router.post('/unsubscribe', async function unsubscribe(req, res) {
    const email = verifyUnsubscribe(unsubscribeSecret, req.query.e, req.query.t);
    if (!email)
      return res.status(404).render('nominations/confirm-problem', {
        title: 'This link does not work',
        message: 'This unsubscribe link is not valid.',
      });
    await suppress(db, email);
    res.render('unsubscribe', { title: 'You are unsubscribed', email, done: true });
  });

  return router;
}
