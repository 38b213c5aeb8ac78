/**
 * mod_oauth2 (Debian's libapache2-mod-oauth2 3.3, liboauth2 1.4.5) as a resource server in front
 * of an SSI page, with its defaults: the only settings are what it must trust — the introspection
 * endpoint and the credentials it introspects with, the issuer's `jwks_uri`, or the issuer's RFC
 * 8414 metadata (both at once) — and `Require valid-user`. The page prints the environment
 * mod_oauth2 hands the application (REMOTE_USER, OAUTH2_CLAIM_*).
 *
 * mod_oauth2's defaults, read in liboauth2 1.4.5.4 (src/oauth2.c, src/cfg/verify.c, src/jose.c):
 * introspection sends `token` + `token_type_hint=access_token` and checks `active` only (not
 * `exp`); a token that passed is remembered for `expiry` (default 300 s) whatever its `exp`, so a
 * token revoked or expired after it was first accepted keeps working there for up to five minutes
 * (a property of the peer, shown below and said in the README). A JWT is checked against the keys
 * for its signature, `exp` and `iat` (when present; `iat` at most 10 s ahead), not `aud`; metadata
 * sends a JWT to the jwks_uri and anything else to introspection. The remote user is `sub`.
 */
import t, { type Test } from 'tap';
import { startApache, parseEnvPage, SSI_DIRECTIVES, writeEnvPage, type RunningApache } from '../helpers/apache.js';
import { freePort } from '../helpers/free-port.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import type { Clock } from '../../src/util/clock.js';
import { OIDC_PATHS } from '../../src/util/paths.js';

/** mod_oauth2 introspects with this client (RFC 7662 §2.1: the resource server authenticates). */
const RS = { id: 'apache-rs', secret: 'rs-secret:with/characters+to=escape' };
const MACHINE = { id: 'machine', secret: 'machine-secret-0123456789' };
/** Registers access_token_signed_response_alg: its access tokens are RFC 9068 JWTs. */
const JWT_MACHINE = { id: 'jwt-machine', secret: 'jwt-machine-secret-0123456789' };
const ACCESS_TOKEN_SECONDS = 60;

interface Peer {
  gatehouse: TestServer;
  apache: RunningApache;
  /** Sets how far Gatehouse's clock is from Apache's (tokens expire without waiting); 0 again at the end of `t`. */
  shiftClock(t: Test, ms: number): void;
}

async function start(t: Test): Promise<Peer> {
  let offsetMs = 0;
  const clock: Clock = { nowMs: () => Date.now() + offsetMs };
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const machine = (c: { id: string; secret: string }, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    client_id: c.id,
    client_secret: `$plaintext$${c.secret}`,
    redirect_uris: [`${issuer}/unused`],
    grant_types: ['client_credentials'],
    scopes: ['read'],
    lifespan: 'short',
    ...extra,
  });
  const gatehouse = await startTestServer(
    t,
    {
      server: { address: `tcp://127.0.0.1:${port}` },
      identity_providers: {
        oidc: {
          issuer,
          lifespans: { custom: { short: { access_token: `${ACCESS_TOKEN_SECONDS}s` } } },
          clients: [machine(RS), machine(MACHINE), machine(JWT_MACHINE, { access_token_signed_response_alg: 'RS256' })],
        },
      },
    },
    { clock },
  );
  const introspection = `${issuer}${OIDC_PATHS.introspection}`;
  const apache = await startApache(t, {
    modules: ['oauth2', 'include', 'mime'],
    sites: ({ htdocs }) => {
      writeEnvPage(htdocs, 'introspect/env.shtml');
      writeEnvPage(htdocs, 'uncached/env.shtml');
      writeEnvPage(htdocs, 'metadata/env.shtml');
      writeEnvPage(htdocs, 'jwt/env.shtml');
      const auth = new URLSearchParams({ 'introspect.auth': 'client_secret_basic', client_id: RS.id, client_secret: RS.secret });
      return [
        '<Location /introspect>',
        '  AuthType oauth2',
        // Trust settings only: where to introspect, and as whom.
        `  OAuth2TokenVerify introspect ${introspection} ${auth.toString()}`,
        '  Require valid-user',
        ...SSI_DIRECTIVES.map((d) => `  ${d}`),
        '</Location>',
        // Trust settings only: the issuer's RFC 8414 metadata (its introspection_endpoint for an
        // opaque token, its jwks_uri for a JWT), and the credentials to introspect with.
        '<Location /metadata>',
        '  AuthType oauth2',
        `  OAuth2TokenVerify metadata ${issuer}/.well-known/oauth-authorization-server ${auth.toString()}`,
        '  Require valid-user',
        ...SSI_DIRECTIVES.map((d) => `  ${d}`),
        '</Location>',
        '<Location /jwt>',
        '  AuthType oauth2',
        // Trust setting only: the issuer's keys.
        `  OAuth2TokenVerify jwks_uri ${issuer}${OIDC_PATHS.jwks}`,
        '  Require valid-user',
        ...SSI_DIRECTIVES.map((d) => `  ${d}`),
        '</Location>',
        // The README's advice for revocation that bites at once: no result cache (expiry=0).
        '<Location /uncached>',
        '  AuthType oauth2',
        `  OAuth2TokenVerify introspect ${introspection} ${auth.toString()}&expiry=0`,
        '  Require valid-user',
        ...SSI_DIRECTIVES.map((d) => `  ${d}`),
        '</Location>',
      ].join('\n');
    },
  });
  return {
    gatehouse,
    apache,
    shiftClock: (t, ms) => {
      offsetMs = ms;
      t.teardown(() => void (offsetMs = 0));
    },
  };
}

