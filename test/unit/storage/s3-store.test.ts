// S3Store against a real S3-compatible server (s3rver, in its own process on loopback): the
// contract every evidence store keeps, then what only a bucket has — a prefix shared with other
// programs, pages of listings, memory that stays flat for a large file, a bucket that goes
// silent or full, unfinished multipart uploads, the start-up sweep, and STORAGE_URL end to end.
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { evidenceFiles, applications, schools } from '../../../models/schema.js';
import { loadConfig } from '../../../server/config.js';
import type { DatabaseHandle } from '../../../server/db/client.js';
import { DiskFull, newStoredName } from '../../../server/storage/evidence-store.js';
import { openEvidenceStore } from '../../../server/storage/open-store.js';
import { S3Store, type S3StoreOptions } from '../../../server/storage/s3-store.js';
import { sweepOrphanEvidence } from '../../../server/storage/sweep.js';
import { createTestDatabase } from '../../helpers/database.js';
import { createCycle2027 } from '../../helpers/factories.js';
import { S3RVER_CREDENTIALS, startS3Server, type S3Server } from '../../helpers/s3-server.js';
import { describeEvidenceStoreContract, digestOf, writeRandomFile } from './evidence-store-contract.js';

const MiB = 1024 * 1024;

describe('S3Store', function () {
  this.timeout(60_000);
  let s3: S3Server;
  let tmpDir: string;
  before(async () => {
    s3 = await startS3Server();
    tmpDir = mkdtempSync(path.join(tmpdir(), 'laurel-s3-store-'));
  });
  after(async () => {
    await s3?.stop();
    rmSync(tmpDir, { recursive: true, force: true });
  });
  afterEach(() => s3.clear());

  function tempFile(bytes: Buffer | string): string {
    const file = path.join(tmpDir, randomBytes(16).toString('hex'));
    writeFileSync(file, bytes);
    return file;
  }

  describeEvidenceStoreContract(async () => ({ store: s3.store(), clear: () => s3.clear() }));

  it('keeps each file as one object under its prefix, and lists only its own names, page by page', async () => {
    const store = s3.store({ prefix: 'laurel/evidence/', listPageSize: 2 });
    const names: string[] = [];
    for (let i = 0; i < 5; i += 1) names.push((await store.put(tempFile(`file ${i}`))).storedName);
    // Another program's objects in the same bucket, and keys under the prefix the portal never makes.
    const strangers = [
      `other-app/${newStoredName()}`,
      newStoredName(),
      'laurel/evidence/notes.txt',
      'laurel/evidence/readyz/0123456789abcdef0123456789abcdef',
      `laurel/evidence/${newStoredName()}.partial`,
    ];
    for (const key of strangers) await s3.putObject(key, 'not evidence');

    expect(await s3.keys()).to.deep.equal([...names.map((name) => `laurel/evidence/${name}`), ...strangers].sort());
    const listed = [];
    for await (const entry of store.list()) listed.push(entry.storedName);
    // Nine keys under the prefix, two a page: five pages, of which only the stored names come out.
    expect(listed.sort()).to.deep.equal(names.sort());
    await store.checkWritable();
    expect(await s3.keys()).to.have.length(names.length + strangers.length);
  });

  it('holds a few upload parts in memory, not the file, while it uploads and downloads', async () => {
    const size = 96 * MiB;
    const file = path.join(tmpDir, 'large');
    const expected = await writeRandomFile(file, size);
    const store = s3.store();
    const gc = exposeGc();
    const inUse = () => {
      gc();
      const { heapUsed, arrayBuffers } = process.memoryUsage();
      return heapUsed + arrayBuffers;
    };
    const baseline = inUse();
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, inUse() - baseline)), 100);
    try {
      const stored = await store.put(file);
      expect(stored).to.deep.include(expected);
      expect(await digestOf(await store.read(stored.storedName))).to.deep.equal(expected);
    } finally {
      clearInterval(sampler);
    }
    // Two parts on the wire, one being gathered, its copy as lib-storage joins it, and a sent
    // part still pinned by the joined remainder: three to seven parts, 16 to 37 MiB measured,
    // whatever the file's size. A store that held the file would need all 96.
    expect(peak, `peak growth ${(peak / MiB).toFixed(1)} MiB`).to.be.below(size / 2);
  });

  it('removes readiness probes a failed delete left, and nothing else', async () => {
    const store = s3.store({ prefix: 'laurel/' });
    const kept = (await store.put(tempFile('evidence'))).storedName;
    const strangers = ['laurel/readyz/notes.txt', 'readyz/0123456789abcdef0123456789abcdef'];
    for (const key of ['laurel/readyz/0123456789abcdef0123456789abcdef', ...strangers]) {
      await s3.putObject(key, 'ok');
    }
    expect(await store.removeLeftovers(new Date(Date.now() - 60 * 60 * 1000)), 'a young probe stays').to.equal(0);
    expect(await store.removeLeftovers(undefined)).to.equal(1);
    expect(await s3.keys()).to.deep.equal([`laurel/${kept}`, ...strangers].sort());
  });

  describe('a bucket that misbehaves', () => {
    let server: Server;
    let endpoint: string;
    let answer: (req: IncomingMessage, res: ServerResponse) => void;
    const requests: string[] = [];
    before(async () => {
      server = createHttpServer((req, res) => {
        requests.push(`${req.method} ${req.url}`);
        // The body is read before the answer, as S3 does, so the client never sees a broken pipe.
        req.resume();
        req.once('end', () => answer(req, res));
      });
      endpoint = await listen(server);
    });
    after(() => close(server));
    beforeEach(() => (requests.length = 0));

    const storeAt = (url: string, options: Partial<S3StoreOptions> = {}) =>
      s3.store({
        endpoint: url,
        timeouts: { connectMs: 500, idleMs: 300, readinessMs: 800 },
        maxAttempts: 1,
        ...options,
      });

    it('fails a request to a bucket that accepts the connection and never answers', async () => {
      const sockets: Socket[] = [];
      const silent = createNetServer((socket) => void sockets.push(socket));
      const store = storeAt(await listen(silent));
      try {
        const started = Date.now();
        const error = await failureOf(store.read(newStoredName()));
        expect(error.name).to.equal('TimeoutError');
        expect(await failureOf(store.checkWritable())).to.be.instanceOf(Error);
        expect(Date.now() - started).to.be.below(5_000);
      } finally {
        for (const socket of sockets) socket.destroy();
        await close(silent);
      }
    });

    it('fails a download when the bucket stops sending halfway', async () => {
      answer = (_req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': '100000' });
        res.write(Buffer.alloc(1000));
      };
      const body = await storeAt(endpoint).read(newStoredName());
      const error = await failureOf(digestOf(body));
      expect(error.message).to.match(/timed out|aborted|premature close/i);
    });

    it('tells the person the storage is full when the server says its disks or quota are', async () => {
      for (const [status, code] of [
        [507, 'XMinioStorageFull'],
        [400, 'XMinioAdminBucketQuotaExceeded'],
        [403, 'QuotaExceeded'],
      ] as const) {
        answer = (_req, res) => s3Error(res, status, code);
        const temp = tempFile('evidence');
        const error = await failureOf(storeAt(endpoint).put(temp));
        expect(error, code).to.be.instanceOf(DiskFull);
      }
      answer = (_req, res) => s3Error(res, 403, 'AccessDenied');
      const error = await failureOf(storeAt(endpoint).put(tempFile('evidence')));
      expect(error).not.to.be.instanceOf(DiskFull);
      expect(error.name).to.equal('AccessDenied');
    });

    it('aborts the unfinished multipart uploads of its own names older than the date, over pages', async () => {
      const prefix = 'laurel/';
      const [old, young, otherOld] = [newStoredName(), newStoredName(), newStoredName()];
      answer = (req, res) => {
        const url = new URL(req.url ?? '/', endpoint);
        if (req.method === 'GET' && url.searchParams.has('uploads')) {
          const firstPage = !url.searchParams.get('key-marker');
          const uploads = firstPage
            ? [
                [`${prefix}${old}`, 'u-old', '2026-01-01T00:00:00.000Z'],
                [`${prefix}notes.txt`, 'u-stranger', '2026-01-01T00:00:00.000Z'],
              ]
            : [
                [`${prefix}${young}`, 'u-young', '2026-11-22T11:30:00.000Z'],
                [`${prefix}${otherOld}`, 'u-other', '2026-11-20T00:00:00.000Z'],
              ];
          res.writeHead(200, { 'Content-Type': 'application/xml' });
          res.end(
            `<?xml version="1.0" encoding="UTF-8"?><ListMultipartUploadsResult><Bucket>${s3.bucket}</Bucket>` +
              `<IsTruncated>${firstPage}</IsTruncated>` +
              (firstPage
                ? `<NextKeyMarker>${prefix}notes.txt</NextKeyMarker><NextUploadIdMarker>u-stranger</NextUploadIdMarker>`
                : '') +
              uploads
                .map(
                  ([key, id, at]) =>
                    `<Upload><Key>${key}</Key><UploadId>${id}</UploadId><Initiated>${at}</Initiated></Upload>`,
                )
                .join('') +
              '</ListMultipartUploadsResult>',
          );
        } else if (req.method === 'DELETE' && url.searchParams.has('uploadId')) {
          res.writeHead(204).end();
        } else {
          noObjects(req, res);
        }
      };
      const store = storeAt(endpoint, { prefix });
      expect(await store.removeLeftovers(new Date('2026-11-22T11:00:00Z'))).to.equal(2);
      const aborted = requests.filter((request) => request.startsWith('DELETE')).sort();
      // The probes' listing, then the two pages of unfinished uploads.
      expect(requests.filter((request) => request.startsWith('GET'))).to.have.length(3);
      expect(aborted).to.deep.equal(
        [
          `DELETE /${s3.bucket}/laurel/${old}?uploadId=u-old&x-id=AbortMultipartUpload`,
          `DELETE /${s3.bucket}/laurel/${otherOld}?uploadId=u-other&x-id=AbortMultipartUpload`,
        ].sort(),
      );
      requests.length = 0;
      expect(await store.removeLeftovers(undefined)).to.equal(3);
    });

    it('removes no leftovers on a server that cannot list unfinished uploads (s3rver), without failing', async () => {
      answer = (req, res) => (req.url?.includes('uploads') ? s3Error(res, 501, 'NotImplemented') : noObjects(req, res));
      expect(await storeAt(endpoint).removeLeftovers(undefined)).to.equal(0);
      expect(await s3.store().removeLeftovers(undefined)).to.equal(0);
    });

    function noObjects(req: IncomingMessage, res: ServerResponse): void {
      if (req.method !== 'GET' || !req.url?.includes('list-type=2')) return s3Error(res, 400, 'UnexpectedRequest');
      res.writeHead(200, { 'Content-Type': 'application/xml' });
      res.end(
        `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>${s3.bucket}</Name>` +
          '<KeyCount>0</KeyCount><IsTruncated>false</IsTruncated></ListBucketResult>',
      );
    }
  });

  describe('the start-up sweep on a bucket', () => {
    let database: DatabaseHandle;
    let applicationId: number;
    before(async () => {
      database = await createTestDatabase();
      const { cycle } = await createCycle2027(database.db, 'sweep-s3');
      const [school] = await database.db
        .insert(schools)
        .values({
          name: 'Lincoln High School',
          city: 'Portland',
          state: 'OR',
          level: 'high',
          matchKey: 'lincoln|pdx|or',
        })
        .returning();
      const [application] = await database.db
        .insert(applications)
        .values({ cycleId: cycle.id, schoolId: school!.id })
        .returning();
      applicationId = application!.id;
    });
    after(() => database?.close());

    it('removes the objects no row names, keeps every one a row names, and spares young ones when told', async () => {
      const store = s3.store({ prefix: 'evidence/', listPageSize: 3 });
      const put = async () => (await store.put(tempFile(randomBytes(64)))).storedName;
      const kept: string[] = [];
      for (let i = 0; i < 4; i += 1) {
        const storedName = await put();
        kept.push(storedName);
        await database.db.insert(evidenceFiles).values({
          applicationId,
          originalName: 'plan.pdf',
          storedName,
          kind: 'pdf',
          contentType: 'application/pdf',
          sizeBytes: 64,
          sha256: '0'.repeat(64),
        });
      }
      const orphans = [await put(), await put(), await put()];
      await s3.putObject('evidence/notes.txt', 'not ours');

      // On PostgreSQL only what is an hour old goes: these were all written just now.
      const anHourAgo = new Date(Date.now() - 60 * 60 * 1000);
      expect(await sweepOrphanEvidence(database.db, store, { olderThan: anHourAgo }, { batchSize: 2 })).to.equal(0);
      expect(await s3.keys()).to.have.length(kept.length + orphans.length + 1);

      expect(await sweepOrphanEvidence(database.db, store, {}, { batchSize: 2 })).to.equal(orphans.length);
      expect(await s3.keys()).to.deep.equal(['evidence/notes.txt', ...kept.map((name) => `evidence/${name}`)].sort());
    });
  });

  it('is what STORAGE_URL opens, with the keys from the environment, and names no secret', async () => {
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    process.env.AWS_ACCESS_KEY_ID = S3RVER_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = S3RVER_CREDENTIALS.secretAccessKey;
    const dataDir = path.join(tmpDir, 'data');
    const store = openEvidenceStore(
      loadConfig({ STORAGE_URL: s3.storageUrl('laurel'), SESSION_SECRET: 's'.repeat(32), DATA_DIR: dataDir }),
    );
    try {
      expect(store).to.be.instanceOf(S3Store);
      expect(store.kind).to.equal('s3');
      const port = new URL(s3.endpoint).port;
      expect(store.description).to.equal(`bucket ${s3.bucket}, prefix laurel/ at 127.0.0.1:${port}`);
      const stored = await store.put(tempFile('from the environment'));
      expect(await s3.keys()).to.deep.equal([`laurel/${stored.storedName}`]);
      expect((await digestOf(await store.read(stored.storedName))).sizeBytes).to.equal(20);
      await store.checkWritable();
    } finally {
      (store as S3Store).destroy?.();
      restoreEnv('AWS_ACCESS_KEY_ID', saved.id);
      restoreEnv('AWS_SECRET_ACCESS_KEY', saved.secret);
    }
  });
});

/** The error a promise rejects with; fails the test when it resolves. */
async function failureOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  return expect.fail('expected a failure');
}

function restoreEnv(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

/** V8's gc(), so that a memory sample counts what is still in use rather than garbage. */
function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

function s3Error(res: ServerResponse, status: number, code: string): void {
  res.writeHead(status, { 'Content-Type': 'application/xml' });
  res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${code}</Message></Error>`);
}

function listen(server: Server | ReturnType<typeof createNetServer>): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`);
    }),
  );
}

function close(server: Server | ReturnType<typeof createNetServer>): Promise<void> {
  if ('closeAllConnections' in server) server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
