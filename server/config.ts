// The environment is read and validated once, here. A bad value stops start-up with a message
// that names the variable; nothing silently falls back to an example value.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { projectRoot } from './paths.js';

const emptyAsUndefined = (value: unknown) => (value === '' ? undefined : value);
const optionalString = z.preprocess(emptyAsUndefined, z.string().optional());

const databaseUrl = z.preprocess(
  emptyAsUndefined,
  z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
);

const smtpUrl = z.preprocess(
  emptyAsUndefined,
  z
    .string()
    .regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://')
    .optional(),
);

const PORT_MESSAGE = 'must be a whole number from 0 to 65535';

const STORAGE_URL_SHAPE = 'must look like s3://bucket-name or s3://bucket-name/prefix';
const STORAGE_BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const STORAGE_PREFIX = /^([A-Za-z0-9._-]+\/)*[A-Za-z0-9._-]+\/?$/;
const STORAGE_SETTINGS = ['endpoint', 'region', 'path_style'];
const REGION = /^[a-z0-9-]{2,40}$/;

type ParsedStorageUrl = Omit<StorageBucket, 'region'> & { url: string; region: string | undefined };

/**
 * STORAGE_URL's parts. Problems are reported without echoing the value, which a mistaken operator
 * may have filled with a secret.
 */
