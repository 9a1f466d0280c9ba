// npm run db:move -- --to postgres://user:password@host/database
// Moves the embedded database (DATA_DIR/pglite) into an empty PostgreSQL database, checks the
// copy table by table, and says what to set next. Run with the portal stopped: the embedded
// database belongs to one process. Nothing in DATA_DIR is changed, and the evidence files stay
// where they are. The password in --to is never printed: every message shows it as ***.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { ConfigError, loadConfig, type Config } from '../config.js';
import { openDatabase, postgresHandle, type DatabaseHandle } from '../db/client.js';
import { DataDirLockedError } from '../db/lock.js';
import { moveDatabase, MoveProblem, type MoveReport } from '../operations/move.js';
import type { MigrationLevel } from '../db/migration-state.js';
import { TargetNotEmpty } from '../operations/restore.js';

const USAGE = 'Usage: npm run db:move -- --to postgres://USER:PASSWORD@HOST[:PORT]/DATABASE';
const CONNECT_TIMEOUT_MS = 10_000;

/** A refusal or failure to report as it is, with exit code 1. */
class Stop extends Error {}

interface Target {
  url: string;
  /** The address as it may be shown: the password as ***. */
  shown: string;
  host: string;
  user: string;
  database: string;
  /** What must never appear in output: the password, as given and decoded. */
  secrets: string[];
}

