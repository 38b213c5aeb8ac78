/**
 * Shown after sign-out. With front-channel logout (OIDC Front-Channel Logout 1.0 §4) it loads each
 * client's logout URI in a hidden iframe; with a post-logout redirect (RP-Initiated Logout 1.0 §3)
 * it then goes on to it: one static script, allowed by its hash, follows the "Continue" link once
 * the page and every frame has loaded (or after a few seconds, whichever is first); without
 * script the person follows the link.
 */
import { createHash } from 'node:crypto';
import { html, trustedHtml } from '../../util/html.js';
import { renderLayout } from './layout.js';

export interface SignedOutModel {
  /** The portal's sign-in page; validated by the caller. */
  portalUrl: string;
  /** Front-channel logout URIs to load, each already built by the caller. */
  frames?: ReadonlyArray<{ client_id: string; src: string }>;
  /** Where to go once the frames have loaded (a registered post_logout_redirect_uri, a checked rd). */
  continueUrl?: string | undefined;
}

export const CONTINUE_LINK_ID = 'continue';
/** How long the page waits for the frames before it goes on anyway. */
export const FRAMES_TIMEOUT_MS = 5000;

/** The page's one script; its hash is the whole of the CSP's script-src. */
export const SIGNED_OUT_SCRIPT = `(function(){var done=false;function go(){if(done)return;done=true;var a=document.getElementById('${CONTINUE_LINK_ID}');if(a)location.replace(a.href);}addEventListener('load',go);setTimeout(go,${FRAMES_TIMEOUT_MS});})();`;
export const SIGNED_OUT_SCRIPT_HASH = `'sha256-${createHash('sha256').update(SIGNED_OUT_SCRIPT, 'utf8').digest('base64')}'`;

export function renderSignedOut(model: SignedOutModel): string {
  const frames = model.frames ?? [];
  const iframes = frames.map((f) => html`<iframe class="front-channel" src="${f.src}" title="Signing out of ${f.client_id}" hidden></iframe>\n`);
  const next = model.continueUrl === undefined
    ? html`<p><a href="${model.portalUrl}">Sign in again</a></p>\n`
    : html`<p><a id="${CONTINUE_LINK_ID}" href="${model.continueUrl}">Continue</a></p>\n`;
  // The script only where it has somewhere to go; a plain sign-out page stays script-free.
  const script = model.continueUrl === undefined ? null : html`<script>${trustedHtml(SIGNED_OUT_SCRIPT)}</script>\n`;
  const signedOutOf = frames.length > 0 ? html`<p class="muted">Signing you out of ${frames.length === 1 ? 'one application' : `${frames.length} applications`} too.</p>\n` : null;
  return renderLayout({
    title: 'You are signed out',
    body: html`<p>You have been signed out of Gatehouse.</p>
${signedOutOf}${iframes}${next}${script}`,
  });
}
