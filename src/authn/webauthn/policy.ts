/**
 * The WebAuthn settings the ceremonies use, compiled once from `webauthn` (config/schema/webauthn.ts),
 * and the relying party a portal domain is: its id is the host of `authelia_url`, its origin that
 * URL's origin (W3C WebAuthn §5.1.4.1 step 7, §7.1 step 9).
 */
import type { Config } from '../../config/index.js';

export type UserVerificationRequirement = 'discouraged' | 'preferred' | 'required';

export interface WebAuthnPolicy {
  disabled: boolean;
  passkeyLogin: boolean;
  /** A passkey sign-in with user verification counts as two factors (Authelia 4.39's experimental option). */
  passkeyUvTwoFactors: boolean;
  rpName: string;
  /**
   * @simplewebauthn/server offers 'none' and 'direct'; Authelia's default 'indirect' (the client may
   * anonymise the statement) is asked as 'none': attestation is not checked against any metadata, so
   * asking for more would only disclose the authenticator's model for nothing.
   */
  attestation: 'none' | 'direct';
  timeoutMs: number;
  /** Undefined: any authenticator (Authelia's ''). */
  attachment: 'platform' | 'cross-platform' | undefined;
  residentKey: UserVerificationRequirement;
  userVerification: UserVerificationRequirement;
}

export interface RelyingParty {
  id: string;
  origin: string;
}

export function webauthnPolicyOf(config: Config['webauthn']): WebAuthnPolicy {
  return Object.freeze({
    disabled: config.disable,
    passkeyLogin: !config.disable && config.enable_passkey_login,
    passkeyUvTwoFactors: config.experimental_enable_passkey_uv_two_factors,
    rpName: config.display_name,
    attestation: config.attestation_conveyance_preference === 'direct' ? 'direct' : 'none',
    timeoutMs: config.timeout * 1000,
    attachment: config.selection_criteria.attachment === '' ? undefined : config.selection_criteria.attachment,
    residentKey: config.selection_criteria.discoverability,
    userVerification: config.selection_criteria.user_verification ?? config.user_verification ?? 'preferred',
  });
}

export function relyingPartyOf(autheliaUrl: string): RelyingParty {
  const url = new URL(autheliaUrl);
  return { id: url.hostname, origin: url.origin };
}
