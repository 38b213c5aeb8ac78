/**
 * Follows an authorization request through the provider the way a browser would: redirects,
 * the sign-in form, the consent form, until the client's callback — a redirect to it, or a
 * form_post page aimed at it. One helper for every flow test.
 */
import { hiddenFields, type BrowserClient } from './browser-client.js';

export interface FlowOptions {
  username?: string;
  password?: string;
  consent?: 'accept' | 'deny';
  /** Tick "remember this consent" (pre-configured consent mode). */
  remember?: boolean;
}

export interface FlowResult {
  /** The callback URL reached (for form_post: the form's action). */
  url: URL;
  /** The fields of a form_post answer, and that page's headers. */
  form?: Record<string, string>;
  formHeaders?: Headers;
  /** Every provider URL requested on the way. */
  visited: string[];
}

export async function followAuthorization(b: BrowserClient, start: URL | string, callback: string, opts: FlowOptions = {}): Promise<FlowResult> {
  let next = typeof start === 'string' ? start : start.href;
  const visited: string[] = [];
  for (let hops = 0; hops < 12; hops++) {
    if (next.startsWith(callback)) return { url: new URL(next), visited };
    visited.push(next);
    const page = await b.get(next);
    if (page.status === 302 || page.status === 303) {
      next = new URL(page.location!, next).href;
      continue;
    }
    if (page.body.includes(`action="${callback}"`)) return { url: new URL(callback), form: hiddenFields(page.body), formHeaders: page.headers, visited };
    if (page.body.includes('name="password"')) {
      const res = await b.post('/login', { ...hiddenFields(page.body), username: opts.username ?? 'alice', password: opts.password ?? 'correct horse' });
      next = new URL(res.location ?? '/', b.base).href;
      continue;
    }
    if (page.body.includes('name="decision"')) {
      const res = await b.post('/consent', { ...hiddenFields(page.body), decision: opts.consent ?? 'accept', ...(opts.remember ? { remember: 'on' } : {}) });
      next = new URL(res.location!, b.base).href;
      continue;
    }
    throw new Error(`unexpected page ${page.status} at ${next}: ${page.body.slice(0, 300)}`);
  }
  throw new Error(`too many redirects: ${visited.join(' → ')}`);
}
