// Hostile multipart bodies, sent over a raw socket so that they can be cut off, dropped mid-way
// or malformed in ways no HTTP client library would send. Used against every upload route, in
// process (test/http/site/multipart-attacks.test.ts) and against the real server (test/cli/faults.test.ts).
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import net from 'node:net';
import supertest from 'supertest';
import { readable } from './forms.js';
import { fillParams, type UploadRoute } from './upload-routes.js';

export interface AttackTarget {
  port: number;
  /** Path and query, with the CSRF token the upload forms carry in their action. */
  path: string;
  cookie: string;
  fieldName: string;
}

export interface Answer {
  /** Undefined when the connection ended with no answer (the sender dropped it). */
  status?: number;
  body: string;
}

export interface Attack {
  name: string;
  /** False when the sender drops the connection, so no answer can reach it. */
  answerable: boolean;
  send(target: AttackTarget): Promise<Answer>;
}

const ANSWER_TIMEOUT_MS = 10_000;

export function head(
  target: Omit<AttackTarget, 'fieldName'>,
  contentType: string | undefined,
  contentLength: number,
  extra = '',
): string {
  return (
    `POST ${target.path} HTTP/1.1\r\nHost: 127.0.0.1:${target.port}\r\nCookie: ${target.cookie}\r\nConnection: close\r\n` +
    (contentType === undefined ? '' : `Content-Type: ${contentType}\r\n`) +
    `Content-Length: ${contentLength}\r\n${extra}\r\n`
  );
}

