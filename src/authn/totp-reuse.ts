/**
 * `totp.disable_reuse_security_policy` (Authelia's name): with it, a TOTP code may be used again
 * within its time window — the used step is still recorded, but a replay is no longer refused
 * (RFC 6238 §5.2 recommends refusing it). A decorator at the storage boundary, so the second-factor
 * and enrolment pages keep one rule: "accepted when markUsed says so".
 */
import type { TotpConfigurations } from '../storage/types.js';

export function allowingTotpReuse(totp: TotpConfigurations): TotpConfigurations {
  return {
    ...totp,
    async markUsed(username, step, usedAtMs) {
      await totp.markUsed(username, step, usedAtMs);
      return true;
    },
  };
}
