/**
 * W3C WebAuthn §6.1.1 / §7.2 step 22: the signature counter must move forward; an authenticator
 * that keeps none sends 0 every time (both 0 is accepted). Anything else may be a clone, and is
 * refused (Authelia refuses too). Pure; storage repeats the check atomically (recordUse).
 */
import { WebAuthnError } from './errors.js';

export function checkSignCount(stored: number, received: number): void {
  if (stored === 0 && received === 0) return;
  if (received > stored) return;
  throw new WebAuthnError('counter_regression', `signature counter ${received} is not above the stored ${stored}`);
}
