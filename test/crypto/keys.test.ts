import t from 'tap';
import { X509Certificate, createHash, createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SignJWT, createLocalJWKSet, jwtVerify, decodeProtectedHeader, base64url, calculateJwkThumbprint, exportJWK } from 'jose';
import { readPrivateKey } from '../../src/crypto/key-checks.js';
import { loadIssuerKeys, SIGNING_ALGS, type JwkConfig, type SigningAlg } from '../../src/crypto/keys.js';
import { defaultKeyId } from '../../src/crypto/keys/public-jwk.js';
import { fixturePem } from '../helpers/fixture-keys.js';

const fixture = (name: string): string => readFileSync(fileURLToPath(new URL(`../fixtures/keys/${name}`, import.meta.url)), 'utf8');

// Not rsa-2048.key.pem: 'chain of another key' needs a key the fixture chain does not certify.
const rsaPem = fixturePem('rsaB');
const rsa2Pem = fixturePem('rsaC');
const ecPem = { 'P-256': fixturePem('p256'), 'P-384': fixturePem('p384'), 'P-521': fixturePem('p521') };
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

t.test('default algorithm per key: RSA → RS256, EC by curve (RFC 7518 3.4)', async (t) => {
  const cases: Array<[string, string, SigningAlg, string]> = [
    ['RSA', rsaPem, 'RS256', 'RSA'],
    ['P-256', ecPem['P-256'], 'ES256', 'EC'],
    ['P-384', ecPem['P-384'], 'ES384', 'EC'],
    ['P-521', ecPem['P-521'], 'ES512', 'EC'],
  ];
  for (const [name, key, alg, kty] of cases) {
    const set = await loadIssuerKeys([{ key }]);
    const [loaded] = set.keys;
    t.equal(loaded.alg, alg, name);
    t.equal(loaded.publicJwk.kty, kty, `${name} kty`);
    t.equal(loaded.publicJwk.use, 'sig', `${name} use`);
    t.match(loaded.kid, /^[0-9a-f]{12}$/, `${name} default kid is short hex`);
  }
});

t.test('the default kid is the start of the RFC 7638 thumbprint, stable across loads', async (t) => {
  const a = await loadIssuerKeys([{ key: ecPem['P-256'] }]);
  const b = await loadIssuerKeys([{ key: ecPem['P-256'] }]);
  t.equal(a.keys[0].kid, b.keys[0].kid);
  const configured = await loadIssuerKeys([{ key: ecPem['P-256'], key_id: 'main' }]);
  t.equal(configured.keys[0].kid, 'main', 'key_id wins');
  t.equal(configured.keys[0].publicJwk.kid, 'main');
});

t.test("RFC 7638 §3: defaultKeyId is the first 12 hex digits of jose's SHA-256 thumbprint, the id start-up derives", async (t) => {
  for (const [name, pem] of [['RSA', rsaPem], ['P-256', ecPem['P-256']], ['P-384', ecPem['P-384']], ['P-521', ecPem['P-521']]] as const) {
    const thumbprint = await calculateJwkThumbprint(await exportJWK(createPublicKey(pem)), 'sha256');
    const expected = Buffer.from(base64url.decode(thumbprint)).toString('hex').slice(0, 12);
    t.equal(defaultKeyId(readPrivateKey(pem).key), expected, `${name}: jose's thumbprint`);
    t.equal((await loadIssuerKeys([{ key: pem }])).keys[0].kid, expected, `${name}: the kid start-up derives`);
  }
});

