// The program admin's area. Every route here requires the admin role; someone not signed in is
// sent to the sign-in page, whether they followed a link (GET) or sent a form (POST).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Router, type NextFunction, type Request, type Response } from 'express';
import type { AppContext } from '../server/context.js';
import { NotFound } from '../server/errors.js';
import { buildEml, emlPath } from '../server/mail/transport.js';
import { requireRole } from '../server/middleware/require-role.js';
import { findOutboxMessage, listOutbox, outboxCounts } from '../server/mail/outbox-admin.js';
import { adminCriteriaRoutes } from './admin-criteria.routes.js';
import { adminEligibilityRoutes } from './admin-eligibility.routes.js';
import { adminProgramRoutes } from './admin-programs.routes.js';
import { optionalId } from './params.js';

/**
 * A form sent after the session ended cannot be replayed after signing in, so a POST returns
 * to the admin home; a GET returns to the page asked for.
 */
function redirectAnonymousToLogin(req: Request, res: Response, next: NextFunction) {
  if (req.user) return next();
  res.flash('info', 'Please sign in to continue.');
  const back = req.method === 'GET' ? req.originalUrl : '/admin';
  res.redirect(303, `/login?next=${encodeURIComponent(back)}`);
}

export function adminRoutes(context: AppContext): Router {
  const router = Router();
  router.use(redirectAnonymousToLogin);
  router.use(requireRole('admin'));
  const outboxDir = path.join(context.config.dataDir, 'outbox');

  router.get('/', function showAdminHome(_req, res) {
    res.render('admin/index', { title: 'Administration' });
  });

  router.get('/outbox', async function showOutbox(req, res) {
    const before = optionalId(req.query.before);
    const [{ messages, nextBefore }, counts] = await Promise.all([
      listOutbox(context.db, { before }),
      outboxCounts(context.db),
    ]);
    res.render('admin/outbox', { title: 'Outgoing e-mail', messages, nextBefore, counts, isFirstPage: !before });
  });

  router.get('/outbox/:id', async function showOutboxMessage(req, res) {
    const id = optionalId(req.params.id);
    const message = id ? await findOutboxMessage(context.db, id) : undefined;
    if (!message) throw new NotFound('There is no such message in the outbox.');
    res.render('admin/outbox-message', {
      title: message.subject,
      message,
      hasEml: existsSync(emlPath(outboxDir, message.id)),
    });
  });

  // The file in DATA_DIR/outbox is the recipient's copy, working links and all; the admin gets
  // the same message rebuilt from the outbox row, whose secret links are hidden.
  router.get('/outbox/:id/raw', async function downloadOutboxMessage(req, res) {
    const id = optionalId(req.params.id);
    const message = id ? await findOutboxMessage(context.db, id) : undefined;
    if (!message || !existsSync(emlPath(outboxDir, message.id))) throw new NotFound('This message has no .eml file.');
    const eml = await buildEml({
      outboxId: message.id,
      from: context.config.mailFrom,
      to: message.toAddress,
      subject: message.subject,
      text: message.textBody,
      html: message.htmlBody,
      messageId: message.messageId,
      unsubscribeUrl: message.unsubscribeUrl,
    });
    res.set('Content-Type', 'message/rfc822');
    res.attachment(`message-${message.id}.eml`);
    res.send(eml);
  });

  router.use(adminProgramRoutes(context));
  router.use(adminCriteriaRoutes(context));
  router.use(adminEligibilityRoutes(context));

  return router;
}
