// Evidence in an S3-compatible bucket (STORAGE_URL=s3://bucket/prefix), which instances on
// several machines can share. Each file is one object named prefix + stored name (ab/ab…32 hex);
// the only other objects the portal writes there are readiness probes under prefix + 'readyz/',
// removed as soon as they are written.
//
// Bytes are streamed both ways. An upload goes in parts of PART_SIZE_BYTES, at most QUEUE_SIZE
// on the wire at once, so an instance holds a few parts per upload whatever the file's size; a
// download is the object's body handed on as it arrives. The keys come from the AWS SDK's own
// chain (environment, profile, instance or task role); this module never sees or logs them.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListMultipartUploadsCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  paginateListObjectsV2,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { StorageBucket } from '../config.js';
import {
  assertStoredName,
  DiskFull,
  isStoredName,
  MissingStoredFile,
  newStoredName,
  type EvidenceStore,
  type StoredEntry,
  type StoredFile,
} from './evidence-store.js';

/** S3's smallest part; a file up to this size goes in one PutObject. */
const PART_SIZE_BYTES = 5 * 1024 * 1024;
const QUEUE_SIZE = 2;
const READ_CHUNK_BYTES = 256 * 1024;
const READINESS_PREFIX = 'readyz/';
const READINESS_PROBE = /^readyz\/[0-9a-f]{32}$/;

/**
 * How long the bucket may stay silent. A connection that does not open, or a socket with no byte
 * either way for idleMs, fails the request (retried up to maxAttempts times), so a hung bucket
 * cannot hold a page, an upload or a download for ever. A download whose reader stalls longer
 * than idleMs is cut as well.
 */
export const DEFAULT_TIMEOUTS = { connectMs: 5_000, idleMs: 20_000, readinessMs: 5_000 };

/** Error codes of servers that say a bucket or its disks are full; AWS itself has no quota. */
const STORAGE_FULL_CODES = new Set([
  'QuotaExceeded', // Ceph RGW
  'XMinioStorageFull', // MinIO, its disks
  'XMinioAdminBucketQuotaExceeded', // MinIO, a bucket quota
  'InsufficientStorageSpace', // Huawei OBS
]);

export interface S3StoreOptions extends StorageBucket {
  /** Only tests pass keys; the portal leaves them to the SDK's chain (AWS_ACCESS_KEY_ID…). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  timeouts?: Partial<typeof DEFAULT_TIMEOUTS>;
  maxAttempts?: number;
  /** Keys per ListObjectsV2 page (S3's own limit, 1000, unless a test wants several pages). */
  listPageSize?: number;
}

/** How long a bucket that took a readiness probe counts as writable. */
const READINESS_REUSE_MS = 30_000;

export class S3Store implements EvidenceStore {
  readonly kind = 's3' as const;
  readonly description: string;
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly listPageSize: number;
  private readonly readinessMs: number;

