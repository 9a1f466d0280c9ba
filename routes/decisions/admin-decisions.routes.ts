// Admins decide eligible applications, edit honoree profiles, and publish or unpublish a cycle
// after a preview.
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../../server/context.js';
import {
  decide,
  decideRestNotSelected,
  listDecisions,
  parseLevel,
  undecidedSummary,
  type DecisionFilter,
} from '../../server/services/decisions/decisions.js';
import {
  CITATION_MAX,
  editProfile,
  HIGHLIGHT_MAX,
  loadDecision,
  PROFILE_MAX,
} from '../../server/services/decisions/honoree-texts.js';
import { publish, publishPreview, unpublish } from '../../server/services/decisions/publishing.js';
import { DECISION_LEVELS, DECISION_LEVEL_LABELS } from '../../models/schema.js';
import { counted } from '../../server/text.js';
import { idParam, optionalId, pageParam } from '../params.js';
import { formBody, showAgainIfInvalid, typedValues } from '../forms.js';

function filterParam(value: unknown): DecisionFilter {
  return value === 'undecided' ? 'undecided' : parseLevel(value);
}

function decisionsHref(cycleId: number, filter: DecisionFilter, page: number): string {
  const query = new URLSearchParams();
  if (filter) query.set('filter', filter);
  if (page > 1) query.set('page', String(page));
  const qs = query.toString();
  return `/admin/cycles/${cycleId}/decisions${qs ? `?${qs}` : ''}`;
}

