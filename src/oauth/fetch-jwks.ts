/**
 * Fetches a client's JSON Web Key Set from its `jwks_uri` (RFC 7591 §2, RFC 7517 §5) with bounded
 * time and size: a slow or hostile client endpoint must not hold a token request or fill memory.
 */

export interface FetchJwksOptions {
  /** Time allowed for the response headers, then again for the body. */
  timeoutMs?: number;
  /** Larger answers are refused (a JWKS of a few keys is a few KiB). */
  maxBytes?: number;
}

export const DEFAULT_JWKS_TIMEOUT_MS = 5_000;
export const DEFAULT_JWKS_MAX_BYTES = 256 * 1024;

/** Why a `jwks_uri` could not be used; the message names the URI and is safe to log. */
export class JwksFetchError extends Error {
  override readonly name = 'JwksFetchError';
}

export type FetchJwks = (uri: string) => Promise<readonly unknown[]>;

/** The `keys` array of the JWKS at `uri`; each entry is still unvalidated JSON. */
export async function fetchJwks(uri: string, options: FetchJwksOptions = {}): Promise<readonly unknown[]> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_JWKS_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? DEFAULT_JWKS_MAX_BYTES;
  let text: string;
  try {
    const { request } = await import('undici');
    const res = await request(uri, { method: 'GET', headers: { accept: 'application/json' }, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
    if (res.statusCode !== 200) {
      // dump(), not destroy(): a destroyed undici body emits an 'error' nobody listens to.
      await res.body.dump().catch(() => undefined);
      throw new JwksFetchError(`the jwks_uri '${uri}' answered HTTP ${res.statusCode}`);
    }
    text = await readBounded(res.body, maxBytes, uri);
  } catch (err) {
    if (err instanceof JwksFetchError) throw err;
    throw new JwksFetchError(`the jwks_uri '${uri}' could not be fetched: ${(err as Error).message}`, { cause: err });
  }
  return parseKeys(text, uri);
}

/** Leaving the loop early (the throw) makes the iterator destroy the body safely. */
async function readBounded(body: AsyncIterable<Buffer>, maxBytes: number, uri: string): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > maxBytes) {
      throw new JwksFetchError(`the jwks_uri '${uri}' answered more than ${maxBytes} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseKeys(text: string, uri: string): readonly unknown[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new JwksFetchError(`the jwks_uri '${uri}' did not answer JSON`);
  }
  const keys = typeof parsed === 'object' && parsed !== null ? (parsed as { keys?: unknown }).keys : undefined;
  if (!Array.isArray(keys)) throw new JwksFetchError(`the jwks_uri '${uri}' did not answer a JWK Set ({"keys": [...]})`);
  return keys;
}
