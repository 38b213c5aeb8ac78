/**
 * Issue #12 item 10, "Done when": an Authelia 4.39 configuration written from Authelia's
 * documented keys, every section, loads with warnings only, one per key Gatehouse does not
 * implement, each saying what Gatehouse does instead.
 */
import t from 'tap';
import { NOT_IMPLEMENTED_REFRESH_INTERVAL, notImplementedWarning as checkWarning } from '../../src/config/authelia/not-implemented.js';
import { issuerOf } from '../../src/config/index.js';
import { fixture, notImplementedWarning, parse } from './config-fixtures.js';

const REFERENCE = fixture('authelia-4.39-reference.yml');

/** The keys the reference file writes that Gatehouse accepts without implementing them, in warning order. */
const WARNED = [
  'definitions',
  'duo_api',
  'webauthn.filtering',
  'webauthn.metadata',
  'webauthn.experimental_enable_passkey_upgrade',
  'ntp',
  'privacy_policy',
  'notifier.smtp.startup_check_address',
  'server.disable_healthcheck',
  'server.endpoints.enable_pprof',
  'server.endpoints.enable_expvars',
  'server.endpoints.rate_limits',
  'server.endpoints.authz.*.authn_strategies[].scheme_basic_cache_lifespan',
  'log.keep_stdout',
  'authentication_backend.password_change',
  'authentication_backend.file.search',
  'authentication_backend.file.extra_attributes',
  'authentication_backend.file.password.scrypt.variant',
  'session.redis',
  'storage.postgres.servers',
  'storage.postgres.tls.maximum_version',
  'identity_providers.oidc.scopes',
  'identity_providers.oidc.claims_policies',
  'identity_providers.oidc.clients[].claims_policy',
  'identity_providers.oidc.lifespans.device_code',
  'identity_providers.oidc.lifespans.jwt_secured_authorization',
  'identity_providers.oidc.lifespans.custom.*.device_code',
  'identity_providers.oidc.lifespans.custom.*.grants',
  'identity_providers.oidc.clients[].introspection_endpoint_auth_method',
  'identity_providers.oidc.clients[].revocation_endpoint_auth_method',
  'identity_providers.oidc.clients[].pushed_authorization_request_endpoint_auth_method',
  'identity_providers.oidc.clients[].authorization_encrypted_response_enc',
  'identity_providers.oidc.clients[].id_token_encrypted_response_enc',
  'identity_providers.oidc.clients[].access_token_encrypted_response_enc',
  'identity_providers.oidc.clients[].userinfo_encrypted_response_enc',
  'identity_providers.oidc.clients[].introspection_encrypted_response_enc',
];

t.test('the Authelia 4.39 reference configuration loads, with one warning per key Gatehouse does not implement', async (t) => {
  const { config, warnings } = parse(REFERENCE);
  t.same(warnings, [
    ...WARNED.map(notImplementedWarning),
    // Keys Gatehouse implements for LDAP, which do nothing with the users file (config/checks/ldap.ts).
    checkWarning('authentication_backend.refresh_interval', NOT_IMPLEMENTED_REFRESH_INTERVAL),
  ]);
  t.equal(new Set(warnings).size, warnings.length, 'each once');

  // What it does configure, Gatehouse uses.
  t.equal(issuerOf(config), 'https://auth.example.com', "the issuer is the first cookie's authelia_url, as in Authelia");
  t.same(config.identity_providers!.oidc!.clients.map((c) => c.client_id), ['myapp', 'spa', 'machine']);
  t.equal(config.identity_providers!.oidc!.clients[0].sector_identifier_uri, undefined, "sector_identifier_uri: '' is unset");
  t.equal(config.log.file_path, '/config/authelia.log');
  t.equal(config.storage.postgres!.host, 'postgres');
  t.equal(config.access_control.rules.length, 10);
  t.same(config.access_control.rules[8].domain_regex, ['^(?P<User>\\w+)\\.example\\.com$'], "Go's named group, kept for the rule compiler");
  t.equal(config.session.cookies[0].remember_me, 86_400);
  t.same([config.totp.algorithm, config.totp.digits, config.totp.period], ['SHA1', 6, 30]);
  t.same(config.notifier!.smtp!.address, { scheme: 'submission:', host: 'smtp.example.com', port: 587 }, 'notifier, identity_validation and password_policy are implemented (issue #15)');
  t.equal(config.identity_validation.elevated_session.characters, 8);
  t.equal(config.password_policy.standard.enabled, false);
});

t.test('the warnings are sentences that name the key and what Gatehouse does instead', async (t) => {
  for (const warning of parse(REFERENCE).warnings) {
    t.match(warning, /^config key \S+ is accepted for compatibility with Authelia but not implemented: \S.*[^.]$/, warning);
  }
});
