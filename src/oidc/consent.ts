/**
 * Whether the person must be asked (clients guide, consent_mode): implicit never asks; explicit
 * always asks; pre-configured asks unless a remembered consent of the same subject, client, scopes
 * and audience is still valid. `prompt=consent` always asks; `prompt=none` never may.
 */
import type { EffectiveConsentMode } from '../config/index.js';

export type ConsentNeed = 'granted' | 'ask';

export function consentNeed(mode: EffectiveConsentMode, promptConsent: boolean, rememberedConsent: boolean): ConsentNeed {
  if (promptConsent) return 'ask';
  switch (mode) {
    case 'implicit':
      return 'granted';
    case 'explicit':
      return 'ask';
    case 'pre-configured':
      return rememberedConsent ? 'granted' : 'ask';
  }
}
