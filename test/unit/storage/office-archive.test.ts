// Word and Excel files that unpack to far more than they weigh. The hostile archives are built
// here at run time (a 200 MB part packs into about 200 KB), so no large file is committed.
import { expect } from 'chai';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { constants as zlibConstants, crc32, createDeflateRaw, deflateRawSync } from 'node:zlib';
import { inspectUpload, UploadRefused } from '../../../server/storage/evidence-files.js';
import { OFFICE_ARCHIVE_LIMITS, officeArchiveProblem } from '../../../server/storage/office-archive.js';
import { fixture } from '../../helpers/applicant.js';

const MB = 1024 * 1024;
const WORD_MAIN = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml';
const EXCEL_MAIN = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml';

interface Entry {
  name: string;
  /** Deflated bytes, or the raw bytes when `stored`. */
  data: Buffer;
  crc: number;
  uncompressedSize: number;
  stored?: boolean;
}

const contentTypes = (main: string, part: string) =>
  `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
  `<Default Extension="xml" ContentType="application/xml"/><Override PartName="/${part}" ContentType="${main}"/></Types>`;

function storedEntry(name: string, text: string): Entry {
  const data = Buffer.from(text);
  return { name, data, crc: crc32(data), uncompressedSize: data.length, stored: true };
}

/** `bytes` zero bytes (a multiple of 1 MB), deflated as a stream so they are never all in memory. */
async function zerosEntry(name: string, bytes: number): Promise<Entry> {
  const chunk = Buffer.alloc(MB);
  const deflate = createDeflateRaw({ level: zlibConstants.Z_BEST_COMPRESSION });
  const out: Buffer[] = [];
  deflate.on('data', (piece: Buffer) => out.push(piece));
  const done = new Promise((resolve, reject) => deflate.on('end', resolve).on('error', reject));
  let crc = 0;
  for (let written = 0; written < bytes; written += MB) {
    crc = crc32(chunk, crc);
    if (!deflate.write(chunk)) await new Promise((resolve) => deflate.once('drain', resolve));
  }
  deflate.end();
  await done;
  return { name, data: Buffer.concat(out), crc, uncompressedSize: bytes };
}

/** A zip archive (no zip64: every size here fits in 32 bits); `claims` overrides a stated size. */
function zipOf(entries: Entry[], claims: Record<string, number> = {}): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name);
    const size = claims[entry.name] ?? entry.uncompressedSize;
    const method = entry.stored ? 0 : 8;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(entry.crc, 14);
    local.writeUInt32LE(entry.data.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, entry.data);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(entry.crc, 16);
    central.writeUInt32LE(entry.data.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += 30 + name.length + entry.data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** A Word document whose first part says so, as file-type and Word look for, then `body`. */
const wordDocument = (...body: Entry[]) => [
  storedEntry('[Content_Types].xml', contentTypes(WORD_MAIN, 'word/document.xml')),
  ...body,
];

describe('Word and Excel files that unpack to too much', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => (dir = mkdtempSync(path.join(tmpdir(), 'laurel-office-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  function save(name: string, bytes: Buffer): string {
    const file = path.join(dir, name);
    writeFileSync(file, bytes);
    return file;
  }

  async function refusal(file: string, originalName = path.basename(file)): Promise<string> {
    try {
      await inspectUpload({ path: file, originalName, size: statSync(file).size });
    } catch (error) {
      expect(error).to.be.instanceOf(UploadRefused);
      return (error as UploadRefused).message;
    }
    return expect.fail(`${originalName} was accepted`);
  }

  const SAVE_AGAIN =
    'Please open it, save it again as a new Word document, and upload that copy, or upload it as a PDF.';

  it('accepts the sample Word and Excel files, within every limit', async () => {
    expect(await officeArchiveProblem(fixture('sample.docx'))).to.equal(undefined);
    expect(await officeArchiveProblem(fixture('sample.xlsx'))).to.equal(undefined);
    const file = save('plain.docx', zipOf(wordDocument(storedEntry('word/document.xml', '<w:document/>'))));
    expect(await inspectUpload({ path: file, originalName: 'plain.docx', size: statSync(file).size })).to.include({
      kind: 'docx',
    });
  });

  it('refuses a Word document whose XML unpacks to 200 MB', async () => {
    const bomb = zipOf(wordDocument(await zerosEntry('word/document.xml', 200 * MB)));
    expect(bomb.length).to.be.below(MB);
    expect(await refusal(save('bomb.docx', bomb), 'Annual report.docx')).to.equal(
      `“Annual report.docx” would take more than 100 MB once opened, far more than a real Word document needs. ${SAVE_AGAIN}`,
    );
  });

  it('counts every part: many parts under the limit each, too much together', async () => {
    const parts = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => zerosEntry(`word/media/image${n}.bin`, 18 * MB)));
    const file = save('many.docx', zipOf(wordDocument(...parts)));
    // Zeros pack far tighter than any XML, so the ratio limit is lifted here to reach the total.
    expect(await officeArchiveProblem(file, { ...OFFICE_ARCHIVE_LIMITS, maxRatio: 100_000 })).to.deep.equal({
      problem: 'too large unpacked',
    });
  });

  it('refuses a part that grows more than 200 times, even when the whole stays under 100 MB', async () => {
    const file = save('tight.docx', zipOf(wordDocument(await zerosEntry('word/document.xml', 5 * MB))));
    expect(await refusal(file)).to.equal(
      `“tight.docx” is packed in a way real documents never are (one part grows more than 200 times when opened). ${SAVE_AGAIN}`,
    );
  });

  it('catches a part that claims to be small and unpacks to more', async () => {
    const liar = deflateRawSync(Buffer.alloc(3 * MB, 0x20));
    const entry: Entry = { name: 'word/document.xml', data: liar, crc: 0, uncompressedSize: 3 * MB };
    const file = save('liar.docx', zipOf(wordDocument(entry), { 'word/document.xml': liar.length }));
    expect(await refusal(file)).to.equal(
      `“liar.docx” looks damaged: we could not open it as a Word document. ${SAVE_AGAIN}`,
    );
  });

  it('refuses an archive of more than 2000 parts', async () => {
    const parts = Array.from({ length: OFFICE_ARCHIVE_LIMITS.maxEntries }, (_, i) =>
      storedEntry(`word/part${i}.xml`, '<p/>'),
    );
    const file = save('parts.docx', zipOf(wordDocument(...parts)));
    expect(await refusal(file)).to.equal(
      `“parts.docx” is made of more than 2000 parts, far more than a real Word document has. ${SAVE_AGAIN}`,
    );
  });

  it('names an Excel spreadsheet as one', async () => {
    const sheet = zipOf([
      storedEntry('[Content_Types].xml', contentTypes(EXCEL_MAIN, 'xl/workbook.xml')),
      await zerosEntry('xl/worksheets/sheet1.xml', 150 * MB),
    ]);
    expect(await refusal(save('budget.xlsx', sheet))).to.equal(
      '“budget.xlsx” would take more than 100 MB once opened, far more than a real Excel spreadsheet needs. ' +
        'Please open it, save it again as a new Excel spreadsheet, and upload that copy, or upload it as a PDF.',
    );
  });
});
