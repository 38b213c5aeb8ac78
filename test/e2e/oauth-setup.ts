/**
 * Shared set-up of the OAuth token-side end-to-end tests: a provider with a few clients, an
 * openid-client Configuration per client, codes seeded through issueAuthorizationCode (the
 * authorization endpoint's entry point), and error capture from openid-client.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as client from 'openid-client';
import type { Test } from 'tap';
import { issueAuthorizationCode } from '../../src/oauth/authorization-code.js';
import type { GrantSession } from '../../src/oauth/grant-session.js';
import type { Clock } from '../../src/util/clock.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

export const ISSUER = 'https://auth.example.com';
export const API = 'https://api.example.com';
export const OTHER_API = 'https://other.example.com';
export const APP_CALLBACK = 'https://app.example.com/cb';
/** The 004 sample digest (PBKDF2-SHA512, 310000 rounds) of 'insecure_secret'. */
export const PBKDF2_DIGEST = '$pbkdf2-sha512$310000$c8p78n7pUMln0jzvd4aK4Q$JNRBzwAo0ek5qKn50cFzzvE9RXV88h1wJn5KGiHrD0YKtZaR/nCb2CJPOsKaPK0hjf.9yHxzQGZziziccp6Yng';

export const SECRETS = {
  machine: 'machine-secret-0123456789',
  webapp: 'insecure_secret',
  other: 'other-secret-0123456789',
  multi: 'multi-secret-0123456789',
} as const;

const ISSUER_KEY = readFileSync(fileURLToPath(new URL('../fixtures/keys/rsa-2048.key.pem', import.meta.url)), 'utf8');

export function oauthConfig(lifespans: Record<string, string> = {}): Record<string, unknown> {
  return {
    // These suites fail client authentication on purpose, case after case, to read each answer;
    // regulation would ban the client after three. It has its own tests (test/oauth/client-auth-regulation.test.ts).
    regulation: { max_retries: 0 },
    identity_providers: {
      oidc: {
        issuer: ISSUER,
        hmac_secret: 'a-very-long-hmac-secret-for-the-tests-0123456789',
        jwks: [{ key: ISSUER_KEY }],
        enable_client_debug_messages: true,
        lifespans,
        clients: [
          {
            client_id: 'machine',
            client_secret: `$plaintext$${SECRETS.machine}`,
            redirect_uris: ['https://machine.example.com/cb'],
            grant_types: ['client_credentials', 'authorization_code'],
            scopes: ['read', 'write'],
            audience: [API, OTHER_API],
          },
          {
            client_id: 'implicit-audience',
            client_secret: `$plaintext$${SECRETS.machine}`,
            redirect_uris: ['https://machine.example.com/cb'],
            grant_types: ['client_credentials', 'authorization_code'],
            scopes: ['read'],
            audience: [API, OTHER_API],
            requested_audience_mode: 'implicit',
          },
          {
            client_id: 'webapp',
            client_secret: PBKDF2_DIGEST,
            token_endpoint_auth_method: 'client_secret_post',
            redirect_uris: [APP_CALLBACK],
            grant_types: ['authorization_code', 'refresh_token'],
            scopes: ['openid', 'offline_access', 'profile', 'read'],
            audience: [API],
          },
          {
            client_id: 'spa',
            public: true,
            redirect_uris: [APP_CALLBACK],
            grant_types: ['authorization_code', 'refresh_token'],
            scopes: ['openid', 'offline_access'],
          },
          {
            client_id: 'other',
            client_secret: `$plaintext$${SECRETS.other}`,
            redirect_uris: ['https://other.example.com/cb'],
            grant_types: ['client_credentials', 'authorization_code'],
            scopes: ['read'],
            audience: [API],
          },
          {
            client_id: 'multi',
            client_secret: `$plaintext$${SECRETS.multi}`,
            allow_multiple_auth_methods: true,
            redirect_uris: ['https://multi.example.com/cb'],
            grant_types: ['client_credentials', 'authorization_code'],
            scopes: ['read'],
          },
        ],
      },
    },
  };
}

export interface OAuthTestServer extends TestServer {
  /** An openid-client Configuration for a client of `oauthConfig`. */
  rp(client_id: string, auth: client.ClientAuth): client.Configuration;
  /** A code for `client_id`, as the authorization endpoint would issue it. */
  seedCode(input: SeedCode): Promise<string>;
}

export interface SeedCode {
  client_id: string;
  scopes: string[];
  audience?: string[];
  session?: Partial<GrantSession>;
  request_id?: string;
  subject?: string;
}

export async function startOAuthServer(t: Test, options: { clock?: Clock; lifespans?: Record<string, string> } = {}): Promise<OAuthTestServer> {
  const server = await startTestServer(t, oauthConfig(options.lifespans), options.clock ? { clock: options.clock } : {});
  const oidc = server.app.context.oidc!;
  const metadata: client.ServerMetadata = {
    issuer: ISSUER,
    token_endpoint: `${server.url}/api/oidc/token`,
    introspection_endpoint: `${server.url}/api/oidc/introspection`,
    revocation_endpoint: `${server.url}/api/oidc/revocation`,
  };
  return {
    ...server,
    rp(client_id, auth) {
      const config = new client.Configuration(metadata, client_id, undefined, auth);
      client.allowInsecureRequests(config);
      return config;
    },
    seedCode(input) {
      const nowMs = server.app.context.clock.nowMs();
      return issueAuthorizationCode(
        { storage: server.app.context.storage, tokens: oidc.tokens, config: oidc.config, clients: oidc.services.clients, random: server.app.context.random },
        {
          client_id: input.client_id,
          subject: input.subject ?? 'f1c2a7e0-0000-4000-8000-000000000001',
          scopes: input.scopes,
          audience: input.audience ?? [],
          ...(input.request_id ? { request_id: input.request_id } : {}),
          session: {
            username: 'john',
            auth_time_s: Math.floor(nowMs / 1000) - 5,
            amr: ['pwd', 'otp', 'mfa'],
            requested_at_s: Math.floor(nowMs / 1000) - 10,
            ...input.session,
          },
          nowMs,
        },
      );
    },
  };
}

/** The OAuth error an openid-client call failed with: `{ status, error, error_description }`. */
export async function oauthErrorOf(call: Promise<unknown>): Promise<{ status: number; error: string; error_description?: string; www_authenticate?: string | null }> {
  try {
    await call;
  } catch (err) {
    if (err instanceof client.ResponseBodyError) {
      return { status: err.status, error: err.error, error_description: err.error_description, www_authenticate: err.response.headers.get('www-authenticate') };
    }
    if (err instanceof client.WWWAuthenticateChallengeError) {
      const body = (await err.response.json()) as { error: string; error_description?: string };
      return { status: err.response.status, ...body, www_authenticate: err.response.headers.get('www-authenticate') };
    }
    throw err;
  }
  throw new Error('the call succeeded but an OAuth error was expected');
}

/** A raw form POST, for what openid-client will not send (duplicates, two auth methods, wrong content type). */
export async function postForm(url: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; json: unknown }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text === '' ? null : (JSON.parse(text) as unknown) };
}

export const basic = (id: string, secret: string): string =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
