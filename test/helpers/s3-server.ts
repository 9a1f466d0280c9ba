// A real S3-compatible server (s3rver) on loopback, in its own process and temporary directory,
// with one bucket: the bucket a test's S3Store writes to. Its memory is not the test's, so a test
// can measure what the store itself holds.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { DeleteObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { StorageBucket } from '../../server/config.js';
import { projectRoot } from '../../server/paths.js';
import { S3Store, type S3StoreOptions } from '../../server/storage/s3-store.js';

// The SDK warns once per process that its releases after January 2027 need Node 22; the portal
// still runs on 20 (docs/deploy/object-storage.md says so), and test output need not repeat it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** s3rver's fixed keys; any other pair is refused with SignatureDoesNotMatch. */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export interface S3Server {
  endpoint: string;
  bucket: string;
  /** STORAGE_URL for this server (with `prefix` after the bucket name). */
  storageUrl(prefix?: string): string;
  /** A store on this server's bucket; destroyed by stop(). */
  store(options?: Partial<S3StoreOptions>): S3Store;
  /** Every key in the bucket, as S3 itself lists them (not through a store). */
  keys(): Promise<string[]>;
  /** Writes an object the portal did not make (another program's, a stray key). */
  putObject(key: string, body: string): Promise<void>;
  /** Deletes an object behind the portal's back (a bucket that lost a file). */
  removeObject(key: string): Promise<void>;
  /** Empties the bucket. */
  clear(): Promise<void>;
  stop(): Promise<void>;
}

export async function startS3Server({ bucket = 'laurel-evidence' } = {}): Promise<S3Server> {
  const directory = mkdtempSync(path.join(tmpdir(), 'laurel-s3rver-'));
  const child = spawn(
    process.execPath,
    ['--openssl-legacy-provider', path.join(projectRoot, 'test/helpers/s3rver-process.mjs'), directory, bucket],
    { cwd: projectRoot, stdio: ['pipe', 'pipe', 'inherit'] },
  );
  let port: number;
  try {
    port = await portOf(child);
  } catch (error) {
    child.kill();
    rmSync(directory, { recursive: true, force: true });
    throw error;
  }
  const endpoint = `http://127.0.0.1:${port}`;
  const stores: S3Store[] = [];
  const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: S3RVER_CREDENTIALS });
  const keys = async () => {
    const found: string[] = [];
    let ContinuationToken: string | undefined;
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken }));
      found.push(...(page.Contents ?? []).map((object) => object.Key!));
      ContinuationToken = page.NextContinuationToken;
    } while (ContinuationToken);
    return found.sort();
  };
  return {
    endpoint,
    bucket,
    storageUrl: (prefix = '') =>
      `s3://${bucket}/${prefix}?endpoint=${encodeURIComponent(endpoint)}&region=us-east-1&path_style=true`,
    store: (options = {}) => {
      const settings: StorageBucket = { bucket, prefix: '', endpoint, region: 'us-east-1', forcePathStyle: true };
      const store = new S3Store({ ...settings, credentials: S3RVER_CREDENTIALS, ...options });
      stores.push(store);
      return store;
    },
    keys,
    putObject: async (key, body) => {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    },
    removeObject: async (key) => {
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },
    clear: async () => {
      for (const key of await keys()) await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },
    stop: async () => {
      for (const store of stores) store.destroy();
      client.destroy();
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.stdin?.end();
        await exited;
      }
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

function portOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const failed = (code: number | null) => reject(new Error(`s3rver exited (${code}) before it listened`));
    child.once('exit', failed);
    child.once('error', reject);
    lines.once('line', (line) => {
      child.off('exit', failed);
      lines.close();
      resolve((JSON.parse(line) as { port: number }).port);
    });
  });
}
