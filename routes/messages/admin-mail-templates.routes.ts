// The words of every e-mail, edited by the admins: list, edit with the fields listed, preview
// with sample data, save (refused with the error when it cannot be rendered), send a test to
// oneself, reset to the words it shipped with. Mounted under /admin.
import { Router, type Request, type Response } from 'express';
import type { FieldErrors } from '../../server/errors.js';
import type { AppContext } from '../../server/context.js';
import {
  checkWords,
  listMailTemplates,
  mailTemplateWords,
  parseTemplateName,
  resetMailTemplate,
  saveMailTemplate,
  sendTestMail,
} from '../../server/services/messages/mail-templates.js';
import type { RenderedMail } from '../../server/mail/templates.js';
import { formBody, showAgainIfInvalid } from '../forms.js';

export function adminMailTemplateRoutes(context: AppContext): Router {
  const router = Router();
  const { db } = context;
  const siteOf = (res: Response) => {
    const site = res.locals.site as { name: string; color: string } | undefined;
    return { siteName: site?.name ?? 'Laurel', siteColor: site?.color ?? '#2e6b3f' };
  };

  router.get('/mail-templates', async function showMailTemplates(_req, res) {
    res.render('admin/mail-templates/index', { title: 'E-mails', templates: await listMailTemplates(db) });
  });

  async function renderEditor(
    req: Request,
    res: Response,
    extra: {
      values?: { subject: unknown; body: unknown };
      errors?: FieldErrors;
      preview?: RenderedMail;
    } = {},
    status = 200,
  ) {
    const current = await mailTemplateWords(db, parseTemplateName(req.params.name));
    res.status(status).render('admin/mail-templates/edit', {
      title: `E-mail: ${current.name}`,
      current,
      fields: current.fields.map((f) => `{{${f}}}`),
      values: extra.values ?? current.words,
      errors: extra.errors,
      preview: extra.preview,
    });
  }

  router.get('/mail-templates/:name', async function showMailTemplate(req, res) {
    await renderEditor(req, res);
  });

  router.post('/mail-templates/:name', async function saveOrPreviewMailTemplate(req, res) {
    const name = parseTemplateName(req.params.name);
    const body = formBody(req);
    const values = { subject: body.subject, body: body.body };
    try {
      if (body.action === 'preview') {
        const { rendered } = checkWords(name, values, siteOf(res));
        return await renderEditor(req, res, { values, preview: rendered });
      }
      await saveMailTemplate(context, { name, adminId: req.user!.id, ...values, site: siteOf(res) });
      res.flash('success', 'The e-mail is saved; messages from now on use these words.');
      res.redirect(303, `/admin/mail-templates/${name}`);
    } catch (error) {
      await showAgainIfInvalid(error, (invalid) =>
        renderEditor(req, res, { values, errors: invalid.fieldErrors }, 422),
      );
    }
  });

  router.post('/mail-templates/:name/test', async function sendMailTemplateTest(req, res) {
    const name = parseTemplateName(req.params.name);
    const sent = await sendTestMail(context, { name, to: req.user!.email });
    res.flash(
      sent ? 'success' : 'error',
      sent
        ? `A test of this e-mail, with sample data, is on its way to ${req.user!.email}.`
        : `No test was sent: ${req.user!.email} has unsubscribed from the portal's e-mail.`,
    );
    res.redirect(303, `/admin/mail-templates/${name}`);
  });

  router.post('/mail-templates/:name/reset', async function resetMailTemplateWords(req, res) {
    const name = parseTemplateName(req.params.name);
    await resetMailTemplate(context, { name, adminId: req.user!.id });
    res.flash('success', 'The e-mail is back to the words it shipped with.');
    res.redirect(303, `/admin/mail-templates/${name}`);
  });

  return router;
}
// i18n: not yet translated
