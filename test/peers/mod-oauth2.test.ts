/**
 * mod_oauth2 (Debian's libapache2-mod-oauth2 3.3, liboauth2 1.4.5) as a resource server in front
 * of an SSI page, with its defaults: the only settings are what it must trust — the introspection
 * endpoint and the credentials it introspects with — and `Require valid-user`. The page prints the environment mod_oauth2 hands the application (REMOTE_USER,
 * OAUTH2_CLAIM_*).
 *
 * mod_oauth2's defaults, read in liboauth2 1.4.5.4 (src/oauth2.c, src/cfg/verify.c, src/jose.c):
 * introspection sends `token` + `token_type_hint=access_token` and checks `active` only (not
 * `exp`); a token that passed is remembered for `expiry` (default 300 s) whatever its `exp`, so a
 * token revoked or expired after it was first accepted keeps working there for up to five minutes
 * (a property of the peer, said in the last subtest). The remote user is the `sub` claim.
 */
import t, { type Test } from 'tap';
import { startApache, parseEnvPage, SSI_DIRECTIVES, writeEnvPage, type RunningApache } from '../helpers/apache.js';
import { freePort } from '../helpers/free-port.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import type { Clock } from '../../src/util/clock.js';
import { OIDC_PATHS } from '../../src/oidc/endpoint-paths.js';

/** mod_oauth2 introspects with this client (RFC 7662 §2.1: the resource server authenticates). */
const RS = { id: 'apache-rs', secret: 'rs-secret:with/characters+to=escape' };
const MACHINE = { id: 'machine', secret: 'machine-secret-0123456789' };
const ACCESS_TOKEN_SECONDS = 60;

interface Peer {
  gatehouse: TestServer;
  apache: RunningApache;
  /** Moves Gatehouse's clock for the rest of test `t` (tokens expire without waiting). */
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
          clients: [machine(RS), machine(MACHINE)],
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
      const auth = new URLSearchParams({ 'introspect.auth': 'client_secret_basic', client_id: RS.id, client_secret: RS.secret });
      return [
        '<Location /introspect>',
        '  AuthType oauth2',
        // Trust settings only: where to introspect, and as whom.
        `  OAuth2TokenVerify introspect ${introspection} ${auth.toString()}`,
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
      offsetMs += ms;
      t.teardown(() => void (offsetMs -= ms));
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
  return { status: res.status, challenge: res.headers.get('www-authenticate'), env: res.status === 200 ? parseEnvPage(text.replaceAll('&quot;', '"').replaceAll('&amp;', '&')) : new Map() };
}

t.test('mod_oauth2 (defaults) introspecting Gatehouse tokens (RFC 7662)', async (t) => {
  const peer = await start(t);

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
