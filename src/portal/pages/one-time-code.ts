/** The TOTP code field, shared by the second-factor and enrolment pages. */
import { html, type SafeHtml } from '../../util/html.js';

/** TOTP codes are 6 to 8 digits (RFC 6238 section 4 / `totp.digits`). */
export const ONE_TIME_CODE_PATTERN = '[0-9]{6,8}';

export function oneTimeCodeInput(name: string, label: string, autofocus: boolean): SafeHtml {
  return html`<p><label for="${name}">${label}</label>
<input type="text" id="${name}" name="${name}" inputmode="numeric" autocomplete="one-time-code" pattern="${ONE_TIME_CODE_PATTERN}" minlength="6" maxlength="8" required${autofocus ? html` autofocus` : null}></p>`;
}
