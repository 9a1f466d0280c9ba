// Where evidence files are kept: a folder on this machine's disk (UPLOAD_DIR, the default) or an
// S3-compatible bucket (STORAGE_URL=s3://…), which several instances can share. Every file is
// kept under a random name the portal made (ab/ab…32 hex): nothing a school sends chooses where
// a file lands or can guess where another school's file is. Who may read a file is decided by
// the routes before they ask the store for it; the store itself answers anyone who asks.
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { msg } from '../i18n/translate.js';
import { UploadRefused } from './evidence-files.js';

/** What the database keeps about a stored file. */
export interface StoredFile {
  storedName: string;
  sha256: string;
  sizeBytes: number;
}

export interface StoredEntry {
  storedName: string;
  modifiedAt: Date;
}

export interface EvidenceStore {
  readonly kind: 'disk' | 's3';
  /** Where files go, for logs and the operator: a folder or a bucket, never a credential. */
  readonly description: string;
  /**
   * Moves an accepted temp file into the store under a new random name. When this returns the
   * file is whole and durable; the temp file is gone. Callers insert the evidence_files row after.
   */
  put(tempPath: string): Promise<StoredFile>;
  /** Writes a file under a name it had before (a restore, a move). */
  putAs(storedName: string, source: Readable): Promise<void>;
  /** The file's bytes; throws MissingStoredFile when the store does not have it. */
  read(storedName: string): Promise<Readable>;
  /** Removes a stored file; one that is already gone is not an error. */
  remove(storedName: string): Promise<void>;
  /** Every stored name, as a stream, with when it was written (sweeps and backups). */
  list(): AsyncIterable<StoredEntry>;
  /** Removes what interrupted writes left (half-copied files, unfinished uploads) older than the date. */
  removeLeftovers(olderThan: Date | undefined): Promise<number>;
  /** Throws when a file cannot be written and removed now (the readiness check). */
  checkWritable(): Promise<void>;
}

/** The store answered that it has no file by this name. */
export class MissingStoredFile extends Error {
  constructor(public readonly storedName: string) {
    super(`The stored evidence file ${storedName} is missing`);
    this.name = 'MissingStoredFile';
  }
}

/**
 * The store is full (a disk, or a bucket's quota): the person is told plainly, and the caller's
 * transaction rolls the row back.
 */
export class DiskFull extends UploadRefused {
  constructor() {
    super(msg('uploads.diskFull.file'));
    this.name = 'DiskFull';
  }
}

const STORED_NAME = /^([0-9a-f]{2})\/(\1[0-9a-f]{30})$/;

/** Whether a name is one the portal could have made; any other is refused before it is used. */
export function isStoredName(name: string): boolean {
  return STORED_NAME.test(name);
}

export function assertStoredName(name: string): void {
  if (!isStoredName(name)) throw new Error(`Not a stored evidence file name: ${JSON.stringify(name)}`);
}

export function newStoredName(): string {
  const random = randomBytes(16).toString('hex');
  return `${random.slice(0, 2)}/${random}`;
}
