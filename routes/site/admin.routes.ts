// The admin's home, the outgoing e-mail, the audit log and the backups: admin pages that belong
// to no domain.
// Like every router under /admin, it is mounted behind the one admin guard in routes/index.ts.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Router } from 'express';
import type { AppContext } from '../../server/context.js';
import { NotFound } from '../../server/errors.js';
import { msg, t } from '../../server/i18n/translate.js';
import { buildEml, emlPath } from '../../server/mail/transport.js';
import { findOutboxMessage, listOutbox, outboxCounts } from '../../server/mail/outbox-admin.js';
import { describeSchedule, listBackupRuns } from '../../server/operations/backup-history.js';
import { cycleDashboard } from '../../server/services/programs/dashboard.js';
import { auditActionNames, listAudit } from '../../server/services/shared/audit.js';
import { optionalId } from '../params.js';

/** The commands the backups page names: the same in every language. */
const BACKUP_COMMANDS = { backup: 'npm run backup -- FILE', restore: 'npm run restore -- FILE', force: '--force' };

export function adminSiteRoutes(context: AppContext): Router {
  const router = Router();
  const outboxDir = path.join(context.config.dataDir, 'outbox');

  router.get('/', async function showAdminHome(req, res) {
    const dashboard = await cycleDashboard(context.db, {
      requested: optionalId(req.query.cycle),
      now: context.clock(),
      lang: res.locals.lang as string,
    });
    // The dashboard's dates are in its cycle's program zone.
    const zone = dashboard.cycle ? { timeZone: dashboard.timeZone } : {};
    res.render('admin/index', { title: t(res.locals.lang as string, 'admin.title'), dashboard, ...zone });
  });

  router.get('/outbox', async function showOutbox(req, res) {
    const before = optionalId(req.query.before);
    const [{ messages, nextBefore }, counts] = await Promise.all([
      listOutbox(context.db, { before }),
      outboxCounts(context.db),
    ]);
    res.render('admin/outbox', {
      title: t(res.locals.lang as string, 'admin.outbox.title'),
      messages,
      nextBefore,
      counts,
      isFirstPage: !before,
    });
  });

  router.get('/outbox/:id', async function showOutboxMessage(req, res) {
    const id = optionalId(req.params.id);
    const message = id ? await findOutboxMessage(context.db, id) : undefined;
    if (!message) throw new NotFound(msg('admin.outbox.noSuchMessage'));
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
    if (!message || !existsSync(emlPath(outboxDir, message.id))) throw new NotFound(msg('admin.outbox.noEml'));
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

  router.get('/audit', async function showAuditLog(req, res) {
    const action =
      typeof req.query.action === 'string' && /^[a-z0-9_.-]{1,100}$/.test(req.query.action)
        ? req.query.action
        : undefined;
    const before = optionalId(req.query.before);
    const lang = res.locals.lang as string;
    const { entries, nextBefore } = await listAudit(context.db, { before, action, lang });
    const actions = await auditActionNames(context.db);
    const query = (extra: Record<string, string>) =>
      new URLSearchParams({ ...(action ? { action } : {}), ...extra }).toString();
    res.render('admin/decisions/audit', {
      title: t(lang, 'admin.audit.title'),
      entries,
      actions: actions.map((a) => ({ value: a, selected: a === action })),
      action,
      firstHref: before ? `/admin/audit${action ? `?${query({})}` : ''}` : undefined,
      nextHref: nextBefore ? `/admin/audit?${query({ before: String(nextBefore) })}` : undefined,
    });
  });

  router.get('/backups', async function showBackups(req, res) {
    const before = optionalId(req.query.before);
    const lang = res.locals.lang as string;
    const { runs, nextBefore } = await listBackupRuns(context.db, { before, now: context.clock(), lang });
    res.render('admin/backups', {
      title: t(lang, 'backups.title'),
      runs,
      nextBefore,
      isFirstPage: !before,
      schedule: describeSchedule(context.config.backup, lang),
      commands: BACKUP_COMMANDS,
    });
  });

  return router;
}
