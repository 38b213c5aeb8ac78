/**
 * OIDC RP-Initiated Logout 1.0 §2 id_token_hint: an ID Token of this issuer, expired or not, is
 * accepted; a forged, foreign, mistyped or misaddressed one is refused with invalid_request.
 */
import t from 'tap';
import { fixturePem } from '../../helpers/fixture-keys.js';
import { SignJWT } from 'jose';
import { loadIssuerKeys } from '../../../src/crypto/keys.js';
import { createClientRegistry } from '../../../src/oauth/clients.js';
import { OAuthError } from '../../../src/oauth/errors.js';
import { signIdToken } from '../../../src/oidc/id-token.js';
import { createIdTokenHintVerifier } from '../../../src/oidc/logout/index.js';
import { oidcClient } from '../../helpers/oidc-fixtures.js';

const ISSUER = 'https://auth.example.com';
const NOW_S = 1_700_000_000;
const keys = await loadIssuerKeys([{ key_id: 'ours', algorithm: 'RS256', key: fixturePem('rsa') }]);
// Another key under the same key id: a stranger's token must not verify.
const stranger = await loadIssuerKeys([{ key_id: 'ours', algorithm: 'RS256', key: fixturePem('rsaB') }]);
const app = oidcClient({ client_id: 'app' });
const clients = createClientRegistry([app, oidcClient({ client_id: 'other' })]);
const verify = createIdTokenHintVerifier({ issuer: ISSUER, keys, clients });

const idToken = (over: { keys?: typeof keys; issuer?: string; now_s?: number; sid?: string; client?: typeof app } = {}): Promise<string> =>
  signIdToken(
    { keys: over.keys ?? keys, issuer: over.issuer ?? ISSUER, lifespanSeconds: 3600 },
    { client: over.client ?? app, subject: 'sub-1', username: null, scopes: ['openid'], auth_time_s: NOW_S, amr: ['pwd'], requested_at_s: NOW_S, now_s: over.now_s ?? NOW_S, users: null, ...(over.sid === undefined ? {} : { sid: over.sid }) },
  );


t.test('OIDC RP-Initiated Logout 1.0 §2: our ID Token names its client, subject and sid', async (t) => {
  const hint = await verify(await idToken({ sid: 'sid-1' }));
  t.equal(hint.client.config.client_id, 'app');
  t.equal(hint.sub, 'sub-1');
  t.equal(hint.sid, 'sid-1');
  t.equal((await verify(await idToken())).sid, undefined, 'a token from before sessions had a sid');
});

t.test('OIDC RP-Initiated Logout 1.0 §2: an expired ID Token of ours is still a valid hint', async (t) => {
  const hint = await verify(await idToken({ now_s: NOW_S - 30 * 86_400, sid: 'old' }));
  t.equal(hint.sid, 'old');
});

const cases: Array<{ name: string; hint: () => Promise<string>; cause: RegExp }> = [
  { name: 'forged: signed by another key under our kid', hint: () => idToken({ keys: stranger }), cause: /signature does not verify/ },
  { name: 'foreign: another issuer', hint: () => idToken({ issuer: 'https://evil.example.com' }), cause: /issued by 'https:\/\/evil.example.com'/ },
  { name: 'an unknown client', hint: () => idToken({ client: oidcClient({ client_id: 'ghost' }) }), cause: /unknown client 'ghost'/ },
  { name: 'not a JWS', hint: () => Promise.resolve('not-a-token'), cause: /not a JWS/ },
  { name: 'an unknown kid', hint: async () => new SignJWT({ iss: ISSUER, sub: 's', aud: 'app', iat: NOW_S }).setProtectedHeader({ alg: 'RS256', kid: 'nope' }).sign(keys.keys[0].privateKey), cause: /key id 'nope'/ },
  {
    name: 'OIDC Back-Channel Logout 1.0 §2.4: a logout token (typ logout+jwt) is no ID Token',
    hint: async () => new SignJWT({ iss: ISSUER, sub: 's', aud: 'app', iat: NOW_S, events: {} }).setProtectedHeader({ alg: 'RS256', kid: 'ours', typ: 'logout+jwt' }).sign(keys.keys[0].privateKey),
    cause: /type 'logout\+jwt'/,
  },
  {
    name: 'a JWT carrying events without a type is refused too',
    hint: async () => new SignJWT({ iss: ISSUER, sub: 's', aud: 'app', iat: NOW_S, events: {} }).setProtectedHeader({ alg: 'RS256', kid: 'ours' }).sign(keys.keys[0].privateKey),
    cause: /a logout token/,
  },
  { name: 'alg none', hint: () => Promise.resolve(`${Buffer.from('{"alg":"none","kid":"ours"}').toString('base64url')}.${Buffer.from(`{"iss":"${ISSUER}"}`).toString('base64url')}.`), cause: /does not sign with none/ },
];

for (const c of cases) {
  t.test(`refused: ${c.name}`, async (t) => {
    const err = await verify(await c.hint()).then(() => null, (e: unknown) => e);
    t.ok(err instanceof OAuthError);
    t.equal((err as OAuthError).error, 'invalid_request');
    t.equal((err as OAuthError).description, 'The id_token_hint is not an ID Token issued by this provider.', 'the same words for every refusal');
    t.match(String((err as OAuthError).cause), c.cause, 'the log says why');
  });
}
