/**
 * The second factors a person has registered, one source per method, so the settings page lists
 * and removes them without knowing each method: TOTP here; WebAuthn adds its own source
 * (src/authn/webauthn) to PortalServices.secondFactors.
 */
import type { TotpConfigurations } from '../storage/types.js';

export type SecondFactorMethod = 'totp' | 'webauthn';

export interface RegisteredFactor {
  method: SecondFactorMethod;
  /** Unique within the method and user: what removal names. */
  id: string;
  /** What the person sees: "Authenticator app", a security key's name. */
  description: string;
  created_at_ms: number;
  last_used_at_ms: number | null;
}

export interface SecondFactorSource {
  readonly method: SecondFactorMethod;
  list(username: string): Promise<RegisteredFactor[]>;
  /** False when the user has no such factor. */
  remove(username: string, id: string): Promise<boolean>;
}

/** TOTP: at most one authenticator per user, whose id is always 'totp'. */
export function totpFactors(totp: TotpConfigurations): SecondFactorSource {
  return {
    method: 'totp',
    async list(username) {
      const config = await totp.get(username);
      return config ? [{ method: 'totp', id: 'totp', description: `Authenticator app (${config.algorithm}, ${config.digits} digits, ${config.period} s)`, created_at_ms: config.created_at_ms, last_used_at_ms: null }] : [];
    },
    remove: (username, id) => (id === 'totp' ? totp.delete(username) : Promise.resolve(false)),
  };
}

/** Every registered factor of the user, method by method. */
export async function listFactors(sources: readonly SecondFactorSource[], username: string): Promise<RegisteredFactor[]> {
  return (await Promise.all(sources.map((s) => s.list(username)))).flat();
}
