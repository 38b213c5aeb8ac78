import t from 'tap';
import { checkIdTokenRequest, checkResponseMode, checkResponseType, provisionalResponseMode, resolveResponseMode } from '../../../src/oauth/authorize/check-response.js';
import type { ResponseMode, ResponseType } from '../../../src/oauth/authorize/types.js';
import { OAuthError } from '../../../src/oauth/errors.js';

const ALL_TYPES: ResponseType[] = ['code', 'id_token token', 'id_token', 'token', 'code token', 'code id_token', 'code id_token token'];
const ALL_MODES: ResponseMode[] = ['form_post', 'query', 'fragment', 'jwt', 'form_post.jwt', 'query.jwt', 'fragment.jwt'];
const q = (params: Record<string, string>): URLSearchParams => new URLSearchParams(params);

function failure(fn: () => unknown): { error: string; description: string } | null {
  try {
    fn();
    return null;
  } catch (err) {
    if (!(err instanceof OAuthError)) throw err;
    return { error: err.error, description: err.description };
  }
}

t.test('checkResponseType: Multiple Response Type Encoding Practices §5 — a set, any order, only when registered', async (t) => {
  const rows: Array<[string, string | null, ResponseType[], ResponseType | { error: string; description: string }]> = [
    ['code', 'code', ALL_TYPES, 'code'],
    ['reordered hybrid', 'id_token code', ALL_TYPES, 'code id_token'],
    ['reordered triple', 'token id_token code', ALL_TYPES, 'code id_token token'],
    ['implicit', 'token id_token', ALL_TYPES, 'id_token token'],
    ['extra spaces', ' code  token ', ALL_TYPES, 'code token'],
    ['missing', null, ALL_TYPES, { error: 'invalid_request', description: "The 'response_type' parameter is missing." }],
    ['unknown', 'code device', ALL_TYPES, { error: 'unsupported_response_type', description: "The response type 'code device' is not supported." }],
    ['duplicate part', 'code code', ALL_TYPES, { error: 'unsupported_response_type', description: "The response type 'code code' is not supported." }],
    ['unregistered', 'id_token', ['code'], { error: 'unauthorized_client', description: "The client is not registered for the response type 'id_token'." }],
  ];
  for (const [name, value, registered, expected] of rows) {
    const params = value === null ? q({}) : q({ response_type: value });
    if (typeof expected === 'string') t.equal(checkResponseType(params, { response_types: registered }), expected, name);
    else t.strictSame(failure(() => checkResponseType(params, { response_types: registered })), expected, name);
  }
});

t.test('checkResponseMode: defaults per type, jwt resolved (JARM §2.3.4), never tokens in the query (§3)', async (t) => {
  const rows: Array<[ResponseType, string | null, ResponseMode[], string]> = [
    ['code', null, ['form_post'], 'query'],
    ['code id_token', null, ['form_post'], 'fragment'],
    ['token', null, ['form_post'], 'fragment'],
    ['code', 'jwt', ALL_MODES, 'query.jwt'],
    ['id_token', 'jwt', ALL_MODES, 'fragment.jwt'],
    ['code', 'form_post.jwt', ALL_MODES, 'form_post.jwt'],
    ['code token', 'form_post', ALL_MODES, 'form_post'],
    ['code', 'fragment', ALL_MODES, 'fragment'],
    ['code', 'query.jwt', ALL_MODES, 'query.jwt'],
    ['token', 'query', ALL_MODES, "invalid_request: The response mode 'query' must not be used with the response type 'token': it would put tokens in the query."],
    ['code id_token', 'query.jwt', ALL_MODES, "invalid_request: The response mode 'query.jwt' must not be used with the response type 'code id_token': it would put tokens in the query."],
    ['code', 'web_message', ALL_MODES, "invalid_request: The response mode 'web_message' is not supported."],
    ['code', 'fragment', ['query', 'form_post'], "invalid_request: The client is not registered for the response mode 'fragment'."],
    ['code', 'query.jwt', ['jwt'], "invalid_request: The client is not registered for the response mode 'query.jwt'."],
  ];
  for (const [type, mode, registered, expected] of rows) {
    const params = mode === null ? q({}) : q({ response_mode: mode });
    const name = `${type} + ${mode ?? '(none)'}`;
    const f = failure(() => checkResponseMode(params, { response_modes: registered }, type));
    if (expected.includes(':')) t.equal(f && `${f.error}: ${f.description}`, expected, name);
    else t.equal(checkResponseMode(params, { response_modes: registered }, type), expected, name);
  }
});

t.test('resolveResponseMode and provisionalResponseMode: where an early error goes', async (t) => {
  t.equal(resolveResponseMode('jwt', 'code'), 'query.jwt');
  t.equal(resolveResponseMode('jwt', 'code id_token token'), 'fragment.jwt');
  t.equal(resolveResponseMode('form_post', 'token'), 'form_post');
  const rows: Array<[Record<string, string>, ResponseMode[], string]> = [
    [{}, ALL_MODES, 'query'],
    [{ response_type: 'token id_token' }, ALL_MODES, 'fragment'],
    [{ response_type: 'bogus' }, ALL_MODES, 'query'],
    [{ response_type: 'code', response_mode: 'form_post.jwt' }, ALL_MODES, 'form_post.jwt'],
    [{ response_type: 'code', response_mode: 'form_post.jwt' }, ['query'], 'query'],
    [{ response_type: 'id_token', response_mode: 'nonsense' }, ALL_MODES, 'fragment'],
  ];
  for (const [params, registered, expected] of rows) t.equal(provisionalResponseMode(q(params), { response_modes: registered }), expected, JSON.stringify(params));
});

t.test('checkIdTokenRequest: OIDC Core §3.2.2.1/§3.3.2.11 nonce, §3.1.2.1 openid, whenever the endpoint returns an ID Token', async (t) => {
  const rows: Array<[ResponseType, string[], string | undefined, string | null]> = [
    ['code', ['openid'], undefined, null],
    ['token', ['profile'], undefined, null],
    ['code token', ['openid'], undefined, null],
    ['id_token', ['openid'], 'n', null],
    ['id_token', ['openid'], undefined, "invalid_request: The 'nonce' parameter is required for the response type 'id_token'."],
    ['code id_token', ['openid'], undefined, "invalid_request: The 'nonce' parameter is required for the response type 'code id_token'."],
    ['id_token token', ['profile'], 'n', "invalid_request: The response type 'id_token token' requires the 'openid' scope."],
  ];
  for (const [type, scopes, nonce, expected] of rows) {
    const f = failure(() => checkIdTokenRequest(type, scopes, nonce));
    t.equal(f && `${f.error}: ${f.description}`, expected, `${type} ${scopes.join(',')} nonce=${nonce ?? '-'}`);
  }
});
