// A program's identity, edited by its admins: short name, colour (AA contrast checked), contact
// details, privacy notice, accessibility statement, e-mail sender name, and the logo (its bytes
// checked and resized). Mounted under /admin. The rules are server/services/programs/identity.ts.
import path from 'node:path';
import type { FieldErrors } from '../../server/errors.js';
import { readFile } from 'node:fs/promises';
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../../server/context.js';
import { receiveFiles } from '../../server/middleware/upload.js';
import { findProgram } from '../../server/services/programs/programs.js';
import {
  DEFAULT_COLOR,
  IDENTITY_TRANSLATED,
  LOGO_MAX_BYTES,
  removeLogo,
  saveIdentity,
  saveLogo,
  type IdentityField,
} from '../../server/services/programs/identity.js';
import { idParam } from '../params.js';
import { formBody, formFields, showAgainIfInvalid } from '../forms.js';
import { msg, t } from '../../server/i18n/translate.js';
import {
  contentLanguages,
  postedTranslations,
  translationValues,
} from '../../server/services/programs/translations.js';

const IDENTITY_TEXTS = Object.keys(IDENTITY_TRANSLATED);

const IDENTITY_FIELDS: readonly IdentityField[] = [
  'shortName',
  'primaryColor',
  'contactEmail',
  'postalAddress',
  'privacyNotice',
  'accessibilityStatement',
  'mailSenderName',
];

export function adminIdentityRoutes(context: AppContext): Router {
  const router = Router();
  const { db } = context;
  const tmpDir = path.join(context.config.uploadDir, 'tmp');

  async function renderIdentity(
    req: Request,
    res: Response,
    extra: { values?: Record<string, unknown>; errors?: FieldErrors } = {},
    status = 200,
  ) {
    const program = await findProgram(db, idParam(req.params.programId));
    const lang = res.locals.lang;
    res.status(status).render('admin/programs/identity', {
      title: t(lang, 'programs.identity.title', { name: program.name }),
      program,
      hasLogo: program.logoPng !== null,
      logoVersion: program.logoUpdatedAt?.getTime(),
      defaultColor: DEFAULT_COLOR,
      contentLanguages: contentLanguages(program.defaultLanguage, lang),
      values: extra.values ?? {
        ...program,
        ...translationValues(program.translations, IDENTITY_TEXTS, program.defaultLanguage),
      },
      errors: extra.errors,
    });
  }

  router.get('/programs/:programId/identity', async function showIdentity(req, res) {
    await renderIdentity(req, res);
  });

  router.post('/programs/:programId/identity', async function saveProgramIdentity(req, res) {
    const programId = idParam(req.params.programId);
    const fields = formFields(req, IDENTITY_FIELDS);
    const body = formBody(req);
    try {
      await saveIdentity(db, programId, { ...fields, translations: body });
      res.flash('success', msg('programs.identity.saved'));
      res.redirect(303, `/admin/programs/${programId}/identity`);
    } catch (error) {
      await showAgainIfInvalid(error, async (invalid) => {
        const program = await findProgram(db, programId);
        const values = { ...fields, ...postedTranslations(body, IDENTITY_TEXTS, program.defaultLanguage) };
        await renderIdentity(req, res, { values, errors: invalid.fieldErrors }, 422);
      });
    }
  });

  router.post(
    '/programs/:programId/logo',
    receiveFiles({ tmpDir, fieldName: 'logo', limits: () => ({ maxFileBytes: LOGO_MAX_BYTES, maxFiles: 1 }) }),
    async function uploadLogo(req, res) {
      const programId = idParam(req.params.programId);
      const [file] = req.uploadedFiles;
      try {
        if (req.uploadProblem || !file) {
          return await renderIdentity(
            req,
            res,
            { errors: { logo: req.uploadProblem ?? msg('programs.identity.errors.logoMissing') } },
            422,
          );
        }
        await saveLogo(db, { programId, bytes: await readFile(file.path), now: context.clock() });
        res.flash('success', msg('programs.identity.logoSaved'));
        res.redirect(303, `/admin/programs/${programId}/identity`);
      } catch (error) {
        await showAgainIfInvalid(error, (invalid) => renderIdentity(req, res, { errors: invalid.fieldErrors }, 422));
      }
    },
  );

  router.post('/programs/:programId/logo/remove', async function deleteLogo(req, res) {
    const programId = idParam(req.params.programId);
    await removeLogo(db, programId);
    res.flash('success', msg('programs.identity.logoRemoved'));
    res.redirect(303, `/admin/programs/${programId}/identity`);
  });

  return router;
}
