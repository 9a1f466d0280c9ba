// What the logs may hold. Request lines are for finding a request (its id, method, path, status,
// timing), never for taking over a session: cookies, authorization headers, CSRF tokens and the
// tokens of e-mailed links are replaced by "[redacted]" in every line, by pino's redact paths for
// headers and by a URL serializer for tokens in paths and query strings (url-secrets.ts).
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import type { Options as HttpLoggerOptions } from 'pino-http';
import { hideUrlSecrets } from './url-secrets.js';

const REDACTED = '[redacted]';

/** Secrets wherever a request or response is logged, by pino-http or by hand. */
const REDACT_PATHS = [
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["proxy-authorization"]',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
];

const redact = { paths: REDACT_PATHS, censor: REDACTED };

export function loggerOptions(level: string): LoggerOptions {
  return { level, redact };
}

/** The process's logger (server/index.ts); tests pass their own destination. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return destination ? pino(loggerOptions(level), destination) : pino(loggerOptions(level));
}

function hideUrl(url: unknown): unknown {
  return typeof url === 'string' ? hideUrlSecrets(url, REDACTED) : url;
}

interface SerializedRequest {
  id?: unknown;
  method?: string;
  url?: string;
  headers?: Record<string, unknown>;
  remoteAddress?: string;
  remotePort?: number;
}

interface SerializedResponse {
  statusCode?: number;
  headers?: Record<string, unknown>;
}

/**
 * The headers a request line keeps: enough to find and explain a request. The rest (every
 * security header of every response, Accept-*) made each line several times longer and cost
 * a tenth of a cached page's time. The secret-bearing ones stay, to show they were there, redacted.
 */
const REQUEST_HEADERS = [
  'host',
  'user-agent',
  'referer',
  'content-type',
  'content-length',
  'x-forwarded-for',
  'x-forwarded-proto',
  'cookie',
  'authorization',
  'proxy-authorization',
  'x-csrf-token',
];
const RESPONSE_HEADERS = ['content-type', 'content-length', 'location', 'set-cookie'];

function pick(headers: Record<string, unknown> | undefined, names: readonly string[]): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  if (!headers) return kept;
  for (const name of names) if (headers[name] !== undefined) kept[name] = headers[name];
  return kept;
}

// pino-http has already mapped the request to pino's standard shape. `query` and `params` are
// left out: the URL holds the same values, and only there are they cleaned. The kept headers
// are copied, since the standard shape shares the live request's object.
function requestSerializer(req: SerializedRequest) {
  const headers = pick(req.headers, REQUEST_HEADERS);
  if ('referer' in headers) headers.referer = hideUrl(headers.referer);
  return {
    id: req.id,
    method: req.method,
    url: hideUrl(req.url),
    headers,
    remoteAddress: req.remoteAddress,
    remotePort: req.remotePort,
  };
}

function responseSerializer(res: SerializedResponse) {
  const headers = pick(res.headers, RESPONSE_HEADERS);
  if ('location' in headers) headers.location = hideUrl(headers.location);
  return { statusCode: res.statusCode, headers };
}

/**
 * pino-http's options for the app (server/app.ts). The redact paths are given here as well as
 * in loggerOptions, so request lines are clean whatever logger the app was handed.
 */
export function requestLogOptions(logger: Logger): HttpLoggerOptions<IncomingMessage, ServerResponse> {
  return {
    logger,
    redact,
    genReqId: (req, res) => {
      const incoming = req.headers['x-request-id'];
      const id = typeof incoming === 'string' && /^[\w.-]{1,100}$/.test(incoming) ? incoming : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : 'info'),
    serializers: { req: requestSerializer, res: responseSerializer },
  };
}
