import t from 'tap';
import {
  generateTotpSecret, matchTotp, MIN_TOTP_SECRET_BYTES, totpCodeAt, totpStep, totpUri,
} from '../../src/authn/totp.js';
import type { TotpAlgorithm, TotpPolicy } from '../../src/authn/totp.js';

// RFC 6238 Appendix B: the seeds are ASCII digits repeated to the hash's output size.
const SEEDS: Record<TotpAlgorithm, Buffer> = {
  SHA1: Buffer.from('12345678901234567890', 'ascii'),
  SHA256: Buffer.from('12345678901234567890123456789012', 'ascii'),
  SHA512: Buffer.from('1234567890123456789012345678901234567890123456789012345678901234', 'ascii'),
};

const RFC6238_VECTORS: { seconds: number; SHA1: string; SHA256: string; SHA512: string }[] = [
  { seconds: 59, SHA1: '94287082', SHA256: '46119246', SHA512: '90693936' },
  { seconds: 1111111109, SHA1: '07081804', SHA256: '68084774', SHA512: '25091201' },
  { seconds: 1111111111, SHA1: '14050471', SHA256: '67062674', SHA512: '99943326' },
  { seconds: 1234567890, SHA1: '89005924', SHA256: '91819424', SHA512: '93441116' },
  { seconds: 2000000000, SHA1: '69279037', SHA256: '90698825', SHA512: '38618901' },
  { seconds: 20000000000, SHA1: '65353130', SHA256: '77737706', SHA512: '47863826' },
];

const ALGORITHMS: TotpAlgorithm[] = ['SHA1', 'SHA256', 'SHA512'];

t.test('RFC 6238 Appendix B test vectors (8 digits, period 30) for SHA1, SHA256 and SHA512', async (t) => {
  for (const vector of RFC6238_VECTORS) {
    for (const algorithm of ALGORITHMS) {
      const policy = { algorithm, digits: 8 as const, period: 30, skew: 0 };
      const nowMs = vector.seconds * 1000;
      const code = vector[algorithm];
      t.equal(totpCodeAt(SEEDS[algorithm], policy, nowMs), code, `totpCodeAt ${algorithm} at ${vector.seconds}`);
      t.equal(matchTotp(code, SEEDS[algorithm], policy, nowMs), Math.floor(vector.seconds / 30), `matchTotp ${algorithm} at ${vector.seconds} returns the step T`);
    }
  }
});

t.test('RFC 6238 section 4.2: T = floor(unix time / X)', async (t) => {
  t.equal(totpStep(59_000, 30), 1);
  t.equal(totpStep(59_999, 30), 1);
  t.equal(totpStep(60_000, 30), 2);
  t.equal(totpStep(1111111109_000, 30), 0x23523ec);
  t.equal(totpStep(20000000000_000, 30), 0x27bc86aa);
});

t.test('RFC 6238 section 5.2: the skew window accepts ±skew steps and nothing beyond', async (t) => {
  const secret = SEEDS.SHA1;
  const policy = { algorithm: 'SHA1' as const, digits: 6 as const, period: 30, skew: 1 };
  const nowMs = 1_700_000_015_000; // mid-step
  const now = totpStep(nowMs, 30);
  const cases: { offset: number; accepted: boolean }[] = [
    { offset: -2, accepted: false },
    { offset: -1, accepted: true },
    { offset: 0, accepted: true },
    { offset: 1, accepted: true },
    { offset: 2, accepted: false },
  ];
  for (const { offset, accepted } of cases) {
    const code = totpCodeAt(secret, policy, (now + offset) * 30_000);
    t.equal(matchTotp(code, secret, policy, nowMs), accepted ? now + offset : null, `step ${offset >= 0 ? '+' : ''}${offset}`);
  }
  const strict = { ...policy, skew: 0 };
  t.equal(matchTotp(totpCodeAt(secret, policy, (now - 1) * 30_000), secret, strict, nowMs), null, 'skew 0 refuses the previous step');
  t.equal(matchTotp(totpCodeAt(secret, policy, nowMs), secret, strict, nowMs), now, 'skew 0 accepts the current step');
});

t.test('the window never reaches below step 0', async (t) => {
  const policy = { algorithm: 'SHA1' as const, digits: 6 as const, period: 30, skew: 2 };
  t.equal(matchTotp(totpCodeAt(SEEDS.SHA1, policy, 0), SEEDS.SHA1, policy, 10_000), 0);
});

