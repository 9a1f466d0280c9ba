// A reviewer's applications to read away from the review page: one application as a printable
// page, and ZIPs of it (that page as an HTML file, with its evidence) or of all their current
// assignments. Who may have them is decided as for the review page (reviewerAccess): someone
// else's assignment, or one the reviewer is conflicted on, is "not found". Blind review holds
// here too: the page is the review page's redacted view, every name in a ZIP is neutral
// ("Evidence 3.pdf"), and the ZIP is named by number.
//
// A ZIP is streamed (yazl): entries are added one at a time, each once the one before it has been
// read, so the memory used stays flat whatever the size and one stored file at most is open. The
// name of an entry is fixed when it is added, so a stored file is opened just before its entry is
// added, when its turn has come: one that has gone missing gets a short note in its place
// ("<name> — missing.txt") and the rest of the ZIP is whole. Opening is the check, so nothing can
// go missing between a check and the read. The HTML page is added last, knowing which are missing.
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { Router, type NextFunction, type Request, type Response } from 'express';
import { ZipFile } from 'yazl';
import type { EvidenceKind } from '../../models/schema.js';
import type { AppContext } from '../../server/context.js';
import { Forbidden, NotFound } from '../../server/errors.js';
import { translated } from '../../server/i18n/content.js';
import { SOURCE_LANGUAGE } from '../../server/i18n/languages.js';
import { t, textIn } from '../../server/i18n/translate.js';
import { requireRole } from '../../server/middleware/require-role.js';
import { reviewerAccess, type ReviewerAccess } from '../../server/services/permissions.js';
import {
  loadReviewView,
  reviewableFiles,
  reviewerDashboard,
  type ReviewView,
} from '../../server/services/review/reviewing.js';
import { MissingStoredFile, type EvidenceStore } from '../../server/storage/evidence-store.js';
import { DEFAULT_TIME_ZONE, localDay } from '../../server/time.js';
import { streamTo } from '../downloads.js';
import { idParam } from '../params.js';
import { languagesInWords } from './language-words.js';

/** Kinds that are compressed already (a PDF's streams, an image, an Office file's own ZIP): stored as they are. */
const STORED_AS_IS: ReadonlySet<EvidenceKind> = new Set(['pdf', 'png', 'jpeg', 'docx', 'xlsx']);

type ReviewFile = Awaited<ReturnType<typeof reviewableFiles>>[number];

/** A file in the ZIP: "07 Evidence 7.pdf", numbered as the review page numbers them, so equal names never collide. */
interface Entry {
  file: ReviewFile;
  name: string;
}

/** The display name was cleaned at upload; even so, no separator in it may make a folder in the ZIP. */
const safeName = (name: string) => name.replace(/[/\\]/g, '_').replace(/\p{Cc}/gu, '');

function entriesOf(files: ReviewFile[]): Entry[] {
  return files.map((file, index) => ({
    file,
    name: `${String(index + 1).padStart(2, '0')} ${safeName(file.displayName)}`,
  }));
}

const missingName = (name: string) => `${name} — missing.txt`;

/** The store's stream of a file, or undefined when the store has no such file. */
async function openStored(storage: EvidenceStore, storedName: string): Promise<Readable | undefined> {
  try {
    return await storage.read(storedName);
  } catch (error) {
    if (error instanceof MissingStoredFile) return undefined;
    throw error;
  }
}

/** The reader went away (or the ZIP failed): whatever was still to be added is not. */
class BundleStopped extends Error {
  constructor() {
    super('The ZIP is no longer being read');
    this.name = 'BundleStopped';
  }
}

/**
 * A ZIP streamed entry by entry. `add` queues one entry and resolves once its bytes have been
 * read, so the caller opens its next source only then. When the reader goes away the source being
 * read is closed and `add` rejects with BundleStopped, so no file stays open behind a closed
 * connection.
 */
class ZipStream {
  private readonly zip = new ZipFile();
  readonly output = this.zip.outputStream as Readable;
  private current: Readable | undefined;
  private stopEntry: ((error: Error) => void) | undefined;
  private stopped = false;

  constructor() {
    // yazl reports a source that fails on the ZipFile, not on its output: end the download broken
    // rather than leave it hanging.
    this.zip.on('error', (error: Error) => this.output.destroy(error));
    this.output.on('close', () => {
      if (!this.output.readableEnded) this.stop();
    });
  }

  private stop() {
    this.stopped = true;
    this.current?.destroy();
    this.stopEntry?.(new BundleStopped());
  }

