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
// Memory is bounded: copies are evicted oldest-used first beyond MAX_TOTAL_BYTES.
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { Database } from '../db/client.js';
import { bumpPublicVersion, readPublicState } from '../db/public-version.js';

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
const COMPRESS_FROM_BYTES = 1024;
const ACCEPTS_GZIP = /\bgzip\b/;

interface Entry {
  body: Buffer;
  /** The body compressed once, for the browsers that accept gzip (all of them); none when small. */
  gzipped?: Buffer;
  type: string;
  disposition?: string;
  etag: string;
  generation: number;
  expiresAt: number;
}

export interface PublicCacheOptions {
  db: Database;
  clock: Clock;
  logger: Logger;
}

export function createPublicCache({ db, clock, logger }: PublicCacheOptions) {
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
    if (clock().getTime() >= known!.nextChange) {
      dropAll();
      known = undefined;
      await upToDate();
    }
    return true;
  }

  const sizeOf = (entry: Entry) => entry.body.length + (entry.gzipped?.length ?? 0);

  function store(key: string, entry: Omit<Entry, 'generation' | 'gzipped'>, startedAt: number) {
    if (startedAt !== generation || entry.body.length > MAX_ENTRY_BYTES) return;
    const previous = entries.get(key);
    if (previous) totalBytes -= sizeOf(previous);
    entries.delete(key);
    const gzipped = entry.body.length >= COMPRESS_FROM_BYTES ? gzipSync(entry.body) : undefined;
    const kept: Entry = { ...entry, gzipped, generation };
    entries.set(key, kept);
    totalBytes += sizeOf(kept);
    for (const [oldKey, old] of entries) {
      if (totalBytes <= MAX_TOTAL_BYTES) break;
      entries.delete(oldKey);
      totalBytes -= sizeOf(old);
    }
  }

  function send(req: Request, res: Response, entry: Entry) {
    res.setHeader('Content-Type', entry.type);
    if (entry.disposition) res.setHeader('Content-Disposition', entry.disposition);
    res.setHeader('ETag', entry.etag);
    if (req.fresh) {
      res.status(304).end();
      return;
    }
    const gzip = entry.gzipped && ACCEPTS_GZIP.test(req.headers['accept-encoding'] ?? '');
    const body = gzip ? entry.gzipped! : entry.body;
    if (gzip) res.setHeader('Content-Encoding', 'gzip');
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
      const type = res.getHeader('Content-Type');
      if (typeof type !== 'string') return;
      const body = Buffer.concat(chunks);
      const sentTag = res.getHeader('ETag');
      const disposition = res.getHeader('Content-Disposition');
      store(
        key,
        {
          body,
          type,
          disposition: typeof disposition === 'string' ? disposition : undefined,
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
    try {
      await upToDate();
    } catch (error) {
      // Without the version the copies cannot be trusted: the page renders (and fails) on its own.
      logger.warn({ err: error }, 'public page cache: could not read the content version');
      return next();
    }
    res.setHeader('Cache-Control', 'public, no-cache');
    res.setHeader('Vary', 'Cookie, Accept-Encoding');
    const key = req.originalUrl;
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
    res.once('finish', () => {
      if (res.statusCode >= 400 || !req.user?.roles.includes('admin')) return;
      dropAll();
      bumpPublicVersion(db).catch((error: unknown) =>
        logger.error({ err: error }, 'public page cache: could not record a change; other instances may lag a minute'),
      );
    });
    next();
  }

  return { serve, dropAfterStaffWrites, dropAll, size: () => entries.size };
}
