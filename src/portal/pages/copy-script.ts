/**
 * The TOTP enrolment page's copy button, served as a static file at COPY_SCRIPT_PATH (the portal's
 * CSP forbids inline script) and allowed on that page alone by its SHA-256, as the WebAuthn script
 * is (CSP3 §8.3 matches an external script by its SRI hash). Without script the button stays
 * hidden and the key is still shown, grouped, to type or select.
 */
import { createHash } from 'node:crypto';
import { html, type SafeHtml } from '../../util/html.js';
import { PORTAL_PATHS } from '../../util/paths.js';

export const COPY_SCRIPT_PATH = PORTAL_PATHS.copyScript;

export const COPY_SCRIPT = `'use strict';
(function () {
  document.querySelectorAll('button[data-copy]').forEach(function (button) {
    button.hidden = false;
    button.addEventListener('click', function () {
      navigator.clipboard.writeText(button.getAttribute('data-copy')).then(
        function () { button.textContent = 'Copied'; },
        function () { button.textContent = 'Copy failed: select the key instead'; }
      );
    });
  });
})();
`;

const digest = createHash('sha256').update(COPY_SCRIPT, 'utf8').digest('base64');
/** For the CSP's script-src. */
export const COPY_SCRIPT_HASH = `'sha256-${digest}'`;
export const COPY_SCRIPT_INTEGRITY = `sha256-${digest}`;
export const COPY_SCRIPT_ETAG = `"${createHash('sha256').update(COPY_SCRIPT, 'utf8').digest('base64url')}"`;
export const COPY_SCRIPT_CONTENT_TYPE = 'text/javascript; charset=utf-8';

/** A button that copies `text` (hidden until the script runs), and the script's tag. */
export function copyButton(text: string, label: string): SafeHtml {
  return html`<button type="button" class="copy" data-copy="${text}" aria-label="${label}" hidden>Copy</button>`;
}

export function copyScriptTag(): SafeHtml {
  return html`<script src="${COPY_SCRIPT_PATH}" integrity="${COPY_SCRIPT_INTEGRITY}" defer></script>\n`;
}
