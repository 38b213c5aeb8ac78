import t from 'tap';
import { discoveryMetadata } from '../../src/oidc/discovery.js';
import type { SigningAlg } from '../../src/crypto/keys.js';

const keys = { algorithms: (): SigningAlg[] => ['RS256', 'ES256'] };
const ASSERTION_ALGS = ['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'];
const config = { enable_pkce_plain_challenge: false, require_pushed_authorization_requests: false };

t.test('OIDC Discovery §3 / RFC 8414 §2: exactly what is implemented now', async (t) => {
  t.strictSame(discoveryMetadata({ issuer: 'https://auth.example.com', keys, config }), {
    issuer: 'https://auth.example.com',
    authorization_endpoint: 'https://auth.example.com/api/oidc/authorization',
    token_endpoint: 'https://auth.example.com/api/oidc/token',
    userinfo_endpoint: 'https://auth.example.com/api/oidc/userinfo',
    introspection_endpoint: 'https://auth.example.com/api/oidc/introspection',
    revocation_endpoint: 'https://auth.example.com/api/oidc/revocation',
    pushed_authorization_request_endpoint: 'https://auth.example.com/api/oidc/pushed-authorization-request',
    require_pushed_authorization_requests: false,
    jwks_uri: 'https://auth.example.com/jwks.json',
    response_types_supported: ['code', 'id_token', 'token', 'id_token token', 'code id_token', 'code token', 'code id_token token'],
    response_modes_supported: ['form_post', 'query', 'fragment', 'jwt', 'form_post.jwt', 'query.jwt', 'fragment.jwt'],
    grant_types_supported: ['authorization_code', 'implicit', 'refresh_token', 'client_credentials'],
    authorization_signing_alg_values_supported: ['RS256', 'ES256'],
    scopes_supported: ['openid', 'offline_access', 'profile', 'email', 'groups', 'authelia.bearer.authz'],
    claims_supported: [
      'amr', 'aud', 'auth_time', 'azp', 'exp', 'iat', 'iss', 'jti', 'nonce', 'rat', 'sid', 'sub',
      'groups', 'email', 'email_verified', 'alt_emails', 'preferred_username', 'name',
    ],
    subject_types_supported: ['public', 'pairwise'],
    id_token_signing_alg_values_supported: ['RS256', 'ES256'],
    userinfo_signing_alg_values_supported: ['none', 'RS256', 'ES256'],
    introspection_signing_alg_values_supported: ['RS256', 'ES256'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'none'],
    token_endpoint_auth_signing_alg_values_supported: ASSERTION_ALGS,
    introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt'],
    introspection_endpoint_auth_signing_alg_values_supported: ASSERTION_ALGS,
    revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'none'],
    revocation_endpoint_auth_signing_alg_values_supported: ASSERTION_ALGS,
    code_challenge_methods_supported: ['S256'],
    authorization_response_iss_parameter_supported: true,
    request_parameter_supported: true,
    request_object_signing_alg_values_supported: ['none', ...ASSERTION_ALGS],
    request_uri_parameter_supported: false,
    claims_parameter_supported: false,
    prompt_values_supported: ['none', 'login', 'consent'],
    end_session_endpoint: 'https://auth.example.com/api/oidc/end-session',
    frontchannel_logout_supported: true,
    frontchannel_logout_session_supported: true,
    backchannel_logout_supported: true,
    backchannel_logout_session_supported: true,
  });
});

t.test('config decides: plain PKCE only when enable_pkce_plain_challenge; require_pushed_authorization_requests as configured', async (t) => {
  const metadata = discoveryMetadata({
    issuer: 'https://auth.example.com',
    keys,
    config: { enable_pkce_plain_challenge: true, require_pushed_authorization_requests: true },
  });
  t.strictSame(metadata['code_challenge_methods_supported'], ['S256', 'plain']);
  t.equal(metadata['require_pushed_authorization_requests'], true);
  t.equal(metadata['pushed_authorization_request_endpoint'], 'https://auth.example.com/api/oidc/pushed-authorization-request');
});
