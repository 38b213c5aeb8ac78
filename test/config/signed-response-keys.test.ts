/**
 * A client's `*_signed_response_alg` / `*_signed_response_key_id` must name an issuer key that
 * signs with that algorithm (004 Response Object, Introspection and User Information Signing
 * Algorithm tables; JARM §3 for `authorization`): refused at start-up with the option's path
 * rather than a 500 at signing time, and never refused when the runtime would sign.
 */
import t from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CliIO } from '../../src/cli/command.js';
import { configValidateCommand } from '../../src/cli/config-validate.js';
import { dispatch } from '../../src/cli/dispatch.js';
import { ConfigError, type OidcClientConfig } from '../../src/config/index.js';
import { readPrivateKey } from '../../src/crypto/key-checks.js';
import { KeySelectionError, SIGNING_ALGS, loadIssuerKeys, type IssuerKeySet, type JwkConfig } from '../../src/crypto/keys.js';
import { defaultKeyId } from '../../src/crypto/keys/public-jwk.js';
import { INTROSPECTION_JWT_MEDIA_TYPE, introspectionAlgOf } from '../../src/endpoints/introspection.js';
import { signJarmResponse } from '../../src/oauth/response-modes/jarm.js';
import { idTokenAlgOf } from '../../src/oidc/id-token.js';
import { signResponse, signingAlgOf } from '../../src/oauth/signed-response.js';
import { fixturePem } from '../helpers/fixture-keys.js';
import { oidcClient, startOidcServer } from '../helpers/oidc-fixtures.js';
import { tempDir } from '../helpers/server.js';
import { baseConfig, fixture, merge, problemsOf, toYaml, withClient } from './config-fixtures.js';

const O = 'identity_providers.oidc';
const C = `${O}.clients[0]`;

const RSA = fixture('issuer-rsa.key');
const RSA_2 = fixturePem('rsa');
const P256 = fixture('issuer-ec-p256.key');
const P384 = fixture('issuer-ec-p384.key');
const P521 = fixturePem('p521');
const P384_KID = defaultKeyId(readPrivateKey(P384).key);
const RSA_KID = defaultKeyId(readPrivateKey(RSA).key);

/**
 * 'rsa' signs RS256 and, as the RSA fallback, RS384, RS512, PS384, PS512; 'rsa-ps256' only PS256;
 * 'ec' only ES256; the P-384 key only ES384, under the id derived from it.
 */
const JWKS = [
  { key: RSA, key_id: 'rsa' },
  { key: RSA_2, key_id: 'rsa-ps256', algorithm: 'PS256' },
  { key: P256, key_id: 'ec' },
  { key: P384 },
];
const WITH_JWKS = { jwks: JWKS };

type Row = { rule: string; client: Record<string, unknown>; oidc?: Record<string, unknown>; problems: string[] };

const OPTIONS = ['authorization', 'id_token', 'access_token', 'userinfo', 'introspection'] as const;

