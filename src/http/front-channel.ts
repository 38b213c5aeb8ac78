/**
 * The one renderer of front-channel answers (src/oauth/response-modes/answer.ts): a redirect, a
 * Form Post Response Mode page, an out-of-band page. HTML only through the one safe template
 * (src/util/html.ts), so the page that echoes every parameter — form_post — cannot inject.
 */
import { createHash } from 'node:crypto';
import type { FrontChannelAnswer } from '../oauth/response-modes/index.js';
import { renderOutOfBand } from '../portal/pages/index.js';
import { html as template, trustedHtml } from '../util/html.js';
import { BASE_SECURITY_HEADERS, PAGE_SECURITY_HEADERS } from './headers.js';
import { html, redirect, type HttpResponse } from './response.js';

const AUTO_SUBMIT = 'document.forms[0].submit();';
const AUTO_SUBMIT_HASH = `'sha256-${createHash('sha256').update(AUTO_SUBMIT).digest('base64')}'`;
/**
 * The form_post page's CSP: only its one script, by hash. No `form-action`, like the portal's
 * (src/http/headers.ts): CSP3 §6.3.1 would check it against the client's own redirects after the
 * POST too, which may leave the redirect URI's origin; the page's one form is ours, escaped.
 */
export const FORM_POST_CONTENT_SECURITY_POLICY = `default-src 'none'; script-src ${AUTO_SUBMIT_HASH}; frame-ancestors 'none'; base-uri 'none'`;

export function renderFrontChannel(answer: FrontChannelAnswer): HttpResponse {
  switch (answer.kind) {
    case 'redirect':
      return redirect(answer.location, 302, { 'Cache-Control': 'no-store' });
    case 'form_post':
      return html(200, formPostPage(answer.action, answer.fields), { ...BASE_SECURITY_HEADERS, 'Content-Security-Policy': FORM_POST_CONTENT_SECURITY_POLICY });
    case 'out_of_band':
      return html(200, renderOutOfBand(answer.fields), { ...PAGE_SECURITY_HEADERS });
  }
}

/**
 * Form Post Response Mode §2: a form posting the parameters to the redirect URI, submitted by a
 * single script allowed by its hash (and by a button without JavaScript).
 */
/** The script is ours and constant, inserted as is so that its hash matches the CSP's. */
function formPostPage(action: string, fields: Readonly<Record<string, string>>): string {
  const inputs = Object.entries(fields).map(([name, value]) => template`<input type="hidden" name="${name}" value="${value}">`);
  return template`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Submit — Gatehouse</title></head><body><form method="post" action="${action}">${inputs}<noscript><button type="submit">Continue</button></noscript></form><script>${trustedHtml(AUTO_SUBMIT)}</script></body></html>`.toString();
}
