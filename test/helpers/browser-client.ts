/**
 * A minimal HTTP "browser" for portal tests: a cookie jar, no automatic redirects, forms posted
 * as application/x-www-form-urlencoded, and the CSRF token read from the page it was served in.
 */
export interface Page {
  status: number;
  headers: Headers;
  body: string;
  location: string | null;
}

export class BrowserClient {
  readonly cookies = new Map<string, string>();
  constructor(readonly base: string) {}

  async get(path: string, headers: Record<string, string> = {}): Promise<Page> {
    return this.send('GET', path, undefined, headers);
  }

  async post(path: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<Page> {
    return this.send('POST', path, new URLSearchParams(form).toString(), { 'content-type': 'application/x-www-form-urlencoded', ...headers });
  }

  /** Posts a form found on `page`, with its CSRF token, adding `fields`. */
  async submit(page: Page, action: string, fields: Record<string, string>): Promise<Page> {
    return this.post(action, { ...hiddenFields(page.body), ...fields });
  }

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private async send(method: string, path: string, body: string | undefined, headers: Record<string, string>): Promise<Page> {
    const res = await fetch(new URL(path, this.base), {
      method,
      body,
      redirect: 'manual',
      headers: { accept: 'text/html', ...(this.cookies.size ? { cookie: this.cookieHeader() } : {}), ...headers },
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === '';
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return { status: res.status, headers: res.headers, body: await res.text(), location: res.headers.get('location') };
  }
}

/** Hidden inputs of the first form on a page (csrf_token, rd, …), HTML entities decoded. */
export function hiddenFields(markup: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of markup.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    out[decode(m[1])] ??= decode(m[2]);
  }
  return out;
}

function decode(text: string): string {
  return text.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n))).replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>');
}