/** The rows every option shares: `alg`/`kid` are the option's two fields. */
function sharedRows(option: (typeof OPTIONS)[number]): Row[] {
  const alg = `${option}_signed_response_alg`;
  const kid = `${option}_signed_response_key_id`;
  return [
    { rule: `${option}: an algorithm a configured key signs with`, client: { [alg]: 'ES256' }, problems: [] },
    { rule: `${option}: an RSA algorithm no key is configured for signs with the RS256 key (keys.ts RSA fallback)`, client: { [alg]: 'PS512' }, problems: [] },
    { rule: `${option}: the key id of a key for the algorithm`, client: { [alg]: 'PS256', [kid]: 'rsa-ps256' }, problems: [] },
    { rule: `${option}: the key id of the RSA fallback key for an algorithm it serves`, client: { [alg]: 'PS384', [kid]: 'rsa' }, problems: [] },
    { rule: `${option}: the id derived from a key without key_id (as /jwks.json shows it)`, client: { [alg]: 'ES384', [kid]: P384_KID }, problems: [] },
    { rule: `${option}: no key signs with the algorithm`, client: { [alg]: 'ES512' }, problems: [`${C}.${alg}: is 'ES512' but ${O}.jwks has no ES512 key`] },
    { rule: `${option}: an unknown key id`, client: { [alg]: 'RS256', [kid]: 'missing' }, problems: [`${C}.${kid}: 'missing' is not a key_id in ${O}.jwks`] },
    {
      rule: `${option}: a key id whose key does not sign with the algorithm`,
      client: { [alg]: 'PS384', [kid]: 'rsa-ps256' },
      problems: [`${C}.${kid}: names ${O}.jwks[1], which signs only with PS256, but ${alg} is 'PS384'`],
    },
    {
      rule: `${option}: an RSA key that is not the fallback serves only its own algorithm`,
      client: { [alg]: 'ES256', [kid]: 'rsa' },
      problems: [`${C}.${kid}: names ${O}.jwks[0], which signs only with RS256, RS384, RS512, PS384, PS512, but ${alg} is 'ES256'`],
    },
  ].map((row) => ({ ...row, oidc: WITH_JWKS }));
}

const OPTION_ROWS: Row[] = [
  ...OPTIONS.flatMap(sharedRows),
  {
    rule: "JARM §3: authorization 'none' means RS256, so a pinned key must sign RS256 (was a 500 at the authorization endpoint)",
    client: { authorization_signed_response_key_id: 'ec', response_modes: ['jwt', 'query'] },
    oidc: WITH_JWKS,
    problems: [`${C}.authorization_signed_response_key_id: names ${O}.jwks[2], which signs only with ES256, but JARM signs with RS256 while authorization_signed_response_alg is 'none' (JARM §3 default)`],
  },
  { rule: "JARM §3: authorization 'none' with the RS256 key pinned", client: { authorization_signed_response_key_id: 'rsa' }, oidc: WITH_JWKS, problems: [] },
  {
    rule: 'OIDC Core §15.1: id_token defaults to RS256, so a pinned key must sign RS256',
    client: { id_token_signed_response_key_id: 'rsa-ps256' },
    oidc: WITH_JWKS,
    problems: [`${C}.id_token_signed_response_key_id: names ${O}.jwks[1], which signs only with PS256, but id_token_signed_response_alg is 'RS256'`],
  },
  ...(['access_token', 'userinfo', 'introspection'] as const).flatMap((option): Row[] => [
    { rule: `${option} 'none' signs nothing: a key id of any key is accepted`, client: { [`${option}_signed_response_key_id`]: 'ec' }, oidc: WITH_JWKS, problems: [] },
    {
      rule: `${option} 'none' signs nothing, but a key id naming no key is still refused`,
      client: { [`${option}_signed_response_key_id`]: 'missing' },
      oidc: WITH_JWKS,
      problems: [`${C}.${option}_signed_response_key_id: 'missing' is not a key_id in ${O}.jwks`],
    },
  ]),
  // An empty jwks: start-up signs with a generated RSA key (RS256, no key_id), serving all RSA algorithms.
  { rule: 'generated key: every RSA algorithm signs', client: { userinfo_signed_response_alg: 'PS256', authorization_signed_response_alg: 'RS512', id_token_signed_response_alg: 'PS384' }, problems: [] },
  {
    rule: 'generated key: no ECDSA algorithm',
    client: { introspection_signed_response_alg: 'ES384' },
    problems: [`${C}.introspection_signed_response_alg: is 'ES384' but ${O}.jwks is empty and the generated issuer key is an RSA key: configure an ES384 key in jwks`],
  },
  {
    rule: 'generated key: its id is unknowable before start-up, so no key id can be pinned',
    client: { id_token_signed_response_key_id: 'main' },
    problems: [`${C}.id_token_signed_response_key_id: 'main' is not a key_id in ${O}.jwks, which is empty: the generated issuer key has no key_id to pin, so configure the key in jwks with this key_id`],
  },
];

