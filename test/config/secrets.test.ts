/** Secrets from files named by GATEHOUSE_*_FILE / AUTHELIA_*_FILE (Authelia's "secrets" method). */
import t from 'tap';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SECRET_PATHS, secretVariableName } from '../../src/config/index.js';
import { fixture, parse, problemsOf, withClient } from './config-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-secrets-'));
const file = (name: string, content: string): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const HMAC = 'h'.repeat(64);

t.test('variable names are the key path in upper snake case', async (t) => {
  t.same(
    SECRET_PATHS.map((p) => secretVariableName('GATEHOUSE_', p)),
    [
      'GATEHOUSE_IDENTITY_PROVIDERS_OIDC_HMAC_SECRET_FILE',
      'GATEHOUSE_IDENTITY_PROVIDERS_OIDC_ISSUER_PRIVATE_KEY_FILE',
      'GATEHOUSE_IDENTITY_PROVIDERS_OIDC_ISSUER_CERTIFICATE_CHAIN_FILE',
      'GATEHOUSE_SESSION_SECRET_FILE',
      'GATEHOUSE_STORAGE_ENCRYPTION_KEY_FILE',
      'GATEHOUSE_STORAGE_POSTGRES_PASSWORD_FILE',
      'GATEHOUSE_AUTHENTICATION_BACKEND_LDAP_PASSWORD_FILE',
      'GATEHOUSE_SERVER_ENDPOINTS_REMOTE_INTROSPECTION_CLIENT_SECRET_FILE',
      'GATEHOUSE_NOTIFIER_SMTP_PASSWORD_FILE',
      'GATEHOUSE_IDENTITY_VALIDATION_RESET_PASSWORD_JWT_SECRET_FILE',
    ],
  );
});

t.test('a secret file fills its key, trailing newline trimmed; AUTHELIA_ prefix works too', async (t) => {
  const env = {
    GATEHOUSE_IDENTITY_PROVIDERS_OIDC_HMAC_SECRET_FILE: file('hmac', `${HMAC}\n`),
    AUTHELIA_STORAGE_ENCRYPTION_KEY_FILE: file('enc', 'e'.repeat(32) + '\n'),
    AUTHELIA_IDENTITY_PROVIDERS_OIDC_ISSUER_PRIVATE_KEY_FILE: file('key.pem', fixture('issuer-rsa.key')),
  };
  const { config, warnings } = parse(withClient({}), { env });
  t.equal(config.identity_providers!.oidc!.hmac_secret, HMAC);
  t.equal(config.storage.encryption_key, 'e'.repeat(32));
  t.equal(config.identity_providers!.oidc!.jwks[0].key, fixture('issuer-rsa.key').replace(/\n$/, ''));
  t.same(warnings, ['identity_providers.oidc.issuer_private_key is deprecated: use identity_providers.oidc.jwks[0].key instead'], 'a key from a file migrates like one written inline');
});

t.test('file variable and YAML key both set, unreadable files, both prefixes: problems that never echo the secret', async (t) => {
  const config = withClient({}, { hmac_secret: HMAC });
  const missing = join(dir, 'does-not-exist');
  const problems = problemsOf(config, {
    env: {
      GATEHOUSE_IDENTITY_PROVIDERS_OIDC_HMAC_SECRET_FILE: file('hmac2', 'x'.repeat(40)),
      GATEHOUSE_SESSION_SECRET_FILE: missing,
      GATEHOUSE_STORAGE_ENCRYPTION_KEY_FILE: file('e1', 'a'.repeat(30)),
      AUTHELIA_STORAGE_ENCRYPTION_KEY_FILE: file('e2', 'b'.repeat(30)),
    },
  });
  t.same(problems, [
    'identity_providers.oidc.hmac_secret: is set both in the file and by GATEHOUSE_IDENTITY_PROVIDERS_OIDC_HMAC_SECRET_FILE: keep one',
    `session.secret: cannot be read from '${missing}' (named by GATEHOUSE_SESSION_SECRET_FILE): ENOENT`,
    'storage.encryption_key: is set by both GATEHOUSE_STORAGE_ENCRYPTION_KEY_FILE and AUTHELIA_STORAGE_ENCRYPTION_KEY_FILE: keep one',
  ]);
  t.notOk(problems.join('\n').includes(HMAC), 'the secret value is not echoed');
});

t.test('schema messages do not echo secrets either', async (t) => {
  const problems = problemsOf(withClient({}, { hmac_secret: 'tiny-secret' }), { env: {} });
  t.same(problems, ['identity_providers.oidc.hmac_secret: must be at least 32 characters long']);
});
