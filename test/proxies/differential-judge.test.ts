/**
 * The differential suite's judge (differential-harness.ts), on made-up observations: it must see
 * each kind of disagreement of issue #11, or a clean run of the suite proves nothing.
 */
import t from 'tap';
import { hostWithoutPort, judge, normalizeEscapes, samePathProblem, type BackendRequest, type Observation } from './differential-harness.js';
import { SPOOF_PREFIX, type HostileCase } from './hostile-corpus.js';

t.test('RFC 3986 §6.2.2: unreserved escapes decoded, the others upper-cased', async (t) => {
  const cases: ReadonlyArray<readonly [string, string]> = [
    ['/%61dmin', '/admin'],
    ['/%7euser', '/~user'],
    ['/a%2fb', '/a%2Fb'],
    ['/%2e%2e', '/..'],
    ['/%c3%a9', '/%C3%A9'],
    ['/plain', '/plain'],
  ];
  for (const [raw, want] of cases) t.equal(normalizeEscapes(raw), want, raw);
});

t.test('hostWithoutPort', async (t) => {
  const cases: ReadonlyArray<readonly [string, string]> = [
    ['app.example.com:8443', 'app.example.com'],
    ['app.example.com', 'app.example.com'],
    ['[::1]:443', '[::1]'],
    ['app.example.com:x@public.example.com', 'app.example.com:x@public.example.com'],
  ];
  for (const [host, want] of cases) t.equal(hostWithoutPort(host), want, host);
});

t.test('a path the back end reads as Gatehouse decided it, or why not', async (t) => {
  const cases: ReadonlyArray<readonly [name: string, backend: string, decided: string, want: RegExp | null]> = [
    ['the same path', '/public/x', '/public/x', null],
    ['the query is not part of the path', '/public/x?/../../admin', '/public/x', null],
    ['escapes normalized on both sides', '/%61dmin%2fx', '/admin%2Fx', null],
    ['raw dot-dot', '/public/../admin', '/admin', /^a dot segment/],
    ['encoded dot-dot', '/public/%2E%2e/admin', '/admin', /^a dot segment/],
    ['dot-dot behind %2F', '/public%2F..%2Fadmin', '/public%2F..%2Fadmin', /^a dot segment/],
    ['dot-dot with a parameter', '/public/..;x/admin', '/public/..;x/admin', /^a dot segment/],
    ['a single dot', '/./admin', '/admin', /^a dot segment/],
    ['a backslash', '/admin/x\\..\\..\\public/x', '/public/x', /^a backslash/],
    ['an empty segment', '/public//../admin', '/admin', /^an empty segment/],
    ['a raw # the decision dropped', '/public/x#', '/public/x', /^different paths/],
    ['raw non-ASCII', '/public/\xc3\xa9', '/public/%C3%A9', /^different paths/],
    ['not origin-form', 'admin', '/admin', /^not an origin-form path/],
    ['another resource', '/admin', '/public/x', /^different paths/],
  ];
  for (const [name, backend, decided, want] of cases) {
    const problem = samePathProblem(backend, decided);
    if (want === null) t.equal(problem, null, name);
    else t.match(problem ?? '', want, name);
  }
});

const CASE: HostileCase = { name: 'made up', method: 'GET', target: '/public/x', version: 'HTTP/1.1', headers: [['Host', 'app.example.com']], credential: 'anonymous' };

function received(target: string, headers: BackendRequest['headers'] = [['Host', 'app.example.com']]): BackendRequest {
  return { requestLine: `GET ${target} HTTP/1.1`, method: 'GET', target, headers };
}

function observation(over: Partial<Observation>): Observation {
  return {
    proxy: 'nginx',
    case: CASE,
    answer: { status: 200, statusLine: 'HTTP/1.1 200 OK', headers: [] },
    backend: [],
    decisions: [],
    refusals: [],
    otherGatehouseRequests: [],
    ...over,
  };
}

const allow = (host: string, path: string, method = 'GET') => ({ msg: 'authz decision', decision: 'allow', target_host: host, target_path: path, method });

