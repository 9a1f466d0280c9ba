// Admins look after schools: find one, correct its name and profile, and see, approve and revoke
// the people who act for it (the queue of requests to join is /admin/contacts).
import { SCHOOL_LEVELS, US_STATES } from '../../models/schema.js';
import { labelsOf, msg, t } from '../../server/i18n/translate.js';
import type { FieldErrors } from '../../server/errors.js';
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../../server/context.js';
import {
  contactsOfSchool,
  decideContactRequest,
  decisionMessage,
  pendingContacts,
  revokeContact,
} from '../../server/services/schools/contacts.js';
import {
  listSchoolsForAdmin,
  profileInputFrom,
  profileInputOf,
  schoolById,
  updateSchoolByAdmin,
  type SchoolProfileInput,
} from '../../server/services/schools/schools.js';
import { idParam, pageParam } from '../params.js';
import { approveOrDecline, formBody, showAgainIfInvalid } from '../forms.js';

export function adminSchoolRoutes(context: AppContext): Router {
  const router = Router();
  const { db } = context;

  router.get('/schools', async function showSchoolList(req, res) {
    const page = pageParam(req.query.page);
    const { rows, hasMore, query } = await listSchoolsForAdmin(db, {
      query: typeof req.query.q === 'string' ? req.query.q : '',
      page,
    });
    const q = encodeURIComponent(query);
    res.render('admin/schools/list', {
      title: t(res.locals.lang as string, 'adminSchools.list.title'),
      rows,
      query,
      prevHref: page > 1 ? `/admin/schools?q=${q}&page=${page - 1}` : undefined,
      nextHref: hasMore ? `/admin/schools?q=${q}&page=${page + 1}` : undefined,
    });
  });

  async function renderSchool(
    req: Request,
    res: Response,
    extra: { values?: SchoolProfileInput; errors?: FieldErrors } = {},
    status = 200,
  ) {
    const school = await schoolById(db, idParam(req.params.id));
    const lang = res.locals.lang as string;
    res.status(status).render('admin/schools/edit', {
      title: t(lang, 'adminSchools.edit.title', { school: school.name }),
      school,
      values: extra.values ?? profileInputOf(school),
      errors: extra.errors,
      states: US_STATES,
      levels: labelsOf(lang, 'schoolLevel', SCHOOL_LEVELS),
      ...(await contactsOfSchool(db, { schoolId: school.id, actor: { id: req.user!.id, isAdmin: true } })),
    });
  }

  router.get('/schools/:id', async function showSchool(req, res) {
    await renderSchool(req, res);
  });

  router.post('/schools/:id', async function saveSchool(req, res) {
    const schoolId = idParam(req.params.id);
    const profile = profileInputFrom(formBody(req));
    try {
      await updateSchoolByAdmin(context, { schoolId, adminId: req.user!.id, profile });
    } catch (error) {
      return showAgainIfInvalid(error, (invalid) =>
        renderSchool(req, res, { values: profile, errors: invalid.fieldErrors }, 422),
      );
    }
    res.flash('success', msg('adminSchools.flash.saved'));
    res.redirect(303, `/admin/schools/${schoolId}`);
  });

  /** One decision, from the school's page or from the queue; back to where it was made. */
  async function decide(
    req: Request,
    res: Response,
    { schoolId, userId, back }: { schoolId: number; userId: number; back: string },
  ) {
    const approve = approveOrDecline(formBody(req));
    const decision = await decideContactRequest(context, {
      schoolId,
      userId,
      approve,
      actor: { id: req.user!.id, isAdmin: true },
    });
    res.flash(decision.outcome === 'decided' ? 'success' : 'info', decisionMessage(decision, approve));
    res.redirect(303, back);
  }

  router.post('/schools/:id/contacts/:userId', async function decideContactForSchool(req, res) {
    const schoolId = idParam(req.params.id);
    await decide(req, res, { schoolId, userId: idParam(req.params.userId), back: `/admin/schools/${schoolId}` });
  });

  router.post('/schools/:id/contacts/:userId/revoke', async function revokeSchoolContact(req, res) {
    const schoolId = idParam(req.params.id);
    await revokeContact(context, { schoolId, userId: idParam(req.params.userId), adminId: req.user!.id });
    res.flash('success', msg('adminSchools.flash.revoked'));
    res.redirect(303, `/admin/schools/${schoolId}`);
  });

  router.get('/contacts', async function showPendingContacts(req, res) {
    const page = pageParam(req.query.page);
    const { rows, hasMore } = await pendingContacts(db, page);
    res.render('admin/contacts', {
      title: t(res.locals.lang as string, 'adminSchools.contacts.title'),
      rows,
      prevPage: page > 1 ? page - 1 : undefined,
      nextPage: hasMore ? page + 1 : undefined,
    });
  });

  router.post('/contacts/:schoolId/:userId', async function decidePendingContact(req, res) {
    await decide(req, res, {
      schoolId: idParam(req.params.schoolId),
      userId: idParam(req.params.userId),
      back: '/admin/contacts',
    });
  });

  return router;
}
