// Sending files and CSV exports: one place for the headers and for a reader who leaves early.
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Response } from 'express';
import { NotFound } from '../server/errors.js';
import { msg } from '../server/i18n/translate.js';
import { csvStream, type CsvValue } from '../server/services/shared/csv.js';
import { jsonListStream } from '../server/services/shared/json-stream.js';
import { MissingStoredFile, type EvidenceStore } from '../server/storage/evidence-store.js';

/** Streams to the response; a reader who cancels mid-download is not an error. */
export async function streamTo(res: Response, source: Readable): Promise<void> {
  try {
    await pipeline(source, res);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') throw error;
  }
}

/**
 * What a file shown in the browser may do: nothing. An image is shown in a sandboxed document
 * with no script; a PDF gets the browser's own viewer, which Chromium refuses to run in a
 * sandboxed document, so it is served with no script, no connection and no framing by another site
 * instead (and its bytes were checked to be a PDF when it was uploaded).
 */
const INLINE_POLICIES: Record<string, string> = {
  'application/pdf':
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; object-src 'self'; frame-ancestors 'self'; form-action 'none'; base-uri 'none'",
  'image/png': "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'; sandbox",
  'image/jpeg': "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'; sandbox",
};

/**
 * An evidence file the browser may not sniff or cache: as an attachment, or, with `inline` and
 * a type the browser shows itself (a PDF, an image), opened in the browser under a strict policy.
 * Any other type is an attachment whatever is asked.
 */
export async function sendStoredFile(
  res: Response,
  {
    storage,
    file,
    downloadName,
    inline = false,
  }: {
    storage: EvidenceStore;
    file: { storedName: string; contentType: string; sizeBytes: number };
    downloadName: string;
    inline?: boolean;
  },
): Promise<void> {
  let body: Readable;
  try {
    body = await storage.read(file.storedName);
  } catch (error) {
    if (error instanceof MissingStoredFile) {
      throw new NotFound(msg('admin.files.missing'));
    }
    throw error;
  }
  res.attachment(downloadName);
  const policy = inline ? INLINE_POLICIES[file.contentType] : undefined;
  if (policy) {
    // The same encoded file name, shown rather than saved.
    res.set('Content-Disposition', res.get('Content-Disposition')!.replace(/^attachment/, 'inline'));
    res.set({ 'Content-Security-Policy': policy, 'Cross-Origin-Resource-Policy': 'same-origin' });
  }
  res.set({
    'Content-Type': file.contentType,
    'Content-Length': String(file.sizeBytes),
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'private, no-store',
  });
  await streamTo(res, body);
}

/** A CSV export, streamed row by row (formula-safe cells: see server/services/shared/csv.ts). */
export async function sendCsv(
  res: Response,
  {
    fileName,
    header,
    rows,
    cache = 'private, no-store',
  }: {
    fileName: string;
    header: readonly string[];
    rows: AsyncIterable<readonly CsvValue[]> | Iterable<readonly CsvValue[]>;
    cache?: string;
  },
): Promise<void> {
  res.set({ 'Content-Type': 'text/csv; charset=utf-8', 'Cache-Control': cache, 'X-Content-Type-Options': 'nosniff' });
  res.attachment(fileName);
  await streamTo(res, csvStream(header, rows));
}

/**
 * A JSON object with one long list, streamed item by item (see jsonListStream): the same
 * Content-Type as res.json, without buffering the list.
 */
export async function sendJsonList(
  res: Response,
  {
    fields,
    listName,
    items,
  }: { fields: Record<string, unknown>; listName: string; items: AsyncIterable<unknown> | Iterable<unknown> },
): Promise<void> {
  res.set('Content-Type', 'application/json; charset=utf-8');
  await streamTo(res, jsonListStream(fields, listName, items));
}
