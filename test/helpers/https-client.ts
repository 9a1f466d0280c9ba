// Requests over HTTPS to a proxy whose certificate the test made: fetch cannot be told to trust
// one more certificate, node:https can. Cookies are kept in a CookieJar, as a browser keeps them.
import https from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import { csrfTokenFrom, readable } from './forms.js';
import type { CookieJar } from './server-process.js';

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
  /** The id the portal logged the request under (X-Request-Id). */
  requestId: string;
}

export interface RequestOptions {
  method?: string;
  jar?: CookieJar;
  headers?: Record<string, string>;
  body?: Buffer | string;
  timeoutMs?: number;
}

export class HttpsClient {
  private readonly agent: https.Agent;

  constructor(
    readonly origin: string,
    ca: string,
  ) {
    this.agent = new https.Agent({ ca, keepAlive: true, maxSockets: 16 });
  }

  request(pathname: string, { method = 'GET', jar, headers = {}, body, timeoutMs = 20_000 }: RequestOptions = {}) {
    return new Promise<Reply>((resolve, reject) => {
      const cookie = jar?.header();
      const request = https.request(
        new URL(pathname, this.origin),
        {
          method,
          agent: this.agent,
          headers: {
            ...headers,
            ...(cookie ? { cookie } : {}),
            ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}),
          },
          timeout: timeoutMs,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () => {
            jar?.storeSetCookie(response.headers['set-cookie'] ?? []);
            const content = Buffer.concat(chunks);
            resolve({
              status: response.statusCode ?? 0,
              headers: response.headers,
              body: content,
              text: content.toString('utf8'),
              requestId: String(response.headers['x-request-id'] ?? ''),
            });
          });
        },
      );
      request.on('timeout', () => request.destroy(new Error(`No answer to ${method} ${pathname} in ${timeoutMs} ms`)));
      request.on('error', reject);
      request.end(body);
    });
  }

  /** The CSRF token of the form on `pagePath`, as the browser that loaded the page holds it. */
  async formToken(jar: CookieJar, pagePath: string): Promise<string> {
    const page = await this.request(pagePath, { jar });
    if (page.status !== 200) throw new Error(`GET ${pagePath}: ${page.status}`);
    return csrfTokenFrom(page.text);
  }

  /** POSTs `fields` and the form's token to `action`, as a browser submits a form. */
  postForm(jar: CookieJar, action: string, token: string, fields: Record<string, string>) {
    return this.request(action, {
      method: 'POST',
      jar,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: token, ...fields }).toString(),
    });
  }

  /** GETs `pagePath`, then POSTs `fields` with that page's CSRF token to `action`. */
  async submitForm(jar: CookieJar, pagePath: string, action: string, fields: Record<string, string>) {
    return this.postForm(jar, action, await this.formToken(jar, pagePath), fields);
  }

  /** POSTs a multipart form (fetch's own encoding of FormData) with the CSRF token in the address. */
  async submitMultipart(jar: CookieJar, pagePath: string, form: FormData) {
    const page = await this.request(pagePath, { jar });
    if (page.status !== 200) throw new Error(`GET ${pagePath}: ${page.status}`);
    // A multipart form carries its token in its action, since the body is read after the check.
    const action = /<form[^>]+enctype="multipart\/form-data"[^>]*>/.exec(page.text)?.[0];
    const target = /action="([^"]+)"/.exec(action ?? '')?.[1];
    if (!target) throw new Error(`No multipart form on ${pagePath}`);
    const encoded = new Response(form);
    return this.request(readable(target), {
      method: 'POST',
      jar,
      headers: { 'content-type': encoded.headers.get('content-type') ?? '' },
      body: Buffer.from(await encoded.arrayBuffer()),
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
