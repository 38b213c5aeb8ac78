/**
 * Every revocation goes through `TokenSessions.revoke` / `revokeByRequestId` (the revocation
 * endpoint) or `redeem` (code replay, refresh rotation and reuse). Observing them at that one
 * boundary means the introspection cache hears about each one at once, whoever revoked.
 */
import type { TokenSessions } from '../storage/types.js';
import type { RevocationBus } from './revocation-bus.js';

export function observeRevocations(tokens: TokenSessions, bus: RevocationBus): TokenSessions {
  return {
    create: (kind, record) => tokens.create(kind, record),
    get: (kind, signature) => tokens.get(kind, signature),
    consume: (kind, signature, nowMs) => tokens.consume(kind, signature, nowMs),
    deleteExpired: (nowMs) => tokens.deleteExpired(nowMs),
    async redeem(redemption) {
      const result = await tokens.redeem(redemption);
      const accessTokens = 'revoked' in result ? result.revoked.filter((t) => t.kind === 'access_token').map((t) => t.signature) : [];
      if (accessTokens.length > 0) bus.emit(accessTokens);
      return result;
    },
    async revoke(kind, signature) {
      const revoked = await tokens.revoke(kind, signature);
      if (revoked && kind === 'access_token') bus.emit([signature]);
      return revoked;
    },
    async revokeByRequestId(requestId) {
      const family = await tokens.revokeByRequestId(requestId);
      const accessTokens = family.filter((t) => t.kind === 'access_token').map((t) => t.signature);
      if (accessTokens.length > 0) bus.emit(accessTokens);
      return family;
    },
  };
}
