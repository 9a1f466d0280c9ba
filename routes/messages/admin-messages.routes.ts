// Messages from the staff to a group of people in a cycle: write, preview (who and how many),
// send through the outbox, and the log of what went to whom. Mounted under /admin.
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../../server/context.js';
import { NotFound, type FieldErrors } from '../../server/errors.js';
import { findCycle } from '../../server/services/programs/programs.js';
import {
  messageLog,
  previewMessage,
  segmentCounts,
  sendMessage,
  sentMessage,
  type MessageField,
} from '../../server/services/messages/messages.js';
import { MESSAGE_SEGMENTS } from '../../models/schema.js';
import { languageNameIn } from '../../server/i18n/languages.js';
import { label, msg, t } from '../../server/i18n/translate.js';
import { idParam, pageParam } from '../params.js';
import { formBody, formFields, showAgainIfInvalid } from '../forms.js';

const FIELDS: readonly MessageField[] = ['segment', 'subject', 'body'];

export function adminMessageRoutes(context: AppContext): Router {
  const router = Router();
  const { db } = context;

  async function renderCompose(
    req: Request,
    res: Response,
    extra: { values?: Record<string, unknown>; errors?: FieldErrors } = {},
    status = 200,
  ) {
    const lang = res.locals.lang as string;
    const cycle = await findCycle(db, idParam(req.params.cycleId));
    const counts = await segmentCounts(db, cycle.id);
    const chosen = typeof extra.values?.segment === 'string' ? extra.values.segment : '';
    res.status(status).render('admin/messages/index', {
      title: t(lang, 'messages.compose.pageTitle', { cycleName: cycle.name }),
      cycle,
      segments: MESSAGE_SEGMENTS.map((s) => ({
        value: s,
        label: t(lang, 'messages.compose.segment', { group: label(lang, 'messageSegment', s), count: counts[s] }),
        selected: s === chosen,
      })),
      values: extra.values ?? {},
      errors: extra.errors,
      log: await messageLog(db, cycle.id),
    });
  }

  router.get('/cycles/:cycleId/messages', async function showMessages(req, res) {
    await renderCompose(req, res);
  });

  router.post('/cycles/:cycleId/messages/preview', async function previewProgramMessage(req, res) {
    const cycle = await findCycle(db, idParam(req.params.cycleId));
    const fields = formFields(req, FIELDS);
    try {
      const preview = await previewMessage(db, cycle.id, fields);
      res.render('admin/messages/preview', {
        title: t(res.locals.lang as string, 'messages.preview.pageTitle', { subject: preview.draft.subject }),
        cycle,
        preview,
        sampleNames: preview.sample.map((person) => person.name).join(', '),
      });
    } catch (error) {
      await showAgainIfInvalid(error, (invalid) =>
        renderCompose(req, res, { values: fields, errors: invalid.fieldErrors }, 422),
      );
    }
  });

  router.post('/cycles/:cycleId/messages', async function sendProgramMessage(req, res) {
    const cycle = await findCycle(db, idParam(req.params.cycleId));
    const fields = formFields(req, FIELDS);
    try {
      const sent = await sendMessage(context, {
        cycleId: cycle.id,
        adminId: req.user!.id,
        expected: formBody(req).expected,
        ...fields,
      });
      const skipped = sent.recipients - sent.queued;
      res.flash(
        'success',
        skipped > 0
          ? msg('messages.flash.sentSkipped', { queued: sent.queued, skipped })
          : msg('messages.flash.sent', { queued: sent.queued }),
      );
      res.redirect(303, `/admin/cycles/${cycle.id}/messages/${sent.messageId}`);
    } catch (error) {
      await showAgainIfInvalid(error, (invalid) =>
        renderCompose(req, res, { values: fields, errors: invalid.fieldErrors }, 422),
      );
    }
  });

  router.get('/cycles/:cycleId/messages/:messageId', async function showSentMessage(req, res) {
    const cycle = await findCycle(db, idParam(req.params.cycleId));
    const page = pageParam(req.query.page);
    const message = await sentMessage(db, { messageId: idParam(req.params.messageId), page });
    if (message.cycleId !== cycle.id) throw new NotFound(msg('messages.errors.noSuchMessage'));
    const lang = res.locals.lang as string;
    const base = `/admin/cycles/${cycle.id}/messages/${message.id}`;
    res.render('admin/messages/show', {
      title: message.subject,
      cycle,
      message: {
        ...message,
        copies: message.copies.map((copy) => ({ ...copy, languageName: languageNameIn(lang, copy.language) })),
      },
      prevHref: page > 1 ? `${base}?page=${page - 1}` : undefined,
      nextHref: message.hasMore ? `${base}?page=${page + 1}` : undefined,
    });
  });

  return router;
}
