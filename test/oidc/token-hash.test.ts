import t from 'tap';
import { createHash } from 'node:crypto';
import { SIGNING_ALGS } from '../../src/crypto/keys.js';
import { halfHash, hashOfAlg } from '../../src/oidc/token-hash.js';

t.test('OIDC Core §3.1.3.6 at_hash / §3.3.2.11 c_hash: the specification\'s own examples (RS256)', async (t) => {
  // OIDC Core Appendix A.3 (id_token token) and A.4 (code id_token).
  t.equal(halfHash('jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y', 'RS256'), '77QmUPtjPfzWtF2AnpK9RQ', 'A.3 at_hash');
  t.equal(halfHash('Qcb0Orv1zh30vL1MPRsbm-diHiMwcLyZvn1arpZv-Jxf_11jnpEX3Tgfvk', 'RS256'), 'LDktKdoQak3Pk0cnXxCltA', 'A.4 c_hash');
});

t.test('the hash follows the alg: left half of SHA-256/384/512, for RS, PS and ES alike', async (t) => {
  const token = 'gatehouse_at_example.signature';
  const rows = [
    { alg: 'RS256', hash: 'sha256', chars: 22 }, { alg: 'PS256', hash: 'sha256', chars: 22 }, { alg: 'ES256', hash: 'sha256', chars: 22 },
    { alg: 'RS384', hash: 'sha384', chars: 32 }, { alg: 'PS384', hash: 'sha384', chars: 32 }, { alg: 'ES384', hash: 'sha384', chars: 32 },
    { alg: 'RS512', hash: 'sha512', chars: 43 }, { alg: 'PS512', hash: 'sha512', chars: 43 }, { alg: 'ES512', hash: 'sha512', chars: 43 },
  ] as const;
  t.strictSame(rows.map((r) => r.alg).sort(), [...SIGNING_ALGS].sort(), 'every signing algorithm has a row');
  for (const row of rows) {
    const digest = createHash(row.hash).update(token).digest();
    const expected = digest.subarray(0, digest.length / 2).toString('base64url');
    t.equal(hashOfAlg(row.alg), row.hash, `${row.alg} hashes with ${row.hash}`);
    t.equal(halfHash(token, row.alg), expected, `${row.alg}: left ${digest.length / 2} of ${digest.length} octets`);
    t.equal(halfHash(token, row.alg).length, row.chars, `${row.alg}: ${row.chars} base64url characters, no padding`);
  }
});
