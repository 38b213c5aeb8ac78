/**
 * Delivering an authorization response: query (RFC 6749 §4.1.2), fragment (Multiple Response Type
 * Encoding Practices §2.1), form_post (Form Post Response Mode), each a same-shaped module of the
 * map below. JARM (`*.jwt`) signs the parameters into one `response` parameter and hands it to the
 * same delivery: it wraps, it does not branch. Every response carries `iss` (RFC 9207 §2).
 */
import { createHash } from 'node:crypto';
import type { AppContext } from '../../context.js';
import { BASE_SECURITY_HEADERS } from '../../http/headers.js';
import { escapeHtml, html, redirect, type HttpResponse } from '../../http/response.js';
import type { RegisteredClient } from '../../oauth/clients.js';
import type { DeliveryMode, SupportedResponseMode } from '../../oauth/authorize/index.js';
import { signJarmResponse } from '../../oauth/response-modes/jarm.js';
import { OOB_REDIRECT_URI } from '../../oauth/authorize/check-client.js';
import { PAGE_SECURITY_HEADERS } from '../../http/headers.js';

export interface ResponseTarget {
  redirect_uri: string;
  response_mode: SupportedResponseMode;
}

type Delivery = (redirectUri: string, params: Readonly<Record<string, string>>) => HttpResponse;

const DELIVERIES: Record<DeliveryMode, Delivery> = { query: queryRedirect, fragment: fragmentRedirect, form_post: formPost };

/** `fragment.jwt` → ['fragment', true]; `query` → ['query', false]. */
export function splitResponseMode(mode: SupportedResponseMode): { delivery: DeliveryMode; jwt: boolean } {
  const [delivery, suffix] = mode.split('.') as [DeliveryMode, string | undefined];
  return { delivery, jwt: suffix === 'jwt' };
}

/** Answers with `params` in the target's mode; the client's key choice signs a JARM response. */
export async function authorizationResponse(
  ctx: AppContext,
  target: ResponseTarget,
  client: RegisteredClient,
  params: Readonly<Record<string, string>>,
): Promise<HttpResponse> {
  if (target.redirect_uri === OOB_REDIRECT_URI) return outOfBand(params);
  const { delivery, jwt } = splitResponseMode(target.response_mode);
  if (!jwt) return DELIVERIES[delivery](target.redirect_uri, params);
  const oidc = ctx.oidc!;
  const response = await signJarmResponse({ keys: oidc.keys, issuer: oidc.issuer }, client.config, params, Math.floor(ctx.clock.nowMs() / 1000));
  return DELIVERIES[delivery](target.redirect_uri, { response });
}

/** RFC 6749 §4.1.2: parameters added to the query component, keeping the URI's own query. */
function queryRedirect(redirectUri: string, params: Readonly<Record<string, string>>): HttpResponse {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) url.searchParams.append(name, value);
  return redirect(url.href, 302, { 'Cache-Control': 'no-store' });
}

/** Multiple Response Type Encoding Practices §2.1 (RFC 6749 §4.2.2): form-encoded in the fragment. */
function fragmentRedirect(redirectUri: string, params: Readonly<Record<string, string>>): HttpResponse {
  const url = new URL(redirectUri);
  // RFC 6749 §3.1.2: a registered redirect URI has no fragment, so this one is ours alone.
  url.hash = new URLSearchParams(params).toString();
  return redirect(url.href, 302, { 'Cache-Control': 'no-store' });
}

const AUTO_SUBMIT = 'document.forms[0].submit();';
const AUTO_SUBMIT_HASH = `'sha256-${createHash('sha256').update(AUTO_SUBMIT).digest('base64')}'`;
const FORM_POST_CONTENT_SECURITY_POLICY = `default-src 'none'; script-src ${AUTO_SUBMIT_HASH}; frame-ancestors 'none'; base-uri 'none'`;

/**
 * Form Post Response Mode §2: an HTML form that posts the parameters to the redirect URI, submitted
 * by a single script allowed by its hash (and by a button without JavaScript). Its CSP has no
 * `form-action`, like the portal's (src/http/headers.ts, issue #12 item 1): CSP3 §6.3.1 would check
 * it against the client's own redirects after the POST too, which may leave the redirect URI's
 * origin; the page's one form is ours, its action and values escaped.
 */
function formPost(redirectUri: string, params: Readonly<Record<string, string>>): HttpResponse {
  const inputs = Object.entries(params)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('');
  const markup = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Submit — Gatehouse</title></head><body><form method="post" action="${escapeHtml(redirectUri)}">${inputs}<noscript><button type="submit">Continue</button></noscript></form><script>${AUTO_SUBMIT}</script></body></html>`;
  return html(200, markup, {
    ...BASE_SECURITY_HEADERS,
    'Content-Security-Policy': FORM_POST_CONTENT_SECURITY_POLICY,
  });
}

/**
 * `urn:ietf:wg:oauth:2.0:oob`: no redirect; the person copies the code (or reads the error) into
 * the application, as installed apps without a redirect endpoint expect.
 */
function outOfBand(params: Readonly<Record<string, string>>): HttpResponse {
  const rows = Object.entries(params)
    .filter(([name]) => name !== 'iss')
    .map(([name, value]) => `<dt>${escapeHtml(name)}</dt><dd><code>${escapeHtml(value)}</code></dd>`)
    .join('');
  const title = params['code'] ? 'Your authorization code' : 'Authorization failed';
  const markup = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title} — Gatehouse</title><link rel="stylesheet" href="/static/style.css"></head><body><main><h1>${title}</h1><p>Copy this into the application that sent you here.</p><dl>${rows}</dl></main></body></html>`;
  return html(200, markup, { ...PAGE_SECURITY_HEADERS });
}
