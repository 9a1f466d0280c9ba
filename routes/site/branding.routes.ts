// What makes the portal the program's, served to everyone: its colours as a stylesheet, its
// logo, its privacy notice and accessibility statement. Edited in routes/programs/admin-identity.
import { Router } from 'express';
import type { AppContext } from '../../server/context.js';
import { NotFound } from '../../server/errors.js';
import { msg, t } from '../../server/i18n/translate.js';
import { siteIdentity, siteLogo, sitePage } from '../../server/services/programs/identity.js';

/** Each page's title, the footer's link to it. */
const PAGES = {
  privacy: 'common.footer.privacy',
  accessibility: 'common.footer.accessibility',
} as const;

export function brandingRoutes(context: AppContext): Router {
  const router = Router();
  const { db } = context;

  router.get('/branding/theme.css', async function sendTheme(_req, res) {
    const site = await siteIdentity(db);
    // Both colours are checked (#rrggbb) before they are stored, so they are safe in CSS.
    res
      .type('text/css')
      .set('Cache-Control', 'public, max-age=300')
      .send(`:root {\n  --green: ${site.color};\n  --green-dark: ${site.colorDark};\n}\n`);
  });

  router.get('/branding/logo.png', async function sendLogo(_req, res) {
    const logo = await siteLogo(db);
    if (!logo) throw new NotFound(msg('admin.branding.noLogo'));
    res.type('image/png').set('Cache-Control', 'public, max-age=86400').send(logo);
  });

  for (const page of Object.keys(PAGES) as Array<keyof typeof PAGES>) {
    router.get(`/${page}`, async function showProgramPage(_req, res) {
      const body = await sitePage(db, page, res.locals.lang as string);
      if (body === '') throw new NotFound(msg(`admin.branding.notPublished.${page}`));
      res.render('public/program-page', {
        title: t(res.locals.lang as string, PAGES[page]),
        // Paragraphs as typed: a blank line between them.
        paragraphs: body
          .split(/\r?\n\s*\r?\n/)
          .map((p) => p.trim())
          .filter(Boolean),
      });
    });
  }

  return router;
}
