/** OIDC Core §3.1.2.1 prompt=login and max_age: the oldest auth_time a request accepts, decided once on arrival. */
import t from 'tap';
import { isRecentEnough, loginRequirement, resumableParameters, type LoginRequirement } from '../../../src/oauth/authorize/login-requirement.js';
import type { Prompt } from '../../../src/oauth/authorize/types.js';

const NOW_S = 1_700_000_000;
const NOW_MS = NOW_S * 1000 + 750;

function request(prompt: Prompt[], max_age?: number) {
  return { prompt: new Set(prompt), ...(max_age === undefined ? {} : { max_age }) };
}

t.test('loginRequirement: decided when the request arrives', async (t) => {
  const cases: Array<[string, ReturnType<typeof request>, LoginRequirement]> = [
    ['no prompt, no max_age: any session', request([]), { prompt: false, auth_time_min_s: null }],
    ['prompt=login: sign in now, and any sign-in from this second on satisfies the resumed request', request(['login']), { prompt: true, auth_time_min_s: NOW_S }],
    ['max_age=0 is prompt=login', request([], 0), { prompt: true, auth_time_min_s: NOW_S }],
    ['max_age=300: a session from the last 300 s', request(['consent'], 300), { prompt: false, auth_time_min_s: NOW_S - 300 }],
    ['prompt=login with max_age: the login wins', request(['login'], 300), { prompt: true, auth_time_min_s: NOW_S }],
    ['a max_age longer than the epoch: 0', request([], NOW_S * 2), { prompt: false, auth_time_min_s: 0 }],
  ];
  for (const [name, input, expected] of cases) t.same(loginRequirement(input, NOW_MS), expected, name);
});

t.test('isRecentEnough: auth_time at or after the bound, in whole seconds', async (t) => {
  t.equal(isRecentEnough(null, null), true);
  t.equal(isRecentEnough(NOW_S, NOW_S), true, 'the same second');
  t.equal(isRecentEnough(NOW_S, NOW_S - 1), false, 'one second before');
  t.equal(isRecentEnough(NOW_S, null), false, 'never authenticated');
});

t.test('resumableParameters: prompt=login dropped (the sign-in it asks for starts now), the rest untouched', async (t) => {
  const resumed = resumableParameters(new URLSearchParams('client_id=app&prompt=login+consent&max_age=0&audience=a&audience=b'));
  t.same([...resumed], [['client_id', 'app'], ['prompt', 'consent'], ['max_age', '0'], ['audience', 'a'], ['audience', 'b']]);
  t.same([...resumableParameters(new URLSearchParams('client_id=app&prompt=login'))], [['client_id', 'app']]);
  t.same([...resumableParameters(new URLSearchParams('client_id=app'))], [['client_id', 'app']], 'nothing to drop');
});
