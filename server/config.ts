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
  // Unset: evidence in UPLOAD_DIR. s3://bucket[/prefix]?endpoint=…&region=…: an S3-compatible
  // bucket (server/storage/open-store.ts); the keys come from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY.
  STORAGE_URL: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(
        /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/|\?|$)/,
        'must look like s3://bucket-name or s3://bucket-name/prefix',
      )
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
  smtpUrl: string | undefined;
  mailFrom: string;
  sessionSecret: string;
  /** Express's `trust proxy` setting: false, a hop count, or a list of addresses. */
  trustProxy: boolean | number | string;
  logLevel: string;
  /** Bearer token for /metrics; unset: no metrics. */
  metricsToken?: string;
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
    uploadDir: path.resolve(projectRoot, values.UPLOAD_DIR),
    storageUrl: values.STORAGE_URL,
    smtpUrl: values.SMTP_URL,
    mailFrom: values.MAIL_FROM,
    sessionSecret: values.SESSION_SECRET ?? developmentSessionSecret(dataDir),
    trustProxy: parseTrustProxy(values.TRUST_PROXY),
    logLevel: values.LOG_LEVEL,
    metricsToken: values.METRICS_TOKEN,
  };
}
