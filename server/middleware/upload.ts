// Receives a multipart form with evidence files into a temp directory. Three kinds of trouble,
// told apart in describeFailure:
// - a limit the person hit (too large, too many files, a full disk): req.uploadProblem is set and
//   the route shows the form again with everything the person typed;
// - a body cut off or malformed (a dropped connection, a robot): a 400 page;
// - a failure of ours (a permission, a bug): the error handler's 500 page.
// Whatever happens, no temp file outlives the request, and nothing here can end the process.
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import multer from 'multer';
import { msg, textIn, type Message, type Text } from '../i18n/translate.js';
import { displayFileName, sizeText } from '../storage/evidence-files.js';
import { withoutNulls } from './sanitize.js';

export interface UploadedFile {
  /** The temp file; it is removed when the response ends unless the route moved it away. */
  path: string;
  /** As the browser sent it: untrusted, may hold path parts; see inspectUpload's safeName. */
  originalName: string;
  size: number;
}

export interface UploadLimits {
  maxFileBytes: number;
  maxFiles: number;
}

declare module 'express-serve-static-core' {
  interface Request {
    /** Why the upload was not received, in words for the person (a Message); unset when all went well. */
    uploadProblem?: Text;
    /** Files received by receiveFiles, in the order sent; [] when none. */
    uploadedFiles: UploadedFile[];
  }
}

/**
 * Marks every middleware receiveFiles returns, so tests can list the routes that take uploads
 * from the app itself (test/helpers/upload-routes.ts) and a new upload route is never missed.
 */
export const RECEIVES_FILES = Symbol.for('laurel.receiveFiles');

// No form of ours has a field name near 100 characters; a longer one is not a browser's.
const FORM_LIMITS = { fields: 100, fieldSize: 200 * 1024, parts: 200, fieldNameSize: 100 } as const;
/** busboy takes "boundary=" as a boundary that matches nothing and reads an empty form. */
const BOUNDARY = /;\s*boundary\s*=\s*(?:"([^"]+)"|([^\s;"]+))/i;

export const DISK_FULL_MESSAGE: Message = msg('uploads.diskFull.files');

/** An upload problem of our own making, raised from the file filter. */
class UploadProblem extends Error {
  constructor(public readonly text: Message) {
    super(textIn('en', text));
    this.name = 'UploadProblem';
  }
}

/** A body that cut off or does not follow the multipart format: the error handler's 400 page. */
export class MalformedUpload extends Error {
  readonly status = 400;
  constructor(public readonly reason: unknown) {
    super('The upload was cut off or could not be read.');
    this.name = 'MalformedUpload';
  }
}

/** Opens a temp file for writing; replaced in tests to play a full disk. */
export type OpenTempFile = (filePath: string) => Writable;

const openTempFileOnDisk: OpenTempFile = (filePath) => createWriteStream(filePath, { flags: 'wx', mode: 0o600 });

/** How much of a refused body is read, and for how long, just to answer politely; after that the connection closes. */
const MAX_DRAIN_BYTES = 200 * 1024 * 1024;
const MAX_DRAIN_MS = 30_000;

/**
 * Runs `then` once the request body has been read to its end (the rest is discarded), or at
 * once when it already was or the connection is gone. A body that declares more than the cap, or
 * sends more than it (a chunked body declares nothing), or takes longer than the time limit, is
 * not waited for.
 */
function afterBodyDrained(
  req: Request,
  then: () => void,
  { maxBytes = MAX_DRAIN_BYTES, maxMs = MAX_DRAIN_MS } = {},
): void {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (req.readableEnded || req.destroyed || declared > maxBytes) return then();
  let done = false;
  let read = 0;
  const finish = () => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    req.off('data', count);
    then();
  };
  const count = (chunk: Buffer) => {
    read += chunk.length;
    if (read > maxBytes) finish();
  };
  const timer = setTimeout(finish, maxMs);
  timer.unref();
  req.on('data', count);
  req.once('end', finish);
  req.once('close', finish);
  req.once('error', finish);
}

