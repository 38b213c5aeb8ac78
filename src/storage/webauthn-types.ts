/**
 * The storage contract of WebAuthn (W3C Web Authentication Level 3): each user's registered
 * credentials (public key encrypted at rest, like TOTP secrets), the user handle authenticators
 * keep for discoverable credentials, the single-use ceremony challenges, and the second factor
 * each user prefers. Re-exported by types.ts with the rest.
 */

export type AuthenticatorTransport = 'ble' | 'cable' | 'hybrid' | 'internal' | 'nfc' | 'smart-card' | 'usb';

export interface WebAuthnCredentialRecord {
  /** The credential id (§4 "Credential ID"), base64url: unique across users. */
  credential_id: string;
  username: string;
  /** The name the user gave it; unique per user. */
  description: string;
  /** The relying party id it is scoped to (§4 "RP ID"). */
  rp_id: string;
  /** The authenticator model (§6.5.1 "aaguid"), a UUID; all zeros when not disclosed. */
  aaguid: string;
  /** The COSE public key (§6.5.1 "credentialPublicKey"); encrypted at rest. */
  public_key: Buffer;
  /** The last signature counter seen (§6.1.1); 0 when the authenticator keeps none. */
  sign_count: number;
  transports: AuthenticatorTransport[];
  /** Registered as a discoverable credential (client-side resident key): usable for passkey sign-in. */
  discoverable: boolean;
  /** The UV flag of the registration (§6.1 "UV"). */
  user_verified: boolean;
  /** §6.1.3 BE and BS flags: a multi-device credential, and whether it is backed up now. */
  backup_eligible: boolean;
  backup_state: boolean;
  /** The attestation statement format of the registration ('none', 'packed', …). */
  attestation_format: string;
  created_at_ms: number;
  last_used_at_ms: number | null;
}

export type NewWebAuthnCredential = Omit<WebAuthnCredentialRecord, 'last_used_at_ms'>;

/** What a ceremony is for; a challenge is only ever accepted for the purpose it was made for. */
export type WebAuthnCeremony = 'registration' | 'second_factor' | 'passkey';

export interface WebAuthnChallenge {
  /** The challenge sent to the browser, base64url (§13.4.3: at least 16 random bytes). */
  challenge: string;
  ceremony: WebAuthnCeremony;
  /** What the challenge is bound to (a session, a browser): consumed only with the same value. */
  binding: string;
  /** The user the ceremony is for; null for a passkey sign-in (the authenticator says who). */
  username: string | null;
  expires_at_ms: number;
}

export interface WebAuthnCredentials {
  /**
   * The user's handle (§4 "User Handle", `user.id`): 32 random bytes base64url, made once and kept,
   * so an authenticator replaces (not duplicates) a credential for the same account. Atomic: two
   * first calls racing answer the same handle.
   */
  userHandle(username: string, proposed: string): Promise<string>;
  /** Whose handle this is, or null. */
  usernameForHandle(handle: string): Promise<string | null>;
  /** Stores a new credential; rejects with StorageConflictError when its id, or its description for the user, exists. */
  add(credential: NewWebAuthnCredential): Promise<void>;
  /** The user's credentials, oldest first. */
  list(username: string): Promise<WebAuthnCredentialRecord[]>;
  get(credentialId: string): Promise<WebAuthnCredentialRecord | null>;
  /**
   * Records a successful assertion, atomically refusing a counter that did not move forward
   * (§6.1.1: a clone): true when written; false when the stored counter is not below `signCount`
   * (both 0 is an authenticator without a counter, accepted) or the credential is gone.
   */
  recordUse(credentialId: string, signCount: number, backupState: boolean, usedAtMs: number): Promise<boolean>;
  /** Deletes one of the user's credentials; false when the user has none by that id. */
  delete(username: string, credentialId: string): Promise<boolean>;
  /** Deletes all the user's credentials; how many. */
  deleteAll(username: string): Promise<number>;
}

export interface WebAuthnChallenges {
  /** Keeps a new challenge until `expires_at_ms`. */
  create(challenge: WebAuthnChallenge): Promise<void>;
  /**
   * Single use, atomically: deletes the challenge and answers it when it exists for this ceremony
   * and binding and has not expired at `nowMs`; of two racing calls one gets it. Null otherwise.
   */
  consume(challenge: string, ceremony: WebAuthnCeremony, binding: string, nowMs: number): Promise<WebAuthnChallenge | null>;
  deleteExpired(nowMs: number): Promise<number>;
}

export type SecondFactorMethod = 'totp' | 'webauthn';

export interface UserPreferences {
  /** The second factor the user chose last, or null. */
  secondFactorMethod(username: string): Promise<SecondFactorMethod | null>;
  setSecondFactorMethod(username: string, method: SecondFactorMethod): Promise<void>;
}
