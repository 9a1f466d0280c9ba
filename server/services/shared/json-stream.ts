// Writing a long JSON list as it is read, for open-data exports: the reader's pace sets how fast
// rows are read, so an export of any length holds one chunk in memory, never the whole list.
import { Readable } from 'node:stream';

const CHUNK_CHARS = 64 * 1024;

/**
 * A readable stream of one JSON object: `fields`, then `listName` holding each item as the
 * source yields it, then `count`, the number of items written. The count comes last because it
 * is known only at the end; JSON readers do not depend on the order of keys.
 */
export function jsonListStream(
  fields: Record<string, unknown>,
  listName: string,
  items: AsyncIterable<unknown> | Iterable<unknown>,
): Readable {
  async function* text() {
    const head = JSON.stringify(fields);
    let chunk = `${head.length > 2 ? `${head.slice(0, -1)},` : '{'}${JSON.stringify(listName)}:[`;
    let count = 0;
    for await (const item of items) {
      chunk += (count === 0 ? '' : ',') + JSON.stringify(item);
      count += 1;
      if (chunk.length >= CHUNK_CHARS) {
        yield chunk;
        chunk = '';
      }
    }
    yield `${chunk}],"count":${count}}`;
  }
  return Readable.from(text(), { objectMode: false });
}