t.test('select: exact algorithm, then an RSA key for the other RSA algorithms, then by kid', async (t) => {
  const set = await loadIssuerKeys([
    { key: rsaPem, key_id: 'rsa', algorithm: 'RS256' },
    { key: rsa2Pem, key_id: 'pss', algorithm: 'PS256' },
    { key: ecPem['P-256'], key_id: 'ec' },
  ]);
  t.equal(set.select('RS256').kid, 'rsa');
  t.equal(set.select('PS256').kid, 'pss', 'a key configured for the algorithm wins over the RSA fallback');
  t.equal(set.select('PS384').kid, 'rsa', 'unconfigured RSA algorithms fall back to the RS256 key');
  t.equal(set.select('RS512').kid, 'rsa');
  t.equal(set.select('ES256').kid, 'ec');
  t.equal(set.select('RS384', 'rsa').kid, 'rsa');
  t.same(set.algorithms(), ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256']);
  t.same(set.keys.map((k) => k.algorithms), [['RS256', 'RS384', 'RS512', 'PS384', 'PS512'], ['PS256'], ['ES256']]);

  const failures: Array<[SigningAlg, string | undefined, string]> = [
    ['ES384', undefined, 'no issuer key signs with ES384'],
    ['RS256', 'nope', "no issuer key has the key id 'nope'"],
    ['RS256', 'ec', "the issuer key 'ec' signs with ES256, not RS256"],
    ['RS256', 'pss', "the issuer key 'pss' signs with PS256, not RS256"],
  ];
  for (const [alg, kid, message] of failures) {
    t.throws(() => set.select(alg, kid), { name: 'KeySelectionError', message }, `${alg} ${kid ?? ''}`);
  }
});

t.test('a second key for the same algorithm is reachable only by kid (rotation)', async (t) => {
  const set = await loadIssuerKeys([{ key: rsaPem, key_id: 'new' }, { key: rsa2Pem, key_id: 'old' }]);
  t.equal(set.select('RS256').kid, 'new', 'the first key configured for an algorithm is its default');
  t.equal(set.select('RS256', 'old').kid, 'old');
  t.equal(set.select('PS256').kid, 'new');
  t.throws(() => set.select('PS256', 'old'), { message: "the issuer key 'old' signs with RS256, not PS256" });
  t.equal(set.keys[1].publicJwk.alg, 'RS256', 'a key that signs with one algorithm publishes it');
  t.equal(set.keys[0].publicJwk.alg, undefined, 'a key serving several algorithms publishes none (RFC 7517 4.4)');
});

t.test('the JWKS never holds private members (RFC 7517 section 9.3)', async (t) => {
  const set = await loadIssuerKeys([
    { key: rsaPem, key_id: 'a' }, { key: ecPem['P-256'], key_id: 'b' }, { key: ecPem['P-384'], key_id: 'c' }, { key: ecPem['P-521'], key_id: 'd' },
    { key: fixture('rsa-2048.key.pem'), key_id: 'e', algorithm: 'PS512', certificate_chain: fixture('rsa-2048.chain.pem') },
  ]);
  const document = JSON.parse(JSON.stringify(set.jwks())) as { keys: Record<string, unknown>[] };
  t.equal(document.keys.length, 5);
  for (const jwk of document.keys) {
    for (const member of PRIVATE_MEMBERS) t.notOk(member in jwk, `${String(jwk['kid'])} has no '${member}'`);
  }
  t.same(Object.keys(document.keys[0]).sort(), ['e', 'kid', 'kty', 'n', 'use']);
  t.same(Object.keys(document.keys[1]).sort(), ['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
});

t.test('a certificate chain adds x5c (leaf first), x5t and x5t#S256 (RFC 7517 4.7-4.9)', async (t) => {
  const chainPem = fixture('rsa-2048.chain.pem');
  const set = await loadIssuerKeys([{ key: fixture('rsa-2048.key.pem'), certificate_chain: chainPem }]);
  const jwk = set.keys[0].publicJwk;
  const leaf = new X509Certificate(fixture('rsa-2048.leaf.crt.pem'));
  const ca = new X509Certificate(fixture('ca.crt.pem'));
  t.same(jwk.x5c, [leaf.raw.toString('base64'), ca.raw.toString('base64')]);
  t.equal(jwk['x5t#S256'], base64url.encode(createHash('sha256').update(leaf.raw).digest()));
  t.equal(jwk.x5t, base64url.encode(createHash('sha1').update(leaf.raw).digest()));

  const selfSigned = await loadIssuerKeys([{ key: fixture('rsa-2048.key.pem'), certificate_chain: fixture('rsa-2048.self-signed.crt.pem') }]);
  t.equal(selfSigned.keys[0].publicJwk.x5c!.length, 1);
  const none = await loadIssuerKeys([{ key: fixture('rsa-2048.key.pem') }]);
  t.notOk('x5c' in none.keys[0].publicJwk, 'no chain, no x5c');
});

t.test('each of the nine algorithms verifies against the published JWKS (RFC 7515, jose)', async (t) => {
  const configs: Record<string, JwkConfig[]> = {
    'one RSA key serving every RSA algorithm': [
      { key: rsaPem, algorithm: 'RS256' }, { key: ecPem['P-256'] }, { key: ecPem['P-384'] }, { key: ecPem['P-521'] },
    ],
    'a key per algorithm': [
      ...(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'] as const).map((algorithm) => ({ key: algorithm.startsWith('P') ? rsa2Pem : rsaPem, key_id: algorithm, algorithm })),
      { key: ecPem['P-256'] }, { key: ecPem['P-384'] }, { key: ecPem['P-521'] },
    ],
  };
  for (const [name, config] of Object.entries(configs)) {
    const set = await loadIssuerKeys(config);
    t.same(set.algorithms(), SIGNING_ALGS, `${name}: all nine advertised`);
    const verifyKeys = createLocalJWKSet(set.jwks());
    for (const alg of SIGNING_ALGS) {
      const key = set.select(alg);
      const jwt = await new SignJWT({ sub: 'alice' }).setProtectedHeader({ alg, kid: key.kid, typ: 'JWT' }).sign(key.privateKey);
      const { payload, protectedHeader } = await jwtVerify(jwt, verifyKeys, { algorithms: [alg] });
      t.equal(payload.sub, 'alice', `${name}: ${alg}`);
      t.equal(protectedHeader.kid, decodeProtectedHeader(jwt).kid);
    }
  }
});

t.test('bad configuration fails at load with a sentence naming the entry', async (t) => {
  const cases: Array<[string, JwkConfig[], string]> = [
    ['no keys', [], 'jwks: at least one signing key is required'],
    ['not a key', [{ key: 'nope' }], 'jwks[0].key is not a PEM encoded private key'],
    ['EC key, RSA alg', [{ key: rsaPem }, { key: ecPem['P-256'], algorithm: 'RS256' }], "jwks[1].algorithm 'RS256' does not fit an ECDSA key on P-256: use ES256"],
    ['RSA key, EC alg', [{ key: rsaPem, algorithm: 'ES256' }], "jwks[0].algorithm 'ES256' does not fit an RSA key of 2048 bits: use RS256, RS384, RS512, PS256, PS384, PS512"],
    ['curve mismatch', [{ key: ecPem['P-384'], algorithm: 'ES256' }], "jwks[0].algorithm 'ES256' does not fit an ECDSA key on P-384: use ES384"],
    ['unknown alg', [{ key: rsaPem, algorithm: 'HS256' as SigningAlg }], "jwks[0].algorithm 'HS256' is not one of RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512"],
    ['use enc', [{ key: rsaPem, use: 'enc' as 'sig' }], "jwks[0].use must be 'sig', got 'enc'"],
    ['empty key_id', [{ key: rsaPem, key_id: '' }], 'jwks[0].key_id must be a non-empty string'],
    ['duplicate kid', [{ key: rsaPem, key_id: 'a' }, { key: ecPem['P-256'], key_id: 'a' }], "jwks[1] has the same key id 'a' as jwks[0]: set distinct key_id values"],
    ['same key twice', [{ key: rsaPem }, { key: rsaPem, algorithm: 'PS256' }], /^jwks\[1\] has the same key id '[0-9a-f]{12}' as jwks\[0\]/.source],
    ['chain of another key', [{ key: rsaPem, certificate_chain: fixture('rsa-2048.chain.pem') }], 'jwks[0].certificate_chain: the first certificate does not match the private key'],
    ['not a chain', [{ key: rsaPem, certificate_chain: 'nope' }], 'jwks[0].certificate_chain holds no PEM encoded certificate'],
  ];
  for (const [name, config, message] of cases) {
    await t.rejects(loadIssuerKeys(config), { message: message.startsWith('^') ? new RegExp(message) : message }, name);
  }
});
