// The words of every e-mail, edited by the admins in each language side by side: list, edit with
// the fields listed, preview with sample data, save (refused with the error when it cannot be
// rendered), send a test to oneself, reset a language to the words it shipped with. Mounted
// under /admin.
import { Router, type Request, type Response } from 'express';
import type { FieldErrors } from '../../server/errors.js';
import type { AppContext } from '../../server/context.js';
import { languageNameIn } from '../../server/i18n/languages.js';
import { isMessage, msg, t } from '../../server/i18n/translate.js';
import {
  checkWords,
  fieldName,
  listMailTemplates,
  mailTemplateWords,
  parseLanguage,
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
  const langOf = (res: Response) => res.locals.lang as string;
  /** "Spanish" for an English reader, "Español" in a label's first word. */
  const languageWords = (reader: string, language: string) => {
    const name = languageNameIn(reader, language);
    return name.charAt(0).toLocaleUpperCase(reader) + name.slice(1);
  };

  router.get('/mail-templates', async function showMailTemplates(_req, res) {
    const lang = langOf(res);
    const templates = await listMailTemplates(db, lang);
    res.render('admin/mail-templates/index', {
      title: t(lang, 'messages.mailTemplates.index.title'),
      templates: templates.map((template) => ({
        ...template,
        languages: template.languages.map((l) => ({ ...l, languageName: languageWords(lang, l.language) })),
      })),
    });
  });

  async function renderEditor(
    req: Request,
    res: Response,
    extra: {
      values?: Record<string, unknown>;
      errors?: FieldErrors;
      previews?: Map<string, { rendered: RenderedMail }>;
    } = {},
    status = 200,
  ) {
    const lang = langOf(res);
    const current = await mailTemplateWords(db, parseTemplateName(req.params.name));
    const values: Record<string, unknown> = extra.values ?? {};
    // The service names a field's language by its code; the reader gets its name.
    const errors = extra.errors
      ? Object.fromEntries(
          Object.entries(extra.errors).map(([field, error]) => [
            field,
            isMessage(error) && typeof error.values?.language === 'string'
              ? msg(error.key, { ...error.values, language: languageNameIn(lang, error.values.language) })
              : error,
          ]),
        )
      : undefined;
    res.status(status).render('admin/mail-templates/edit', {
      title: t(lang, 'messages.mailTemplates.edit.title', { name: current.name }),
      current,
      fields: current.fields.map((f) => `{{${f}}}`),
      ifBlock: '{{#if field}}…{{/if}}',
      eachBlock: '{{#each field}}…{{/each}}',
      errors,
      columns: current.languages.map((column) => {
        const subjectField = fieldName('subject', column.language);
        const bodyField = fieldName('body', column.language);
        return {
          ...column,
          languageName: languageWords(lang, column.language),
          languageInline: languageNameIn(lang, column.language),
          subjectField,
          bodyField,
          subject: extra.values ? values[subjectField] : column.words.subject,
          body: extra.values ? values[bodyField] : column.words.body,
          subjectError: errors?.[subjectField],
          bodyError: errors?.[bodyField],
          preview: extra.previews?.get(column.language)?.rendered,
        };
      }),
    });
  }

  router.get('/mail-templates/:name', async function showMailTemplate(req, res) {
    await renderEditor(req, res);
  });

  router.post('/mail-templates/:name', async function saveOrPreviewMailTemplate(req, res) {
    const name = parseTemplateName(req.params.name);
    const fields = formBody(req);
    try {
      if (fields.action === 'preview') {
        const previews = checkWords(name, fields, siteOf(res));
        return await renderEditor(req, res, { values: fields, previews });
      }
      await saveMailTemplate(context, { name, adminId: req.user!.id, fields, site: siteOf(res) });
      res.flash('success', msg('messages.mailTemplates.flash.saved'));
      res.redirect(303, `/admin/mail-templates/${name}`);
    } catch (error) {
      await showAgainIfInvalid(error, (invalid) =>
        renderEditor(req, res, { values: fields, errors: invalid.fieldErrors }, 422),
      );
    }
  });

  router.post('/mail-templates/:name/test', async function sendMailTemplateTest(req, res) {
    const name = parseTemplateName(req.params.name);
    const language = parseLanguage(formBody(req).language ?? langOf(res));
    const sent = await sendTestMail(context, { name, to: req.user!.email, language });
    const values = { email: req.user!.email, language: languageNameIn(langOf(res), language) };
    if (sent) res.flash('success', msg('messages.mailTemplates.flash.testSent', values));
    else res.flash('error', msg('messages.mailTemplates.flash.testNotSent', values));
    res.redirect(303, `/admin/mail-templates/${name}`);
  });

  router.post('/mail-templates/:name/reset', async function resetMailTemplateWords(req, res) {
    const name = parseTemplateName(req.params.name);
    const language = parseLanguage(formBody(req).language);
    await resetMailTemplate(context, { name, language, adminId: req.user!.id });
    res.flash(
      'success',
      msg('messages.mailTemplates.flash.reset', { language: languageNameIn(langOf(res), language) }),
    );
    res.redirect(303, `/admin/mail-templates/${name}`);
  });

  return router;
}
