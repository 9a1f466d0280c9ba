// Admins' side of nominations: the list grouped by school, a school's nominations, spam,
// invitations by hand, the CSV export and nomination evidence. Mounted under /admin.
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../../server/context.js';
import { invitableCycles, inviteSchoolByHand } from '../../server/services/nominations/invitations.js';
import { cycleChoices } from '../../server/services/programs/programs.js';
import { csvFileName } from '../../server/services/shared/csv.js';
import { formatDay } from '../../server/time.js';
import {
  findNominationFile,
  listNominationGroups,
  markSpam,
  nominationGroup,
  unmarkSpam,
  type NominationFilters,
} from '../../server/services/nominations/groups.js';
import {
  EXPORT_BATCH_SIZE,
  nominationCsvHeader,
  nominationExportRows,
} from '../../server/services/nominations/nomination-export.js';
import { NOMINATION_STATUSES, type NominationStatus, US_STATES } from '../../models/schema.js';
import { label, msg, t, textIn, type Text } from '../../server/i18n/translate.js';
import { languageLabel } from '../language-names.js';
import { idParam, optionalId, pageParam } from '../params.js';
import { sendCsv, sendStoredFile } from '../downloads.js';
import { formBody, showAgainIfInvalid } from '../forms.js';

/** The group page's address: the match key is folded text ("lincoln|portland|OR"), so encoded. */
export function groupPath(cycleId: number, matchKey: string): string {
  return `/admin/nominations/groups/${cycleId}/${encodeURIComponent(matchKey)}`;
}

function filtersFrom(query: Request['query']): NominationFilters & { page: number } {
  const { cycle, status, state, page } = query;
  return {
    cycleId: optionalId(cycle),
    status:
      typeof status === 'string' && (NOMINATION_STATUSES as readonly string[]).includes(status)
        ? (status as NominationStatus)
        : undefined,
    state: typeof state === 'string' && (US_STATES as readonly string[]).includes(state) ? state : undefined,
    page: pageParam(page),
  };
}

function filterQuery(filters: NominationFilters): string {
  return new URLSearchParams(
    Object.entries({
      cycle: filters.cycleId ? String(filters.cycleId) : undefined,
      status: filters.status,
      state: filters.state,
    }).filter((entry): entry is [string, string] => Boolean(entry[1])),
  ).toString();
}

/** The group page's messages about fields it has no input for, in one line; undefined for none. */
function formErrorOf(lang: string, texts: Text[]): string | undefined {
  return texts.map((text) => textIn(lang, text)).join(' ') || undefined;
}

