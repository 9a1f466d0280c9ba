// DiskStore (UPLOAD_DIR) against the contract every evidence store keeps.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DiskStore } from '../../../server/storage/disk-store.js';
import { describeEvidenceStoreContract } from './evidence-store-contract.js';

describe('DiskStore', () => {
  let uploadDir: string;
  after(() => rmSync(uploadDir, { recursive: true, force: true }));

  describeEvidenceStoreContract(async () => {
    uploadDir = mkdtempSync(path.join(tmpdir(), 'laurel-disk-store-'));
    // The store makes its folders as it needs them.
    return { store: new DiskStore(uploadDir), clear: async () => rmSync(uploadDir, { recursive: true, force: true }) };
  });
});
