// The store the configuration names: UPLOAD_DIR on this machine's disk, or the bucket in
// STORAGE_URL (s3-store.ts).
import type { Config } from '../config.js';
import { DiskStore } from './disk-store.js';
import type { EvidenceStore } from './evidence-store.js';

export function openEvidenceStore(config: Pick<Config, 'uploadDir' | 'storageUrl'>): EvidenceStore {
  if (!config.storageUrl) return new DiskStore(config.uploadDir);
  throw new Error('STORAGE_URL=s3://… is not supported yet');
}
