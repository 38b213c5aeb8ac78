import t from 'tap';
import { challengeOf, verifyCodeVerifier } from '../../src/oauth/pkce.js';
import { OAuthError } from '../../src/oauth/errors.js';

// CHALLENGE = BASE64URL(SHA256(ASCII(VERIFIER))), computed independently with node:crypto.
const VERIFIER = 'dBjftJeZ4CVP-mJ92K1s3kSGYRJ27uKN9iD5Kzh3T-s';
const CHALLENGE = 'xA32nh82ZSx9FjInopFzYiv5uk8l9OQg7na4mtyymuE';

t.test('RFC 7636 §4.2: S256 = BASE64URL(SHA256(ASCII(code_verifier)))', async (t) => {
  t.equal(challengeOf(VERIFIER, 'S256'), CHALLENGE);
});

const cases: Array<{ rule: string; stored: { code_challenge?: string; code_challenge_method?: 'S256' | 'plain' }; verifier?: string; error?: string }> = [
  { rule: 'RFC 7636 §4.6: S256 matches', stored: { code_challenge: CHALLENGE, code_challenge_method: 'S256' }, verifier: VERIFIER },
  { rule: 'RFC 7636 §4.6: plain matches', stored: { code_challenge: VERIFIER, code_challenge_method: 'plain' }, verifier: VERIFIER },
  { rule: 'RFC 7636 §4.3: no method means plain', stored: { code_challenge: VERIFIER }, verifier: VERIFIER },
  { rule: 'no challenge, no verifier: nothing to check', stored: {} },
  {
    rule: 'RFC 7636 §4.6: S256 mismatch', stored: { code_challenge: CHALLENGE, code_challenge_method: 'S256' }, verifier: VERIFIER.replace('d', 'e'),
    error: "The 'code_verifier' does not match the code_challenge (RFC 7636 §4.6).",
  },
  {
    rule: 'RFC 7636 §4.6: plain does not accept the S256 challenge itself', stored: { code_challenge: CHALLENGE, code_challenge_method: 'S256' }, verifier: CHALLENGE,
    error: "The 'code_verifier' does not match the code_challenge (RFC 7636 §4.6).",
  },
  { rule: 'RFC 7636 §4.5: verifier missing', stored: { code_challenge: CHALLENGE, code_challenge_method: 'S256' }, error: "The 'code_verifier' parameter is missing (RFC 7636 §4.5)." },
  {
    rule: 'RFC 7636 §4.1: 42 characters is too short', stored: { code_challenge: CHALLENGE, code_challenge_method: 'S256' }, verifier: 'a'.repeat(42),
    error: "The 'code_verifier' must be 43 to 128 characters of [A-Z] / [a-z] / [0-9] / '-' / '.' / '_' / '~' (RFC 7636 §4.1).",
  },
  {
    rule: 'RFC 7636 §4.1: 129 characters is too long', stored: { code_challenge: 'a'.repeat(129), code_challenge_method: 'plain' }, verifier: 'a'.repeat(129),
    error: "The 'code_verifier' must be 43 to 128 characters of [A-Z] / [a-z] / [0-9] / '-' / '.' / '_' / '~' (RFC 7636 §4.1).",
  },
  {
    rule: 'RFC 7636 §4.1: reserved characters are refused', stored: { code_challenge: `${'a'.repeat(43)}+`, code_challenge_method: 'plain' }, verifier: `${'a'.repeat(43)}+`,
    error: "The 'code_verifier' must be 43 to 128 characters of [A-Z] / [a-z] / [0-9] / '-' / '.' / '_' / '~' (RFC 7636 §4.1).",
  },
  {
    rule: 'RFC 9700 §2.1.1: a verifier without a stored challenge', stored: {}, verifier: VERIFIER,
    error: "The 'code_verifier' parameter was sent but the authorization request carried no code_challenge.",
  },
];

for (const c of cases) {
  t.test(c.rule, async (t) => {
    if (c.error === undefined) {
      t.doesNotThrow(() => verifyCodeVerifier(c.stored, c.verifier));
      return;
    }
    t.throws(() => verifyCodeVerifier(c.stored, c.verifier), new OAuthError('invalid_grant', c.error));
  });
}