function parseStorageUrl(value: string, context: z.RefinementCtx): ParsedStorageUrl {
  const problem = (message: string) => {
    context.addIssue({ code: 'custom', message });
    return z.NEVER;
  };
  // Read as written: URL would quietly resolve a prefix's ./ and ../ and decode its %xx.
  const parts = /^s3:\/\/([^/?#]*)\/?([^?#]*)(?:\?([^#]*))?(#.*)?$/.exec(value);
  if (!parts) return problem(STORAGE_URL_SHAPE);
  const [, bucket = '', prefix = '', query = '', fragment] = parts;
  if (bucket.includes('@')) {
    return problem('must not hold credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY instead');
  }
  if (!STORAGE_BUCKET.test(bucket)) return problem(STORAGE_URL_SHAPE);
  if (fragment) return problem('must not have a #fragment');
  if (prefix && (!STORAGE_PREFIX.test(prefix) || prefix.split('/').some((part) => part === '.' || part === '..'))) {
    return problem('the prefix after the bucket name may hold only letters, digits, . _ - and single slashes');
  }
  const settings = new URLSearchParams(query);
  for (const key of settings.keys()) {
    if (!STORAGE_SETTINGS.includes(key)) {
      return problem(`unknown setting “${key.slice(0, 40)}” (known: ${STORAGE_SETTINGS.join(', ')})`);
    }
  }
  const endpoint = settings.get('endpoint') ?? undefined;
  if (endpoint !== undefined && !isPlainHttpAddress(endpoint)) {
    return problem('endpoint= must be an http:// or https:// address without credentials or query');
  }
  const region = settings.get('region') ?? undefined;
  if (region !== undefined && !REGION.test(region)) return problem('region= must be a region name such as us-east-1');
  const pathStyle = settings.get('path_style') ?? 'false';
  if (pathStyle !== 'true' && pathStyle !== 'false') return problem('path_style= must be true or false');
  return {
    url: value,
    bucket,
    prefix: prefix && !prefix.endsWith('/') ? `${prefix}/` : prefix,
    endpoint: endpoint?.replace(/\/+$/, ''),
    region,
    forcePathStyle: pathStyle === 'true',
  };
}

function isPlainHttpAddress(value: string): boolean {
  try {
    const url = new URL(value);
    return /^https?:$/.test(url.protocol) && !url.username && !url.password && !url.search && !url.hash;
  } catch {
    return false;
  }
}

const BACKUP_EVERY_SHAPE = 'must be a number of minutes, hours or days, such as 30m, 6h or 1d';
const BACKUP_UNIT_MS = { m: 60_000, h: 60 * 60_000, d: 24 * 60 * 60_000 } as const;
/** Shorter than this, a backup could still be writing when the next one falls due. */
const BACKUP_EVERY_MIN_MS = 5 * 60_000;

/** BACKUP_EVERY in milliseconds: "30m", "6h", "1d". */
const backupEvery = z
  .string()
  .regex(/^\d{1,5}\s*[mhd]$/, BACKUP_EVERY_SHAPE)
  .transform((value) => Number(value.slice(0, -1)) * BACKUP_UNIT_MS[value.slice(-1) as keyof typeof BACKUP_UNIT_MS])
  .pipe(z.number().min(BACKUP_EVERY_MIN_MS, 'must be at least 5 minutes (5m)'));

const BACKUP_KEEP_MESSAGE = 'must be a whole number of backups to keep, 1 or more';

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  // Not z.coerce: it turns an empty PORT (a compose file's `PORT=${PORT}`) into 0, a random port.
  PORT: z
    .preprocess(
      emptyAsUndefined,
      z
        .string()
        .regex(/^\d{1,5}$/, PORT_MESSAGE)
        .default('3000'),
    )
    .transform(Number)
    .pipe(z.number().max(65535, PORT_MESSAGE)),
  HOST: z.string().min(1).default('0.0.0.0'),
  BASE_URL: optionalString.pipe(
    z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// address' }).optional(),
  ),
  DATABASE_URL: databaseUrl,
  // Off behind a connection pooler that cannot keep prepared statements (PgBouncer in transaction
  // mode before 1.21, some hosted poolers): see server/db/named-statements.ts.
  DATABASE_NAMED_STATEMENTS: z.enum(['on', 'off']).default('on'),
  DATA_DIR: z.string().min(1).default('./data'),
  UPLOAD_DIR: z.string().min(1).default('./uploads'),
  // Unset: evidence in UPLOAD_DIR. s3://bucket[/prefix][?endpoint=…&region=…&path_style=true]: an
  // S3-compatible bucket (server/storage/s3-store.ts); the keys come from the AWS SDK's own chain
  // (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, a profile, an instance role), never from the URL.
  STORAGE_URL: z.preprocess(emptyAsUndefined, z.string().transform(parseStorageUrl).optional()),
  // The bucket's region when STORAGE_URL names none (the SDK's own variable); checked only then.
  AWS_REGION: optionalString,
  // Unset: no scheduled backups. A folder (absolute, or relative to the project like DATA_DIR)
  // the portal writes an archive into every BACKUP_EVERY, keeping the newest BACKUP_KEEP
  // (server/operations/backup-schedule.ts).
  BACKUP_DIR: optionalString,
  BACKUP_EVERY: z.preprocess(emptyAsUndefined, backupEvery.optional()),
  BACKUP_KEEP: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^\d{1,4}$/, BACKUP_KEEP_MESSAGE)
      .transform(Number)
      .pipe(z.number().min(1, BACKUP_KEEP_MESSAGE))
      .optional(),
  ),
  SMTP_URL: smtpUrl,
  MAIL_FROM: z.string().min(3).default('Laurel <no-reply@localhost>'),
  SESSION_SECRET: optionalString.pipe(z.string().min(32, 'must be at least 32 characters long').optional()),
  TRUST_PROXY: z.preprocess(emptyAsUndefined, z.string().optional()),
  METRICS_TOKEN: optionalString.pipe(z.string().min(16, 'must be at least 16 characters long').optional()),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface Config {
  env: 'development' | 'production' | 'test';
  isProduction: boolean;
  port: number;
  host: string;
  baseUrl: string;
  databaseUrl: string | undefined;
  /** PostgreSQL only: send parameterized queries as named statements, planned once per connection. */
  namedStatements: boolean;
  dataDir: string;
  /** Where uploads wait while they are checked; also the evidence folder unless storageUrl is set. */
  uploadDir: string;
  /** An S3-compatible bucket for evidence (s3://…), or undefined for UPLOAD_DIR. */
  storageUrl: string | undefined;
  /** STORAGE_URL's parts, or undefined for UPLOAD_DIR. */
  storageBucket: StorageBucket | undefined;
  smtpUrl: string | undefined;
  mailFrom: string;
  sessionSecret: string;
  /** Express's `trust proxy` setting: false, a hop count, or a list of addresses. */
  trustProxy: boolean | number | string;
  logLevel: string;
  /** Bearer token for /metrics; unset: no metrics. */
  metricsToken?: string;
  /** Scheduled backups (BACKUP_DIR, BACKUP_EVERY, BACKUP_KEEP); undefined: none. */
  backup: BackupSchedule | undefined;
}

/** Where and how often the portal writes backups on its own, and how many it keeps. */
export interface BackupSchedule {
  /** An absolute folder. */
  dir: string;
  everyMs: number;
  keep: number;
}

