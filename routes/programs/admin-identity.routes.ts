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
  LOGO_MAX_BYTES,
  removeLogo,
  saveIdentity,
  saveLogo,
  type IdentityField,
} from '../../server/services/programs/identity.js';
import { idParam } from '../params.js';
import { formFields, showAgainIfInvalid } from '../forms.js';

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
    res.status(status).render('admin/programs/identity', {
      title: `Identity — ${program.name}`,
      program,
      hasLogo: program.logoPng !== null,
      logoVersion: program.logoUpdatedAt?.getTime(),
      defaultColor: DEFAULT_COLOR,
      values: extra.values ?? program,
      errors: extra.errors,
    });
  }

  router.get('/programs/:programId/identity', async function showIdentity(req, res) {
    await renderIdentity(req, res);
  });

  router.post('/programs/:programId/identity', async function saveProgramIdentity(req, res) {
    const programId = idParam(req.params.programId);
    const fields = formFields(req, IDENTITY_FIELDS);
    try {
      await saveIdentity(db, programId, fields);
      res.flash('success', 'The program’s identity is saved; every page and e-mail uses it now.');
      res.redirect(303, `/admin/programs/${programId}/identity`);
    } catch (error) {
      await showAgainIfInvalid(error, (invalid) =>
        renderIdentity(req, res, { values: fields, errors: invalid.fieldErrors }, 422),
      );
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
            { errors: { logo: req.uploadProblem ?? 'Choose an image file for the logo.' } },
            422,
          );
        }
        await saveLogo(db, { programId, bytes: await readFile(file.path), now: context.clock() });
        res.flash('success', 'The logo is saved.');
        res.redirect(303, `/admin/programs/${programId}/identity`);
      } catch (error) {
        await showAgainIfInvalid(error, (invalid) => renderIdentity(req, res, { errors: invalid.fieldErrors }, 422));
      }
    },
  );

  router.post('/programs/:programId/logo/remove', async function deleteLogo(req, res) {
    const programId = idParam(req.params.programId);
    await removeLogo(db, programId);
    res.flash('success', 'The logo is removed.');
    res.redirect(303, `/admin/programs/${programId}/identity`);
  });

  return router;
}
// i18n: not yet translated