export function adminNominationRoutes(context: AppContext): Router {
  const router = Router();
  const { db, clock } = context;
  const inviteContext = { db, clock, mail: context.mail };

  router.get('/nominations', async function showNominationList(req, res) {
    const filters = filtersFrom(req.query);
    const [{ rows, hasMore, total }, cycles] = await Promise.all([listNominationGroups(db, filters), cycleChoices(db)]);
    const query = filterQuery(filters);
    const lang = res.locals.lang as string;
    res.render('admin/nominations/list', {
      title: t(lang, 'adminNominations.list.title'),
      total,
      rows: rows.map((r) => ({
        ...r,
        href: groupPath(r.cycleId, r.matchKey),
        languageNames: r.languages.map((code) => languageLabel(lang, code)).join(', '),
      })),
      cycles: cycles.map((c) => ({ ...c, selected: c.id === filters.cycleId })),
      statuses: NOMINATION_STATUSES.map((s) => ({
        value: s,
        label: label(lang, 'nominationStatus', s),
        selected: s === filters.status,
      })),
      states: US_STATES.map((s) => ({ value: s, selected: s === filters.state })),
      csvHref: `/admin/nominations.csv${query ? `?${query}` : ''}`,
      prevHref: filters.page > 1 ? `/admin/nominations?${query}${query ? '&' : ''}page=${filters.page - 1}` : undefined,
      nextHref: hasMore ? `/admin/nominations?${query}${query ? '&' : ''}page=${filters.page + 1}` : undefined,
      page: filters.page,
    });
  });

  router.get('/nominations.csv', async function downloadNominationsCsv(req, res) {
    const filters = filtersFrom(req.query);
    await sendCsv(res, {
      fileName: csvFileName('nominations', clock()),
      header: nominationCsvHeader(res.locals.lang as string),
      rows: nominationExportRows(db, filters, EXPORT_BATCH_SIZE, res.locals.lang as string),
    });
  });

  async function renderGroup(
    res: Response,
    { cycleId, matchKey }: { cycleId: number; matchKey: string },
    extra: Record<string, unknown> = {},
    status = 200,
  ) {
    const { group, nominations } = await nominationGroup(db, { cycleId, matchKey });
    const lang = res.locals.lang as string;
    res.status(status).render('admin/nominations/group', {
      title: t(lang, 'adminNominations.group.title', { school: group.schoolName }),
      group,
      href: groupPath(cycleId, matchKey),
      languageNames: group.languages.map((code) => languageLabel(lang, code)).join(', '),
      nominations: nominations.map((nomination) => ({
        ...nomination,
        isSpam: nomination.status === 'spam',
        languageName: languageLabel(lang, nomination.language),
      })),
      values: { email: group.contactEmail ?? '' },
      ...extra,
    });
  }

  router.get('/nominations/groups/:cycleId/:matchKey', async function showNominationGroup(req, res) {
    await renderGroup(res, { cycleId: idParam(req.params.cycleId), matchKey: String(req.params.matchKey) });
  });

  router.post('/nominations/:id/spam', async function markNominationSpam(req, res) {
    const row = await markSpam(db, { nominationId: idParam(req.params.id), adminId: req.user!.id });
    res.flash('success', msg('adminNominations.flash.spam', { name: row.nominatorName }));
    res.redirect(303, groupPath(row.cycleId, row.matchKey));
  });

  router.post('/nominations/:id/unspam', async function unmarkNominationSpam(req, res) {
    const row = await unmarkSpam(db, { nominationId: idParam(req.params.id) });
    res.flash('success', msg('adminNominations.flash.unspam', { name: row.nominatorName }));
    res.redirect(303, groupPath(row.cycleId, row.matchKey));
  });

  async function renderInviteForm(res: Response, extra: Record<string, unknown> = {}, status = 200) {
    const values = (extra.values ?? {}) as Record<string, unknown>;
    const now = clock();
    const cycles = await invitableCycles(db, now);
    res.status(status).render('admin/nominations/invite', {
      title: t(res.locals.lang as string, 'adminNominations.invite.title'),
      cycles: cycles.map((c) => ({ ...c, selected: String(c.id) === values.cycleId })),
      states: US_STATES.map((s) => ({ value: s, selected: s === values.state })),
      ...extra,
    });
  }

  router.get('/nominations/invite', async function showInviteForm(_req, res) {
    await renderInviteForm(res);
  });

  router.post('/nominations/invite', async function inviteSchoolNow(req, res) {
    const fields = formBody(req);
    const fromGroup = typeof fields.matchKey === 'string';
    let outcome;
    try {
      outcome = await inviteSchoolByHand(inviteContext, { adminId: req.user!.id, fields });
    } catch (error) {
      return showAgainIfInvalid(error, (invalid) => {
        if (!fromGroup) return renderInviteForm(res, { errors: invalid.fieldErrors, values: fields }, 422);
        // The group page's form has only the e-mail field; anything else is said above the form.
        const { email, ...others } = invalid.fieldErrors;
        return renderGroup(
          res,
          { cycleId: idParam(fields.cycleId), matchKey: String(fields.matchKey) },
          {
            errors: email ? { email } : undefined,
            formError: formErrorOf(res.locals.lang as string, Object.values(others)),
            values: { email: fields.email },
          },
          422,
        );
      });
    }
    if (outcome.invited) {
      res.flash('success', msg('adminNominations.flash.invited', { school: outcome.schoolName, email: outcome.email }));
    } else {
      const told = {
        school: outcome.schoolName,
        name: outcome.invitedByName,
        day: formatDay(outcome.invitedAt, res.locals.timeZone as string, res.locals.lang as string),
        email: outcome.email,
      };
      res.flash(
        'info',
        msg(
          outcome.invitedByName
            ? 'adminNominations.flash.alreadyInvitedBy'
            : 'adminNominations.flash.alreadyInvitedAutomatically',
          told,
        ),
      );
    }
    res.redirect(
      303,
      outcome.hasNominations ? groupPath(outcome.cycleId, outcome.matchKey) : '/admin/nominations/invite',
    );
  });

  router.get('/nominations/:id/files/:publicId', async function downloadNominationFile(req, res) {
    const file = await findNominationFile(db, {
      nominationId: idParam(req.params.id),
      publicId: String(req.params.publicId),
    });
    await sendStoredFile(res, { storage: context.storage, file, downloadName: file.originalName });
  });

  router.get('/nominations/:id/files/:publicId/view', async function viewNominationFile(req, res) {
    const file = await findNominationFile(db, {
      nominationId: idParam(req.params.id),
      publicId: String(req.params.publicId),
    });
    await sendStoredFile(res, { storage: context.storage, file, downloadName: file.originalName, inline: true });
  });

  return router;
}
