// Rendered copies of the pages anonymous visitors read (home, honorees, an honoree, criteria,
// open data, privacy and accessibility). They change only when staff change something or when a
// cycle's date passes, so the first anonymous request renders a page and the next ones get the
// same bytes without a session, a CSRF token or a query — compressed once for browsers that
// accept gzip, with an ETag, so browsers revalidate and get a 304.
//
// Staying right:
// - a copy is kept only for a 200 that set no cookie, made for a visitor with no session or flash
//   cookie (anyone signed in, or with a message to see, always gets a fresh page);
// - every successful write by an admin drops this instance's copies at once and adds one to the
//   shared version row (server/db/public-version.ts); the other instances read that row at most a
//   second later and drop theirs;
// - copies expire when the next cycle or round date passes, and after a minute at most, which
//   bounds anything else (an end-of-day close, an edit made outside the portal).
// Memory is bounded: copies are evicted oldest-used first beyond MAX_TOTAL_BYTES or MAX_ENTRIES,
// and the key holds only the parameters a page reads (READ_PARAMETERS), so made-up query strings
// share one copy.
import { createHash } from 'node:crypto';
import { gzip } from 'node:zlib';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { Database } from '../db/client.js';
import { bumpPublicVersion, readPublicState } from '../db/public-version.js';
import { languageInCookie, languageInQuery, requestedLanguage } from '../i18n/negotiate.js';

const CACHEABLE = [
  /^\/$/,
  /^\/honorees(\.json|\.csv)?$/,
  /^\/honorees\/\d{4}\/[^/]{1,200}$/,
  /^\/cycles\/\d{1,12}\/criteria$/,
  /^\/(privacy|accessibility)$/,
];
/** Cookies that make a page personal: the session and one-time messages. */
const PERSONAL_COOKIE = /(^|;\s*)(__Host-)?laurel\.(sid|flash)=/;
const CHECK_EVERY_MS = 1000;
const MAX_AGE_MS = 60_000;
const MAX_TOTAL_BYTES = 32 * 1024 * 1024;
const MAX_ENTRY_BYTES = 4 * 1024 * 1024;
const MAX_URL_LENGTH = 1000;
const MAX_ENTRIES = 2000;
/** What an entry costs beyond its bytes (its key, its object, the map's slot), counted in the budget. */
const ENTRY_OVERHEAD_BYTES = 512;
const COMPRESS_FROM_BYTES = 1024;
/**
 * The query parameters the public pages read (the honorees' filters and page), each with the
 * shape the page accepts. Other parameters (utm_source...) change nothing and are left out of
 * the key; a read parameter with any other value (a search, `page=02`, a repeated key) is
 * rendered afresh and not kept, so the key space stays small and no copy is kept under the
 * wrong key. A new parameter that changes a public page must be added here.
 */
const READ_PARAMETERS: Record<string, RegExp> = {
  year: /^\d{4}$/,
  state: /^[A-Z]{2}$/,
  level: /^(gold|silver)$/,
  page: /^[1-9]\d{0,4}$/,
  q: /^$/,
};
/** Headers of a kept answer that are the request's own, or set again when it is served. */
const NOT_REPLAYED = new Set([
  'set-cookie',
  'date',
  'content-length',
  'content-encoding',
  'etag',
  'x-request-id',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'cache-control',
  'vary',
]);

/**
 * The copy's key: the language asked for (server/i18n/negotiate.ts: `?lang=`, the cookie, the
 * browser's; "*" for none, the program's default), the path and the read parameters in a fixed
 * order; undefined: do not keep.
 */
function keyOf(req: Request): string | undefined {
  const query = req.query as Record<string, unknown>;
  const kept: string[] = [];
  for (const name of Object.keys(query).sort()) {
    const shape = READ_PARAMETERS[name];
    if (!shape) continue;
    const value = query[name];
    if (typeof value !== 'string' || !shape.test(value)) return undefined;
    if (value !== '') kept.push(`${name}=${value}`);
  }
  const language = requestedLanguage(req) ?? '*';
  return `${language} ${kept.length > 0 ? `${req.path}?${kept.join('&')}` : req.path}`;
}

