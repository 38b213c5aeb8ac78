/** OIDC Core §3.1.2.1 prompt=login and max_age: the oldest auth_time a request accepts, decided once and resumed. */
import t from 'tap';
import { checkAuthTimeMin, isRecentEnough, loginRequirement, resumedParameters, type LoginRequirement } from '../../../src/oauth/authorize/login-requirement.js';
import type { Prompt } from '../../../src/oauth/authorize/types.js';

const NOW_S = 1_700_000_000;
const NOW_MS = NOW_S * 1000 + 750;

function request(prompt: Prompt[], max_age?: number, auth_time_min_s?: number) {
  return { prompt: new Set(prompt), ...(max_age === undefined ? {} : { max_age }), ...(auth_time_min_s === undefined ? {} : { auth_time_min_s }) };
}

t.test('loginRequirement: decided when the request first arrives, taken as it is when resumed', async (t) => {
  const cases: Array<[string, ReturnType<typeof request>, LoginRequirement]> = [
    ['no prompt, no max_age: any session', request([]), { prompt: false, auth_time_min_s: null }],
    ['prompt=login: sign in now, and any sign-in from this second on satisfies the resumed request', request(['login']), { prompt: true, auth_time_min_s: NOW_S }],
    ['max_age=0 is prompt=login', request([], 0), { prompt: true, auth_time_min_s: NOW_S }],
    ['max_age=300: a session from the last 300 s', request(['consent'], 300), { prompt: false, auth_time_min_s: NOW_S - 300 }],
    ['prompt=login with max_age: the login wins', request(['login'], 300), { prompt: true, auth_time_min_s: NOW_S }],
    ['a max_age longer than the epoch: 0', request([], NOW_S * 2), { prompt: false, auth_time_min_s: 0 }],
    ['resumed: its bound, no second prompt', request([], 0, NOW_S - 20), { prompt: false, auth_time_min_s: NOW_S - 20 }],
  ];
  for (const [name, input, expected] of cases) t.same(loginRequirement(input, NOW_MS), expected, name);
});

t.test('isRecentEnough: auth_time at or after the bound, in whole seconds', async (t) => {
  t.equal(isRecentEnough({ prompt: false, auth_time_min_s: null }, null), true);
  t.equal(isRecentEnough({ prompt: false, auth_time_min_s: NOW_S }, NOW_S), true, 'the same second');
  t.equal(isRecentEnough({ prompt: false, auth_time_min_s: NOW_S }, NOW_S - 1), false, 'one second before');
  t.equal(isRecentEnough({ prompt: false, auth_time_min_s: NOW_S }, null), false, 'never authenticated');
});

t.test('resumedParameters: prompt=login dropped, the bound kept, the rest untouched', async (t) => {
  const resumed = resumedParameters(new URLSearchParams('client_id=app&prompt=login+consent&max_age=0&audience=a&audience=b'), { prompt: true, auth_time_min_s: NOW_S });
  t.same([...resumed], [['client_id', 'app'], ['prompt', 'consent'], ['max_age', '0'], ['audience', 'a'], ['audience', 'b'], ['auth_time_min_s', String(NOW_S)]]);
  t.same([...resumedParameters(new URLSearchParams('client_id=app&prompt=login'), { prompt: true, auth_time_min_s: NOW_S })], [['client_id', 'app'], ['auth_time_min_s', String(NOW_S)]]);
  t.same([...resumedParameters(new URLSearchParams('client_id=app'), { prompt: false, auth_time_min_s: null })], [['client_id', 'app']], 'nothing to carry');
});

t.test('checkAuthTimeMin: a whole number of seconds or invalid_request', async (t) => {
  t.equal(checkAuthTimeMin(new URLSearchParams()), undefined);
  t.equal(checkAuthTimeMin(new URLSearchParams(`auth_time_min_s=${NOW_S}`)), NOW_S);
  for (const bad of ['', '-1', '1.5', 'x', '9'.repeat(16)]) {
    t.throws(() => checkAuthTimeMin(new URLSearchParams({ auth_time_min_s: bad })), { error: 'invalid_request', description: "The 'auth_time_min_s' parameter must be a whole number of seconds." } as Error & { error: string; description: string }, `'${bad}'`);
  }
});