const fieldPart = (boundary: string, name: string, value: string) =>
  `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
const fileHeader = (boundary: string, field: string, filename = 'evidence.pdf') =>
  `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: application/pdf\r\n\r\n`;

export type Ending = { kind: 'wait' } | { kind: 'half-close'; afterMs: number } | { kind: 'destroy'; afterMs: number };

/** A pause between two chunks, so the server is reading the body when the next one comes. */
export type Chunk = Buffer | { pauseMs: number };

/**
 * Writes `chunks` one after the other, then ends as told; resolves with what came back.
 * `onSent` runs once every byte has left, for tests that act on the server then.
 */
export function sendRaw(
  port: number,
  chunks: Chunk[],
  ending: Ending = { kind: 'wait' },
  onSent?: () => void,
): Promise<Answer> {
  return new Promise((resolve) => {
    const received: Buffer[] = [];
    const socket = net.connect(port, '127.0.0.1');
    const timer = setTimeout(() => socket.destroy(), ANSWER_TIMEOUT_MS);
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(received).toString('utf8');
      const status = /^HTTP\/1\.1 (\d{3})/.exec(text)?.[1];
      resolve({ status: status ? Number(status) : undefined, body: text.slice(text.indexOf('\r\n\r\n') + 4) });
    });
    socket.once('connect', () => {
      const writeNext = (index: number) => {
        const chunk = chunks[index];
        if (chunk && 'pauseMs' in chunk) return void setTimeout(() => writeNext(index + 1), chunk.pauseMs);
        if (chunk) return void socket.write(chunk, () => writeNext(index + 1));
        onSent?.();
        // Only once the bytes have left: a socket destroyed at once would never send them.
        if (ending.kind === 'half-close') setTimeout(() => socket.end(), ending.afterMs);
        if (ending.kind === 'destroy') setTimeout(() => socket.destroy(), ending.afterMs);
      };
      writeNext(0);
    });
  });
}

function attack(
  name: string,
  answerable: boolean,
  build: (target: AttackTarget, boundary: string) => { chunks: Array<string | Chunk>; ending: Ending },
): Attack {
  return {
    name,
    answerable,
    send: (target) => {
      const boundary = `----LaurelAttack${randomBytes(8).toString('hex')}`;
      const { chunks, ending } = build(target, boundary);
      return sendRaw(
        target.port,
        chunks.map((c) => (typeof c === 'string' ? Buffer.from(c, 'latin1') : c)),
        ending,
      );
    },
  };
}

const multipartType = (boundary: string) => `multipart/form-data; boundary=${boundary}`;

/**
 * A text field, then (after a pause that lets the server start reading the body) a file part with
 * `fileBytes` bytes, in a body that claims `extraClaimed` bytes more; then the connection ends as told.
 */
function cutOff(name: string, ending: Ending, fileBytes: number, extraClaimed: number): Attack {
  return attack(name, ending.kind === 'wait', (target, boundary) => {
    const field = Buffer.from(fieldPart(boundary, 'answer', 'Our reading garden'));
    const file = Buffer.concat([Buffer.from(fileHeader(boundary, target.fieldName)), Buffer.alloc(fileBytes, 0x25)]);
    const length = field.length + file.length + extraClaimed;
    return { chunks: [head(target, multipartType(boundary), length), field, { pauseMs: 50 }, file], ending };
  });
}

/** A whole, well-framed body whose parts are wrong. */
function framed(name: string, parts: (boundary: string, target: AttackTarget) => string): Attack {
  return attack(name, true, (target, boundary) => {
    const body = parts(boundary, target) + `--${boundary}--\r\n`;
    return {
      chunks: [head(target, multipartType(boundary), Buffer.byteLength(body, 'latin1')), body],
      ending: { kind: 'wait' },
    };
  });
}

export const MULTIPART_ATTACKS: Attack[] = [
  cutOff('a body that stops before the closing boundary', { kind: 'wait' }, 64 * 1024, 0),
  cutOff('an empty file part that stops before the closing boundary', { kind: 'wait' }, 0, 0),
  cutOff('a sender that closes its side mid-file', { kind: 'half-close', afterMs: 5 }, 64 * 1024, 100_000),
  cutOff('a connection dropped mid-file', { kind: 'destroy', afterMs: 20 }, 256 * 1024, 100_000),
  // The window of the crash this suite was written for: the part's header has arrived, its
  // temp file is being opened, and the request is already gone.
  ...[0, 1, 3, 10].map((ms) =>
    cutOff(`a connection dropped ${ms} ms after a file part's header`, { kind: 'destroy', afterMs: ms }, 0, 100_000),
  ),
  ...[0, 2].map((ms) =>
    cutOff(`a connection dropped ${ms} ms into a file's first bytes`, { kind: 'destroy', afterMs: ms }, 10, 100_000),
  ),
  // The request that ended the process: one write, ending just after a file part's header.
  attack("a body that ends right after a file part's header", true, (target, boundary) => {
    const body = fileHeader(boundary, target.fieldName);
    return { chunks: [head(target, multipartType(boundary), body.length) + body], ending: { kind: 'wait' } };
  }),
  attack('random bytes with a multipart content type', true, (target, boundary) => {
    const body = randomBytes(64 * 1024);
    return { chunks: [head(target, multipartType(boundary), body.length), body], ending: { kind: 'wait' } };
  }),
  attack('random bytes after a valid file part header', true, (target, boundary) => {
    const body = Buffer.concat([Buffer.from(fileHeader(boundary, target.fieldName)), randomBytes(32 * 1024)]);
    return { chunks: [head(target, multipartType(boundary), body.length), body], ending: { kind: 'wait' } };
  }),
  attack('a multipart content type without a boundary', true, (target, boundary) => {
    const body = fieldPart(boundary, 'answer', 'x') + `--${boundary}--\r\n`;
    return { chunks: [head(target, 'multipart/form-data', body.length), body], ending: { kind: 'wait' } };
  }),
  attack('an empty boundary', true, (target, boundary) => {
    const body = fieldPart(boundary, 'answer', 'x') + `--${boundary}--\r\n`;
    return { chunks: [head(target, 'multipart/form-data; boundary=', body.length), body], ending: { kind: 'wait' } };
  }),
  attack('a boundary the body never uses', true, (target, boundary) => {
    const body =
      fieldPart(boundary, 'answer', 'x') + fileHeader(boundary, target.fieldName) + 'data\r\n' + `--${boundary}--\r\n`;
    return { chunks: [head(target, multipartType(`${boundary}-other`), body.length), body], ending: { kind: 'wait' } };
  }),
  attack('an empty body', true, (target, boundary) => ({
    chunks: [head(target, multipartType(boundary), 0)],
    ending: { kind: 'wait' },
  })),
  framed(
    'a part header line of 100 KB',
    (boundary, target) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="${target.fieldName}"; filename="${'a'.repeat(100 * 1024)}.pdf"\r\n\r\ndata\r\n`,
  ),
  framed(
    '3000 header lines in one part',
    (boundary, target) =>
      `--${boundary}\r\n${'X-Filler: 1\r\n'.repeat(3000)}Content-Disposition: form-data; name="${target.fieldName}"; filename="a.pdf"\r\n\r\ndata\r\n`,
  ),
  framed(
    'a file part without a field name',
    (boundary) =>
      `--${boundary}\r\nContent-Disposition: form-data; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\r\n`,
  ),
  framed('a field name of 10 KB', (boundary) => fieldPart(boundary, 'n'.repeat(10 * 1024), 'x')),
];

type Agent = ReturnType<typeof supertest.agent>;

/** The Cookie header a supertest agent would send to 127.0.0.1, for requests sent by hand. */
export function cookiesOf(agent: Agent): string {
  const jar = (agent as unknown as { jar: { getCookies(access: object): { toValueString(): string } } }).jar;
  return jar.getCookies({ domain: '127.0.0.1', path: '/', secure: false, script: false }).toValueString();
}

/** The CSRF token of a page: its hidden field, or the query of an upload form's action. */
export function csrfTokenOf(html: string): string {
  const match = /name="_csrf" value="([^"]+)"|[?&]_csrf=([^"&]+)/.exec(readable(html));
  if (!match) throw new Error('The page has no CSRF token');
  return (match[1] ?? match[2])!;
}

export interface NamedTarget {
  who: string;
  /** "POST /applications/:id/criteria/:criterionId" */
  route: string;
  target: AttackTarget;
}

/**
 * Every upload route as the signed-in `applicant` (its :params filled from `params`), and each
 * route without ids, a public form, also as an anonymous visitor with the token of its page.
 */
export async function attackTargets(
  routes: UploadRoute[],
  {
    port,
    applicant,
    admin,
    params,
  }: { port: number; applicant: Agent; admin?: Agent; params: Record<string, string | number> },
): Promise<NamedTarget[]> {
  const token = csrfTokenOf((await applicant.get('/my/applications')).text);
  const adminToken = admin ? csrfTokenOf((await admin.get('/admin')).text) : undefined;
  const targets: NamedTarget[] = [];
  for (const route of routes) {
    const name = `${route.method.toUpperCase()} ${route.path}`;
    const filled = fillParams(route.path, params);
    // Admin forms (a program's logo) are attacked by a signed-in admin, who gets past the guard.
    const asAdmin = route.path.startsWith('/admin/');
    if (asAdmin && (!admin || !adminToken)) throw new Error(`${name} is an admin route: pass an admin agent`);
    targets.push({
      who: asAdmin ? 'an admin' : 'the applicant',
      route: name,
      target: {
        port,
        path: `${filled}?_csrf=${encodeURIComponent(asAdmin ? adminToken! : token)}`,
        cookie: cookiesOf(asAdmin ? admin! : applicant),
        fieldName: route.fieldName,
      },
    });
    if (route.path.includes(':')) continue;
    const visitor = supertest.agent(`http://127.0.0.1:${port}`);
    const page = await visitor.get(route.path);
    if (page.status !== 200) throw new Error(`GET ${route.path} answered ${page.status}: is it not a public form?`);
    targets.push({
      who: 'an anonymous visitor',
      route: name,
      target: {
        port,
        path: `${route.path}?_csrf=${encodeURIComponent(csrfTokenOf(page.text))}`,
        cookie: cookiesOf(visitor),
        fieldName: route.fieldName,
      },
    });
  }
  return targets;
}

