// The store the configuration names: UPLOAD_DIR on this machine's disk, or the bucket in
// STORAGE_URL (s3-store.ts). Uploads wait in UPLOAD_DIR/tmp while they are checked either way.
import type { Config } from '../config.js';
import { DiskStore } from './disk-store.js';
import type { EvidenceStore } from './evidence-store.js';
import { S3Store } from './s3-store.js';

export function openEvidenceStore(config: Pick<Config, 'uploadDir' | 'storageBucket'>): EvidenceStore {
  return config.storageBucket ? new S3Store(config.storageBucket) : new DiskStore(config.uploadDir);
}
