/**
 * What the back-channel OAuth endpoints (token, introspection, revocation) share: the form body
 * with duplicate parameters refused (RFC 6749 §3.1), client authentication input (a repeated
 * `Authorization` or `Content-Type` header is invalid_request: Node keeps only the first), and answers
 * that caches never keep (RFC 6749 §5.1: `Cache-Control: no-store`, `Pragma: no-cache`).
 */
import { HttpError } from '../http/errors.js';
import type { HttpRequest } from '../http/request.js';
import type { Handler } from '../http/router.js';
import type { ClientAuthRequest } from '../oauth/client-auth/index.js';
import { OAuthError } from '../oauth/errors.js';
import { rejectDuplicateParameters } from '../oauth/parameters.js';

export const NO_STORE_HEADERS: Readonly<Record<string, string>> = Object.freeze({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });

/** The application/x-www-form-urlencoded body (415 otherwise), each parameter at most once. */
export async function readForm(req: HttpRequest): Promise<URLSearchParams> {
  const params = await req.form();
  rejectDuplicateParameters(params);
  return params;
}

/** `endpointUrl`: the URL of the endpoint serving `req`, which a client assertion's `aud` may name. */
export const clientAuthRequestOf = (req: HttpRequest, params: URLSearchParams, endpointUrl: string): ClientAuthRequest => ({
  authorization: req.singleHeader('Authorization'),
  params,
  endpointUrl,
});

/** Adds the no-cache headers to every answer of `handler`, errors included. */
export function noStore(handler: Handler): Handler {
  return async (req) => {
    try {
      const response = await handler(req);
      return { ...response, headers: { ...response.headers, ...NO_STORE_HEADERS } };
    } catch (err) {
      throw withNoStore(err);
    }
  };
}

function withNoStore(err: unknown): unknown {
  if (err instanceof OAuthError) {
    return new OAuthError(err.error, err.description, { status: err.status, cause: err.cause, headers: { ...err.headers, ...NO_STORE_HEADERS } });
  }
  if (err instanceof HttpError) return new HttpError(err.status, err.message, { ...err.headers, ...NO_STORE_HEADERS });
  return err;
}