interface Entry {
  body: Buffer;
  /** The body compressed once, for the browsers that accept gzip (all of them); none when small. */
  gzipped?: Buffer;
  /** The headers the page set (its type, open-data CORS headers...), sent again with the copy. */
  headers: Array<[string, string | number | string[]]>;
  etag: string;
  generation: number;
  expiresAt: number;
}

export interface PublicCacheOptions {
  db: Database;
  clock: Clock;
  logger: Logger;
  /** Called whenever the copies are dropped, for caches the pages are rendered from (the identity). */
  onDrop?: () => void;
}

export function createPublicCache({ db, clock, logger, onDrop = () => {} }: PublicCacheOptions) {
  const entries = new Map<string, Entry>();
  let totalBytes = 0;
  /** Local generation: goes up whenever copies are dropped, so a render begun before is not kept. */
  let generation = 0;
  let known: { version: number; nextChange: number; checkedAt: number } | undefined;
  let checking: Promise<void> | undefined;

  function dropAll() {
    entries.clear();
    totalBytes = 0;
    generation += 1;
    onDrop();
  }

  async function check() {
    const state = await readPublicState(db, clock());
    if (known && known.version !== state.version) dropAll();
    known = { version: state.version, nextChange: state.nextChange?.getTime() ?? Infinity, checkedAt: Date.now() };
  }

  /** Brings the version up to date at most once a second, one query shared by every request waiting. */
  async function upToDate(): Promise<boolean> {
    if (!known || Date.now() - known.checkedAt >= CHECK_EVERY_MS) {
      checking ??= check().finally(() => (checking = undefined));
      await checking;
    }
    const state = known;
    if (state && clock().getTime() >= state.nextChange) {
      dropAll();
      known = undefined;
      await upToDate();
    }
    return true;
  }

  const sizeOf = (key: string, entry: Entry) =>
    key.length + ENTRY_OVERHEAD_BYTES + entry.body.length + (entry.gzipped?.length ?? 0);

  function evict() {
    for (const [oldKey, old] of entries) {
      if (totalBytes <= MAX_TOTAL_BYTES && entries.size <= MAX_ENTRIES) break;
      entries.delete(oldKey);
      totalBytes -= sizeOf(oldKey, old);
    }
  }

  function store(key: string, entry: Omit<Entry, 'generation' | 'gzipped'>, startedAt: number) {
    if (startedAt !== generation || entry.body.length > MAX_ENTRY_BYTES) return;
    const previous = entries.get(key);
    if (previous) totalBytes -= sizeOf(key, previous);
    entries.delete(key);
    const kept: Entry = { ...entry, generation };
    entries.set(key, kept);
    totalBytes += sizeOf(key, kept);
    evict();
    // Compressed off the event loop; until then the copy is sent as it is.
    if (entry.body.length < COMPRESS_FROM_BYTES) return;
    gzip(entry.body, (error, gzipped) => {
      if (error || entries.get(key) !== kept) return;
      kept.gzipped = gzipped;
      totalBytes += gzipped.length;
      evict();
    });
  }

  function send(req: Request, res: Response, entry: Entry) {
    for (const [name, value] of entry.headers) res.setHeader(name, value);
    res.setHeader('ETag', entry.etag);
    if (req.fresh) {
      res.status(304).end();
      return;
    }
    const compressed = entry.gzipped && req.acceptsEncodings('gzip', 'identity') === 'gzip';
    const body = compressed ? entry.gzipped! : entry.body;
    if (compressed) res.setHeader('Content-Encoding', 'gzip');
    res.setHeader('Content-Length', body.length);
    res.end(body);
  }

  /** Keeps what the rendering wrote, to store it if the response turns out cacheable. */
  function capture(req: Request, res: Response, key: string, startedAt: number) {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    const keep = (chunk: unknown, encoding?: unknown) => {
      if (tooBig || chunk === undefined || chunk === null || typeof chunk === 'function') return;
      const buffer = Buffer.isBuffer(chunk)
        ? chunk
        : Buffer.from(chunk as string, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
      size += buffer.length;
      if (size > MAX_ENTRY_BYTES) tooBig = true;
      else chunks.push(buffer);
    };
    const write = res.write.bind(res) as (...args: unknown[]) => boolean;
    const end = res.end.bind(res) as (...args: unknown[]) => Response;
    (res as unknown as { write: (...args: unknown[]) => boolean }).write = (...args) => {
      keep(args[0], args[1]);
      return write(...args);
    };
    (res as unknown as { end: (...args: unknown[]) => Response }).end = (...args) => {
      keep(args[0], args[1]);
      return end(...args);
    };
    res.once('finish', () => {
      if (tooBig || res.statusCode !== 200 || req.user || res.getHeader('Set-Cookie')) return;
      if (typeof res.getHeader('Content-Type') !== 'string') return;
      if (/\b(private|no-store)\b/.test(String(res.getHeader('Cache-Control') ?? ''))) return;
      const body = Buffer.concat(chunks);
      const sentTag = res.getHeader('ETag');
      const headers = Object.entries(res.getHeaders()).filter(
        (header): header is [string, string | number | string[]] =>
          header[1] !== undefined && !NOT_REPLAYED.has(header[0].toLowerCase()),
      );
      store(
        key,
        {
          body,
          headers,
          etag: typeof sentTag === 'string' ? sentTag : `W/"${createHash('sha1').update(body).digest('base64url')}"`,
          expiresAt: Math.min(clock().getTime() + MAX_AGE_MS, known?.nextChange ?? Infinity),
        },
        startedAt,
      );
    });
  }

  /** Serves a kept copy to an anonymous visitor, or lets the page render and keeps it. */
  async function serve(req: Request, res: Response, next: NextFunction) {
    if (req.method !== 'GET' || req.originalUrl.length > MAX_URL_LENGTH) return next();
    if (!CACHEABLE.some((pattern) => pattern.test(req.path))) return next();
    if (PERSONAL_COOKIE.test(req.headers.cookie ?? '')) return next();
    // A `?lang=` the cookie does not hold yet is remembered by the page (a cookie): rendered afresh.
    const asked = languageInQuery(req);
    if (asked && asked !== languageInCookie(req)) return next();
    try {
      await upToDate();
    } catch (error) {
      // Without the version the copies cannot be trusted: the page renders (and fails) on its own.
      logger.warn({ err: error }, 'public page cache: could not read the content version');
      return next();
    }
    const key = keyOf(req);
    if (key === undefined) return next();
    res.setHeader('Cache-Control', 'public, no-cache');
    res.setHeader('Vary', 'Cookie, Accept-Language, Accept-Encoding');
    const entry = entries.get(key);
    if (entry && entry.generation === generation && entry.expiresAt > clock().getTime()) {
      entries.delete(key);
      entries.set(key, entry);
      return send(req, res, entry);
    }
    capture(req, res, key, generation);
    next();
  }

  /**
   * After an admin's successful write: drops this instance's copies now and tells the others
   * through the version row. Runs once the response is sent, so the change has committed.
   */
  function dropAfterStaffWrites(req: Request, res: Response, next: NextFunction) {
    if (req.method === 'GET' || req.method === 'HEAD') return next();
    // 'close' comes after 'finish', and also when the admin's connection dropped after the change.
    res.once('close', () => {
      if (res.statusCode >= 400 || !req.user?.roles.includes('admin')) return;
      dropAll();
      bumpPublicVersion(db).catch((error: unknown) =>
        logger.error({ err: error }, 'public page cache: could not record a change; other instances may lag a minute'),
      );
    });
    next();
  }

  return { serve, dropAfterStaffWrites };
}
