/**
 * A machine client allowed `authelia.bearer.authz` for https://app.example.com/api, and the calls
 * tests make with it: a client_credentials token, its revocation, and a forward-auth check.
 */
export const MACHINE_SECRET = 'machine-secret-0123456789';
const basic = 'Basic ' + Buffer.from(`machine:${MACHINE_SECRET}`).toString('base64');
/** Client authentication (client_secret_basic) and a form body, for the token and revocation endpoints. */
export const machineForm = { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' };

/** A provider config protecting app.example.com, with the machine client; `oidc` adds provider options. */
export function bearerProvider(oidc: Record<string, unknown> = {}) {
  return {
    session: { cookies: [{ domain: 'example.com', authelia_url: 'https://auth.example.com' }] },
    access_control: { default_policy: 'deny', rules: [{ domain: 'app.example.com', policy: 'one_factor' }] },
    identity_providers: {
      oidc: {
        ...oidc,
        clients: [
          {
            client_id: 'machine',
            client_secret: `$plaintext$${MACHINE_SECRET}`,
            grant_types: ['client_credentials'],
            scopes: ['authelia.bearer.authz'],
            audience: ['https://app.example.com/api'],
            redirect_uris: ['https://m.example.com/cb'],
          },
        ],
      },
    },
  };
}

/** A client_credentials access token granted authelia.bearer.authz for https://app.example.com/api. */
export async function issueBearerToken(url: string): Promise<string> {
  const res = await fetch(`${url}/api/oidc/token`, {
    method: 'POST',
    headers: machineForm,
    body: 'grant_type=client_credentials&scope=authelia.bearer.authz&audience=https%3A%2F%2Fapp.example.com%2Fapi',
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

export const revokeToken = (url: string, token: string): Promise<Response> =>
  fetch(`${url}/api/oidc/revocation`, { method: 'POST', headers: machineForm, body: `token=${token}` });

/** GET app.example.com<uri> through /api/authz/forward-auth with the token. */
export function verifyBearer(url: string, token: string, uri = '/api/items'): Promise<Response> {
  return fetch(`${url}/api/authz/forward-auth`, {
    headers: { authorization: `Bearer ${token}`, 'x-forwarded-proto': 'https', 'x-forwarded-host': 'app.example.com', 'x-forwarded-uri': uri, 'x-forwarded-method': 'GET' },
  });
}
