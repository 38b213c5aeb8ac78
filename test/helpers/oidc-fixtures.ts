/**
 * Shared material for the OIDC tests: a users file, issuer keys for all nine algorithms, clients
 * parsed by the real config schema, and a free port so the issuer URL is known before start-up.
 */
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { oidcClientSchema } from '../../src/config/schema/oidc-client.js';
import type { OidcClientConfig } from '../../src/config/index.js';
import type { JwkConfig } from '../../src/crypto/keys.js';
import type { Clock } from '../../src/util/clock.js';
import type { Test } from 'tap';
import { fixturePem } from './fixture-keys.js';
import { merge, startTestServer, type ConfigObject, type TestServer } from './server.js';

/** The demo user's argon2id digest (of "demo"): the tests never log in, the file only has to parse. */
const DIGEST = '$argon2id$v=19$m=65536,t=3,p=4$a0ToIRTmXntJHBfs92utJA$RQfooyEOV3TqN9nERDoB1sjdHr8/mcKAZ1tvACTwL5o';

export const USERS_YAML = `users:
  john:
    displayname: John Doe
    password: '${DIGEST}'
    emails: [john@example.com, jdoe@example.org, j@example.net]
    groups: [admins, dev]
  single:
    displayname: Single Mail
    password: '${DIGEST}'
    email: single@example.com
    groups: []
  gone:
    displayname: Disabled Person
    password: '${DIGEST}'
    email: gone@example.com
    groups: [dev]
    disabled: true
`;

export function writeUsersFile(dir: string): string {
  const path = join(dir, 'users.yml');
  writeFileSync(path, USERS_YAML);
  return path;
}

/** One RSA key (serving the six RSA algorithms) and one key per curve: every algorithm is signable. Fixture keys, never generated. */
export function issuerJwks(): JwkConfig[] {
  return [
    { key_id: 'rsa', algorithm: 'RS256', key: fixturePem('rsaC') },
    { key_id: 'p256', algorithm: 'ES256', key: fixturePem('p256B') },
    { key_id: 'p384', algorithm: 'ES384', key: fixturePem('p384') },
    { key_id: 'p521', algorithm: 'ES512', key: fixturePem('p521') },
  ];
}

/** A client exactly as the config schema resolves it (defaults applied). */
export function oidcClient(fields: Record<string, unknown> = {}): OidcClientConfig {
  return oidcClientSchema.parse({ client_id: 'app', client_secret: 'secret-of-app', redirect_uris: ['https://app.example.com/cb'], ...fields });
}

/** A port that was free a moment ago (the issuer must name it before the server starts). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** The digest of 'insecure_secret' (config.yml's demo client). */
export const CLIENT_SECRET = 'insecure_secret';
const CLIENT_SECRET_DIGEST = '$pbkdf2-sha512$310000$c8p78n7pUMln0jzvd4aK4Q$JNRBzwAo0ek5qKn50cFzzvE9RXV88h1wJn5KGiHrD0YKtZaR/nCb2CJPOsKaPK0hjf.9yHxzQGZziziccp6Yng';

/**
 * The real server with the provider on: its issuer is its own http://127.0.0.1:<port> (so
 * openid-client's issuer check holds), a users file, a public-subject client `app` and a
 * pairwise client `pairwise-app`. `over` is merged over `identity_providers.oidc`.
 */
export async function startOidcServer(
  t: Test,
  options: { oidc?: ConfigObject; clock?: Clock } = {},
): Promise<TestServer & { issuer: string }> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const client = { client_secret: CLIENT_SECRET_DIGEST, redirect_uris: ['https://app.example.com/cb'], scopes: ['openid', 'offline_access', 'profile', 'email', 'groups'] };
  const server = await startTestServer(
    t,
    (dir) => ({
      server: { address: `tcp://127.0.0.1:${port}` },
      authentication_backend: { file: { path: writeUsersFile(dir), watch: false } },
      identity_providers: {
        oidc: merge(
          {
            issuer,
            clients: [
              { client_id: 'app', ...client },
              { client_id: 'pairwise-app', sector_identifier_uri: 'https://sector.example.com/sector.json', ...client },
            ],
          },
          options.oidc ?? {},
        ),
      },
    }),
    { clock: options.clock },
  );
  return { ...server, issuer };
}
