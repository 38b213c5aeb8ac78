/**
 * Rules between the options of one client: the clients guide (Authelia's OpenID Connect clients configuration: secret, public,
 * redirect_uris, pkce_challenge_method), the integration guide's Grant/Response Types and
 * signing tables (Authelia's OpenID Connect 1.0 integration guide), and the `authelia.bearer.authz` rules of the bearer token guide.
 */
import type { ConfigPath } from '../errors.js';
import { HMAC_ALGS, tryUrl } from '../schema/common.js';
import type { GrantType, ResponseType } from '../schema/oidc-client.js';
import { duplicateProblems, type CheckProblem, type ParsedClient, type ParsedOidc } from './types.js';
import { checkLogoutUris } from './oidc-client-logout.js';

export const OOB_REDIRECT_URI = 'urn:ietf:wg:oauth:2.0:oob';
export const BEARER_AUTHZ_SCOPE = 'authelia.bearer.authz';
const BEARER_RESPONSE_MODES = ['form_post', 'form_post.jwt', 'query', 'query.jwt'];

type ClientCheck = (client: ParsedClient, path: ConfigPath, oidc: ParsedOidc) => CheckProblem[];

/** Authelia's OpenID Connect configuration, "secret" and "public": a public client has no secret and authenticates with `none`. */
const checkClientType: ClientCheck = (client, path) => {
  const problems: CheckProblem[] = [];
  const method = client.token_endpoint_auth_method;
  if (client.public) {
    if (client.client_secret !== undefined) problems.push({ path: [...path, 'client_secret'], message: 'must be empty for a public client' });
    if (method !== 'none') problems.push({ path: [...path, 'token_endpoint_auth_method'], message: `must be 'none' for a public client but is '${method}'` });
    return problems;
  }
  if (method === 'none') {
    problems.push({ path: [...path, 'token_endpoint_auth_method'], message: "must not be 'none' for a confidential client (public: false)" });
  }
  if (client.client_secret === undefined && method !== 'private_key_jwt' && method !== 'none') {
    problems.push({ path: [...path, 'client_secret'], message: "is required for a confidential client unless token_endpoint_auth_method is 'private_key_jwt'" });
  }
  // client_secret_jwt signs with the secret itself, so a digest cannot work.
  if (method === 'client_secret_jwt' && client.client_secret?.startsWith('$') && !client.client_secret.startsWith('$plaintext$')) {
    problems.push({ path: [...path, 'client_secret'], message: "must be the plaintext secret, not a digest, for token_endpoint_auth_method 'client_secret_jwt'" });
  }
  return problems;
};

/** Authelia's OpenID Connect configuration, "redirect_uris": absolute http(s) URIs; RFC 6749 §3.1.2: no fragment; oob only for public clients. */
const checkRedirectUris: ClientCheck = (client, path) => {
  const problems: CheckProblem[] = duplicateProblems(client.redirect_uris, [...path, 'redirect_uris']);
  client.redirect_uris.forEach((uri, i) => {
    const at = [...path, 'redirect_uris', i];
    if (uri === OOB_REDIRECT_URI) {
      if (!client.public) problems.push({ path: at, message: `'${OOB_REDIRECT_URI}' is only allowed for public clients` });
      return;
    }
    const url = tryUrl(uri);
    if (!url) problems.push({ path: at, message: `must be an absolute URL but is '${uri}'` });
    else if (url.protocol !== 'http:' && url.protocol !== 'https:') problems.push({ path: at, message: `must have the scheme http or https but is '${uri}'` });
    else if (uri.includes('#')) problems.push({ path: at, message: `must not have a fragment but is '${uri}'` });
  });
  return problems;
};

/** Authelia's OpenID Connect configuration, "pkce_challenge_method" + "enable_pkce_plain_challenge". */
const checkPkce: ClientCheck = (client, path, oidc) =>
  client.pkce_challenge_method === 'plain' && !oidc.enable_pkce_plain_challenge
    ? [{ path: [...path, 'pkce_challenge_method'], message: "is 'plain' but identity_providers.oidc.enable_pkce_plain_challenge is false" }]
    : [];

/** Authelia's OpenID Connect 1.0 integration guide: Response Types: code needs authorization_code; id_token and token need implicit. */
export function grantTypesFor(responseType: ResponseType): GrantType[] {
  const parts = responseType.split(' ');
  const needs: GrantType[] = [];
  if (parts.includes('code')) needs.push('authorization_code');
  if (parts.includes('id_token') || parts.includes('token')) needs.push('implicit');
  return needs;
}

const checkFlows: ClientCheck = (client, path) => {
  const problems: CheckProblem[] = [
    ...duplicateProblems(client.grant_types, [...path, 'grant_types']),
    ...duplicateProblems(client.response_types, [...path, 'response_types']),
    ...duplicateProblems(client.response_modes, [...path, 'response_modes']),
    ...duplicateProblems(client.scopes, [...path, 'scopes']),
  ];
  client.response_types.forEach((type, i) => {
    const missing = grantTypesFor(type).filter((grant) => !client.grant_types.includes(grant));
    if (missing.length > 0) {
      problems.push({ path: [...path, 'response_types', i], message: `'${type}' needs the grant type ${missing.map((g) => `'${g}'`).join(' and ')} in grant_types` });
    }
  });
  // Authelia's OpenID Connect 1.0 integration guide: Grant Types: with client_credentials alone, openid, offline and offline_access are not allowed.
  if (client.grant_types.length > 0 && client.grant_types.every((g) => g === 'client_credentials')) {
    client.scopes.forEach((scope, i) => {
      if (scope === 'openid' || scope === 'offline' || scope === 'offline_access') {
        problems.push({ path: [...path, 'scopes', i], message: `must not be '${scope}' when client_credentials is the only grant type` });
      }
    });
  }
  return problems;
};

