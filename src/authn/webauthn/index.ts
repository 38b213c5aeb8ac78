/** WebAuthn security keys and passkeys: the ceremonies, the policy, amr/level, and the settings interface. */
export { webauthnPolicyOf, relyingPartyOf, type WebAuthnPolicy, type RelyingParty, type UserVerificationRequirement } from './policy.js';
export { beginRegistration, finishRegistration, type WebAuthnDeps, type BeginRegistrationInput, type FinishRegistrationInput } from './registration.js';
export { beginAuthentication, finishAuthentication, type AuthenticationCeremony, type AuthenticatedByWebAuthn } from './authentication.js';
export { checkSignCount } from './sign-count.js';
export { secondFactorAmr, passkeyOutcome } from './amr.js';
export { WebAuthnError, type WebAuthnErrorCode } from './errors.js';
export { listWebAuthnCredentials, removeWebAuthnCredential, removeAllWebAuthnCredentials, webauthnFactors, type WebAuthnCredentialSummary } from './credentials.js';
