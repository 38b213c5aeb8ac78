/** Pieces every portal form shares: the CSRF field, pass-through hidden fields, the sign-out form. */
import { CSRF_FIELD_NAME } from '../../authn/csrf.js';
import { html, type SafeHtml } from '../../util/html.js';
import { PORTAL_PATHS } from '../../util/paths.js';

/** Where the sign-out form posts. */
export const LOGOUT_PATH = PORTAL_PATHS.logout;

export function csrfInput(csrfToken: string): SafeHtml {
  return html`<input type="hidden" name="${CSRF_FIELD_NAME}" value="${csrfToken}">`;
}

/**
 * Values carried through a form unchanged (rd, rm, flow id). A field named like the CSRF field is
 * dropped: the page's own token must be the only one.
 */
export function hiddenInputs(hidden: Readonly<Record<string, string>>): SafeHtml[] {
  return Object.entries(hidden)
    .filter(([name]) => name !== CSRF_FIELD_NAME)
    .map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`);
}

/** Both of the above, first in every form. */
export function formState(csrfToken: string, hidden: Readonly<Record<string, string>> = {}): SafeHtml {
  return html`${csrfInput(csrfToken)}${hiddenInputs(hidden)}\n`;
}

/** Signing out changes state, so it is a POST with a CSRF token, never a plain link. */
export function signOutForm(csrfToken: string): SafeHtml {
  return html`<form method="post" action="${LOGOUT_PATH}" class="sign-out">
${formState(csrfToken)}<button type="submit" class="secondary">Sign out</button>
</form>
`;
}
