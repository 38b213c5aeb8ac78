/** The consent page: what the client asks for, accept or deny in one form. */
import { describeScope } from './describe-scope.js';
import { html } from '../../util/html.js';
import { PORTAL_FIELDS as F, type ConsentDecision } from './fields.js';
import { formState } from './form-parts.js';
import { renderLayout } from './layout.js';

export interface ConsentModel {
  csrfToken: string;
  action: string;
  clientName: string;
  clientId: string;
  scopes: readonly string[];
  audience: readonly string[];
  /** The consent mode allows remembering (pre-configured consent). */
  rememberAllowed: boolean;
  /** How long a remembered consent lasts, e.g. '1 week'. */
  rememberDurationText?: string | undefined;
  username: string;
  hidden: Readonly<Record<string, string>>;
}

const ACCEPT: ConsentDecision = 'accept';
const DENY: ConsentDecision = 'deny';

export function renderConsent(model: ConsentModel): string {
  const scopes = model.scopes.map(
    (scope) => html`<li>${describeScope(scope)}${describeScope(scope) === scope ? null : html` <code>${scope}</code>`}</li>\n`,
  );
  const audience = model.audience.length > 0
    ? html`<p>It will be able to use this access at:</p>
<ul class="audience">
${model.audience.map((aud) => html`<li><code>${aud}</code></li>\n`)}</ul>
`
    : null;
  const rememberLabel = model.rememberDurationText ? `Remember this consent for ${model.rememberDurationText}` : 'Remember this consent';
  const remember = model.rememberAllowed
    ? html`<p class="check"><input type="checkbox" id="${F.remember}" name="${F.remember}" value="on"> <label for="${F.remember}">${rememberLabel}</label></p>\n`
    : null;
  return renderLayout({
    title: 'Allow access?',
    body: html`<p><strong>${model.clientName}</strong> <span class="muted">(${model.clientId})</span> is asking to access your account <strong>${model.username}</strong>. It will be able to:</p>
<ul class="scopes">
${scopes}</ul>
${audience}<form method="post" action="${model.action}">
${formState(model.csrfToken, model.hidden)}${remember}<p class="actions"><button type="submit" name="${F.decision}" value="${ACCEPT}">Allow</button>
<button type="submit" name="${F.decision}" value="${DENY}" class="secondary">Deny</button></p>
</form>
`,
  });
}