export function adminDecisionRoutes(context: AppContext): Router {
  const router = Router();
  const { db } = context;

  router.get('/cycles/:cycleId/decisions', async function showDecisions(req, res) {
    const cycleId = idParam(req.params.cycleId);
    const filter = filterParam(req.query.filter);
    const page = pageParam(req.query.page);
    const { cycle, rows, hasMore, counts } = await listDecisions(db, { cycleId, page, filter });
    const rest = await undecidedSummary(db, cycleId);
    res.render('admin/decisions/list', {
      title: `Decisions — ${cycle.name}`,
      cycle,
      rest,
      rows: rows.map((r) => ({
        ...r,
        levels: DECISION_LEVELS.map((l) => ({ value: l, label: DECISION_LEVEL_LABELS[l], checked: l === r.level })),
      })),
      counts,
      filter,
      page,
      filters: [
        { value: '', label: 'All', selected: !filter },
        { value: 'undecided', label: 'Undecided', selected: filter === 'undecided' },
        ...DECISION_LEVELS.map((l) => ({ value: l, label: DECISION_LEVEL_LABELS[l], selected: l === filter })),
      ],
      prevHref: page > 1 ? decisionsHref(cycleId, filter, page - 1) : undefined,
      nextHref: hasMore ? decisionsHref(cycleId, filter, page + 1) : undefined,
    });
  });

  router.post('/decisions/:applicationId', async function saveDecision(req, res) {
    const applicationId = idParam(req.params.applicationId);
    const body = formBody(req);
    const cycleId = optionalId(body.cycleId);
    // The ranking table decides too, and sends the admin back to the row they were on.
    const returnTo =
      typeof body.returnTo === 'string' && /^\/admin\/rounds\/\d{1,15}\/ranking(\?[\w=&%.-]*)?$/.test(body.returnTo)
        ? body.returnTo
        : undefined;
    const back =
      returnTo ??
      (cycleId
        ? decisionsHref(cycleId, filterParam(body.filter), pageParam(body.page))
        : `/admin/decisions/${applicationId}/profile`);
    try {
      const { level } = await decide(context, {
        applicationId,
        level: body.level,
        adminId: req.user!.id,
        overrideReason: body.overrideReason,
      });
      res.flash('success', `Decision saved: ${DECISION_LEVEL_LABELS[level]}.`);
    } catch (error) {
      showAgainIfInvalid(error, (invalid) => {
        res.flash('error', Object.values(invalid.fieldErrors).join(' '));
      });
    }
    res.redirect(303, back);
  });

  router.post('/cycles/:cycleId/decisions/rest', async function decideRest(req, res) {
    const cycleId = idParam(req.params.cycleId);
    const body = formBody(req);
    try {
      const count = await decideRestNotSelected(context, {
        cycleId,
        adminId: req.user!.id,
        expected: body.expected,
        overrideReason: body.overrideReason,
      });
      res.flash('success', `${count} ${count === 1 ? 'application is' : 'applications are'} now not selected.`);
    } catch (error) {
      showAgainIfInvalid(error, (invalid) => {
        res.flash('error', Object.values(invalid.fieldErrors).join(' '));
      });
    }
    res.redirect(303, decisionsHref(cycleId, undefined, 1));
  });

  async function renderProfileForm(req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) {
    const view = await loadDecision(db, idParam(req.params.applicationId));
    const values = (extra.values ?? {}) as Record<string, string>;
    res.status(status).render('admin/decisions/profile', {
      title: `Profile — ${view.school.name}`,
      view,
      citationMax: CITATION_MAX,
      profileMax: PROFILE_MAX,
      highlightMax: HIGHLIGHT_MAX,
      values: { citation: view.decision.citation, profile: view.decision.profile, ...values },
      criteria: view.criteria.map((c) => ({
        ...c,
        field: `highlight_${c.id}`,
        value: values[`highlight_${c.id}`] ?? c.highlight,
      })),
      publicPath:
        view.cycle.publishedAt && view.isHonoree ? `/honorees/${view.cycle.year}/${view.decision.slug}` : undefined,
      ...extra,
    });
  }

  router.get('/decisions/:applicationId/profile', async function showProfileForm(req, res) {
    await renderProfileForm(req, res);
  });

  router.post('/decisions/:applicationId/profile', async function saveProfile(req, res) {
    const applicationId = idParam(req.params.applicationId);
    const body = formBody(req);
    const highlights = Object.fromEntries(
      Object.entries(body)
        .filter(([key]) => /^highlight_\d{1,15}$/.test(key))
        .map(([key, value]) => [key.slice('highlight_'.length), value]),
    );
    try {
      await editProfile(context, {
        applicationId,
        adminId: req.user!.id,
        citation: body.citation,
        profile: body.profile,
        highlights,
      });
    } catch (error) {
      return showAgainIfInvalid(error, (invalid) => {
        return renderProfileForm(req, res, { errors: invalid.fieldErrors, values: typedValues(body) }, 422);
      });
    }
    res.flash('success', 'The profile is saved.');
    res.redirect(303, `/admin/decisions/${applicationId}/profile`);
  });

  async function renderPreview(req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) {
    const preview = await publishPreview(db, idParam(req.params.cycleId), context.clock());
    res.status(status).render('admin/decisions/publish', {
      title: `Publish — ${preview.cycle.name}`,
      preview,
      ...extra,
    });
  }

  router.get('/cycles/:cycleId/publish', async function showPublishPreview(req, res) {
    await renderPreview(req, res);
  });

  router.post('/cycles/:cycleId/publish', async function publishCycle(req, res) {
    const cycleId = idParam(req.params.cycleId);
    const body = formBody(req);
    let sent;
    try {
      sent = await publish(context, {
        cycleId,
        adminId: req.user!.id,
        fingerprint: typeof body.fingerprint === 'string' ? body.fingerprint : '',
      });
    } catch (error) {
      return showAgainIfInvalid(error, (invalid) => renderPreview(req, res, { errors: invalid.fieldErrors }, 409));
    }
    res.flash(
      'success',
      `Published. ${counted(sent.contactMails + sent.nominatorMails, 'e-mail is', 'e-mails are')} on the way: ${sent.contactMails} to schools, ${sent.nominatorMails} to nominators.`,
    );
    res.redirect(303, `/admin/cycles/${cycleId}/publish`);
  });

  router.post('/cycles/:cycleId/unpublish', async function unpublishCycle(req, res) {
    const cycleId = idParam(req.params.cycleId);
    try {
      await unpublish(context, { cycleId, adminId: req.user!.id });
      res.flash('success', 'Unpublished: the honorees of this cycle are no longer public.');
    } catch (error) {
      showAgainIfInvalid(error, (invalid) => {
        res.flash('error', Object.values(invalid.fieldErrors).join(' '));
      });
    }
    res.redirect(303, `/admin/cycles/${cycleId}/publish`);
  });

  return router;
}
// i18n: not yet translated