async function clientCredentials(peer: Peer, c: { id: string; secret: string }): Promise<{ access_token: string; expires_in: number }> {
  const res = await fetch(`${peer.gatehouse.url}${OIDC_PATHS.token}`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${c.id}:${c.secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'read' }),
  });
  const body = (await res.json()) as { access_token: string; expires_in: number };
  if (res.status !== 200) throw new Error(`client_credentials for ${c.id}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

async function revoke(peer: Peer, c: { id: string; secret: string }, token: string): Promise<number> {
  const res = await fetch(`${peer.gatehouse.url}${OIDC_PATHS.revocation}`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${c.id}:${c.secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token }),
  });
  await res.arrayBuffer();
  return res.status;
}

/** GET a protected page with a bearer token: the status, the challenge, and the environment printed. */
async function present(peer: Peer, path: string, token: string): Promise<{ status: number; challenge: string | null; env: Map<string, string> }> {
  const res = await fetch(`${peer.apache.origin()}${path}`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  return { status: res.status, challenge: res.headers.get('www-authenticate'), env: res.status === 200 ? parseEnvPage(text.replaceAll('&quot;', '"').replaceAll('&amp;', '&')) : new Map<string, string>() };
}

const peer = await start(t);

t.test('mod_oauth2 (defaults) introspecting Gatehouse tokens (RFC 7662)', async (t) => {

  t.test('a valid client_credentials token: 200, and the remote user is its sub, the client_id (RFC 9068 §2.2)', async (t) => {
    const { access_token, expires_in } = await clientCredentials(peer, MACHINE);
    t.equal(expires_in, ACCESS_TOKEN_SECONDS, 'the client\'s short lifespan applies');
    const answer = await present(peer, '/introspect/env.shtml', access_token);
    t.equal(answer.status, 200, 'the page is served');
    t.equal(answer.env.get('REMOTE_USER'), MACHINE.id);
    t.equal(answer.env.get('OAUTH2_CLAIM_sub'), MACHINE.id);
    t.equal(answer.env.get('OAUTH2_CLAIM_client_id'), MACHINE.id);
    t.equal(answer.env.get('OAUTH2_CLAIM_scope'), 'read');
  });

  t.test('OAuth2TokenVerify metadata (RFC 8414): an opaque token is introspected at the advertised endpoint', async (t) => {
    const { access_token } = await clientCredentials(peer, MACHINE);
    const answer = await present(peer, '/metadata/env.shtml', access_token);
    t.equal(answer.status, 200, 'the page is served');
    t.equal(answer.env.get('REMOTE_USER'), MACHINE.id);
    const revoked = await clientCredentials(peer, MACHINE);
    t.equal(await revoke(peer, MACHINE, revoked.access_token), 200);
    t.equal((await present(peer, '/metadata/env.shtml', revoked.access_token)).status, 401, 'a revoked one is refused');
  });

  t.test('a token revoked (RFC 7009) before it is presented: 401', async (t) => {
    const { access_token } = await clientCredentials(peer, MACHINE);
    t.equal(await revoke(peer, MACHINE, access_token), 200);
    const answer = await present(peer, '/introspect/env.shtml', access_token);
    t.equal(answer.status, 401);
    t.match(answer.challenge, /^Bearer /i, 'RFC 6750 §3: a Bearer challenge');
  });

  t.test('a token presented after its expiry: 401', async (t) => {
    const { access_token } = await clientCredentials(peer, MACHINE);
    peer.shiftClock(t, (ACCESS_TOKEN_SECONDS + 1) * 1000);
    const answer = await present(peer, '/introspect/env.shtml', access_token);
    t.equal(answer.status, 401);
  });

  t.test('an unknown token and a token with a forged signature part: 401', async (t) => {
    const { access_token } = await clientCredentials(peer, MACHINE);
    t.equal((await present(peer, '/introspect/env.shtml', 'gatehouse_at_unknown.x')).status, 401);
    t.equal((await present(peer, '/introspect/env.shtml', `${access_token.slice(0, -2)}xx`)).status, 401);
  });

  t.test('mod_oauth2\'s default result cache (expiry=300): a token revoked after it was accepted stays accepted there', async (t) => {
    const { access_token } = await clientCredentials(peer, MACHINE);
    t.equal((await present(peer, '/introspect/env.shtml', access_token)).status, 200);
    t.equal(await revoke(peer, MACHINE, access_token), 200);
    // Gatehouse says inactive at once; mod_oauth2 answers from its cache (liboauth2 src/oauth2.c
    // oauth2_token_verify: the cached result is used before any introspection). Operators who
    // need revocation to bite sooner set `expiry=` on OAuth2TokenVerify: said in the README.
    t.equal((await present(peer, '/introspect/env.shtml', access_token)).status, 200);
  });

  t.test('with expiry=0 (the README\'s advice), a token revoked after it was accepted is refused at once', async (t) => {
    // The result cache is shared by every location: this token is presented to /uncached only.
    const { access_token } = await clientCredentials(peer, MACHINE);
    t.equal((await present(peer, '/uncached/env.shtml', access_token)).status, 200);
    t.equal(await revoke(peer, MACHINE, access_token), 200);
    t.equal((await present(peer, '/uncached/env.shtml', access_token)).status, 401);
  });
});

t.test('mod_oauth2 (defaults) verifying Gatehouse JWT access tokens (RFC 9068)', async (t) => {

  t.test('jwks_uri: a JWT access token → 200, the remote user is its sub, the client_id (RFC 9068 §2.2)', async (t) => {
    const { access_token } = await clientCredentials(peer, JWT_MACHINE);
    t.equal(access_token.split('.').length, 3, 'access_token_signed_response_alg RS256 gives a JWT');
    const answer = await present(peer, '/jwt/env.shtml', access_token);
    t.equal(answer.status, 200, 'the page is served');
    t.equal(answer.env.get('REMOTE_USER'), JWT_MACHINE.id);
    t.equal(answer.env.get('OAUTH2_CLAIM_client_id'), JWT_MACHINE.id);
    t.equal(answer.env.get('OAUTH2_CLAIM_iss'), peer.gatehouse.url);
    t.equal(answer.env.get('OAUTH2_CLAIM_scope'), 'read');
  });

  t.test('jwks_uri: a JWT access token whose exp has passed → 401', async (t) => {
    let token = '';
    await t.test('issued two lifespans ago', async (t) => {
      peer.shiftClock(t, -2 * ACCESS_TOKEN_SECONDS * 1000);
      token = (await clientCredentials(peer, JWT_MACHINE)).access_token;
    });
    t.equal((await present(peer, '/jwt/env.shtml', token)).status, 401);
    t.match(peer.apache.errorLog(), /"exp" validation failure .*JWT expired/, 'refused for its exp');
  });

  t.test('jwks_uri: an opaque token is no JWT → 401', async (t) => {
    const { access_token } = await clientCredentials(peer, MACHINE);
    t.equal((await present(peer, '/jwt/env.shtml', access_token)).status, 401);
  });

  t.test('metadata (RFC 8414): a JWT is checked against the advertised jwks_uri → 200', async (t) => {
    const { access_token } = await clientCredentials(peer, JWT_MACHINE);
    const answer = await present(peer, '/metadata/env.shtml', access_token);
    t.equal(answer.status, 200, 'the page is served');
    t.equal(answer.env.get('REMOTE_USER'), JWT_MACHINE.id);
  });

  t.test('a revoked JWT: introspection refuses it (401); a jwks_uri check alone cannot know (200 until exp)', async (t) => {
    const { access_token } = await clientCredentials(peer, JWT_MACHINE);
    t.equal(await revoke(peer, JWT_MACHINE, access_token), 200);
    t.equal((await present(peer, '/introspect/env.shtml', access_token)).status, 401, 'introspected: inactive');
    t.equal((await present(peer, '/jwt/env.shtml', access_token)).status, 200, 'self-contained: valid until exp');
  });
});