t.test('judge: the four assertions of issue #11', async (t) => {
  const cases: ReadonlyArray<readonly [name: string, o: Observation, outcome: string, problems: RegExp[]]> = [
    ['served as allowed', observation({ backend: [received('/public/x')], decisions: [allow('app.example.com:8443', '/public/x')] }), 'served', []],
    ['served for another method (lower-case options decided as OPTIONS)', observation({ backend: [{ ...received('/api/x'), method: 'options', requestLine: 'options /api/x HTTP/1.1' }], decisions: [allow('app.example.com', '/api/x', 'OPTIONS')] }), 'served', [/^method: the back end got 'options', Gatehouse decided for 'OPTIONS'/]],
    ['served for another host (item 1)', observation({ backend: [received('/admin')], decisions: [allow('public.example.com', '/admin')] }), 'served', [/^host: the back end got 'app.example.com', Gatehouse decided on 'public.example.com'/]],
    ['served a path read another way (item 3)', observation({ backend: [received('/admin/x\\..\\..\\public/x')], decisions: [allow('app.example.com', '/public/x')] }), 'served', [/^path: a backslash/]],
    ['served although denied', observation({ backend: [received('/admin')], decisions: [{ msg: 'authz decision', decision: 'deny', target_host: 'app.example.com', target_path: '/admin', method: 'GET' }] }), 'served', [/decided deny/]],
    ['served without a decision', observation({ backend: [received('/admin')] }), 'served', [/made 0 decisions/]],
    ['served after a refusal', observation({ backend: [received('/public/x')], decisions: [allow('app.example.com', '/public/x')], refusals: [{ msg: 'authz target refused' }] }), 'served', [/refused the target but the back end received/]],
    [
      "the client's Remote_User passed on (item 5)",
      observation({ backend: [received('/public/x', [['Host', 'app.example.com'], ['Remote_user', `${SPOOF_PREFIX}-x`]])], decisions: [allow('app.example.com', '/public/x')] }),
      'served',
      [/underscore header/],
    ],
    [
      "the client's Remote-User passed on",
      observation({
        case: { ...CASE, headers: [...CASE.headers, ['Remote-User', `${SPOOF_PREFIX}-x`]] },
        backend: [received('/public/x', [['Host', 'app.example.com'], ['Remote-User', `${SPOOF_PREFIX}-x`]])],
        decisions: [allow('app.example.com', '/public/x')],
      }),
      'served',
      [/the client's 'Remote-User/],
    ],
    ['a refusal answered 400 is fine', observation({ answer: { status: 400, statusLine: 'HTTP/1.1 400 Bad Request', headers: [] }, refusals: [{ msg: 'request', status: 400 }] }), 'refused by Gatehouse (400)', []],
    ["a refusal turned into the proxy's 500 fails", observation({ answer: { status: 500, statusLine: 'HTTP/1.1 500 Internal Server Error', headers: [] }, refusals: [{ msg: 'request', status: 400 }] }), 'refused by Gatehouse (400)', [/client got HTTP\/1.1 500/]],
    ['a 502 without a refusal fails', observation({ answer: { status: 502, statusLine: 'HTTP/1.1 502 Bad Gateway', headers: [] } }), 'refused by the proxy', [/answered HTTP\/1.1 502/]],
    ['a denial', observation({ answer: { status: 302, statusLine: 'HTTP/1.1 302 Found', headers: [] }, decisions: [{ msg: 'authz decision', decision: 'unauthenticated' }] }), 'denied or unauthenticated', []],
  ];
  for (const [name, o, outcome, problems] of cases) {
    const verdict = judge(o);
    t.equal(verdict.outcome, outcome, `${name}: outcome`);
    t.equal(verdict.problems.length, problems.length, `${name}: ${verdict.problems.join('; ') || 'no problems'}`);
    problems.forEach((want, i) => t.match(verdict.problems[i] ?? '', want, `${name}: problem ${i + 1}`));
  }
});
