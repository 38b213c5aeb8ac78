/** Provider-wide rules: CORS (Authelia's OpenID Connect provider configuration, "cors"), unique client ids, parameter entropy, and every client's own rules. */
import { tryUrl } from '../schema/common.js';
import { checkOidcClient } from './oidc-client.js';
import { issuerKeyModel } from './issuer-key-model.js';
import { checkClientJwks, checkIssuerKeys } from './oidc-keys.js';
import { checkSignedResponseKeys } from './signed-response-keys.js';
import { OIDC_PATH, type CheckReport, type ParsedOidc } from './types.js';

/** Authelia's OpenID Connect configuration, "allowed_origins": scheme, host and port only; `*` stands alone and excludes the redirect URI origins. */
function checkCors(oidc: ParsedOidc): CheckReport['problems'] {
  const path = [...OIDC_PATH, 'cors', 'allowed_origins'];
  const origins = oidc.cors.allowed_origins;
  const problems: CheckReport['problems'] = [];
  if (origins.includes('*')) {
    if (origins.length > 1) problems.push({ path, message: "must contain the wildcard origin '*' on its own" });
    if (oidc.cors.allowed_origins_from_client_redirect_uris) {
      problems.push({ path: [...OIDC_PATH, 'cors', 'allowed_origins_from_client_redirect_uris'], message: "must be false when allowed_origins is the wildcard '*'" });
    }
  }
  origins.forEach((origin, i) => {
    if (origin === '*') return;
    const url = tryUrl(origin);
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin !== origin) {
      problems.push({ path: [...path, i], message: `must be an origin (scheme://host[:port]) without a path or trailing slash but is '${origin}'` });
    }
  });
  return problems;
}

export function checkOidc(oidc: ParsedOidc, nowMs: number): CheckReport {
  const warnings: string[] = [];
  if (oidc.minimum_parameter_entropy < 8) {
    warnings.push(`identity_providers.oidc.minimum_parameter_entropy is ${oidc.minimum_parameter_entropy}: values below 8 make nonce and state guessable`);
  }
  if (oidc.discovery_signed_response_alg !== 'none') {
    warnings.push('config key identity_providers.oidc.discovery_signed_response_alg is accepted for compatibility with Authelia but not implemented: the discovery document is plain JSON, without signed_metadata');
  }
  if (oidc.enable_jwt_access_token_stateless_introspection) {
    warnings.push(
      'config key identity_providers.oidc.enable_jwt_access_token_stateless_introspection is accepted for compatibility with Authelia but not implemented: introspection always looks a JWT access token up in storage, so a revoked one is reported inactive (RFC 7662 §2.2)',
    );
  }
  const keys = issuerKeyModel(oidc);
  const problems = [...checkIssuerKeys(oidc, nowMs, keys), ...checkCors(oidc)];
  const ids = new Map<string, number>();
  oidc.clients.forEach((client, i) => {
    const path = [...OIDC_PATH, 'clients', i];
    const first = ids.get(client.client_id);
    if (first !== undefined) {
      problems.push({ path: [...path, 'client_id'], message: `'${client.client_id}' is already used by identity_providers.oidc.clients[${first}]` });
    } else ids.set(client.client_id, i);
    problems.push(...checkOidcClient(client, path, oidc), ...checkSignedResponseKeys(client, path, keys), ...checkClientJwks(client, path));
  });
  return { problems, warnings };
}