/** Bearer token guide: what a client needs before it may request `authelia.bearer.authz`. */
const checkBearerAuthz: ClientCheck = (client, path) => {
  if (!client.scopes.includes(BEARER_AUTHZ_SCOPE)) return [];
  const why = `for a client with the scope '${BEARER_AUTHZ_SCOPE}'`;
  const problems: CheckProblem[] = [];
  if (client.audience.length === 0) problems.push({ path: [...path, 'audience'], message: `must not be empty ${why}` });
  if (client.grant_types.length === 1 && client.grant_types[0] === 'client_credentials') return problems;
  if (client.pkce_challenge_method !== 'S256') {
    problems.push({ path: [...path, 'pkce_challenge_method'], message: `must be 'S256' ${why} but is '${client.pkce_challenge_method}'` });
  }
  if (client.consent_mode_effective !== 'explicit') {
    const resolved = client.consent_mode === 'auto' ? ` (auto resolves to '${client.consent_mode_effective}' because pre_configured_consent_duration is set)` : '';
    problems.push({ path: [...path, 'consent_mode'], message: `must be 'explicit' ${why} but is '${client.consent_mode}'${resolved}` });
  }
  if (client.response_types.length !== 1 || client.response_types[0] !== 'code') {
    problems.push({ path: [...path, 'response_types'], message: `must be only 'code' ${why}` });
  }
  client.response_modes.forEach((mode, i) => {
    if (!BEARER_RESPONSE_MODES.includes(mode)) problems.push({ path: [...path, 'response_modes', i], message: `must not be '${mode}' ${why}` });
  });
  client.grant_types.forEach((grant, i) => {
    if (grant !== 'authorization_code' && grant !== 'refresh_token') {
      problems.push({ path: [...path, 'grant_types', i], message: `must not be '${grant}' ${why} unless it is the only grant type` });
    }
  });
  return problems;
};

/** Authelia's OpenID Connect 1.0 integration guide: Client Authentication Method and Request Object tables. */
const checkAuthMethods: ClientCheck = (client, path) => {
  const problems: CheckProblem[] = [];
  const method = client.token_endpoint_auth_method;
  const hasKeys = client.jwks !== undefined || client.jwks_uri !== undefined;
  if (client.jwks !== undefined && client.jwks_uri !== undefined) {
    problems.push({ path: [...path, 'jwks_uri'], message: 'must not be set together with jwks' });
  }
  if (method === 'private_key_jwt' && !hasKeys) {
    problems.push({ path: [...path, 'token_endpoint_auth_method'], message: "is 'private_key_jwt' but neither jwks nor jwks_uri is set" });
  }
  const signingAlg = client.token_endpoint_auth_signing_alg;
  if (signingAlg !== undefined) {
    const isHmac = (HMAC_ALGS as readonly string[]).includes(signingAlg);
    const wanted = isHmac ? 'client_secret_jwt' : 'private_key_jwt';
    if (method !== wanted) {
      problems.push({ path: [...path, 'token_endpoint_auth_signing_alg'], message: `is '${signingAlg}' which needs token_endpoint_auth_method '${wanted}' but it is '${method}'` });
    }
  }
  const requestAlg = client.request_object_signing_alg;
  if (requestAlg !== undefined && requestAlg !== 'none') {
    if ((HMAC_ALGS as readonly string[]).includes(requestAlg)) {
      if (client.client_secret === undefined) problems.push({ path: [...path, 'request_object_signing_alg'], message: `is '${requestAlg}' which needs a client_secret` });
    } else if (!hasKeys) {
      problems.push({ path: [...path, 'request_object_signing_alg'], message: `is '${requestAlg}' which needs jwks or jwks_uri` });
    }
  }
  // The ID Token is always signed (OpenID Connect Core §2): `none` is not in the Response Object table.
  if (client.id_token_signed_response_alg === 'none') {
    problems.push({ path: [...path, 'id_token_signed_response_alg'], message: "must not be 'none': ID Tokens are always signed" });
  }
  return problems;
};

/** Authelia's OpenID Connect configuration, "authorization_policy": one_factor, two_factor or a custom policy name; `lifespan` names a custom lifespan. */
const checkPolicyNames: ClientCheck = (client, path, oidc) => {
  const problems: CheckProblem[] = [];
  const policy = client.authorization_policy;
  if (policy !== 'one_factor' && policy !== 'two_factor' && !(policy in oidc.authorization_policies)) {
    problems.push({ path: [...path, 'authorization_policy'], message: `must be 'one_factor', 'two_factor' or a name from identity_providers.oidc.authorization_policies but is '${policy}'` });
  }
  if (client.lifespan !== undefined && !(client.lifespan in oidc.lifespans.custom)) {
    problems.push({ path: [...path, 'lifespan'], message: `must be a name from identity_providers.oidc.lifespans.custom but is '${client.lifespan}'` });
  }
  return problems;
};

const CLIENT_CHECKS: readonly ClientCheck[] = [checkClientType, checkRedirectUris, checkPkce, checkFlows, checkBearerAuthz, checkAuthMethods, checkPolicyNames, checkLogoutUris];

export function checkOidcClient(client: ParsedClient, path: ConfigPath, oidc: ParsedOidc): CheckProblem[] {
  return CLIENT_CHECKS.flatMap((check) => check(client, path, oidc));
}
