/**
 * The authentication ceremony (W3C WebAuthn §7.2), as a second factor (the signed-in user's
 * credentials are allowed) or as a passkey sign-in (no user named: a discoverable credential,
 * user verification required, the user found from the credential and its user handle).
 * The signature counter must move forward (sign-count.ts), then storage moves it atomically.
 */
import type { verifyAuthenticationResponse, AuthenticationResponseJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import type { WebAuthnCredentialRecord } from '../../storage/types.js';
import { consumeChallenge } from './challenge.js';
import { simpleWebAuthn } from './library.js';
import { WebAuthnError } from './errors.js';
import type { RelyingParty } from './policy.js';
import type { WebAuthnDeps } from './registration.js';
import { checkSignCount } from './sign-count.js';

export type AuthenticationCeremony = 'second_factor' | 'passkey';

export interface BeginAuthenticationInput {
  ceremony: AuthenticationCeremony;
  /** The signed-in user (second factor); null for a passkey sign-in. */
  username: string | null;
  binding: string;
  rp: RelyingParty;
  nowMs: number;
  /** Credentials that may not answer: the passkey that was the first factor cannot be the second. */
  excluded?: readonly string[];
}

export async function beginAuthentication(deps: WebAuthnDeps, input: BeginAuthenticationInput): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const excluded = new Set(input.excluded ?? []);
  const allowed = input.ceremony === 'second_factor' && input.username !== null ? (await deps.credentials.list(input.username)).filter((c) => !excluded.has(c.credential_id)) : [];
  const options = await (await simpleWebAuthn()).generateAuthenticationOptions({
    rpID: input.rp.id,
    allowCredentials: allowed.map((c) => ({ id: c.credential_id, transports: c.transports })),
    timeout: deps.policy.timeoutMs,
    userVerification: input.ceremony === 'passkey' ? 'required' : deps.policy.userVerification,
  });
  await deps.challenges.create({ challenge: options.challenge, ceremony: input.ceremony, binding: input.binding, username: input.username, expires_at_ms: input.nowMs + deps.policy.timeoutMs });
  return options;
}

export interface FinishAuthenticationInput {
  ceremony: AuthenticationCeremony;
  username: string | null;
  binding: string;
  rp: RelyingParty;
  response: unknown;
  nowMs: number;
  /** As for beginAuthentication: such a credential is refused as unknown. */
  excluded?: readonly string[];
}

export interface AuthenticatedByWebAuthn {
  username: string;
  credential: WebAuthnCredentialRecord;
  userVerified: boolean;
}

export async function finishAuthentication(deps: WebAuthnDeps, input: FinishAuthenticationInput): Promise<AuthenticatedByWebAuthn> {
  const response = input.response as AuthenticationResponseJSON;
  const challenge = await consumeChallenge(deps.challenges, response, input.ceremony, input.binding, input.nowMs);
  if (challenge.username !== input.username) throw new WebAuthnError('challenge_invalid', 'the challenge was made for another user');
  const credential = typeof response.id === 'string' ? await deps.credentials.get(response.id) : null;
  if (credential === null || credential.rp_id !== input.rp.id) throw new WebAuthnError('unknown_credential', 'no such credential for this relying party');
  if (input.ceremony === 'second_factor' && credential.username !== input.username) throw new WebAuthnError('unknown_credential', 'the credential is another user’s');
  if (input.excluded?.includes(credential.credential_id)) throw new WebAuthnError('unknown_credential', 'the passkey that was the first factor cannot be the second');
  if (input.ceremony === 'passkey') {
    // §7.2 step 6: the user handle the authenticator returns must be the credential owner's.
    const handle = response.response.userHandle;
    const owner = typeof handle === 'string' ? await deps.credentials.usernameForHandle(handle) : null;
    if (owner !== credential.username) throw new WebAuthnError('unknown_credential', 'the user handle is not the credential owner’s');
  }

  let verified: Awaited<ReturnType<typeof verifyAuthenticationResponse>>;
  try {
    verified = await (await simpleWebAuthn()).verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge.challenge,
      expectedOrigin: input.rp.origin,
      expectedRPID: input.rp.id,
      // The library's own counter check is ours (sign-count.ts), so its refusal gets our code.
      credential: { id: credential.credential_id, publicKey: new Uint8Array(credential.public_key), counter: 0, transports: credential.transports },
      requireUserVerification: input.ceremony === 'passkey' || deps.policy.userVerification === 'required',
    });
  } catch (err) {
    const message = (err as Error).message;
    if (/user could not be verified/i.test(message)) throw new WebAuthnError('user_verification_required', message, { cause: err });
    throw new WebAuthnError('verification_failed', message, { cause: err });
  }
  if (!verified.verified) throw new WebAuthnError('verification_failed', 'the assertion did not verify');
  const info = verified.authenticationInfo;
  checkSignCount(credential.sign_count, info.newCounter);
  if (!(await deps.credentials.recordUse(credential.credential_id, info.newCounter, info.credentialBackedUp, input.nowMs))) {
    throw new WebAuthnError('counter_regression', 'the signature counter was moved by a parallel assertion');
  }
  return { username: credential.username, credential: { ...credential, sign_count: info.newCounter, last_used_at_ms: input.nowMs }, userVerified: info.userVerified };
}
