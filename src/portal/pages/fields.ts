/**
 * Names of the form fields the pages submit, in one place so the endpoints that read the forms
 * use the same strings (snake_case, as on the wire). The CSRF field is CSRF_FIELD_NAME in ../csrf.ts.
 */
export const PORTAL_FIELDS = Object.freeze({
  username: 'username',
  password: 'password',
  /** Checkbox on the sign-in page; present with value "on" when ticked. */
  rememberMe: 'remember_me',
  /** The TOTP code, on the second-factor and enrolment pages. */
  code: 'code',
  /** Consent: which submit button was pressed, see ConsentDecision. */
  decision: 'decision',
  /** Consent checkbox; present with value "on" when ticked. */
  remember: 'remember',
} as const);

export type ConsentDecision = 'accept' | 'deny';
export const CONSENT_DECISIONS: readonly ConsentDecision[] = Object.freeze(['accept', 'deny'] as const);