t.test('each *_signed_response_alg / *_signed_response_key_id against the issuer keys', async (t) => {
  t.same(problemsOf(withClient({}, WITH_JWKS)), [], 'the key set itself is valid');
  for (const row of OPTION_ROWS) t.same(problemsOf(withClient(row.client, row.oidc)), row.problems, row.rule);
});

t.test('keys.ts checkDistinctKids: a derived key id may not repeat another key id', async (t) => {
  const rows: Array<{ rule: string; jwks: JwkConfig[]; problems: string[] }> = [
    {
      rule: 'the same RSA key twice without key_id, for two algorithms: one derived id',
      jwks: [{ key: RSA }, { key: RSA, algorithm: 'PS256' }],
      problems: [`${O}.jwks[1]: needs a key_id: the id derived from its key, '${RSA_KID}', is already the key id of ${O}.jwks[0]`],
    },
    {
      rule: "a key_id equal to another key's derived id",
      jwks: [{ key: RSA }, { key: P384, key_id: RSA_KID }],
      problems: [`${O}.jwks[1].key_id: '${RSA_KID}' is already the id derived from the key of ${O}.jwks[0]`],
    },
  ];
  for (const row of rows) {
    t.same(problemsOf(withClient({}, { jwks: row.jwks })), row.problems, row.rule);
    await t.rejects(loadIssuerKeys(row.jwks), /has the same key id/, `${row.rule}: start-up refuses it too`);
  }
});

/**
 * How the runtime signs each option's answers, through its own functions and a client parsed by
 * the real schema: resolves when it signs (or has nothing to sign), rejects with a
 * KeySelectionError — the 500 the check prevents — when no key fits.
 */
type Signer = (keys: IssuerKeySet, client: OidcClientConfig) => Promise<unknown>;
const SIGNERS: Record<'authorization' | 'id_token' | 'userinfo' | 'introspection', Signer> = {
  authorization: (keys, client) => signJarmResponse({ keys, issuer: 'https://auth.example.com' }, client, { code: 'c' }, 0),
  // oidc/id-token.ts signIdToken's key choice.
  id_token: (keys, client) => Promise.resolve().then(() => keys.select(idTokenAlgOf(client), client.id_token_signed_response_key_id)),
  userinfo: async (keys, client) => {
    const alg = signingAlgOf(client.userinfo_signed_response_alg);
    return alg === null ? null : signResponse(keys, { alg, kid: client.userinfo_signed_response_key_id, claims: {} });
  },
  // endpoints/introspection.ts, with and without a request for a JWT (RFC 9701 §4).
  introspection: async (keys, client) => {
    for (const accept of [undefined, INTROSPECTION_JWT_MEDIA_TYPE]) {
      const alg = introspectionAlgOf({ config: client, secret: null }, accept);
      const kid = client.introspection_signed_response_alg === alg ? client.introspection_signed_response_key_id : undefined;
      if (alg !== null) await signResponse(keys, { alg, kid, claims: {} });
    }
  },
};

async function runtimeSigns(sign: Signer, keys: IssuerKeySet, client: OidcClientConfig): Promise<boolean> {
  try {
    await sign(keys, client);
    return true;
  } catch (err) {
    if (err instanceof KeySelectionError) return false;
    throw err;
  }
}