  /** Adds an entry from a stream already opened, or made by `open` when yazl reaches the entry. */
  add(name: string, options: { compress: boolean; mtime: Date }, source: Readable | (() => Promise<Readable>)) {
    if (this.stopped) {
      if (source instanceof Readable) source.destroy();
      return Promise.reject(new BundleStopped());
    }
    if (source instanceof Readable) this.current = source;
    return new Promise<void>((resolve, reject) => {
      this.stopEntry = reject;
      this.zip.addReadStreamLazy(name, options, (callback) => {
        const opening = source instanceof Readable ? Promise.resolve(source) : source();
        opening.then(
          (stream) => {
            this.current = stream;
            if (this.stopped) return stream.destroy();
            finished(stream).then(resolve, reject);
            callback(null, stream);
          },
          (error: Error) => {
            reject(error);
            callback(error, undefined as unknown as Readable);
          },
        );
      });
    }).finally(() => {
      this.current = undefined;
      this.stopEntry = undefined;
    });
  }

  /** A short text, as a compressed entry. */
  addText(name: string, text: string, mtime: Date) {
    if (this.stopped) throw new BundleStopped();
    this.zip.addBuffer(Buffer.from(text, 'utf8'), name, { compress: true, mtime });
  }

  end() {
    if (!this.stopped) this.zip.end();
  }

  /** Ends the download broken: a ZIP cut short must not look whole. */
  fail(error: unknown) {
    if (!this.stopped && !(error instanceof BundleStopped)) this.output.destroy(error as Error);
  }
}

const langOf = (res: Response) => String(res.locals.lang);

/** An HTML page rendered to a string, with the response's locals (its language, its zone). */
function renderToString(res: Response, view: string, data: Record<string, unknown>): Promise<string> {
  return new Promise((resolve, reject) => {
    res.render(view, data, (error: Error | null, html?: string) => (error ? reject(error) : resolve(html ?? '')));
  });
}

/** How the page links a file: inside the ZIP, by its path there; on the site, by its download. */
type FileLink = { inZip: true; missing: ReadonlySet<string> } | { inZip: false; base: string };

/** What views/reviews/printable.hbs shows: the review page's view, without anything of the review. */
function printableData(
  res: Response,
  { view, entries, link, preparedAt }: { view: ReviewView; entries: Entry[]; link: FileLink; preparedAt: Date },
) {
  const lang = langOf(res);
  const defaultLanguage =
    (res.locals.site as { defaultLanguage?: string } | undefined)?.defaultLanguage ?? SOURCE_LANGUAGE;
  const byId = new Map(entries.map((entry) => [entry.file.publicId, entry]));
  const files = (list: Array<{ publicId: string }>) =>
    list.flatMap(({ publicId }) => {
      const entry = byId.get(publicId);
      if (!entry) return [];
      if (!link.inZip) return [{ name: entry.name, href: `${link.base}/files/${publicId}` }];
      const missing = link.missing.has(publicId);
      const name = missing ? missingName(entry.name) : entry.name;
      return [{ name, href: `evidence/${encodeURIComponent(name)}`, missing }];
    });
  const heading = textIn(lang, view.heading);
  return {
    layout: 'print',
    title: t(lang, 'reviews.review.title', { heading, round: view.round.name }),
    heading,
    cycleName: view.cycleName,
    roundName: view.round.name,
    applicationId: view.applicationId,
    school: view.blind ? undefined : view.school,
    profile: view.profile,
    criteria: view.criteria.map((criterion) => {
      const c = translated(criterion, ['title'], lang, defaultLanguage);
      return {
        number: c.number,
        title: c.title,
        required: c.required,
        answer: c.answer,
        language: c.language,
        writtenIn: c.language
          ? t(lang, 'reviews.writtenIn', { language: languagesInWords(lang, [c.language]) })
          : undefined,
        files: files(c.files),
      };
    }),
    otherFiles: files(view.otherFiles),
    nominations: {
      count: view.nominations.count,
      nominations: view.nominations.nominations.map((n) => ({
        nominatorName: textIn(lang, n.nominatorName),
        relationship: n.relationship,
        confirmedAt: n.confirmedAt,
        criteria: n.criteria,
        reason: n.reason,
        files: files(n.files),
      })),
    },
    preparedAt,
  };
}

function zipHeaders(res: Response, fileName: string) {
  res.attachment(fileName);
  res.set({
    'Content-Type': 'application/zip',
    'Cache-Control': 'private, no-store',
    'X-Content-Type-Options': 'nosniff',
  });
}

