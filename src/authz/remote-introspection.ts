/**
 * RFC 7662 token introspection against another OP (`server.endpoints.remote_introspection`): one
 * keep-alive `undici` Pool for the OP's origin, bounded connections, connect/headers/body timeouts
 * and an overall deadline, `client_secret_basic` (RFC 6749 §2.3.1), a bounded response. Anything
 * but a well-formed 200 answer throws `IntrospectionUnavailable`: the verify endpoint answers 503,
 * never a pass. `undici` is loaded with the first introspection, not at start-up (issue #14).
 */
import type { Pool } from 'undici';
import { IntrospectionUnavailable, INACTIVE, type IntrospectionResult, type IntrospectionSource } from './introspection-cache.js';

export interface RemoteIntrospectionOptions {
  url: string;
  client_id: string;
  client_secret: string;
  timeoutSeconds: number;
  pool?: { connections: number };
  /** Default 64 KiB: an introspection answer is a few hundred bytes. */
  maxResponseBytes?: number;
}

export interface RemoteIntrospection extends IntrospectionSource {
  close(): Promise<void>;
}

const DEFAULT_CONNECTIONS = 16;
const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024;
const KEEP_ALIVE_MS = 30_000;

/** RFC 6749 §2.3.1: client_id and secret are form-urlencoded before Basic encoding. */
const formEncode = (value: string): string => encodeURIComponent(value).replace(/%20/g, '+');

export function basicAuthorization(clientId: string, clientSecret: string): string {
  return `Basic ${Buffer.from(`${formEncode(clientId)}:${formEncode(clientSecret)}`).toString('base64')}`;
}

type Json = Record<string, unknown>;

const strings = (value: unknown): string[] | undefined => {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value;
  return undefined;
};

/** RFC 7662 §2.2: `active` is REQUIRED; `scope` is space-separated; `aud` a string or an array; `exp` in seconds. */
export function parseIntrospectionResponse(body: unknown): IntrospectionResult {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new IntrospectionUnavailable('the introspection response is not a JSON object');
  const json = body as Json;
  if (typeof json['active'] !== 'boolean') throw new IntrospectionUnavailable('the introspection response has no boolean "active"');
  if (!json['active']) return INACTIVE;
  const result: IntrospectionResult = { active: true };
  if (typeof json['client_id'] === 'string') result.client_id = json['client_id'];
  if (typeof json['scope'] === 'string') result.scope = json['scope'].split(' ').filter((s) => s !== '');
  const aud = strings(json['aud']);
  if (aud !== undefined) result.aud = aud;
  if (typeof json['exp'] === 'number' && Number.isFinite(json['exp'])) result.exp_ms = json['exp'] * 1000;
  result.username = typeof json['username'] === 'string' && json['username'] !== '' ? json['username'] : null;
  const amr = strings(json['amr']);
  if (amr !== undefined) result.amr = amr;
  return Object.freeze(result);
}

/** Drops an unread body; destroying it emits an abort error nobody waits for. */
function discard(body: { on(event: 'error', fn: () => void): unknown; destroy(): unknown }): void {
  body.on('error', () => undefined);
  body.destroy();
}

async function readBounded(body: AsyncIterable<Buffer>, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    total += chunk.length;
    if (total > maxBytes) throw new IntrospectionUnavailable(`the introspection response exceeds ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export function createRemoteIntrospection(opts: RemoteIntrospectionOptions): RemoteIntrospection {
  const url = new URL(opts.url);
  const timeoutMs = opts.timeoutSeconds * 1000;
  const maxBytes = opts.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const authorization = basicAuthorization(opts.client_id, opts.client_secret);
  let pool: Promise<Pool> | undefined;
  const poolOnce = (): Promise<Pool> =>
    (pool ??= import('undici').then(
      ({ Pool }) =>
        new Pool(url.origin, {
          connections: opts.pool?.connections ?? DEFAULT_CONNECTIONS,
          connectTimeout: timeoutMs,
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
          keepAliveTimeout: KEEP_ALIVE_MS,
        }),
    ));

  const post = async (token: string): Promise<IntrospectionResult> => {
    const { statusCode, headers, body } = await (await poolOnce()).request({
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method: 'POST',
      headers: {
        authorization,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: new URLSearchParams({ token, token_type_hint: 'access_token' }).toString(),
      // One deadline over connect, headers and body together.
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (statusCode !== 200) {
      discard(body);
      throw new IntrospectionUnavailable(`the introspection endpoint answered ${statusCode}`);
    }
    const declared = Number(headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      discard(body);
      throw new IntrospectionUnavailable(`the introspection response exceeds ${maxBytes} bytes`);
    }
    const text = (await readBounded(body, maxBytes)).toString('utf8');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new IntrospectionUnavailable('the introspection response is not JSON', { cause: err });
    }
    return parseIntrospectionResponse(json);
  };

  return {
    async introspect(token) {
      try {
        return await post(token);
      } catch (err) {
        if (err instanceof IntrospectionUnavailable) throw err;
        // Connection refused, DNS, TLS, timeouts, aborts: the OP cannot answer.
        const message = err instanceof Error ? err.message : String(err);
        throw new IntrospectionUnavailable(`the introspection endpoint could not be reached: ${message}`, { cause: err });
      }
    },
    close: async () => {
      if (pool !== undefined) await (await pool).close();
    },
  };
}
