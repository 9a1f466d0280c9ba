// A Laurel backup is one .tar.gz file:
//
//   database/000-users.jsonl …   every table's rows, one JSON object per line (table-dump.ts),
//                                in an order a restore can load them in
//   files/ab/ab…                 every evidence file the database names, under its stored name
//   manifest.json                last: what the archive holds, with row counts and SHA-256 sums
//
// The manifest comes last because it records what was actually written; a restore reads the
// whole archive once to check it against the manifest before it touches anything.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { DatabaseKind } from '../db/client.js';
import { projectRoot } from '../paths.js';
import type { MigrationLevel } from '../db/migration-state.js';
import type { SequenceValue, TableDump } from './table-dump.js';

export const FORMAT = 'laurel-backup';
export const FORMAT_VERSION = 1;
export const MANIFEST_ENTRY = 'manifest.json';
export const DATABASE_PREFIX = 'database/';
export const FILES_PREFIX = 'files/';

export interface FileRecord {
  storedName: string;
  sizeBytes: number;
  sha256: string;
}

export interface BackupManifest {
  format: typeof FORMAT;
  version: number;
  createdAt: string;
  laurelVersion: string;
  source: { database: DatabaseKind; storage: string };
  migration: MigrationLevel;
  tables: Array<TableDump & { entry: string }>;
  sequences: SequenceValue[];
  files: {
    count: number;
    bytes: number;
    entries: FileRecord[];
    /** Files the database names that the store did not have when the backup read it. */
    missing: string[];
  };
  /** How long the database snapshot held the embedded database, and the whole backup. */
  timings: { snapshotMs: number; totalMs: number };
}

export function laurelVersion(): string {
  return (JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version;
}

/** A manifest read from an archive, checked for the fields a restore relies on. */
export function parseManifest(text: string): BackupManifest {
  let value: Partial<BackupManifest>;
  try {
    value = JSON.parse(text) as Partial<BackupManifest>;
  } catch {
    throw new ArchiveProblem('its manifest is not valid JSON');
  }
  if (value.format !== FORMAT) throw new ArchiveProblem('it is not a Laurel backup (its manifest says otherwise)');
  if (value.version !== FORMAT_VERSION) {
    throw new ArchiveProblem(
      `it is in backup format ${String(value.version)}, and this Laurel reads format ${FORMAT_VERSION}`,
    );
  }
  if (!Array.isArray(value.tables) || !Array.isArray(value.sequences) || !value.files || !value.migration) {
    throw new ArchiveProblem('its manifest is incomplete');
  }
  return value as BackupManifest;
}

/** The archive cannot be restored; the message completes "The backup cannot be restored: …". */
export class ArchiveProblem extends Error {
  constructor(reason: string) {
    super(`The backup cannot be restored: ${reason}.`);
    this.name = 'ArchiveProblem';
  }
}
