// nginx from the system's packages, run by a test as a child process: docs/deploy/nginx.conf,
// changed only where a test must be (see testChanges), inside a main configuration that stands in
// for Debian's /etc/nginx/nginx.conf with everything in a temp folder. A certificate for
// 127.0.0.1 is made with openssl, so the proxy ends TLS as it does in production.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import { projectRoot } from '../../server/paths.js';

export const NGINX_CONF = path.join(projectRoot, 'docs', 'deploy', 'nginx.conf');

// Debian installs nginx in /usr/sbin, which is not on every user's PATH.
const SEARCH_PATH = [process.env.PATH ?? '', '/usr/sbin', '/sbin'].join(':');

/** The program's path if `name` is installed and runs; undefined if not. */
export function installed(name: 'nginx' | 'openssl'): string | undefined {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { env: { ...process.env, PATH: SEARCH_PATH } });
  const binary = found.stdout?.toString().trim();
  if (found.status !== 0 || !binary) return undefined;
  return spawnSync(binary, [name === 'nginx' ? '-v' : 'version']).status === 0 ? binary : undefined;
}

export interface Certificate {
  certificate: string;
  key: string;
  /** The certificate's PEM text, for clients to trust. */
  pem: string;
}

/** A self-signed certificate for 127.0.0.1, valid for a day. */
export function makeCertificate(dir: string): Certificate {
  const certificate = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  const made = spawnSync(installed('openssl') ?? 'openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=127.0.0.1',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
    '-keyout',
    key,
    '-out',
    certificate,
  ]);
  if (made.status !== 0) throw new Error(`openssl could not make a certificate:\n${made.stderr?.toString()}`);
  return { certificate, key, pem: readFileSync(certificate, 'utf8') };
}

export interface ProxySettings {
  /** The two instances' ports on 127.0.0.1, in the order of the file's upstream servers. */
  instancePorts: [number, number];
  httpsPort: number;
  httpPort: number;
  tls: Certificate;
  accessLog: string;
}

/** Every difference between the production file and the one the test runs. */
function testChanges(settings: ProxySettings): Array<[RegExp, string]> {
  const [first, second] = settings.instancePorts;
  return [
    [/server 10\.0\.0\.11:3000 /, `server 127.0.0.1:${first} `],
    [/server 10\.0\.0\.12:3000 /, `server 127.0.0.1:${second} `],
    // Loopback only, on ports the test chose; no IPv6 (a container may have none).
    [/listen 80;/, `listen 127.0.0.1:${settings.httpPort};`],
    [/^ *listen \[::\]:80;\n/m, ''],
    [/listen 443 ssl http2;/, `listen 127.0.0.1:${settings.httpsPort} ssl http2;`],
    [/^ *listen \[::\]:443 ssl http2;\n/m, ''],
    [/\/etc\/letsencrypt\/live\/awards\.example\.org\/fullchain\.pem/, settings.tls.certificate],
    [/\/etc\/letsencrypt\/live\/awards\.example\.org\/privkey\.pem/, settings.tls.key],
    [/\/var\/log\/nginx\/laurel\.access\.log/, settings.accessLog],
  ];
}

/** docs/deploy/nginx.conf as the test runs it; fails if a change no longer finds its line. */
export function renderSiteConfig(settings: ProxySettings, text = readFileSync(NGINX_CONF, 'utf8')): string {
  let rendered = text;
  for (const [pattern, replacement] of testChanges(settings)) {
    const found = rendered.match(new RegExp(pattern.source, `${pattern.flags}g`))?.length ?? 0;
    if (found !== 1) throw new Error(`${NGINX_CONF}: expected ${pattern} once, found it ${found} times`);
    rendered = rendered.replace(pattern, replacement);
  }
  return rendered;
}

export interface Nginx {
  child: ChildProcess;
  prefix: string;
  errorLog: string;
  accessLog: string;
  /** The end of both logs, for a failure message. */
  describe(): string;
  stop(): Promise<void>;
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

const tail = (file: string) => {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-40).join('\n');
  } catch {
    return '(none)';
  }
};

/**
 * Starts nginx in the foreground (daemon off) on `prefix`, a temp folder that gets the
 * configuration, the pid file, the logs and nginx's temp folders, and waits until it listens.
 */
export async function startNginx(prefix: string, settings: Omit<ProxySettings, 'accessLog'>): Promise<Nginx> {
  const accessLog = path.join(prefix, 'access.log');
  const errorLog = path.join(prefix, 'error.log');
  const site = path.join(prefix, 'laurel.conf');
  const main = path.join(prefix, 'nginx.conf');
  writeFileSync(site, renderSiteConfig({ ...settings, accessLog }));
  writeFileSync(
    main,
    [
      'worker_processes 1;',
      `pid ${path.join(prefix, 'nginx.pid')};`,
      `error_log ${errorLog} notice;`,
      'events { worker_connections 1024; }',
      'http {',
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(
        (kind) => `    ${kind}_temp_path ${path.join(prefix, `${kind}_temp`)};`,
      ),
      `    include ${site};`,
      '}',
      '',
    ].join('\n'),
  );
  // Run as root, nginx's workers become nobody, who must reach the temp folders nginx makes here.
  chmodSync(prefix, 0o755);
  const child = spawn(
    installed('nginx') ?? 'nginx',
    ['-p', `${prefix}/`, '-c', main, '-e', errorLog, '-g', 'daemon off;'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const describe = () =>
    `\n--- nginx output ---\n${output}\n--- ${errorLog} ---\n${tail(errorLog)}\n--- ${accessLog} ---\n${tail(accessLog)}`;
  const nginx: Nginx = {
    child,
    prefix,
    errorLog,
    accessLog,
    describe,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await closed;
      clearTimeout(timer);
    },
  };
  const deadline = Date.now() + 15_000;
  while (!(await portAnswers(settings.httpsPort))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await nginx.stop();
      throw new Error(`nginx did not start listening on ${settings.httpsPort}${describe()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return nginx;
}
