/**
 * The registration ceremony (W3C WebAuthn §7.1) through @simplewebauthn/server: options with a
 * fresh challenge kept single-use, bound and expiring in storage; the response verified against
 * that challenge, the portal's origin and RP id; the credential stored under the user's name for it.
 */
import { randomBytes } from 'node:crypto';
import type { verifyRegistrationResponse, PublicKeyCredentialCreationOptionsJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { StorageConflictError } from '../../storage/errors.js';
import type { WebAuthnChallenges, WebAuthnCredentialRecord, WebAuthnCredentials } from '../../storage/types.js';
import { WebAuthnError } from './errors.js';
import type { RelyingParty, WebAuthnPolicy } from './policy.js';
import { consumeChallenge } from './challenge.js';
import { simpleWebAuthn } from './library.js';

export interface WebAuthnDeps {
  credentials: WebAuthnCredentials;
  challenges: WebAuthnChallenges;
  policy: WebAuthnPolicy;
}

export interface BeginRegistrationInput {
  username: string;
  displayName: string;
  /** What the challenge is bound to: the session that asked. */
  binding: string;
  rp: RelyingParty;
  nowMs: number;
}

export async function beginRegistration(deps: WebAuthnDeps, input: BeginRegistrationInput): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const handle = await deps.credentials.userHandle(input.username, randomBytes(32).toString('base64url'));
  const existing = await deps.credentials.list(input.username);
  const options = await (await simpleWebAuthn()).generateRegistrationOptions({
    rpName: deps.policy.rpName,
    rpID: input.rp.id,
    userName: input.username,
    userID: Buffer.from(handle, 'base64url'),
    userDisplayName: input.displayName,
    timeout: deps.policy.timeoutMs,
    attestationType: deps.policy.attestation,
    // §5.4.3: the same authenticator is not registered twice for one account.
    excludeCredentials: existing.map((c) => ({ id: c.credential_id, transports: c.transports })),
    authenticatorSelection: {
      ...(deps.policy.attachment === undefined ? {} : { authenticatorAttachment: deps.policy.attachment }),
      residentKey: deps.policy.residentKey,
      userVerification: deps.policy.userVerification,
    },
  });
  await deps.challenges.create({ challenge: options.challenge, ceremony: 'registration', binding: input.binding, username: input.username, expires_at_ms: input.nowMs + deps.policy.timeoutMs });
  return options;
}

export interface FinishRegistrationInput {
  username: string;
  binding: string;
  rp: RelyingParty;
  /** The browser's PublicKeyCredential, as JSON (toJSON()). */
  response: unknown;
  /** The name the user gives it. */
  description: string;
  nowMs: number;
}

export async function finishRegistration(deps: WebAuthnDeps, input: FinishRegistrationInput): Promise<WebAuthnCredentialRecord> {
  const response = input.response as RegistrationResponseJSON;
  const challenge = await consumeChallenge(deps.challenges, response, 'registration', input.binding, input.nowMs);
  if (challenge.username !== input.username) throw new WebAuthnError('challenge_invalid', 'the challenge was made for another user');
  let verified: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
  try {
    verified = await (await simpleWebAuthn()).verifyRegistrationResponse({
      response,
      expectedChallenge: challenge.challenge,
      expectedOrigin: input.rp.origin,
      expectedRPID: input.rp.id,
      requireUserVerification: deps.policy.userVerification === 'required',
    });
  } catch (err) {
    throw new WebAuthnError('verification_failed', (err as Error).message, { cause: err });
  }
  if (!verified.verified) throw new WebAuthnError('verification_failed', 'the registration response did not verify');
  const info = verified.registrationInfo;
  const record: WebAuthnCredentialRecord = {
    credential_id: info.credential.id,
    username: input.username,
    description: input.description,
    rp_id: input.rp.id,
    aaguid: info.aaguid,
    public_key: Buffer.from(info.credential.publicKey),
    sign_count: info.credential.counter,
    transports: info.credential.transports ?? [],
    // credProps (§10.1.3) tells whether the credential is discoverable; without it, what was required.
    discoverable: response.clientExtensionResults.credProps?.rk ?? deps.policy.residentKey === 'required',
    user_verified: info.userVerified,
    backup_eligible: info.credentialDeviceType === 'multiDevice',
    backup_state: info.credentialBackedUp,
    attestation_format: info.fmt,
    created_at_ms: input.nowMs,
    last_used_at_ms: null,
  };
  try {
    await deps.credentials.add({ ...record });
  } catch (err) {
    if (err instanceof StorageConflictError) throw new WebAuthnError('duplicate_description', 'a credential with that name or id exists', { cause: err });
    throw err;
  }
  return record;
}
