/**
 * Issue #12 item 9: every OAuth error answer says why (RFC 6749 §5.2 `error_description`), with
 * `enable_client_debug_messages` off (the default) as on. Off, `invalid_client` says only §5.2's
 * general words, the same for every cause, so a prober cannot tell an unknown client from a wrong
 * secret or another method; on, it says which check failed.
 */
import t, { type Test } from 'tap';
import { ERROR_DESCRIPTIONS } from '../../src/oauth/errors.js';
import { startTestServer } from '../helpers/server.js';
import { SECRETS, basic, oauthConfig, postForm } from './oauth-setup.js';

async function tokenEndpoint(t: Test, debug: boolean): Promise<string> {
  const config = oauthConfig();
  (config['identity_providers'] as { oidc: Record<string, unknown> }).oidc['enable_client_debug_messages'] = debug;
  const server = await startTestServer(t, config);
  return `${server.url}/api/oidc/token`;
}

const machine = { authorization: basic('machine', SECRETS.machine) };
const GENERIC_INVALID_CLIENT = ERROR_DESCRIPTIONS.invalid_client;

interface Row {
  rule: string;
  body: string;
  headers?: Record<string, string>;
  status: number;
  error: string;
  /** The exact description with debug messages off. */
  description: string;
  /** With them on, when it says more. */
  debugDescription?: string;
}

const rows: Row[] = [
  { rule: 'RFC 6749 §5.2 invalid_client: no credentials', body: 'grant_type=client_credentials', status: 401, error: 'invalid_client', description: GENERIC_INVALID_CLIENT, debugDescription: 'Client authentication failed: the request carries no client credentials.' },
  { rule: 'invalid_client: an unknown client', body: 'grant_type=client_credentials', headers: { authorization: basic('nobody', 'x') }, status: 401, error: 'invalid_client', description: GENERIC_INVALID_CLIENT },
  { rule: 'invalid_client: a wrong secret, said like an unknown client', body: 'grant_type=client_credentials', headers: { authorization: basic('machine', 'wrong') }, status: 401, error: 'invalid_client', description: GENERIC_INVALID_CLIENT },
  {
    rule: 'RFC 6749 §2.3 invalid_request: two authentication methods at once',
    body: 'grant_type=client_credentials&client_id=machine&client_secret=x',
    headers: machine,
    status: 400,
    error: 'invalid_request',
    description: 'The client used more than one authentication method (client_secret_basic, client_secret_post).',
  },
  {
    rule: 'invalid_client: a client_secret_post client using Basic',
    body: 'grant_type=client_credentials',
    headers: { authorization: basic('webapp', 'whatever') },
    status: 401,
    error: 'invalid_client',
    description: GENERIC_INVALID_CLIENT,
    debugDescription: "The client is registered for the token_endpoint_auth_method 'client_secret_post' but the request used 'client_secret_basic'.",
  },
  { rule: 'RFC 6749 §5.2 invalid_request: grant_type missing', body: 'scope=read', headers: machine, status: 400, error: 'invalid_request', description: "The 'grant_type' parameter is missing." },
  { rule: 'RFC 6749 §3.1 invalid_request: a repeated parameter', body: 'grant_type=client_credentials&scope=read&scope=write', headers: machine, status: 400, error: 'invalid_request', description: "The 'scope' parameter must not be included more than once." },
  { rule: 'RFC 6749 §5.2 unsupported_grant_type', body: 'grant_type=password&username=a&password=b', headers: machine, status: 400, error: 'unsupported_grant_type', description: "The grant_type 'password' is not supported." },
  { rule: 'RFC 6749 §5.2 unauthorized_client: a grant the client is not registered for', body: 'grant_type=refresh_token&refresh_token=x', headers: machine, status: 400, error: 'unauthorized_client', description: "The client is not allowed to use the grant_type 'refresh_token'." },
  { rule: 'RFC 6749 §5.2 invalid_scope', body: 'grant_type=client_credentials&scope=admin', headers: machine, status: 400, error: 'invalid_scope', description: "The scope 'admin' is not registered for the client." },
  { rule: 'RFC 6749 §5.2 invalid_grant: an unknown code', body: 'grant_type=authorization_code&code=nope&redirect_uri=https%3A%2F%2Fmachine.example.com%2Fcb', headers: machine, status: 400, error: 'invalid_grant', description: 'The authorization code is invalid, expired or was issued to another client.' },
  { rule: 'RFC 8707 audience outside the registration', body: 'grant_type=client_credentials&scope=read&audience=https%3A%2F%2Fevil.example.com', headers: machine, status: 400, error: 'invalid_request', description: "The requested audience 'https://evil.example.com' is not registered for the client." },
  { rule: 'a body that is not a form', body: '{}', headers: { ...machine, 'content-type': 'application/json' }, status: 415, error: 'invalid_request', description: 'Unsupported Media Type: expected application/x-www-form-urlencoded' },
];

for (const debug of [false, true]) {
  t.test(`the token endpoint's errors each say why (enable_client_debug_messages: ${debug})`, async (t) => {
    const token = await tokenEndpoint(t, debug);
    for (const row of rows) {
      const res = await postForm(token, row.body, row.headers);
      const json = res.json as { error?: string; error_description?: unknown };
      t.same({ status: res.status, error: json.error }, { status: row.status, error: row.error }, row.rule);
      t.type(json.error_description, 'string', `${row.rule}: error_description is sent`);
      t.not(json.error_description, '', `${row.rule}: and is not empty`);
      t.equal(json.error_description, debug ? (row.debugDescription ?? row.description) : row.description, `${row.rule}: the exact text`);
    }
  });
}
