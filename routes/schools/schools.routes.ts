// School profiles: create one (and become its contact), or find an existing one and ask to be
// its contact.
import { SCHOOL_LEVELS, US_STATES } from '../../models/schema.js';
import { Router, type Response } from 'express';
import type { AppContext } from '../../server/context.js';
import { NotFound } from '../../server/errors.js';
import { labelsOf, msg, t } from '../../server/i18n/translate.js';
import { requireSignedIn } from '../../server/middleware/require-role.js';
import {
  contactsOfSchool,
  decideContactRequest,
  decisionMessage,
  JOIN_MESSAGES,
  requestToJoinSchool,
} from '../../server/services/schools/contacts.js';
import {
  createSchool,
  findListedSchool,
  schoolById,
  EMPTY_PROFILE,
  profileInputFrom,
  searchSchools,
} from '../../server/services/schools/schools.js';
import { idParam } from '../params.js';
import { approveOrDecline, formBody, formField, showAgainIfInvalid } from '../forms.js';

/** The page's language (server/middleware/language.ts). */
const langOf = (res: Response) => (res.locals.lang as string | undefined) ?? 'en';

export function schoolRoutes(context: AppContext): Router {
  const router = Router();
  const { db, clock } = context;
  router.use('/schools', requireSignedIn);

  router.get('/schools/new', function showNewSchool(req, res) {
    // An invitation opens this form filled in from the nominations of the school.
    const prefill = profileInputFrom(req.query as Record<string, unknown>);
    const invitation = typeof req.query.invitation === 'string' ? req.query.invitation.slice(0, 200) : '';
    res.render('schools/new', {
      title: t(langOf(res), 'schools.new.title'),
      values: { ...EMPTY_PROFILE, ...prefill },
      invitation,
      states: US_STATES,
      levels: labelsOf(langOf(res), 'schoolLevel', SCHOOL_LEVELS),
    });
  });

  router.post('/schools', async function addSchool(req, res) {
    const profile = profileInputFrom(formBody(req));
    const invitation = formField(req, 'invitation').slice(0, 200);
    try {
      const school = await createSchool(db, { userId: req.user!.id, profile, clock });
      res.flash('success', msg('schools.new.added', { name: school.name }));
      res.redirect(303, invitation ? `/invitations/${encodeURIComponent(invitation)}` : '/my/applications');
    } catch (error) {
      showAgainIfInvalid(error, (invalid) => {
        res.status(422).render('schools/new', {
          title: t(langOf(res), 'schools.new.title'),
          errors: invalid.fieldErrors,
          values: profile,
          invitation,
          states: US_STATES,
          levels: labelsOf(langOf(res), 'schoolLevel', SCHOOL_LEVELS),
        });
      });
    }
  });

  router.get('/schools/find', async function findSchool(req, res) {
    const query = typeof req.query.q === 'string' ? req.query.q.slice(0, 100) : '';
    const state =
      typeof req.query.state === 'string' && (US_STATES as readonly string[]).includes(req.query.state)
        ? req.query.state
        : '';
    const page =
      typeof req.query.page === 'string' && /^\d{1,4}$/.test(req.query.page) ? Math.max(1, Number(req.query.page)) : 1;
    const result = await searchSchools(db, { query, state: state || undefined, page });
    res.render('schools/find', {
      title: t(langOf(res), 'schools.find.title'),
      query,
      state,
      states: US_STATES,
      searched: query.length > 0,
      tooShort: query.length > 0 && query.trim().length < 2,
      ...result,
      page,
      prevPage: page > 1 ? page - 1 : undefined,
      nextPage: result.hasMore ? page + 1 : undefined,
    });
  });

  router.post('/schools/:id/claim', async function askToBeContact(req, res) {
    // Only a school the public search lists can be asked to join.
    const school = await findListedSchool(db, idParam(req.params.id));
    if (!school) throw new NotFound(msg('schools.errors.notFound'));
    const status = await requestToJoinSchool(context, { schoolId: school.id, user: req.user! });
    res.flash(status === 'active' ? 'success' : 'info', JOIN_MESSAGES[status]);
    res.redirect(303, '/my/applications');
  });

  /** The school's contacts and the requests to join it; only its active contacts see them. */
  router.get('/schools/:id/contacts', async function showSchoolContacts(req, res) {
    const schoolId = idParam(req.params.id);
    const contacts = await contactsOfSchool(db, { schoolId, actor: { id: req.user!.id, isAdmin: false } });
    const school = await schoolById(db, schoolId);
    res.render('schools/contacts', {
      title: t(langOf(res), 'schools.contacts.title', { name: school.name }),
      school,
      ...contacts,
    });
  });

  router.post('/schools/:id/contacts/:userId', async function decideSchoolContact(req, res) {
    const schoolId = idParam(req.params.id);
    const approve = approveOrDecline(formBody(req));
    const decision = await decideContactRequest(context, {
      schoolId,
      userId: idParam(req.params.userId),
      approve,
      actor: { id: req.user!.id, isAdmin: false },
    });
    res.flash(decision.outcome === 'decided' ? 'success' : 'info', decisionMessage(decision, approve));
    res.redirect(303, `/schools/${schoolId}/contacts`);
  });

  return router;
}