t.test('codes of the wrong length or with non-digits are refused', async (t) => {
  const policy = { algorithm: 'SHA1' as const, digits: 6 as const, period: 30, skew: 1 };
  const nowMs = 1_111_111_109_000;
  const good = totpCodeAt(SEEDS.SHA1, policy, nowMs);
  t.equal(matchTotp(good, SEEDS.SHA1, policy, nowMs), totpStep(nowMs, 30), 'the right code matches');
  const bad: { name: string; code: string }[] = [
    { name: 'empty', code: '' },
    { name: 'one digit short', code: good.slice(1) },
    { name: 'one digit long', code: `${good}0` },
    { name: 'the 8-digit code for a 6-digit policy', code: totpCodeAt(SEEDS.SHA1, { ...policy, digits: 8 }, nowMs) },
    { name: 'a letter', code: `${good.slice(0, 5)}a` },
    { name: 'a space', code: ` ${good.slice(1)}` },
    { name: 'a sign', code: `-${good.slice(1)}` },
    { name: 'full-width digits', code: '０８１８０４' },
    { name: 'wrong code', code: good === '000000' ? '111111' : '000000' },
  ];
  for (const { name, code } of bad) t.equal(matchTotp(code, SEEDS.SHA1, policy, nowMs), null, name);
});

t.test('a code for another secret or algorithm is refused', async (t) => {
  const nowMs = 1_234_567_890_000;
  const policy = { algorithm: 'SHA1' as const, digits: 8 as const, period: 30, skew: 1 };
  t.equal(matchTotp('89005924', SEEDS.SHA1, policy, nowMs), totpStep(nowMs, 30));
  t.equal(matchTotp('89005924', SEEDS.SHA256, policy, nowMs), null, 'other secret');
  t.equal(matchTotp('89005924', SEEDS.SHA1, { ...policy, algorithm: 'SHA256' }, nowMs), null, 'other algorithm');
  t.equal(matchTotp('89005924', SEEDS.SHA1, { ...policy, period: 60 }, nowMs), null, 'other period');
});

t.test('generateTotpSecret: secret_size random bytes, at least 20 (RFC 4226 section 4 R6)', async (t) => {
  t.equal(MIN_TOTP_SECRET_BYTES, 20);
  const a = generateTotpSecret({ secret_size: 32 });
  const b = generateTotpSecret({ secret_size: 32 });
  t.equal(a.length, 32);
  t.not(a.toString('hex'), b.toString('hex'), 'two secrets differ');
  t.equal(generateTotpSecret({ secret_size: 20 }).length, 20);
  for (const secret_size of [19, 0, 20.5]) {
    t.throws(() => generateTotpSecret({ secret_size }), new RangeError('secret_size must be an integer of at least 20 bytes'), `secret_size ${secret_size}`);
  }
});

t.test('totpUri: Key URI format with label issuer:username and every parameter', async (t) => {
  const policy: TotpPolicy = { issuer: 'Gatehouse', algorithm: 'SHA256', digits: 8, period: 60, skew: 1, secret_size: 20 };
  t.equal(
    totpUri(SEEDS.SHA1, 'john', policy),
    'otpauth://totp/Gatehouse:john?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Gatehouse&algorithm=SHA256&digits=8&period=60',
    'RFC 4648 base32 of the RFC 6238 SHA1 seed',
  );

  const odd = totpUri(Buffer.alloc(32, 0xff), 'jöhn doe@x', { ...policy, issuer: 'Acme & Co: SSO' });
  const url = new URL(odd);
  t.equal(url.protocol, 'otpauth:');
  t.equal(url.host, 'totp');
  t.equal(decodeURIComponent(url.pathname), '/Acme & Co: SSO:jöhn doe@x', 'label decodes to issuer:username');
  t.equal(url.pathname, '/Acme%20%26%20Co%3A%20SSO:j%C3%B6hn%20doe%40x', 'the separating colon is the only literal one');
  t.equal(url.searchParams.get('issuer'), 'Acme & Co: SSO');
  t.equal(url.searchParams.get('secret'), '7'.repeat(51) + 'Q', '32 bytes of 0xff: 52 base32 characters (last one bit + 4 zero bits), unpadded');
  t.equal(url.searchParams.get('algorithm'), 'SHA256');
  t.equal(url.searchParams.get('digits'), '8');
  t.equal(url.searchParams.get('period'), '60');
});

t.test('enrolment round trip: a fresh secret, its code now, matched now', async (t) => {
  const policy: TotpPolicy = { issuer: 'Gatehouse', algorithm: 'SHA512', digits: 6, period: 30, skew: 1, secret_size: 64 };
  const secret = generateTotpSecret(policy);
  const nowMs = 1_750_000_000_000;
  const code = totpCodeAt(secret, policy, nowMs);
  t.match(code, /^[0-9]{6}$/);
  t.equal(matchTotp(code, secret, policy, nowMs), totpStep(nowMs, 30));
});
