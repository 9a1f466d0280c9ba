// The streamed JSON of open-data exports: valid JSON whatever the list, read from its source only
// as fast as the reader takes it.
import { expect } from 'chai';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { jsonListStream } from '../../../server/services/shared/json-stream.js';

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

describe('streamed JSON lists', () => {
  it('writes the fields, the list and its count as one JSON object', async () => {
    async function* rows() {
      yield { school: 'Lincoln "High"', note: 'line\nbreak </script>' };
      yield { school: 'Grant', note: '\u2028' };
    }
    const { text } = await collect(jsonListStream({ filters: { state: 'WA', q: undefined } }, 'honorees', rows()));
    expect(JSON.parse(text)).to.deep.equal({
      filters: { state: 'WA' },
      honorees: [
        { school: 'Lincoln "High"', note: 'line\nbreak </script>' },
        { school: 'Grant', note: '\u2028' },
      ],
      count: 2,
    });
  });

  it('writes an empty list, and a list with no other field', async () => {
    expect(JSON.parse((await collect(jsonListStream({ filters: {} }, 'honorees', []))).text)).to.deep.equal({
      filters: {},
      honorees: [],
      count: 0,
    });
    expect(JSON.parse((await collect(jsonListStream({}, 'items', [1, 2]))).text)).to.deep.equal({
      items: [1, 2],
      count: 2,
    });
  });

  it('reads a large source lazily, in chunks of about 64 KB', async () => {
    let produced = 0;
    function* many() {
      for (let i = 0; i < 20_000; i += 1) {
        produced += 1;
        yield { id: i, reason: 'a reason of some length to fill the line with text' };
      }
    }
    const stream = jsonListStream({}, 'rows', many());
    expect(produced, 'nothing is read before the consumer asks').to.equal(0);
    const { text, chunks } = await collect(stream);
    expect(produced).to.equal(20_000);
    const parsed = JSON.parse(text) as { rows: Array<{ id: number }>; count: number };
    expect(parsed.count).to.equal(20_000);
    expect(parsed.rows[19_999]!.id).to.equal(19_999);
    expect(chunks).to.be.greaterThan(10).and.lessThan(40);
  });

  it('stops reading the source when the reader stops reading', async () => {
    let produced = 0;
    function* endless() {
      for (;;) {
        produced += 1;
        yield { id: produced, text: 'x'.repeat(100) };
      }
    }
    const stream = jsonListStream({}, 'rows', endless());
    let received = 0;
    await new Promise<void>((resolve) => {
      stream.on('data', (chunk: Buffer) => {
        received += chunk.length;
        // A reader who pauses after 1 MB: the stream reads ahead only its buffer's worth.
        if (received > 1024 * 1024) {
          stream.pause();
          setTimeout(resolve, 50);
        }
      });
    });
    const readAhead = produced * 110 - received;
    stream.destroy();
    expect(readAhead, 'characters read beyond what the reader took').to.be.lessThan(256 * 1024);
  });
});