t.test('the check and the runtime agree for every algorithm and key id', async (t) => {
  const generated = fixturePem('rsaB');
  const sets: Array<{ name: string; jwks: JwkConfig[] }> = [
    { name: 'RSA, PS256 RSA, P-256, P-384 without key_id', jwks: JWKS as JwkConfig[] },
    { name: 'one RSA key without key_id', jwks: [{ key: RSA }] },
    { name: 'an RS384 RSA key before the RS256 one (the RS256 key is the fallback)', jwks: [{ key: RSA_2, key_id: 'a', algorithm: 'RS384' }, { key: RSA, key_id: 'b' }, { key: P521, key_id: 'c' }] },
    { name: 'empty jwks (the generated RSA key)', jwks: [] },
  ];
  for (const set of sets) {
    // context.ts: an empty jwks signs with the generated key, configured for RS256 without key_id.
    const keys = await loadIssuerKeys(set.jwks.length > 0 ? set.jwks : [{ key: generated, algorithm: 'RS256' }]);
    const kids = [undefined, ...keys.keys.map((k) => k.kid), 'missing'];
    const disagreements: string[] = [];
    let compared = 0;
    for (const [option, sign] of Object.entries(SIGNERS)) {
      for (const alg of ['none', ...SIGNING_ALGS]) {
        if (option === 'id_token' && alg === 'none') continue; // refused on its own: ID Tokens are always signed
        for (const kid of kids) {
          const fields = { [`${option}_signed_response_alg`]: alg, ...(kid === undefined ? {} : { [`${option}_signed_response_key_id`]: kid }) };
          const refused = problemsOf(withClient(fields, { jwks: set.jwks })).some((p) => p.startsWith(`${C}.${option}_signed_response_`));
          const signs = await runtimeSigns(sign, keys, oidcClient(fields));
          // Refused on purpose though nothing fails: a key id that names no key (possible only when
          // nothing signs with it), and any key id when the key is generated (its id is unknowable).
          const pinsNothing = kid !== undefined && (set.jwks.length === 0 || !keys.keys.some((k) => k.kid === kid));
          if (refused !== (!signs || pinsNothing)) disagreements.push(`${JSON.stringify(fields)}: refused=${refused}, runtime signs=${signs}`);
          compared++;
        }
      }
    }
    t.same(disagreements, [], `${set.name}: ${compared} combinations`);
  }
});

t.test('start-up and `config validate`: the config that answered 500 at the authorization endpoint is refused', async (t) => {
  const jwks = [
    { key_id: 'rsa', key: fixturePem('rsa') },
    { key_id: 'ec', key: fixturePem('p256') },
  ];
  const jarmClient = (kid: string): Record<string, unknown> => ({
    client_id: 'jarm-app',
    client_secret: '$plaintext$jarm-app-secret-0123456789',
    redirect_uris: ['https://app.example.com/cb'],
    response_modes: ['jwt', 'query.jwt'],
    authorization_signed_response_key_id: kid,
  });
  const err = await startOidcServer(t, { oidc: { jwks, clients: [jarmClient('ec')] } }).then(() => null, (e: unknown) => e);
  t.type(err, ConfigError);
  t.same((err as ConfigError).problems.map((p) => p.message), [
    "names identity_providers.oidc.jwks[1], which signs only with ES256, but JARM signs with RS256 while authorization_signed_response_alg is 'none' (JARM §3 default)",
  ]);
  const server = await startOidcServer(t, { oidc: { jwks, clients: [jarmClient('rsa')] } });
  t.equal((await fetch(`${server.url}/api/health`)).status, 200, 'pinned to the RS256 key, the same client starts');

  const dir = tempDir(t);
  writeFileSync(join(dir, 'config.yml'), toYaml(merge(baseConfig(), { identity_providers: { oidc: { jwks, clients: [jarmClient('ec')] } } })));
  const stderr: string[] = [];
  const io: CliIO = { out: () => undefined, err: (line) => stderr.push(line), env: {}, cwd: dir };
  t.equal(await dispatch([configValidateCommand], ['config', 'validate'], io), 1, '`gatehouse config validate` exits 1');
  t.match(stderr.join('\n'), /identity_providers\.oidc\.clients\[0\]\.authorization_signed_response_key_id \(line \d+:\d+\): names identity_providers\.oidc\.jwks\[1\]/);
});
