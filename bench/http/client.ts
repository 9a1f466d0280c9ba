// A visitor for the benchmarks: signs in over HTTP as a browser would (behind a TLS proxy, so
// the secure cookies are set) and keeps its cookies; autocannon then replays its requests.
export const PROXY_HEADERS = { 'x-forwarded-proto': 'https' };

export class Visitor {
  private readonly cookies = new Map<string, string>();
  constructor(private readonly base: string) {}

  get cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  headers(extra: Record<string, string> = {}): Record<string, string> {
    const cookie = this.cookieHeader;
    return { ...PROXY_HEADERS, ...(cookie ? { cookie } : {}), ...extra };
  }

  async request(
    path: string,
    init: { method?: string; body?: string | FormData; type?: string } = {},
  ): Promise<Response> {
    const response = await fetch(this.base + path, {
      method: init.method ?? 'GET',
      body: init.body,
      redirect: 'manual',
      headers: this.headers(init.type ? { 'content-type': init.type } : {}),
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair!.indexOf('=');
      const name = pair!.slice(0, at);
      const value = pair!.slice(at + 1);
      if (/expires=Thu, 01 Jan 1970/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }

  /** The page and the CSRF token of its first form. */
  async formPage(path: string): Promise<{ html: string; csrf: string }> {
    const response = await this.request(path);
    const html = await response.text();
    if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}`);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
    if (!csrf) throw new Error(`GET ${path} has no form`);
    return { html, csrf };
  }

  async signIn(email: string, password: string): Promise<void> {
    const { csrf } = await this.formPage('/login');
    const body = new URLSearchParams({ _csrf: csrf, email, password }).toString();
    const response = await this.request('/login', { method: 'POST', body, type: 'application/x-www-form-urlencoded' });
    if (response.status !== 303 && response.status !== 302) {
      throw new Error(`Signing in as ${email} answered ${response.status}`);
    }
  }
}
