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
  TRANSLATED_FIELDS,
  translationField,
  type TranslatedField,
} from '../../server/services/decisions/honoree-texts.js';
import { publish, publishPreview, unpublish } from '../../server/services/decisions/publishing.js';
import { DECISION_LEVELS } from '../../models/schema.js';
import { LANGUAGES, languageNameIn } from '../../server/i18n/languages.js';
import { label, msg, t, textIn } from '../../server/i18n/translate.js';
import type { FieldErrors } from '../../server/errors.js';
import { idParam, optionalId, pageParam } from '../params.js';
import { formBody, showAgainIfInvalid, typedValues, type FormBody } from '../forms.js';

function filterParam(value: unknown): DecisionFilter {
  return value === 'undecided' ? 'undecided' : parseLevel(value);
}

/** The page's language (server/middleware/language.ts). */
const langOf = (res: Response): string => res.locals.lang as string;

/** A language's name for a reader, as a label or heading starts: "Spanish", "Inglés". */
function languageLabel(reader: string, code: string): string {
  const name = languageNameIn(reader, code);
  return name.charAt(0).toLocaleUpperCase(reader) + name.slice(1);
}

/** Each honoree's missing translations, in words for the reader. */
function missingNotes(reader: string, missing: ReadonlyArray<{ language: string; fields: string }>) {
  return missing.map(({ language, fields }) => ({
    language,
    text: t(reader, 'decisions.translations.missing', { fields, language: languageNameIn(reader, language) }),
  }));
}

/**
 * A refused quick form (a decision, the rest, unpublishing) as one flash message: the Message
 * itself when there is one, so the next page puts it in its own language.
 */
function flashErrors(res: Response, errors: FieldErrors) {
  const texts = Object.values(errors);
  res.flash('error', texts.length === 1 ? texts[0]! : texts.map((text) => textIn(langOf(res), text)).join(' '));
}

/** The posted translations of the honoree texts: { es: { citation, profile } }, as sent. */
function postedTranslations(body: FormBody, languages: readonly string[]) {
  return Object.fromEntries(
    languages.map((language) => [
      language,
      Object.fromEntries(TRANSLATED_FIELDS.map((field) => [field, body[translationField(field, language)]])) as Record<
        TranslatedField,
        unknown
      >,
    ]),
  );
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
    const lang = langOf(res);
    res.render('admin/decisions/list', {
      title: t(lang, 'decisions.list.title', { cycle: cycle.name }),
      cycle,
      rest,
      rows: rows.map((r) => ({
        ...r,
        levels: DECISION_LEVELS.map((l) => ({
          value: l,
          label: label(lang, 'decisionLevel', l),
          checked: l === r.level,
        })),
        missing: missingNotes(lang, r.missingTranslations),
      })),
      counts,
      filter,
      page,
      filters: [
        { value: '', label: t(lang, 'decisions.list.filter.all'), selected: !filter },
        { value: 'undecided', label: t(lang, 'decisions.list.filter.undecided'), selected: filter === 'undecided' },
        ...DECISION_LEVELS.map((l) => ({ value: l, label: label(lang, 'decisionLevel', l), selected: l === filter })),
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
      res.flash(
        'success',
        t(langOf(res), 'decisions.flash.decisionSaved', { level: label(langOf(res), 'decisionLevel', level) }),
      );
    } catch (error) {
      showAgainIfInvalid(error, (invalid) => flashErrors(res, invalid.fieldErrors));
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
      res.flash('success', msg('decisions.flash.restDecided', { count }));
    } catch (error) {
      showAgainIfInvalid(error, (invalid) => flashErrors(res, invalid.fieldErrors));
    }
    res.redirect(303, decisionsHref(cycleId, undefined, 1));
  });

  async function renderProfileForm(req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) {
    const view = await loadDecision(db, idParam(req.params.applicationId));
    const values = (extra.values ?? {}) as Record<string, string>;
    const errors = (extra.errors ?? {}) as FieldErrors;
    const lang = langOf(res);
    const mainName = languageNameIn(lang, view.defaultLanguage);
    // Each text side by side: the main language's (the column), then each other language's.
    const sideBySide = (field: TranslatedField) => [
      {
        name: field,
        language: view.defaultLanguage,
        label: t(lang, 'decisions.profile.mainLanguage', { language: languageLabel(lang, view.defaultLanguage) }),
        value: values[field] ?? view.decision[field],
        error: errors[field],
      },
      ...view.otherLanguages.map((language) => {
        const name = translationField(field, language);
        return {
          name,
          language,
          label: t(lang, 'decisions.profile.otherLanguage', { language: languageLabel(lang, language) }),
          value: values[name] ?? view.decision.translations[language]?.[field] ?? '',
          error: errors[name],
          fallback: t(lang, 'decisions.profile.fallback', { language: languageNameIn(lang, language), main: mainName }),
        };
      }),
    ];
    res.status(status).render('admin/decisions/profile', {
      title: t(lang, 'decisions.profile.title', { school: view.school.name }),
      view,
      mainName,
      citationMax: CITATION_MAX,
      profileMax: PROFILE_MAX,
      highlightMax: HIGHLIGHT_MAX,
      citations: sideBySide('citation'),
      profiles: sideBySide('profile'),
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
        // Every language's fields: the service keeps those of the languages other than the main one.
        translations: postedTranslations(body, LANGUAGES),
      });
    } catch (error) {
      return showAgainIfInvalid(error, (invalid) => {
        return renderProfileForm(req, res, { errors: invalid.fieldErrors, values: typedValues(body) }, 422);
      });
    }
    res.flash('success', msg('decisions.flash.profileSaved'));
    res.redirect(303, `/admin/decisions/${applicationId}/profile`);
  });

  async function renderPreview(req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) {
    const preview = await publishPreview(db, idParam(req.params.cycleId), context.clock());
    const lang = langOf(res);
    const main = languageNameIn(lang, preview.defaultLanguage);
    res.status(status).render('admin/decisions/publish', {
      title: t(lang, 'decisions.publish.title', { cycle: preview.cycle.name }),
      preview,
      honorees: preview.honorees.map((h) => ({ ...h, missing: missingNotes(lang, h.missingTranslations) })),
      untranslated: preview.untranslated.map(({ language, count }) => ({
        language,
        text: t(lang, 'decisions.translations.summary', { count, language: languageNameIn(lang, language), main }),
      })),
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
      msg('decisions.flash.published', {
        total: sent.contactMails + sent.nominatorMails,
        schools: sent.contactMails,
        nominators: sent.nominatorMails,
      }),
    );
    res.redirect(303, `/admin/cycles/${cycleId}/publish`);
  });

  router.post('/cycles/:cycleId/unpublish', async function unpublishCycle(req, res) {
    const cycleId = idParam(req.params.cycleId);
    try {
      await unpublish(context, { cycleId, adminId: req.user!.id });
      res.flash('success', msg('decisions.flash.unpublished'));
    } catch (error) {
      showAgainIfInvalid(error, (invalid) => flashErrors(res, invalid.fieldErrors));
    }
    res.redirect(303, `/admin/cycles/${cycleId}/publish`);
  });

  return router;
}
