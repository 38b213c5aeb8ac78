/** Every WebAuthn failure, with a stable code the endpoints switch on (the person sees one sentence per code). */
export type WebAuthnErrorCode =
  /** The challenge is unknown, used, expired, or made for another ceremony or session. */
  | 'challenge_invalid'
  /** The library refused the response: signature, origin, RP id, flags, or a malformed response. */
  | 'verification_failed'
  /** No such credential, or not this user's. */
  | 'unknown_credential'
  /** The signature counter did not move forward: the authenticator may have been cloned (§6.1.1). */
  | 'counter_regression'
  /** A passkey sign-in without user verification. */
  | 'user_verification_required'
  /** The user already has a credential with that name. */
  | 'duplicate_description';

export class WebAuthnError extends Error {
  override readonly name = 'WebAuthnError';
  constructor(
    readonly code: WebAuthnErrorCode,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(detail, options);
  }
}
