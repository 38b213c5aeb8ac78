/**
 * The return of a person to a stored interaction (after sign-in, second factor or consent), by its
 * id alone. The stored parameters are checked again by the same pure checks: configuration is
 * what it was, so the verdict is too, and nothing the browser carries is read.
 */
import { UnsafeAuthorizationError, validateAuthorizationRequest, type AuthorizeDeps } from '../../oauth/authorize/index.js';
import type { AuthorizationInteractions } from '../../storage/types.js';
import type { Arrival } from './types.js';

/** The one parameter a resumed request has (anything else beside it is ignored). */
export const INTERACTION_PARAMETER = 'interaction';

export interface ResumeDeps {
  authorize: AuthorizeDeps;
  interactions: AuthorizationInteractions;
}

const UNKNOWN = 'This sign-in request is unknown, has expired or was already answered. Start again from the application.';

export async function resume(id: string, deps: ResumeDeps, nowMs: number): Promise<Arrival> {
  const record = id === '' ? null : await deps.interactions.get(id, nowMs);
  if (!record) return { ok: false, error: new UnsafeAuthorizationError('invalid_request', UNKNOWN), destination: null };
  // The PAR requirement was met on arrival, or the request would not have been kept.
  const validation = validateAuthorizationRequest(new URLSearchParams(record.parameters), deps.authorize, { pushed: true });
  if (!validation.ok) return validation;
  return { ok: true, interaction: { record, request: validation.request, forceLogin: false } };
}
