// Receives a multipart form with evidence files into a temp directory. Problems with the upload
// itself (too large, too many files) never become an error page: they are put on
// req.uploadProblem so the route can show the form again with everything the person typed.
import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import multer from 'multer';
import { displayFileName, formatBytes } from '../services/evidence-storage.js';
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
    /** Why the upload was not received, for the person; unset when all went well. */
    uploadProblem?: string;
    /** Files received by receiveFiles, in the order sent; [] when none. */
    uploadedFiles: UploadedFile[];
  }
}

const FORM_LIMITS = { fields: 100, fieldSize: 200 * 1024, parts: 200 } as const;

/** An upload problem of our own making, raised from the file filter. */
class UploadProblem extends Error {}

export function receiveFiles(options: {
  tmpDir: string;
  fieldName: string;
  limits: (req: Request) => Promise<UploadLimits> | UploadLimits;
}): RequestHandler {
  const { tmpDir, fieldName } = options;

  return async (req: Request, res: Response, next: NextFunction) => {
    req.uploadedFiles = [];
    if (!req.is('multipart/form-data')) return next();

    let limits: UploadLimits;
    try {
      limits = await options.limits(req);
    } catch (error) {
      return next(error);
    }

    // Every temp path handed out, so that nothing is left behind whatever happens to the request.
    const written: string[] = [];
    const removeTempFiles = () => Promise.all(written.map((file) => rm(file, { force: true })));
    res.once('close', () => void removeTempFiles().catch(() => undefined));

    let accepted = 0;
    const upload = multer({
      storage: multer.diskStorage({
        destination: (_req, _file, callback) => {
          mkdir(tmpDir, { recursive: true, mode: 0o700 }).then(
            () => callback(null, tmpDir),
            (error: Error) => callback(error, tmpDir),
          );
        },
        filename: (_req, _file, callback) => {
          const name = randomBytes(16).toString('hex');
          written.push(path.join(tmpDir, name));
          callback(null, name);
        },
      }),
      limits: { ...FORM_LIMITS, fileSize: limits.maxFileBytes },
      // Browsers send file names as UTF-8; busboy's default (latin1) would garble "Écoles.pdf".
      defParamCharset: 'utf8',
      fileFilter: (_req, _file, callback) => {
        accepted += 1;
        if (accepted > limits.maxFiles) {
          const files = limits.maxFiles === 1 ? '1 file' : `${limits.maxFiles} files`;
          return callback(new UploadProblem(`You can upload at most ${files} at once.`));
        }
        callback(null, true);
      },
    }).array(fieldName);

    upload(req, res, (error?: unknown) => {
      const files = (req.files ?? []) as Express.Multer.File[];
      req.files = undefined;
      if (error) {
        const problem = describeProblem(error, limits);
        if (problem === undefined) {
          return void removeTempFiles()
            .catch(() => undefined)
            .then(() => next(error));
        }
        req.uploadProblem = problem;
        req.body = withoutNulls(req.body ?? {});
        return void removeTempFiles().then(() => next(), next);
      }
      req.body = withoutNulls(req.body ?? {});
      req.uploadedFiles = files.map((file) => ({
        path: file.path,
        originalName: file.originalname,
        size: file.size,
      }));
      next();
    });
  };
}

/** The message for a problem the person can fix, or undefined for a failure of ours (disk, bug). */
function describeProblem(error: unknown, limits: UploadLimits): string | undefined {
  if (error instanceof UploadProblem) return error.message;
  if (error instanceof multer.MulterError) {
    switch (error.code) {
      case 'LIMIT_FILE_SIZE': {
        const { filename } = error as multer.MulterError & { filename?: string };
        const which = filename ? `“${displayFileName(filename)}”` : 'One of the files';
        return `${which} is larger than the ${formatBytes(limits.maxFileBytes)} limit for one file.`;
      }
      case 'LIMIT_UNEXPECTED_FILE':
        return 'The form sent a file where none was expected. Please reload the page and try again.';
      case 'LIMIT_FIELD_COUNT':
      case 'LIMIT_PART_COUNT':
        return 'The form sent too many fields at once. Please reload the page and try again.';
      case 'LIMIT_FIELD_VALUE':
        return `One of the answers is longer than ${formatBytes(FORM_LIMITS.fieldSize)}. Please shorten it.`;
      default:
        return 'The form could not be read. Please reload the page and try again.';
    }
  }
  // Node's own errors (a full disk, a missing permission) carry a syscall; those are ours to fix.
  if (error instanceof Error && 'syscall' in error) return undefined;
  // Anything else comes from parsing the body: a cut-off or malformed upload.
  if (error instanceof Error) return 'The upload did not arrive complete. Please try again.';
  return undefined;
}