  constructor(options: S3StoreOptions) {
    const timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
    this.bucket = options.bucket;
    this.prefix = options.prefix;
    this.listPageSize = options.listPageSize ?? 1000;
    this.readinessMs = timeouts.readinessMs;
    const where = options.endpoint ? `at ${new URL(options.endpoint).host}` : `on AWS (${options.region})`;
    this.description = `bucket ${options.bucket}${options.prefix ? `, prefix ${options.prefix}` : ''} ${where}`;
    // A download holds its connection until the reader has it all: the SDK's 50 would leave the
    // 51st download (or upload part) of an instance waiting for one to finish.
    const agent = { keepAlive: true, maxSockets: 256 };
    this.client = new S3Client({
      region: options.region,
      endpoint: options.endpoint,
      forcePathStyle: options.forcePathStyle,
      ...(options.credentials ? { credentials: options.credentials } : {}),
      maxAttempts: options.maxAttempts ?? 3,
      requestHandler: {
        connectionTimeout: timeouts.connectMs,
        socketTimeout: timeouts.idleMs,
        httpAgent: agent,
        httpsAgent: agent,
      },
      // The checksums the SDK adds to every upload by default are AWS's; several S3-compatible
      // servers refuse or mis-store them, so elsewhere they are sent only where S3 requires them.
      ...(options.endpoint
        ? { requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' }
        : {}),
    });
  }

  /**
   * The file is read once: its SHA-256 and size are taken from the bytes on their way to the
   * bucket. When this returns the object is whole (S3 answers a write only once it is durable).
   */
  async put(tempPath: string): Promise<StoredFile> {
    const storedName = newStoredName();
    const hash = createHash('sha256');
    let sizeBytes = 0;
    const body = Readable.from(
      (async function* () {
        for await (const chunk of createReadStream(tempPath, { highWaterMark: READ_CHUNK_BYTES })) {
          hash.update(chunk as Buffer);
          sizeBytes += (chunk as Buffer).length;
          yield chunk as Buffer;
        }
      })(),
      { objectMode: false },
    );
    await this.upload(storedName, body);
    await rm(tempPath, { force: true });
    return { storedName, sha256: hash.digest('hex'), sizeBytes };
  }

  async putAs(storedName: string, source: Readable): Promise<void> {
    await this.upload(storedName, source);
  }

  async read(storedName: string): Promise<Readable> {
    const key = this.keyOf(storedName);
    let body: unknown;
    try {
      ({ Body: body } = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key })));
    } catch (error) {
      if (isMissingObject(error)) throw new MissingStoredFile(storedName);
      throw error;
    }
    if (!(body instanceof Readable)) throw new Error(`The bucket sent no readable body for ${storedName}`);
    return body;
  }

  async remove(storedName: string): Promise<void> {
    // S3 answers a delete of an absent key with success, as the contract wants.
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.keyOf(storedName) }));
  }

  async *list(): AsyncIterable<StoredEntry> {
    const pages = paginateListObjectsV2(
      { client: this.client, pageSize: this.listPageSize },
      { Bucket: this.bucket, Prefix: this.prefix || undefined },
    );
    for await (const page of pages) {
      for (const object of page.Contents ?? []) {
        if (!object.Key?.startsWith(this.prefix) || !object.LastModified) continue;
        const storedName = object.Key.slice(this.prefix.length);
        if (isStoredName(storedName)) yield { storedName, modifiedAt: object.LastModified };
      }
    }
  }

  /** Readiness probes a failed delete left, and multipart uploads a crash left unfinished. */
  async removeLeftovers(olderThan: Date | undefined): Promise<number> {
    return (await this.removeProbes(olderThan)) + (await this.abortUnfinishedUploads(olderThan));
  }

  private async removeProbes(olderThan: Date | undefined): Promise<number> {
    let removed = 0;
    const probes = paginateListObjectsV2(
      { client: this.client, pageSize: this.listPageSize },
      { Bucket: this.bucket, Prefix: this.prefix + READINESS_PREFIX },
    );
    for await (const page of probes) {
      for (const object of page.Contents ?? []) {
        if (!object.Key || !READINESS_PROBE.test(object.Key.slice(this.prefix.length))) continue;
        if (olderThan && (!object.LastModified || object.LastModified.getTime() >= olderThan.getTime())) continue;
        await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: object.Key }));
        removed += 1;
      }
    }
    return removed;
  }

  /**
   * An unfinished multipart upload keeps its parts (billed) until someone aborts it. Servers that
   * cannot list them (s3rver, some others) answer NotImplemented: then none is aborted here, and
   * a lifecycle rule on the bucket has to do it (docs/deploy/object-storage.md).
   */
  private async abortUnfinishedUploads(olderThan: Date | undefined): Promise<number> {
    let removed = 0;
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    do {
      let page;
      try {
        page = await this.client.send(
          new ListMultipartUploadsCommand({
            Bucket: this.bucket,
            Prefix: this.prefix || undefined,
            KeyMarker: keyMarker,
            UploadIdMarker: uploadIdMarker,
          }),
        );
      } catch (error) {
        if (isNotImplemented(error)) return removed;
        throw error;
      }
      for (const upload of page.Uploads ?? []) {
        if (!upload.Key?.startsWith(this.prefix) || !isStoredName(upload.Key.slice(this.prefix.length))) continue;
        if (olderThan && (!upload.Initiated || upload.Initiated.getTime() >= olderThan.getTime())) continue;
        await this.client.send(
          new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: upload.Key, UploadId: upload.UploadId }),
        );
        removed += 1;
      }
      keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
      uploadIdMarker = page.IsTruncated ? page.NextUploadIdMarker : undefined;
    } while (keyMarker);
    return removed;
  }

  /**
   * A write and a delete are two billed requests, and /readyz is open to anyone: a success is
   * trusted for READINESS_REUSE_MS, and callers at the same moment share one check.
   */
  checkWritable(): Promise<void> {
    if (Date.now() - this.lastWritable < READINESS_REUSE_MS) return Promise.resolve();
    this.checking ??= this.probe()
      .then(() => {
        this.lastWritable = Date.now();
      })
      .finally(() => {
        this.checking = undefined;
      });
    return this.checking;
  }

  private lastWritable = 0;
  private checking: Promise<void> | undefined;

  private async probe(): Promise<void> {
    const key = `${this.prefix}${READINESS_PREFIX}${newStoredName().slice(3)}`;
    const abortSignal = AbortSignal.timeout(this.readinessMs);
    await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: 'ok' }), { abortSignal });
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }), { abortSignal });
  }

  /** Closes the client's kept-alive connections (tests; a process that exits need not). */
  destroy(): void {
    this.client.destroy();
  }

  private keyOf(storedName: string): string {
    assertStoredName(storedName);
    return this.prefix + storedName;
  }

  private async upload(storedName: string, body: Readable): Promise<void> {
    const upload = new Upload({
      client: this.client,
      params: {
        Bucket: this.bucket,
        Key: this.keyOf(storedName),
        Body: body,
        // The database keeps the real type; the bucket never serves a file to anyone by itself.
        ContentType: 'application/octet-stream',
      },
      partSize: PART_SIZE_BYTES,
      queueSize: QUEUE_SIZE,
    });
    try {
      await upload.done();
    } catch (error) {
      body.destroy();
      throw isStorageFull(error) ? new DiskFull() : error;
    }
  }
}

function isMissingObject(error: unknown): boolean {
  if (!(error instanceof S3ServiceException)) return false;
  return error.name === 'NoSuchKey' || (error.$metadata.httpStatusCode === 404 && error.name !== 'NoSuchBucket');
}

function isNotImplemented(error: unknown): boolean {
  return (
    error instanceof S3ServiceException && (error.name === 'NotImplemented' || error.$metadata.httpStatusCode === 501)
  );
}

function isStorageFull(error: unknown): boolean {
  return (
    error instanceof S3ServiceException &&
    (STORAGE_FULL_CODES.has(error.name) || error.$metadata.httpStatusCode === 507)
  );
}