export function reviewBundleRoutes(context: AppContext): Router {
  const router = Router();
  const { db, clock, storage } = context;

  // Mounted before the review pages (so /reviews/bundle.zip is not taken for an assignment id),
  // this router guards itself as they do.
  router.use('/reviews', requireRole('reviewer'));

  async function loadAccess(req: Request, res: Response, next: NextFunction) {
    res.locals.access = await reviewerAccess(db, req.user, idParam(req.params.assignmentId));
    next();
  }
  const access = (res: Response) => res.locals.access as ReviewerAccess;

  /** What one application's folder holds: the page's view and the files, numbered. */
  async function loadApplication(a: ReviewerAccess) {
    const [view, files] = await Promise.all([loadReviewView(db, a), reviewableFiles(db, a)]);
    return { view, entries: entriesOf(files) };
  }

  /** One application's folder: its evidence, one file open at a time, then its page. */
  async function addApplication(
    res: Response,
    zip: ZipStream,
    { view, entries }: Awaited<ReturnType<typeof loadApplication>>,
    folder: string,
  ) {
    const missing = new Set<string>();
    for (const { file, name } of entries) {
      const stream = await openStored(storage, file.storedName);
      if (stream) {
        await zip.add(
          `${folder}/evidence/${name}`,
          { compress: !STORED_AS_IS.has(file.kind), mtime: file.createdAt },
          stream,
        );
      } else {
        missing.add(file.publicId);
        zip.addText(
          `${folder}/evidence/${missingName(name)}`,
          t(langOf(res), 'reviews.bundle.missingNote', { name }),
          clock(),
        );
      }
    }
    const preparedAt = clock();
    // Rendered when its turn comes: one application's page in memory at a time.
    await zip.add(`${folder}/${folder}.html`, { compress: true, mtime: preparedAt }, async () => {
      const data = printableData(res, { view, entries, link: { inZip: true, missing }, preparedAt });
      return Readable.from([Buffer.from(await renderToString(res, 'reviews/printable', data), 'utf8')], {
        objectMode: false,
      });
    });
  }

  /** Streams the ZIP that `fill` adds to; the reader leaving early stops it, an error cuts it short. */
  async function sendZip(res: Response, fileName: string, fill: (zip: ZipStream) => Promise<void>) {
    const zip = new ZipStream();
    zipHeaders(res, fileName);
    const filling = fill(zip).then(
      () => zip.end(),
      (error: unknown) => zip.fail(error),
    );
    await streamTo(res, zip.output);
    await filling;
  }

  router.get('/reviews/bundle.zip', async function downloadAllReviewBundles(req, res) {
    const rows = await reviewerDashboard(db, req.user!.id, clock());
    const day = localDay(clock(), (res.locals.timeZone as string | undefined) ?? DEFAULT_TIME_ZONE);
    await sendZip(res, `reviews-${day}.zip`, async (zip) => {
      const folders = new Set<string>();
      for (const row of rows) {
        let a: ReviewerAccess;
        try {
          // The dashboard leaves conflicts out already; the review page's own check, once more.
          // Applications of a cycle whose calibration is not done stay out too.
          a = await reviewerAccess(db, req.user, row.assignmentId);
        } catch (error) {
          if (error instanceof NotFound || error instanceof Forbidden) continue;
          throw error;
        }
        // One application in two open rounds: a folder each.
        let folder = `application-${a.application.id}`;
        if (folders.has(folder)) folder = `${folder}-round-${a.round.number}-${a.assignment.id}`;
        folders.add(folder);
        await addApplication(res, zip, await loadApplication(a), folder);
      }
    });
  });

  router.get('/reviews/:assignmentId/bundle.zip', loadAccess, async function downloadReviewBundle(_req, res) {
    const a = access(res);
    const folder = `application-${a.application.id}`;
    // Loaded before the first byte, so a failure here is an error page, not a broken download.
    const application = await loadApplication(a);
    await sendZip(res, `${folder}.zip`, (zip) => addApplication(res, zip, application, folder));
  });

  router.get('/reviews/:assignmentId/print', loadAccess, async function showPrintableApplication(_req, res) {
    const a = access(res);
    const { view, entries } = await loadApplication(a);
    const base = `/reviews/${a.assignment.id}`;
    // The page's only style is its own, allowed by a nonce; it has no script, and needs nothing else.
    const styleNonce = randomBytes(16).toString('base64url');
    res.set({
      'Content-Security-Policy': `default-src 'none'; style-src 'nonce-${styleNonce}'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
      'Cache-Control': 'private, no-store',
    });
    res.render('reviews/printable', {
      ...printableData(res, { view, entries, link: { inZip: false, base }, preparedAt: clock() }),
      styleNonce,
      backHref: base,
    });
  });

  return router;
}
