/**
 * Errors of the HTTP layer itself (routing, bodies, content types). Protocol errors are
 * `OAuthError` (src/oauth/errors.ts); both are rendered in src/http/render-error.ts.
 */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const notFound = (): HttpError => new HttpError(404, 'Not Found');
export const methodNotAllowed = (allow: readonly string[]): HttpError =>
  new HttpError(405, 'Method Not Allowed', { Allow: allow.join(', ') });
export const payloadTooLarge = (limitBytes: number): HttpError =>
  new HttpError(413, `Request body larger than ${limitBytes} bytes`);
export const unsupportedMediaType = (expected: string): HttpError =>
  new HttpError(415, `Unsupported Media Type: expected ${expected}`);
export const badRequest = (message: string): HttpError => new HttpError(400, message);
/** A header sent more than once where Node keeps only the first: another reader may take the other. */
export const repeatedHeader = (name: string): HttpError => new HttpError(400, `The ${name} header must not be sent more than once`);
