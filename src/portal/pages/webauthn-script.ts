/**
 * The portal's one WebAuthn script, served as a static file at WEBAUTHN_SCRIPT_PATH (the CSP
 * forbids inline script). A page that runs a ceremony renders a `<form data-webauthn="create|get">`
 * carrying the server's options as JSON in `data-options` and an empty `credential` field; the
 * script, on submit, runs navigator.credentials.create()/get() (W3C WebAuthn §5.1.3, §5.1.4), puts
 * the credential as JSON (the shape of PublicKeyCredential.toJSON(), §5.1.8) in the field and
 * submits the form. The page's CSP allows exactly this script: `script-src` is its SHA-256, and the
 * tag carries the same hash as `integrity` (CSP3 §8.3 matches an external script by its SRI hash).
 */
import { createHash } from 'node:crypto';
import { html, type SafeHtml } from '../../util/html.js';
import { PORTAL_PATHS } from '../../util/paths.js';

export const WEBAUTHN_SCRIPT_PATH = PORTAL_PATHS.webauthnScript;

export const WEBAUTHN_SCRIPT = `'use strict';
(function () {
  function toBuffer(text) {
    var b64 = text.replace(/-/g, '+').replace(/_/g, '/');
    var binary = atob(b64 + '==='.slice((b64.length + 3) % 4));
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
    return bytes.buffer;
  }
  function toText(buffer) {
    var bytes = new Uint8Array(buffer);
    var binary = '';
    for (var i = 0; i < bytes.length; i += 1) binary += String.fromCharCode(bytes[i]);
    return btoa(binary).replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '');
  }
  function descriptors(list) {
    return (list || []).map(function (c) { return Object.assign({}, c, { id: toBuffer(c.id) }); });
  }
  function serialise(credential) {
    var r = credential.response;
    var out = { id: credential.id, rawId: toText(credential.rawId), type: credential.type, clientExtensionResults: credential.getClientExtensionResults(), response: { clientDataJSON: toText(r.clientDataJSON) } };
    if (credential.authenticatorAttachment) out.authenticatorAttachment = credential.authenticatorAttachment;
    if (r.attestationObject) {
      out.response.attestationObject = toText(r.attestationObject);
      out.response.transports = typeof r.getTransports === 'function' ? r.getTransports() : [];
    } else {
      out.response.authenticatorData = toText(r.authenticatorData);
      out.response.signature = toText(r.signature);
      if (r.userHandle) out.response.userHandle = toText(r.userHandle);
    }
    return out;
  }
  function ceremony(kind, options) {
    if (kind === 'create') {
      return navigator.credentials.create({ publicKey: Object.assign({}, options, {
        challenge: toBuffer(options.challenge),
        user: Object.assign({}, options.user, { id: toBuffer(options.user.id) }),
        excludeCredentials: descriptors(options.excludeCredentials)
      }) });
    }
    return navigator.credentials.get({ publicKey: Object.assign({}, options, {
      challenge: toBuffer(options.challenge),
      allowCredentials: descriptors(options.allowCredentials)
    }) });
  }
  document.querySelectorAll('form[data-webauthn]').forEach(function (form) {
    var error = form.querySelector('[data-webauthn-error]');
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      if (!window.PublicKeyCredential) {
        error.textContent = 'This browser does not support security keys or passkeys.';
        error.hidden = false;
        return;
      }
      ceremony(form.getAttribute('data-webauthn'), JSON.parse(form.getAttribute('data-options'))).then(function (credential) {
        form.elements.namedItem('credential').value = JSON.stringify(serialise(credential));
        form.submit();
      }, function (e) {
        error.textContent = 'The security key did not answer (' + e.name + '). Reload the page and try again.';
        error.hidden = false;
      });
    });
  });
})();
`;

const digest = createHash('sha256').update(WEBAUTHN_SCRIPT, 'utf8').digest('base64');
/** For the CSP's script-src. */
export const WEBAUTHN_SCRIPT_HASH = `'sha256-${digest}'`;
export const WEBAUTHN_SCRIPT_INTEGRITY = `sha256-${digest}`;
export const WEBAUTHN_SCRIPT_ETAG = `"${createHash('sha256').update(WEBAUTHN_SCRIPT, 'utf8').digest('base64url')}"`;
export const WEBAUTHN_SCRIPT_CONTENT_TYPE = 'text/javascript; charset=utf-8';

/** The tag a ceremony page ends its body with. */
export function webauthnScriptTag(): SafeHtml {
  return html`<script src="${WEBAUTHN_SCRIPT_PATH}" integrity="${WEBAUTHN_SCRIPT_INTEGRITY}" defer></script>\n`;
}

/** The credential field name the ceremony forms post. */
export const WEBAUTHN_CREDENTIAL_FIELD = 'credential';

/** A form the script runs a ceremony for: the options as JSON, the empty credential field, the error slot. */
export function webauthnForm(model: { kind: 'create' | 'get'; action: string; optionsJson: string; state: SafeHtml; fields?: SafeHtml; button: string; secondary?: boolean }): SafeHtml {
  return html`<form method="post" action="${model.action}" data-webauthn="${model.kind}" data-options="${model.optionsJson}">
${model.state}<input type="hidden" name="${WEBAUTHN_CREDENTIAL_FIELD}" value="">
${model.fields ?? null}<p role="alert" class="error" data-webauthn-error hidden></p>
<p><button type="submit"${model.secondary ? html` class="secondary"` : null}>${model.button}</button></p>
</form>
`;
}
