import { expect } from 'chai';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  csvCell,
  csvFileName,
  csvLine,
  csvStream,
  UTF8_BOM,
  type CsvValue,
} from '../../../server/services/shared/csv.js';

async function collect(stream: NodeJS.ReadableStream): Promise<{ text: string; chunks: number }> {
  const parts: Buffer[] = [];
  await pipeline(
    stream,
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        parts.push(chunk);
        callback();
      },
    }),
  );
  return { text: Buffer.concat(parts).toString('utf8'), chunks: parts.length };
}

/** A small RFC 4180 reader, to check that what is written reads back as the same cells. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i += 1;
    } else cell += c;
  }
  return rows;
}

describe('CSV writer', () => {
  it('leaves plain text, numbers and empty values as they are', () => {
    expect(csvLine(['Lincoln High School', 42, null, undefined, true, ''])).to.equal(
      'Lincoln High School,42,,,true,\r\n',
    );
    expect(csvCell(new Date('2026-11-22T12:00:00Z'))).to.equal('2026-11-22T12:00:00.000Z');
    expect(csvCell(-3.5), 'a number is data, never a formula').to.equal('-3.5');
    expect(csvCell(Number.NaN)).to.equal('');
  });

  it('quotes cells with commas, quotes and line breaks as RFC 4180 says', () => {
    expect(csvCell('Portland, OR')).to.equal('"Portland, OR"');
    expect(csvCell('She said "open to all"')).to.equal('"She said ""open to all"""');
    expect(csvCell('line one\nline two')).to.equal('"line one\nline two"');
    expect(csvCell('a\r\nb')).to.equal('"a\r\nb"');
  });

  it('neutralizes every cell a spreadsheet would run as a formula', () => {
    expect(csvCell('=HYPERLINK("http://evil.example","Click")')).to.equal(
      `"'=HYPERLINK(""http://evil.example"",""Click"")"`,
    );
    expect(csvCell('+1+1')).to.equal("'+1+1");
    expect(csvCell('-2+3')).to.equal("'-2+3");
    expect(csvCell('@SUM(A1:A2)')).to.equal("'@SUM(A1:A2)");
    expect(csvCell('\t=1')).to.equal("'\t=1");
    expect(csvCell('\r=1')).to.equal(`"'\r=1"`);
    expect(csvCell('a = b'), 'only the first character matters').to.equal('a = b');
    expect(csvCell("'already quoted")).to.equal("'already quoted");
  });

  it('streams the header and the rows in chunks, with a BOM for Excel, and reads back to the same cells', async () => {
    const cells: CsvValue[][] = [
      [1, 'Lincoln H.S.', 'We love it, truly.\nEvery student takes AP.', '=1+1'],
      [2, 'Grant "High"', '', '@cmd'],
    ];
    async function* rows() {
      for (const row of cells) yield row;
    }
    const { text } = await collect(csvStream(['id', 'school', 'reason', 'note'], rows()));
    expect(text.startsWith(UTF8_BOM)).to.equal(true);
    expect(parseCsv(text.slice(1))).to.deep.equal([
      ['id', 'school', 'reason', 'note'],
      ['1', 'Lincoln H.S.', 'We love it, truly.\nEvery student takes AP.', "'=1+1"],
      ['2', 'Grant "High"', '', "'@cmd"],
    ]);
    const plain = await collect(csvStream(['a'], [], { bom: false }));
    expect(plain.text).to.equal('a\r\n');
  });

  it('reads a large source lazily, in chunks of about 64 KB', async () => {
    let produced = 0;
    function* many() {
      for (let i = 0; i < 20_000; i += 1) {
        produced += 1;
        yield [i, 'a reason of some length to fill the line with text'];
      }
    }
    const stream = csvStream(['id', 'reason'], many());
    expect(produced, 'nothing is read before the consumer asks').to.equal(0);
    const { text, chunks } = await collect(stream);
    expect(produced).to.equal(20_000);
    expect(text.split('\r\n')).to.have.length(20_002);
    expect(chunks).to.be.greaterThan(10).and.lessThan(40);
  });

  it('names the file by its subject and the day', () => {
    expect(csvFileName('Nominations', new Date('2026-11-22T23:00:00Z'))).to.equal('nominations-2026-11-22.csv');
    expect(csvFileName('../../etc', new Date('2026-11-22T00:00:00Z'))).to.equal('etc-2026-11-22.csv');
  });
});
