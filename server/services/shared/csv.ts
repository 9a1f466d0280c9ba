// Writing CSV for spreadsheets: RFC 4180 quoting, CRLF line ends, and protection against
// formula injection. Cells come from the public (a nominator's reason, a school's name); a
// spreadsheet would run "=HYPERLINK(...)" typed there as a formula when an admin opens the file,
// so text starting like a formula is prefixed with an apostrophe and shown as typed.
import { Readable } from 'node:stream';

export type CsvValue = string | number | boolean | Date | null | undefined;

/** The characters a spreadsheet reads as the start of a formula (OWASP "CSV Injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** A UTF-8 byte order mark: without it, Excel reads UTF-8 files in the local code page. */
export const UTF8_BOM = '\uFEFF';

/** One cell: text neutralized and quoted when needed; numbers, booleans and dates as data. */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString();
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One record, ended by CRLF as RFC 4180 asks. */
export function csvLine(values: readonly CsvValue[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}

const CHUNK_CHARS = 64 * 1024;

/**
 * A readable stream of the whole file: the header, then each row as the source yields it.
 * Lines are gathered into chunks of about 64 KB; the source is read only as fast as the
 * consumer takes them, so a large export never sits in memory whole. Use it with
 * `pipeline(csvStream(...), res)`.
 */
export function csvStream(
  header: readonly string[],
  rows: AsyncIterable<readonly CsvValue[]> | Iterable<readonly CsvValue[]>,
  { bom = true }: { bom?: boolean } = {},
): Readable {
  async function* lines() {
    let chunk = (bom ? UTF8_BOM : '') + csvLine(header);
    for await (const row of rows) {
      chunk += csvLine(row);
      if (chunk.length >= CHUNK_CHARS) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk !== '') yield chunk;
  }
  return Readable.from(lines(), { objectMode: false });
}

/** A file name for Content-Disposition: "nominations-2026-11-22.csv". */
export function csvFileName(stem: string, date: Date): string {
  const safeStem =
    stem
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'export';
  return `${safeStem}-${date.toISOString().slice(0, 10)}.csv`;
}