export function receiveFiles(options: {
  tmpDir: string;
  fieldName: string;
  limits: (req: Request) => Promise<UploadLimits> | UploadLimits;
  openTempFile?: OpenTempFile;
  /** How much of a refused body to read, and for how long, before answering (tests shorten it). */
  drain?: { maxBytes?: number; maxMs?: number };
}): RequestHandler {
  const { tmpDir, fieldName } = options;
  const openTempFile = options.openTempFile ?? openTempFileOnDisk;

  const handler = async (req: Request, res: Response, next: NextFunction) => {
    req.uploadedFiles = [];
    if (!req.is('multipart/form-data')) return next();
    if (!BOUNDARY.test(req.headers['content-type'] ?? '')) return next(new MalformedUpload('no boundary'));

    let limits: UploadLimits;
    try {
      limits = await options.limits(req);
      await mkdir(tmpDir, { recursive: true, mode: 0o700 });
    } catch (error) {
      return afterBodyDrained(req, () => next(error), options.drain);
    }

    // Every temp path handed out, so that nothing is left behind whatever happens to the request.
    const written: string[] = [];
    const removeTempFiles = () => Promise.all(written.map((file) => rm(file, { force: true })));
    res.once('close', () => void removeTempFiles().catch(() => undefined));
    // Which side an error started on: the temp file's ('write': ours or the disk's) or the
    // request's ('read': the sender's). pipeline passes one side's error on to the other, so
    // only the first stream to report an error names its origin.
    const origins = new WeakMap<object, 'read' | 'write'>();
    const noteOrigin = (side: 'read' | 'write') => (error: unknown) => {
      if (error instanceof Object && !origins.has(error)) origins.set(error, side);
    };

    const storage: multer.StorageEngine = {
      _handleFile(_req, file, callback) {
        const target = path.join(tmpDir, randomBytes(16).toString('hex'));
        written.push(target);
        file.stream.once('error', noteOrigin('read'));
        let out: Writable;
        try {
          out = openTempFile(target);
        } catch (error) {
          noteOrigin('write')(error);
          return callback(error as Error);
        }
        out.once('error', noteOrigin('write'));
        let size = 0;
        const counter = new Transform({
          transform(chunk: Buffer, _encoding, done) {
            size += chunk.length;
            done(null, chunk);
          },
        });
        pipeline(file.stream, counter, out).then(
          () => callback(null, { path: target, size }),
          // A part cut short leaves half a file: it goes now, not when the response ends. A file
          // still being opened would appear after an early rm, so wait for it to close first.
          (error: Error) =>
            void closed(out)
              .then(() => rm(target, { force: true }))
              .finally(() => callback(error)),
        );
      },
      _removeFile(_req, file, callback) {
        rm(file.path, { force: true }).then(() => callback(null), callback);
      },
    };

    let accepted = 0;
    const upload = multer({
      storage,
      limits: { ...FORM_LIMITS, fileSize: limits.maxFileBytes },
      // Browsers send file names as UTF-8; busboy's default (latin1) would garble "Écoles.pdf".
      defParamCharset: 'utf8',
      fileFilter: (_req, _file, callback) => {
        accepted += 1;
        if (accepted > limits.maxFiles) {
          return callback(new UploadProblem(msg('uploads.limits.tooManyFiles', { max: limits.maxFiles })));
        }
        callback(null, true);
      },
    }).array(fieldName);

    upload(req, res, (error?: unknown) => {
      // req.files is multer's own list; it keeps using it after an aborted request calls back here
      // (files still being written remove their placeholders from it), so it is left as it is.
      const files = (req.files ?? []) as Express.Multer.File[];
      req.body = withoutNulls(req.body ?? {});
      if (!error) {
        req.uploadedFiles = files.map((file) => ({
          path: file.path,
          originalName: file.originalname,
          size: file.size,
        }));
        return next();
      }
      const failure = describeFailure(error, limits, origins);
      const carryOn = () => {
        if (failure.kind === 'ours') return next(error);
        if (failure.kind === 'malformed') return next(new MalformedUpload(error));
        if (failure.kind === 'disk full') req.log?.error({ err: error }, 'upload refused: the disk is full');
        req.uploadProblem = failure.text;
        next();
      };
      // The answer waits for the rest of the body: a browser still sending a file too large for
      // the limit would otherwise see the connection reset instead of the message.
      afterBodyDrained(req, () => void removeTempFiles().then(carryOn, carryOn), options.drain);
    });
  };
  return Object.assign(handler, { [RECEIVES_FILES]: { fieldName } });
}

function closed(stream: Writable): Promise<void> {
  return stream.closed ? Promise.resolve() : new Promise((resolve) => stream.once('close', () => resolve()));
}

type Failure = { kind: 'problem' | 'disk full'; text: Message } | { kind: 'malformed' } | { kind: 'ours' };

/** busboy's limits the person can fix by sending less; every other multer code is a malformed body. */
const LIMIT_CODES = new Set([
  'LIMIT_FILE_SIZE',
  'LIMIT_FILE_COUNT',
  'LIMIT_UNEXPECTED_FILE',
  'LIMIT_FIELD_COUNT',
  'LIMIT_PART_COUNT',
  'LIMIT_FIELD_VALUE',
]);
const DISK_FULL_CODES = new Set(['ENOSPC', 'EDQUOT']);
/** A connection dropped by the sender or on the way. */
const CONNECTION_CODES = new Set(['ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'ERR_STREAM_PREMATURE_CLOSE']);

function describeFailure(error: unknown, limits: UploadLimits, origins: WeakMap<object, 'read' | 'write'>): Failure {
  if (error instanceof UploadProblem) return { kind: 'problem', text: error.text };
  if (error instanceof multer.MulterError) {
    if (!LIMIT_CODES.has(error.code)) return { kind: 'malformed' };
    return { kind: 'problem', text: limitMessage(error, limits) };
  }
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && DISK_FULL_CODES.has(code)) return { kind: 'disk full', text: DISK_FULL_MESSAGE };
  const origin = error instanceof Object ? origins.get(error) : undefined;
  if (origin === 'write') return { kind: 'ours' };
  if (typeof code === 'string' && CONNECTION_CODES.has(code)) return { kind: 'malformed' };
  // busboy reports a cut-off or garbled body ("Unexpected end of form", "Malformed part header",
  // "Boundary not found") and multer a dropped request ("Request aborted") as plain Errors;
  // Node's system errors (a permission, a missing directory) and a bug's TypeError are ours.
  if (error instanceof Error && error.constructor === Error && !('syscall' in error)) return { kind: 'malformed' };
  return { kind: 'ours' };
}

function limitMessage(error: multer.MulterError, limits: UploadLimits): Message {
  switch (error.code) {
    case 'LIMIT_FILE_SIZE': {
      const { filename } = error as multer.MulterError & { filename?: string };
      const limit = sizeText(limits.maxFileBytes);
      return filename
        ? msg('uploads.limits.fileTooLarge', { name: displayFileName(filename), limit })
        : msg('uploads.limits.aFileTooLarge', { limit });
    }
    case 'LIMIT_UNEXPECTED_FILE':
      return msg('uploads.limits.unexpectedFile');
    case 'LIMIT_FIELD_VALUE':
      return msg('uploads.limits.answerTooLong', { limit: sizeText(FORM_LIMITS.fieldSize) });
    default:
      return msg('uploads.limits.tooManyFields');
  }
}