/** Unless BACKUP_EVERY says otherwise: one backup a day. */
export const DEFAULT_BACKUP_EVERY_MS = 24 * 60 * 60_000;
export const DEFAULT_BACKUP_KEEP = 7;

/** Where evidence goes when STORAGE_URL names a bucket (server/storage/s3-store.ts). */
export interface StorageBucket {
  bucket: string;
  /** '' or a folder-like prefix ending in '/': 'laurel/evidence/'. */
  prefix: string;
  /** An S3-compatible server (MinIO, Ceph, s3rver…); undefined: AWS itself. */
  endpoint: string | undefined;
  region: string;
  /** http://host/bucket/key rather than http://bucket.host/key (most servers other than AWS). */
  forcePathStyle: boolean;
}

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Laurel cannot start: the configuration has problems:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function parseTrustProxy(value: string | undefined): boolean | number | string {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}

/**
 * In development the session secret is generated once and kept in DATA_DIR, so sessions
 * survive restarts without anyone having to invent a secret.
 */
function developmentSessionSecret(dataDir: string): string {
  const file = path.join(dataDir, 'session-secret');
  try {
    const existing = readFileSync(file, 'utf8').trim();
    if (existing.length >= 32) return existing;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const values = parsed.data;
  const isProduction = values.NODE_ENV === 'production';
  const problems: string[] = [];
  if (isProduction && !values.SESSION_SECRET) {
    problems.push('SESSION_SECRET: required when NODE_ENV=production (at least 32 random characters)');
  }
  if (isProduction && !values.BASE_URL) {
    problems.push('BASE_URL: required when NODE_ENV=production (the address people use, for e-mailed links)');
  }
  const region = values.STORAGE_URL && (values.STORAGE_URL.region ?? values.AWS_REGION ?? 'us-east-1');
  if (region !== undefined && !REGION.test(region)) {
    problems.push('AWS_REGION: must be a region name such as us-east-1 (or give region= in STORAGE_URL)');
  }
  const uploadDir = path.resolve(projectRoot, values.UPLOAD_DIR);
  const backupDir = values.BACKUP_DIR === undefined ? undefined : path.resolve(projectRoot, values.BACKUP_DIR);
  if (!backupDir) {
    // Someone who set these believes backups are being made.
    for (const name of ['BACKUP_EVERY', 'BACKUP_KEEP'] as const) {
      if (values[name] !== undefined) {
        problems.push(`${name}: scheduled backups are off without BACKUP_DIR; set BACKUP_DIR to the folder for them`);
      }
    }
  } else if (backupDir === uploadDir || backupDir.startsWith(`${uploadDir}${path.sep}`)) {
    problems.push('BACKUP_DIR: must not be UPLOAD_DIR or inside it, where evidence files are kept');
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const dataDir = path.resolve(projectRoot, values.DATA_DIR);
  const port = values.PORT;
  return {
    env: values.NODE_ENV,
    isProduction,
    port,
    host: values.HOST,
    baseUrl: (values.BASE_URL ?? `http://localhost:${port}`).replace(/\/+$/, ''),
    databaseUrl: values.DATABASE_URL,
    namedStatements: values.DATABASE_NAMED_STATEMENTS === 'on',
    dataDir,
    uploadDir,
    storageUrl: values.STORAGE_URL?.url,
    storageBucket: values.STORAGE_URL && {
      bucket: values.STORAGE_URL.bucket,
      prefix: values.STORAGE_URL.prefix,
      endpoint: values.STORAGE_URL.endpoint,
      region: region ?? 'us-east-1',
      forcePathStyle: values.STORAGE_URL.forcePathStyle,
    },
    smtpUrl: values.SMTP_URL,
    mailFrom: values.MAIL_FROM,
    sessionSecret: values.SESSION_SECRET ?? developmentSessionSecret(dataDir),
    trustProxy: parseTrustProxy(values.TRUST_PROXY),
    logLevel: values.LOG_LEVEL,
    metricsToken: values.METRICS_TOKEN,
    backup:
      backupDir === undefined
        ? undefined
        : {
            dir: backupDir,
            everyMs: values.BACKUP_EVERY ?? DEFAULT_BACKUP_EVERY_MS,
            keep: values.BACKUP_KEEP ?? DEFAULT_BACKUP_KEEP,
          },
  };
}
