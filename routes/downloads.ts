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

/** An evidence file, always as an attachment that browsers may not sniff or cache. */
export async function sendStoredFile(
  res: Response,
  {
    storage,
    file,
    downloadName,
  }: {
    storage: EvidenceStore;
    file: { storedName: string; contentType: string; sizeBytes: number };
    downloadName: string;
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
