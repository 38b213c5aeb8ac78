/** The settings page: the second factors the person has registered, and how to add or remove one. */
import { html } from '../../util/html.js';
import { formState, signOutForm } from './form-parts.js';
import { renderLayout } from './layout.js';

export interface SettingsFactor {
  /** 'totp' or 'webauthn': what kind of second factor. */
  method: string;
  id: string;
  /** Shown: "Authenticator app", or the name given to a security key. */
  description: string;
  created_at_ms: number;
  last_used_at_ms: number | null;
}

export interface SettingsModel {
  csrfToken: string;
  username: string;
  displayName: string;
  factors: readonly SettingsFactor[];
  /** Until when the session may change second factors; null: not elevated. */
  elevatedUntilMs: number | null;
  /** Where to ask for a code (null: identity verification is not possible here). */
  elevationUrl: string | null;
  removeAction: string;
  /** Links to register another factor ("Set up one-time codes"). */
  addLinks: readonly { label: string; href: string }[];
  /** Shown in a role="status" paragraph (after a change). */
  notice?: string | undefined;
  error?: string | undefined;
}

const METHOD_NAMES: Readonly<Record<string, string>> = Object.freeze({ totp: 'One-time codes (TOTP)', webauthn: 'Security key or passkey (WebAuthn)' });

const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

export function renderSettings(model: SettingsModel): string {
  const rows = model.factors.map(
    (f) => html`<li class="factor"><strong>${METHOD_NAMES[f.method] ?? f.method}</strong>: ${f.description} <span class="muted">(added ${day(f.created_at_ms)}${f.last_used_at_ms !== null ? html`, last used ${day(f.last_used_at_ms)}` : null})</span>
<form method="post" action="${model.removeAction}" class="inline">
${formState(model.csrfToken, { method: f.method, id: f.id })}<button type="submit" class="secondary" aria-label="Remove ${f.description}">Remove</button>
</form></li>
`,
  );
  const list = model.factors.length > 0 ? html`<ul class="factors">\n${rows}</ul>\n` : html`<p>You have no second factor registered: a password alone protects this account.</p>\n`;
  const elevation =
    model.elevatedUntilMs !== null
      ? html`<p role="status">You confirmed it is you: second factors may be added or removed until ${new Date(model.elevatedUntilMs).toISOString().slice(11, 16)} UTC.</p>\n`
      : model.elevationUrl !== null
        ? html`<p>To add or remove a second factor, first <a href="${model.elevationUrl}">confirm it is you with a code sent to your e-mail</a>.</p>\n`
        : html`<p>Second factors cannot be changed here: this portal cannot send e-mail (no notifier is configured). Ask an administrator.</p>\n`;
  const add = model.addLinks.map((l) => html`<p><a href="${l.href}">${l.label}</a></p>\n`);
  return renderLayout({
    title: 'Security settings',
    error: model.error,
    body: html`${model.notice ? html`<p role="status" class="notice">${model.notice}</p>\n` : null}<p>Signed in as <strong>${model.displayName}</strong> (${model.username}).</p>
<h2>Second factors</h2>
${list}${elevation}${add}${signOutForm(model.csrfToken)}`,
  });
}
