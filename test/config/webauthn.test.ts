/** `webauthn`: Authelia 4.39's keys and defaults, compiled into the policy the ceremonies use (src/authn/webauthn/policy.ts). */
import t from 'tap';
import { webauthnPolicyOf } from '../../src/authn/webauthn/index.js';
import { notImplementedWarning, parse, problemsOf } from './config-fixtures.js';

const LOCAL = { local: { path: '/var/lib/gatehouse/db.sqlite3' } };
const policy = (webauthn: Record<string, unknown>) => webauthnPolicyOf(parse({ storage: LOCAL, webauthn }).config.webauthn);

t.test('defaults: Authelia 4.39’s, with this portal’s name', async (t) => {
  t.same(policy({}), {
    disabled: false, passkeyLogin: false, passkeyUvTwoFactors: false, rpName: 'Gatehouse', attestation: 'none', timeoutMs: 60_000,
    attachment: 'cross-platform', residentKey: 'preferred', userVerification: 'preferred',
  });
});

t.test('each key, and how it compiles', async (t) => {
  const cases: Array<[string, Record<string, unknown>, Partial<ReturnType<typeof policy>>]> = [
    ['passkey login', { enable_passkey_login: true, experimental_enable_passkey_uv_two_factors: true }, { passkeyLogin: true, passkeyUvTwoFactors: true }],
    ['disable turns passkey login off too', { disable: true, enable_passkey_login: true }, { disabled: true, passkeyLogin: false }],
    ['display name', { display_name: 'Example' }, { rpName: 'Example' }],
    ["'indirect' is asked as 'none'", { attestation_conveyance_preference: 'indirect' }, { attestation: 'none' }],
    ["'direct'", { attestation_conveyance_preference: 'direct' }, { attestation: 'direct' }],
    ['timeout in Authelia’s notation', { timeout: '2m' }, { timeoutMs: 120_000 }],
    ["attachment '' is any authenticator", { selection_criteria: { attachment: '' } }, { attachment: undefined }],
    ['platform, discoverability required', { selection_criteria: { attachment: 'platform', discoverability: 'required' } }, { attachment: 'platform', residentKey: 'required' }],
    ['user_verification before 4.39', { user_verification: 'required' }, { userVerification: 'required' }],
    ['selection_criteria.user_verification wins', { user_verification: 'required', selection_criteria: { user_verification: 'discouraged' } }, { userVerification: 'discouraged' }],
  ];
  for (const [name, webauthn, expected] of cases) t.match(policy(webauthn), expected, name);
});

t.test('problems name the key and the value', async (t) => {
  t.same(problemsOf({ storage: LOCAL, webauthn: { attestation_conveyance_preference: 'enterprise', timeout: 0, selection_criteria: { discoverability: 'always' }, display_name: '' } }).length, 4);
  t.match(problemsOf({ storage: LOCAL, webauthn: { attestation_conveyance_preference: 'enterprise' } }), [/^webauthn\.attestation_conveyance_preference: .*'none'.*'indirect'.*'direct'.*'enterprise'/]);
  t.match(problemsOf({ storage: LOCAL, webauthn: { filtring: {} } }), [/^webauthn\.filtring: is an unknown key: did you mean 'filtering'\?$/]);
});

t.test('filtering, metadata and experimental_enable_passkey_upgrade are set aside with a warning', async (t) => {
  const { warnings } = parse({ storage: LOCAL, webauthn: { filtering: { prohibit_backup_eligibility: true }, metadata: { enabled: true }, experimental_enable_passkey_upgrade: true } });
  for (const key of ['webauthn.filtering', 'webauthn.metadata', 'webauthn.experimental_enable_passkey_upgrade']) t.ok(warnings.includes(notImplementedWarning(key)), key);
});

t.test('default_2fa_method: Authelia’s values, implemented (no warning)', async (t) => {
  for (const value of ['', 'totp', 'webauthn', 'mobile_push'] as const) {
    const { config, warnings } = parse({ storage: LOCAL, default_2fa_method: value });
    t.equal(config.default_2fa_method, value);
    t.notOk(warnings.some((w) => w.includes('default_2fa_method')), `${value || "''"}: no warning`);
  }
  t.match(problemsOf({ storage: LOCAL, default_2fa_method: 'sms' }), [/^default_2fa_method: .*'sms'/]);
});