/**
 * Sends every attack to every target and returns what was answered wrongly: an answerable body
 * must get the 400 page; a dropped connection may get nothing, or Node's own 400.
 * `afterTarget` runs after each target's attacks (a health check).
 */
export async function attackAll(
  targets: NamedTarget[],
  afterTarget: (target: NamedTarget) => Promise<void>,
): Promise<string[]> {
  const failures: string[] = [];
  for (const named of targets) {
    for (const attack of MULTIPART_ATTACKS) {
      const answer = await attack.send(named.target);
      const what = `${named.who}, ${named.route}, ${attack.name}`;
      if (attack.answerable) {
        if (answer.status !== 400) failures.push(`${what}: ${answer.status ?? 'no answer'}`);
        else if (!answer.body.includes('<h1>Bad request</h1>')) failures.push(`${what}: not the error page`);
      } else if (answer.status !== undefined && answer.status !== 400) {
        failures.push(`${what}: ${answer.status}`);
      }
    }
    await afterTarget(named);
  }
  return failures;
}

/** The names left in a directory (none when it does not exist), waiting up to `ms` for it to empty. */
export async function leftIn(dir: string, ms = 3000): Promise<string[]> {
  const list = () => (existsSync(dir) ? readdirSync(dir) : []);
  for (let waited = 0; waited < ms && list().length > 0; waited += 50)
    await new Promise((resolve) => setTimeout(resolve, 50));
  return list();
}
