/**
 * `gatehouse sessions list|revoke` against the storage of a running server (issue #16): the session
 * a browser signed in with is listed with its sid and clients; revoking it ends it for the server,
 * revokes its grant and sends the client its Logout Token (OIDC Back-Channel Logout 1.0 §2.5).
 */
import t, { type Test } from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as client from 'openid-client';
import { commands } from '../../src/cli/commands.js';
import type { CliIO } from '../../src/cli/command.js';
import { dispatch } from '../../src/cli/dispatch.js';
import { hashPassword } from '../../src/crypto/password-hash/index.js';
import { startBackChannelEndpoint } from '../helpers/back-channel-endpoint.js';
import { BrowserClient } from '../helpers/browser-client.js';
import { followAuthorization } from '../helpers/authorization-flow.js';
import { freePort } from '../helpers/free-port.js';
import { startTestServer, tempDir } from '../helpers/server.js';

const CALLBACK = 'http://localhost:8080/callback';
const SECRET = 'app-secret-0123456789-abcdefghij';

async function cli(argv: string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = { out: (s) => { out += s; }, err: (s) => { err += s; }, env: {}, cwd };
  const code = await dispatch(commands, argv, io);
  return { code, out, err };
}

async function start(t: Test) {
  const dir = tempDir(t);
  const port = await freePort();
  const issuer = `http://localhost:${port}`;
  const rp = await startBackChannelEndpoint(t);
  const tokens = rp.tokens;
  const users = join(dir, 'users.yml');
  writeFileSync(users, `users:\n  alice:\n    displayname: Alice\n    password: '${await hashPassword('correct horse', { algorithm: 'pbkdf2', variant: 'sha256', iterations: 1000 })}'\n    email: alice@example.com\n`);
  const server = await startTestServer(t, {
    server: { address: `tcp://127.0.0.1:${port}` },
    authentication_backend: { file: { path: users, watch: false } },
    session: { cookies: [{ domain: 'localhost', authelia_url: issuer }] },
    identity_providers: {
      oidc: {
        clients: [{
          client_id: 'app',
          client_secret: await hashPassword(SECRET, { algorithm: 'pbkdf2', variant: 'sha256', iterations: 1000 }),
          redirect_uris: [CALLBACK],
          authorization_policy: 'one_factor',
          consent_mode: 'implicit',
          backchannel_logout_uri: rp.uri,
        }],
      },
    },
  }, { dir });
  const config = await client.discovery(new URL(issuer), 'app', SECRET, client.ClientSecretBasic(SECRET), { execute: [client.allowInsecureRequests] });
  const browser = new BrowserClient(issuer);
  const url = client.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid' });
  const grant = await client.authorizationCodeGrant(config, (await followAuthorization(browser, url, CALLBACK)).url, { idTokenExpected: true });
  return { server, dir, config, grant, browser, tokens };
}

t.test('sessions list --user: the sid, level and the clients each session signed into', async (t) => {
  const s = await start(t);
  const sid = s.grant.claims()!['sid'] as string;
  const listed = await cli(['sessions', 'list', '--user', 'alice', '--config', 'config.yml'], s.dir);
  t.equal(listed.code, 0, listed.err);
  const [header, row] = listed.out.trimEnd().split('\n');
  t.match(header, /^SID\s+LEVEL\s+SIGNED IN\s+LAST ACTIVITY\s+ENDS\s+CLIENTS$/);
  t.match(row, new RegExp(`^${sid}\\s+one_factor\\s+\\d{4}-\\d\\d-\\d\\dT[\\d:]+Z\\s+\\S+\\s+\\S+\\s+app$`));
  t.same(await cli(['sessions', 'list', '--user', 'nobody'], s.dir), { code: 0, out: "no sessions for 'nobody'\n", err: '' });
  t.equal((await cli(['sessions', 'list'], s.dir)).code, 2, '--user is required');
});

t.test('OIDC Back-Channel Logout 1.0 §2.5: sessions revoke --sid ends the session, revokes its grant and notifies the client', async (t) => {
  const s = await start(t);
  const sid = s.grant.claims()!['sid'] as string;
  t.equal((await cli(['sessions', 'revoke', '--user', 'alice', '--sid', sid], s.dir)).code, 2, 'one or the other');
  const revoked = await cli(['sessions', 'revoke', '--sid', sid], s.dir);
  t.same({ code: revoked.code, out: revoked.out }, { code: 0, out: 'ended 1 session, revoked 1 grant\n' }, revoked.err);
  t.equal(s.tokens.length, 1, 'the Logout Token was delivered before the command exited');
  t.equal((JSON.parse(Buffer.from(s.tokens[0].split('.')[1], 'base64url').toString()) as { sid?: unknown }).sid, sid);
  t.equal((await client.tokenIntrospection(s.config, s.grant.access_token)).active, false, 'the grant is revoked');
  t.match((await s.browser.get('/')).body, 'name="password"', 'the browser is signed out');
  const again = await cli(['sessions', 'revoke', '--user', 'alice'], s.dir);
  t.same({ code: again.code, out: again.out }, { code: 1, out: 'ended 0 sessions, revoked 0 grants\n' });
});
