import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../server/config.js';
import { projectRoot } from '../../server/paths.js';

const SECRET = 'a-session-secret-of-at-least-thirty-two-characters';

/** The problems a ConfigError lists for `env`; fails the test if loadConfig accepts it. */
function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    const configError = error as ConfigError;
    expect(configError.message).to.match(/^Laurel cannot start: the configuration has problems:\n {2}- /);
    return configError.problems;
  }
  expect.fail(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'laurel-config-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  // SESSION_SECRET is given so that development does not write a secret into the project's data/.
  it('uses the documented defaults when nothing else is set', () => {
    const config = loadConfig({ SESSION_SECRET: SECRET });
    expect(config).to.deep.equal({
      env: 'development',
      isProduction: false,
      port: 3000,
      host: '0.0.0.0',
      baseUrl: 'http://localhost:3000',
      databaseUrl: undefined,
      namedStatements: true,
      dataDir: path.join(projectRoot, 'data'),
      uploadDir: path.join(projectRoot, 'uploads'),
      storageUrl: undefined,
      storageBucket: undefined,
      smtpUrl: undefined,
      mailFrom: 'Laurel <no-reply@localhost>',
      sessionSecret: SECRET,
      trustProxy: false,
      logLevel: 'info',
      metricsToken: undefined,
      backup: undefined,
    });
  });

  it('derives the base URL from PORT, treats empty values as unset and reads the other settings', () => {
    const config = loadConfig({
      SESSION_SECRET: SECRET,
      PORT: '8081',
      DATABASE_URL: '',
      SMTP_URL: 'smtps://mailer:p%40ss@mail.example.org:465',
      DATA_DIR: dataDir,
      TRUST_PROXY: '1',
      LOG_LEVEL: 'warn',
    });
    expect(config.port).to.equal(8081);
    expect(config.baseUrl).to.equal('http://localhost:8081');
    expect(config.databaseUrl).to.equal(undefined);
    expect(config.smtpUrl).to.equal('smtps://mailer:p%40ss@mail.example.org:465');
    expect(config.dataDir).to.equal(dataDir);
    expect(config.trustProxy).to.equal(1);
    expect(config.logLevel).to.equal('warn');

    expect(loadConfig({ SESSION_SECRET: SECRET, PORT: '' }).port).to.equal(3000);
    expect(loadConfig({ SESSION_SECRET: SECRET, BASE_URL: 'https://awards.example.org///' }).baseUrl).to.equal(
      'https://awards.example.org',
    );
    expect(loadConfig({ SESSION_SECRET: SECRET, DATABASE_URL: 'postgres://laurel@db/laurel' }).databaseUrl).to.equal(
      'postgres://laurel@db/laurel',
    );
    expect(loadConfig({ SESSION_SECRET: SECRET, TRUST_PROXY: 'loopback' }).trustProxy).to.equal('loopback');
  });

  it('refuses a PORT that is not a port number', () => {
    for (const port of ['abc', '70000', '-1', '3.5', ' ']) {
      expect(problemsOf({ SESSION_SECRET: SECRET, PORT: port }), `PORT=${JSON.stringify(port)}`).to.deep.equal([
        'PORT: must be a whole number from 0 to 65535',
      ]);
    }
  });

  it('refuses a DATABASE_URL that is not a PostgreSQL address', () => {
    expect(loadConfig({ SESSION_SECRET: SECRET, DATABASE_NAMED_STATEMENTS: 'off' }).namedStatements).to.equal(false);
    expect(problemsOf({ SESSION_SECRET: SECRET, DATABASE_NAMED_STATEMENTS: 'maybe' })).to.have.length(1);
    expect(problemsOf({ SESSION_SECRET: SECRET, DATABASE_URL: 'mysql://laurel@db/laurel' })).to.deep.equal([
      'DATABASE_URL: must start with postgres:// or postgresql://',
    ]);
  });

  it('refuses an SMTP_URL that is not smtp:// or smtps://', () => {
    expect(problemsOf({ SESSION_SECRET: SECRET, SMTP_URL: 'https://mail.example.org' })).to.deep.equal([
      'SMTP_URL: must start with smtp:// or smtps://',
    ]);
  });

  it('refuses a short SESSION_SECRET and a BASE_URL that is not http(s)', () => {
    expect(problemsOf({ SESSION_SECRET: 'too-short' })).to.deep.equal([
      'SESSION_SECRET: must be at least 32 characters long',
    ]);
    expect(problemsOf({ SESSION_SECRET: SECRET, BASE_URL: 'ftp://awards.example.org' })).to.deep.equal([
      'BASE_URL: must be an http:// or https:// address',
    ]);
  });

  it('reads a bucket from STORAGE_URL: its prefix, endpoint, region and addressing style', () => {
    const local = 's3://laurel-evidence/schools/2027?endpoint=http://127.0.0.1:4569/&region=eu-west-3&path_style=true';
    expect(loadConfig({ SESSION_SECRET: SECRET, STORAGE_URL: local })).to.deep.include({
      storageUrl: local,
      storageBucket: {
        bucket: 'laurel-evidence',
        prefix: 'schools/2027/',
        endpoint: 'http://127.0.0.1:4569',
        region: 'eu-west-3',
        forcePathStyle: true,
      },
    });
    expect(loadConfig({ SESSION_SECRET: SECRET, STORAGE_URL: 's3://laurel.evidence' }).storageBucket).to.deep.equal({
      bucket: 'laurel.evidence',
      prefix: '',
      endpoint: undefined,
      region: 'us-east-1',
      forcePathStyle: false,
    });
    const aws = loadConfig({
      SESSION_SECRET: SECRET,
      STORAGE_URL: 's3://laurel-evidence/',
      AWS_REGION: 'ca-central-1',
    });
    expect(aws.storageBucket).to.deep.include({ prefix: '', region: 'ca-central-1' });
    // AWS_REGION belongs to the SDK: it is checked only when a bucket needs it.
    expect(loadConfig({ SESSION_SECRET: SECRET, AWS_REGION: 'Somewhere Else' }).storageBucket).to.equal(undefined);
    expect(
      problemsOf({ SESSION_SECRET: SECRET, STORAGE_URL: 's3://laurel-evidence', AWS_REGION: 'x y' }),
    ).to.deep.equal(['AWS_REGION: must be a region name such as us-east-1 (or give region= in STORAGE_URL)']);
  });

  it('refuses a STORAGE_URL that is not a bucket address, or that holds keys, without repeating it', () => {
    const refusals: Array<[string, string]> = [
      ['https://laurel-evidence.s3.amazonaws.com', 'must look like s3://bucket-name or s3://bucket-name/prefix'],
      ['s3://Laurel_Evidence', 'must look like s3://bucket-name or s3://bucket-name/prefix'],
      ['s3://ab', 'must look like s3://bucket-name or s3://bucket-name/prefix'],
      [
        's3://AKIAEXAMPLE:wJalrXUtnFEMIexample@laurel-evidence',
        'must not hold credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY instead',
      ],
      [
        's3://laurel-evidence?secret_key=wJalrXUtnFEMIexample',
        'unknown setting “secret_key” (known: endpoint, region, path_style)',
      ],
      [
        's3://laurel-evidence/a/../b',
        'the prefix after the bucket name may hold only letters, digits, . _ - and single slashes',
      ],
      [
        's3://laurel-evidence//a',
        'the prefix after the bucket name may hold only letters, digits, . _ - and single slashes',
      ],
      [
        's3://laurel-evidence/a%2Fb',
        'the prefix after the bucket name may hold only letters, digits, . _ - and single slashes',
      ],
      [
        's3://laurel-evidence?endpoint=http://key:wJalrXUtnFEMIexample@minio:9000',
        'endpoint= must be an http:// or https:// address without credentials or query',
      ],
      [
        's3://laurel-evidence?endpoint=ftp://minio',
        'endpoint= must be an http:// or https:// address without credentials or query',
      ],
      ['s3://laurel-evidence?region=US%20East', 'region= must be a region name such as us-east-1'],
      ['s3://laurel-evidence?path_style=yes', 'path_style= must be true or false'],
      ['s3://laurel-evidence#x', 'must not have a #fragment'],
    ];
    for (const [url, message] of refusals) {
      const problems = problemsOf({ SESSION_SECRET: SECRET, STORAGE_URL: url });
      expect(problems, url).to.deep.equal([`STORAGE_URL: ${message}`]);
      expect(problems.join(), url).not.to.contain('wJalrXUtnFEMIexample');
    }
  });

  it('reads scheduled backups: BACKUP_DIR like DATA_DIR, BACKUP_EVERY in minutes, hours or days, BACKUP_KEEP', () => {
    const HOUR = 60 * 60 * 1000;
    expect(loadConfig({ SESSION_SECRET: SECRET, BACKUP_DIR: 'backups' }).backup).to.deep.equal({
      dir: path.join(projectRoot, 'backups'),
      everyMs: 24 * HOUR,
      keep: 7,
    });
    const config = loadConfig({
      SESSION_SECRET: SECRET,
      BACKUP_DIR: '/var/backups/laurel',
      BACKUP_EVERY: '6h',
      BACKUP_KEEP: '30',
    });
    expect(config.backup).to.deep.equal({ dir: '/var/backups/laurel', everyMs: 6 * HOUR, keep: 30 });
    for (const [every, ms] of [
      ['5m', 5 * 60 * 1000],
      ['90m', 90 * 60 * 1000],
      ['2d', 48 * HOUR],
    ] as const) {
      expect(loadConfig({ SESSION_SECRET: SECRET, BACKUP_DIR: '/b', BACKUP_EVERY: every }).backup?.everyMs).to.equal(
        ms,
      );
    }
    // Empty values, as a compose file passes unset ones, are unset.
    expect(loadConfig({ SESSION_SECRET: SECRET, BACKUP_DIR: '', BACKUP_EVERY: '', BACKUP_KEEP: '' }).backup).to.equal(
      undefined,
    );
  });

  it('refuses a BACKUP_EVERY or BACKUP_KEEP it cannot read, and either without BACKUP_DIR', () => {
    const env = { SESSION_SECRET: SECRET, BACKUP_DIR: '/var/backups/laurel' };
    for (const every of ['6', 'six hours', '1w', '1.5h', '-1h', 'h']) {
      expect(problemsOf({ ...env, BACKUP_EVERY: every }), every).to.deep.equal([
        'BACKUP_EVERY: must be a number of minutes, hours or days, such as 30m, 6h or 1d',
      ]);
    }
    for (const every of ['4m', '0d']) {
      expect(problemsOf({ ...env, BACKUP_EVERY: every }), every).to.deep.equal([
        'BACKUP_EVERY: must be at least 5 minutes (5m)',
      ]);
    }
    for (const keep of ['0', 'all', '2.5', '-3']) {
      expect(problemsOf({ ...env, BACKUP_KEEP: keep }), keep).to.deep.equal([
        'BACKUP_KEEP: must be a whole number of backups to keep, 1 or more',
      ]);
    }
    expect(problemsOf({ SESSION_SECRET: SECRET, BACKUP_EVERY: '6h', BACKUP_KEEP: '3' })).to.deep.equal([
      'BACKUP_EVERY: scheduled backups are off without BACKUP_DIR; set BACKUP_DIR to the folder for them',
      'BACKUP_KEEP: scheduled backups are off without BACKUP_DIR; set BACKUP_DIR to the folder for them',
    ]);
    for (const dir of ['uploads', 'uploads/backups']) {
      expect(problemsOf({ SESSION_SECRET: SECRET, BACKUP_DIR: dir }), dir).to.deep.equal([
        'BACKUP_DIR: must not be UPLOAD_DIR or inside it, where evidence files are kept',
      ]);
    }
  });

  it('lists every bad variable at once', () => {
    const problems = problemsOf({ PORT: 'x', DATABASE_URL: 'mysql://db', SMTP_URL: 'mail.example.org' });
    expect(problems.map((problem) => problem.split(':')[0])).to.have.members(['PORT', 'DATABASE_URL', 'SMTP_URL']);
  });

  it('requires SESSION_SECRET and BASE_URL in production, and writes no secret file', () => {
    const env = { NODE_ENV: 'production', DATA_DIR: dataDir };
    expect(problemsOf(env)).to.deep.equal([
      'SESSION_SECRET: required when NODE_ENV=production (at least 32 random characters)',
      'BASE_URL: required when NODE_ENV=production (the address people use, for e-mailed links)',
    ]);
    expect(problemsOf({ ...env, BASE_URL: 'https://awards.example.org' })).to.deep.equal([
      'SESSION_SECRET: required when NODE_ENV=production (at least 32 random characters)',
    ]);
    expect(problemsOf({ ...env, SESSION_SECRET: SECRET })).to.deep.equal([
      'BASE_URL: required when NODE_ENV=production (the address people use, for e-mailed links)',
    ]);
    expect(existsSync(path.join(dataDir, 'session-secret'))).to.equal(false);

    const config = loadConfig({ ...env, SESSION_SECRET: SECRET, BASE_URL: 'https://awards.example.org/' });
    expect(config.isProduction).to.equal(true);
    expect(config.baseUrl).to.equal('https://awards.example.org');
    expect(config.sessionSecret).to.equal(SECRET);
    expect(existsSync(path.join(dataDir, 'session-secret'))).to.equal(false);
  });

  it('generates a development session secret once in DATA_DIR and reuses it', () => {
    const nested = path.join(dataDir, 'not', 'yet', 'there');
    const first = loadConfig({ DATA_DIR: nested });
    const file = path.join(nested, 'session-secret');
    expect(first.sessionSecret).to.match(/^[A-Za-z0-9_-]{64}$/);
    expect(readFileSync(file, 'utf8')).to.equal(`${first.sessionSecret}\n`);
    expect(statSync(file).mode & 0o777).to.equal(0o600);

    const second = loadConfig({ DATA_DIR: nested, PORT: '4000' });
    expect(second.sessionSecret).to.equal(first.sessionSecret);
    expect(loadConfig({ DATA_DIR: dataDir }).sessionSecret).not.to.equal(first.sessionSecret);
  });

  it('replaces a development secret file that is too short, and prefers SESSION_SECRET over the file', () => {
    const file = path.join(dataDir, 'session-secret');
    writeFileSync(file, 'short\n');
    const config = loadConfig({ DATA_DIR: dataDir });
    expect(config.sessionSecret).to.have.length(64);
    expect(readFileSync(file, 'utf8')).to.equal(`${config.sessionSecret}\n`);

    expect(loadConfig({ DATA_DIR: dataDir, SESSION_SECRET: SECRET }).sessionSecret).to.equal(SECRET);
    expect(readFileSync(file, 'utf8')).to.equal(`${config.sessionSecret}\n`);
  });
});
