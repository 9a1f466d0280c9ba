// What every EvidenceStore promises (server/storage/evidence-store.ts), run against each one:
// disk-store.test.ts and s3-store.test.ts call describeEvidenceStoreContract with a fresh store.
import { expect } from 'chai';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  MissingStoredFile,
  newStoredName,
  type EvidenceStore,
  type StoredFile,
} from '../../../server/storage/evidence-store.js';

export interface ContractSubject {
  store: EvidenceStore;
  /** Undoes whatever the store wrote (a folder, a bucket's objects). */
  clear(): Promise<void>;
}

/** Reads a stream to the end: its bytes' SHA-256 and count, without keeping them. */
export async function digestOf(source: Readable): Promise<{ sha256: string; sizeBytes: number }> {
  const hash = createHash('sha256');
  let sizeBytes = 0;
  for await (const chunk of source) {
    hash.update(chunk as Buffer);
    sizeBytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), sizeBytes };
}

/** Writes `sizeBytes` of random bytes to a file 1 MiB at a time; returns what put should report. */
export async function writeRandomFile(file: string, sizeBytes: number): Promise<{ sha256: string; sizeBytes: number }> {
  const hash = createHash('sha256');
  let left = sizeBytes;
  const chunks = Readable.from(
    (function* () {
      while (left > 0) {
        const chunk = randomBytes(Math.min(left, 1024 * 1024));
        left -= chunk.length;
        hash.update(chunk);
        yield chunk;
      }
    })(),
  );
  await pipeline(chunks, createWriteStream(file));
  return { sha256: hash.digest('hex'), sizeBytes };
}

const sha256Of = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

const NOT_STORED_NAMES = [
  '../../etc/passwd',
  'ab/../../secret',
  'ab/cd0123456789abcdef0123456789abcd', // a shard that is not the name's first two characters
  'AB/AB0123456789ABCDEF0123456789ABCD',
  'ab/ab0123456789abcdef0123456789abc',
  'ab/ab0123456789abcdef0123456789abcd/x',
  'readyz/0123456789abcdef0123456789abcdef',
  '',
];

export function describeEvidenceStoreContract(open: () => Promise<ContractSubject>): void {
  describe('the EvidenceStore contract', function () {
    this.timeout(60_000);
    let subject: ContractSubject;
    let store: EvidenceStore;
    let tmpDir: string;

    before(async () => {
      subject = await open();
      store = subject.store;
    });
    beforeEach(() => (tmpDir = mkdtempSync(path.join(tmpdir(), 'laurel-store-contract-'))));
    afterEach(async () => {
      rmSync(tmpDir, { recursive: true, force: true });
      await subject.clear();
    });

    function tempFile(bytes: Buffer): string {
      const file = path.join(tmpDir, randomBytes(16).toString('hex'));
      writeFileSync(file, bytes);
      return file;
    }

    async function listed(): Promise<string[]> {
      const names: string[] = [];
      for await (const entry of store.list()) names.push(entry.storedName);
      return names.sort();
    }

    it('stores a temp file under a new name, with its SHA-256 and size, and gives the same bytes back', async () => {
      const bytes = randomBytes(70_000);
      const temp = tempFile(bytes);
      const stored = await store.put(temp);
      expect(stored.storedName).to.match(/^([0-9a-f]{2})\/\1[0-9a-f]{30}$/);
      expect(stored).to.deep.include({ sha256: sha256Of(bytes), sizeBytes: bytes.length });
      expect(existsSync(temp), 'the temp file is gone').to.equal(false);
      expect(await digestOf(await store.read(stored.storedName))).to.deep.equal({
        sha256: sha256Of(bytes),
        sizeBytes: bytes.length,
      });
    });

    it('stores an empty file', async () => {
      const stored = await store.put(tempFile(Buffer.alloc(0)));
      expect(stored.sizeBytes).to.equal(0);
      expect(await digestOf(await store.read(stored.storedName))).to.deep.equal({
        sha256: sha256Of(Buffer.alloc(0)),
        sizeBytes: 0,
      });
    });

    it('streams a file larger than an upload part both ways', async () => {
      const temp = path.join(tmpDir, 'large');
      const expected = await writeRandomFile(temp, 12 * 1024 * 1024 + 12_345);
      const stored = await store.put(temp);
      expect(stored).to.deep.include(expected);
      expect(await digestOf(await store.read(stored.storedName))).to.deep.equal(expected);
    });

    it('writes a stream under a name it had before (a restore), replacing what was there', async () => {
      const storedName = newStoredName();
      await store.putAs(storedName, Readable.from([Buffer.from('first')]));
      const bytes = randomBytes(6 * 1024 * 1024);
      await store.putAs(storedName, Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)]));
      expect(await digestOf(await store.read(storedName))).to.deep.equal({
        sha256: sha256Of(bytes),
        sizeBytes: bytes.length,
      });
      expect(await listed()).to.deep.equal([storedName]);
    });

    it('says MissingStoredFile for a name it does not have', async () => {
      const storedName = newStoredName();
      const error = await store.read(storedName).then(
        () => expect.fail('read a file that was never stored'),
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(MissingStoredFile);
      expect((error as MissingStoredFile).storedName).to.equal(storedName);
    });

    it('removes a file, and does not mind one that is already gone', async () => {
      const stored = await store.put(tempFile(Buffer.from('evidence')));
      await store.remove(stored.storedName);
      await store.remove(stored.storedName);
      await store.remove(newStoredName());
      await store.read(stored.storedName).then(
        () => expect.fail('read a removed file'),
        (error: unknown) => expect(error).to.be.instanceOf(MissingStoredFile),
      );
      expect(await listed()).to.deep.equal([]);
    });

    it('lists every stored name with when it was written', async () => {
      const before = Date.now() - 5_000;
      const stored: StoredFile[] = [];
      for (let i = 0; i < 5; i += 1) stored.push(await store.put(tempFile(Buffer.from(`file ${i}`))));
      const entries = [];
      for await (const entry of store.list()) entries.push(entry);
      expect(entries.map((entry) => entry.storedName).sort()).to.deep.equal(
        stored.map((file) => file.storedName).sort(),
      );
      for (const entry of entries) {
        expect(entry.modifiedAt.getTime()).to.be.within(before, Date.now() + 5_000);
      }
    });

    it('refuses a name the portal could not have made, before touching anything', async () => {
      for (const name of NOT_STORED_NAMES) {
        for (const [operation, attempt] of [
          ['read', () => store.read(name)],
          ['remove', () => store.remove(name)],
          ['putAs', () => store.putAs(name, Readable.from([Buffer.from('x')]))],
        ] as const) {
          const error = await attempt().then(
            () => expect.fail(`${operation}(${JSON.stringify(name)}) was accepted`),
            (e: unknown) => e as Error,
          );
          expect(error.message, `${operation}(${JSON.stringify(name)})`).to.match(/^Not a stored evidence file name/);
        }
      }
      expect(await listed()).to.deep.equal([]);
    });

    it('can write now (the readiness check), and leaves nothing behind', async () => {
      await store.checkWritable();
      expect(await listed()).to.deep.equal([]);
    });

    it('removes no stored file as a leftover', async () => {
      const stored = await store.put(tempFile(Buffer.from('kept')));
      expect(await store.removeLeftovers(undefined)).to.equal(0);
      expect(await listed()).to.deep.equal([stored.storedName]);
    });
  });
}
