/** The proxy kinds by `server.endpoints.authz.<name>.implementation`: dispatch by look-up. */
import { authRequest } from './auth-request.js';
import { extAuthz } from './ext-authz.js';
import { forwardAuth } from './forward-auth.js';
import { legacy } from './legacy.js';
import type { AuthzImplementation, ProxyKind } from './types.js';

export const proxyKinds: Readonly<Record<AuthzImplementation, ProxyKind>> = Object.freeze({
  ForwardAuth: forwardAuth,
  AuthRequest: authRequest,
  ExtAuthz: extAuthz,
  Legacy: legacy,
});

export { isBrowserRequest, portalRedirectUrl } from './unauthorized.js';
export type { AuthzImplementation, ProxyKind, ProxyRequestView, TargetResult, UnauthorizedAnswer, UnauthorizedInput } from './types.js';
