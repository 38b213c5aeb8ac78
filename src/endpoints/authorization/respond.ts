/**
 * Delivering an authorization response (RFC 6749 §4.1.2, OAuth 2.0 Form Post Response Mode).
 * Every response carries `iss` (RFC 9207 §2).
 */
import { createHash } from 'node:crypto';
import { BASE_SECURITY_HEADERS } from '../../http/headers.js';
import { escapeHtml, html, redirect, type HttpResponse } from '../../http/response.js';
import type { SupportedResponseMode } from '../../oauth/authorize/index.js';

export interface ResponseTarget {
  redirect_uri: string;
  response_mode: SupportedResponseMode;
}

export function authorizationResponse(target: ResponseTarget, params: Record<string, string>): HttpResponse {
  return target.response_mode === 'form_post' ? formPost(target.redirect_uri, params) : queryRedirect(target.redirect_uri, params);
}

/** RFC 6749 §4.1.2: parameters added to the query component, keeping the URI's own query. */
function queryRedirect(redirectUri: string, params: Record<string, string>): HttpResponse {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) url.searchParams.append(name, value);
  return redirect(url.href, 302, { 'Cache-Control': 'no-store' });
}

const AUTO_SUBMIT = 'document.forms[0].submit();';
const AUTO_SUBMIT_HASH = `'sha256-${createHash('sha256').update(AUTO_SUBMIT).digest('base64')}'`;

/**
 * Form Post Response Mode §2: an HTML form that posts the parameters to the redirect URI, submitted
 * by a single script allowed by its hash (and by a button without JavaScript).
 */
function formPost(redirectUri: string, params: Record<string, string>): HttpResponse {
  const inputs = Object.entries(params)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('');
  const markup = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Submit — Gatehouse</title></head><body><form method="post" action="${escapeHtml(redirectUri)}">${inputs}<noscript><button type="submit">Continue</button></noscript></form><script>${AUTO_SUBMIT}</script></body></html>`;
  return html(200, markup, {
    ...BASE_SECURITY_HEADERS,
    'Content-Security-Policy': `default-src 'none'; script-src ${AUTO_SUBMIT_HASH}; form-action ${new URL(redirectUri).origin}; frame-ancestors 'none'; base-uri 'none'`,
  });
}