/** Reads --to, or returns what is wrong with it (a usage problem, exit code 2). */
function parseTarget(value: string): Target | string {
  if (!/^postgres(ql)?:\/\//.test(value)) return '--to must be a PostgreSQL address starting with postgres://';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return '--to is not a valid address; it looks like postgres://USER:PASSWORD@HOST/DATABASE';
  }
  const secrets = [url.password, safeDecode(url.password), url.searchParams.get('password') ?? ''].filter(Boolean);
  const database = safeDecode(url.pathname.replace(/^\//, ''));
  if (!url.hostname) return '--to must name the server: postgres://USER:PASSWORD@HOST/DATABASE';
  if (!database || database.includes('/')) return '--to must name one database: postgres://USER:PASSWORD@HOST/DATABASE';
  const shown = new URL(value);
  if (shown.password) shown.password = '***';
  if (shown.searchParams.has('password')) shown.searchParams.set('password', '***');
  return {
    url: value,
    shown: shown.toString(),
    host: url.port ? `${url.hostname}:${url.port}` : url.hostname,
    user: safeDecode(url.username) || 'the default user',
    database,
    secrets: [...new Set(secrets)].sort((a, b) => b.length - a.length),
  };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** A message from elsewhere (the driver, the server) with the password taken out. */
function redact(text: string, target: Target): string {
  return target.secrets.reduce((out, secret) => out.replaceAll(secret, '***'), text);
}

/** Connects once and checks the user may create what the migrations create, or says why not. */
async function checkTarget(target: Target): Promise<void> {
  const client = new pg.Client({ connectionString: target.url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  // A server that drops the connection later must not end this process with an unhandled event.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (error) {
    throw new Stop(connectionProblem(error, target));
  }
  try {
    const { rows } = await client.query<{ schema: boolean; database: boolean }>(
      `select has_schema_privilege('public', 'CREATE') as schema,
              has_database_privilege(current_database(), 'CREATE') as database`,
    );
    if (!rows[0]?.schema || !rows[0]?.database) {
      throw new Stop(
        `${target.user} may not create tables in the database ${target.database} on ${target.host}. ` +
          `Make it the database's owner (ALTER DATABASE ${target.database} OWNER TO ${target.user};), ` +
          'or create the database with that owner, then run the move again.',
      );
    }
  } finally {
    await client.end().catch(() => {});
  }
}

function connectionProblem(error: unknown, target: Target): string {
  const { code, message } = error as { code?: string; message?: string };
  const where = `Could not connect to ${target.shown}`;
  switch (code) {
    case 'ECONNREFUSED':
      return `${where}: the connection was refused. Is PostgreSQL running on ${target.host}, and is the port right?`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `${where}: the host name ${target.host} is not known.`;
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `${where}: ${target.host} cannot be reached from here.`;
    case '28P01':
      return `${where}: the server refused the password of ${target.user}. Check the user name and password in --to.`;
    case '28000':
      return `${where}: the server does not let ${target.user} in (${redact(message ?? '', target)}); see its pg_hba.conf.`;
    case '3D000':
      return (
        `${where}: the database ${target.database} does not exist. Create it first, owned by ${target.user} ` +
        `(CREATE DATABASE ${target.database} OWNER ${target.user};), then run the move again.`
      );
    default:
      if (/timeout/i.test(message ?? '')) return `${where}: no answer within ${CONNECT_TIMEOUT_MS / 1000} s.`;
      return `${where}: ${redact(message ?? String(error), target)}`;
  }
}

function printTable({ name, rows }: { name: string; rows: number }): void {
  console.log(`  ${name.padEnd(32)} ${String(rows).padStart(9)} row${rows === 1 ? '' : 's'}`);
}

function passwordHint(target: Target): string {
  return target.secrets.length > 0
    ? '(with the real password in place of ***)'
    : '(the password as this move found it: in PGPASSWORD or ~/.pgpass)';
}

function printNext(config: Config, target: Target, report: MoveReport): void {
  const pglite = path.join(config.dataDir, 'pglite');
  const evidence = config.storageUrl
    ? 'Keep STORAGE_URL (and the bucket’s keys) as they are: the evidence files stay in the bucket, and the moved rows name them.'
    : `Keep UPLOAD_DIR=${config.uploadDir} as it is: the evidence files stay there, and the moved rows name them.`;
  const secret = process.env.SESSION_SECRET
    ? 'Keep SESSION_SECRET as it is, so everyone stays signed in.'
    : `SESSION_SECRET is not set: the portal keeps reading ${path.join(config.dataDir, 'session-secret')}, ` +
      'so keep DATA_DIR as it is (or set SESSION_SECRET to that file’s content), and everyone stays signed in.';
  console.log(
    [
      `Moved ${report.rows} rows in ${report.tables.length} tables in ${report.seconds.toFixed(1)} s: every table's ` +
        'rows and checksum read back equal to the embedded database, and the migrations are up to date.',
      '',
      'Next:',
      `  1. Set DATABASE_URL=${target.shown} ${passwordHint(target)} where the portal reads its settings.`,
      `  2. ${evidence}`,
      `  3. ${secret}`,
      '  4. Start the portal again (npm start).',
      '',
      `The embedded database in ${pglite} is left untouched, as a fallback.`,
      'Delete that folder once you are satisfied with the portal on PostgreSQL.',
    ].join('\n'),
  );
}

async function main(argv: string[]): Promise<number> {
  let to: string | undefined;
  try {
    ({ to } = parseArgs({ args: argv, options: { to: { type: 'string' } } }).values);
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const target = to === undefined ? USAGE : parseTarget(to);
  if (typeof target === 'string') {
    console.error(target === USAGE ? USAGE : `${target}\n${USAGE}`);
    return 2;
  }

  const config = loadConfig();
  if (config.databaseUrl) {
    throw new Stop(
      'DATABASE_URL is set: this portal already runs on PostgreSQL, so there is no embedded database to move. ' +
        'To move the one in DATA_DIR anyway, run this command with DATABASE_URL unset.',
    );
  }
  const pglite = path.join(config.dataDir, 'pglite');
  if (!existsSync(pglite)) {
    throw new Stop(`There is no embedded database in ${pglite} to move. Is DATA_DIR (${config.dataDir}) the portal's?`);
  }
  // The target first: a wrong address is said without taking the embedded database's lock.
  await checkTarget(target);
  const source = await openDatabase({ databaseUrl: undefined, dataDir: config.dataDir });
  let destination: DatabaseHandle | undefined;
  try {
    destination = postgresHandle(target.url, 2);
    console.log(`Moving the embedded database in ${pglite} to ${target.shown}.`);
    const onStart = ({ count }: MigrationLevel) =>
      console.log(
        `The target is empty. Copying every table at the source's level (${count} migrations), in one transaction:`,
      );
    const report = await moveDatabase(source, destination, { onStart, onTable: printTable }).catch((error: unknown) => {
      if (error instanceof TargetNotEmpty || error instanceof MoveProblem) throw new Stop(error.message);
      throw new Stop(
        `The move failed: ${redact(error instanceof Error ? error.message : String(error), target)}. ` +
          `The embedded database is unchanged; run the move again, into a new, empty database if ${target.database} now holds rows.`,
      );
    });
    console.log('');
    printNext(config, target, report);
    return 0;
  } finally {
    await destination?.close();
    await source.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof Stop || error instanceof ConfigError || error instanceof DataDirLockedError) {
      console.error(error.message);
    } else {
      console.error('The move failed:', error instanceof Error ? error.message : error);
    }
    process.exit(1);
  },
);
