/**
 * The one protocol error type (RFC 6749 §4.1.2.1, §5.2; RFC 6750 §3.1; RFC 7009; RFC 9126).
 * The domain throws `OAuthError`; only src/http turns it into an answer. `description` is for
 * clients and always sent as `error_description` (as Authelia does: a bare error code leaves the
 * person who configured the client guessing), `cause` for the log. The one exception is
 * `invalid_client`, see `clientDescription`.
 */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'unsupported_response_type'
  | 'unsupported_token_type'
  | 'invalid_scope'
  | 'access_denied'
  | 'server_error'
  | 'temporarily_unavailable'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'login_required'
  | 'consent_required'
  | 'interaction_required'
  | 'account_selection_required'
  | 'invalid_request_uri'
  | 'invalid_request_object'
  | 'request_not_supported'
  | 'request_uri_not_supported'
  | 'registration_not_supported';

/** The HTTP status each code answers with by default at a direct (non-redirect) endpoint. */
const DEFAULT_STATUS: Record<OAuthErrorCode, number> = {
  invalid_request: 400,
  invalid_client: 401,
  invalid_grant: 400,
  unauthorized_client: 400,
  unsupported_grant_type: 400,
  unsupported_response_type: 400,
  unsupported_token_type: 400,
  invalid_scope: 400,
  access_denied: 403,
  server_error: 500,
  temporarily_unavailable: 503,
  invalid_token: 401,
  insufficient_scope: 403,
  login_required: 400,
  consent_required: 400,
  interaction_required: 400,
  account_selection_required: 400,
  invalid_request_uri: 400,
  invalid_request_object: 400,
  request_not_supported: 400,
  request_uri_not_supported: 400,
  registration_not_supported: 400,
};

/**
 * RFC 6749 §4.1.2.1 and §5.2's own words for each code: the `error_description` of an error
 * thrown without one, and of every `invalid_client` unless debug messages are on.
 */
export const ERROR_DESCRIPTIONS: Readonly<Record<OAuthErrorCode, string>> = Object.freeze({
  invalid_request:
    'The request is missing a required parameter, includes an invalid parameter value, includes a parameter more than once, or is otherwise malformed.',
  invalid_client: 'Client authentication failed (e.g., unknown client, no client authentication included, or unsupported authentication method).',
  invalid_grant:
    'The provided authorization grant or refresh token is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.',
  unauthorized_client: 'The authenticated client is not authorized to use this authorization grant type.',
  unsupported_grant_type: 'The authorization grant type is not supported by the authorization server.',
  unsupported_response_type: 'The authorization server does not support obtaining an authorization code using this method.',
  unsupported_token_type: 'The authorization server does not support the revocation of the presented token type.',
  invalid_scope: 'The requested scope is invalid, unknown, or malformed.',
  access_denied: 'The resource owner or authorization server denied the request.',
  server_error: 'The authorization server encountered an unexpected condition that prevented it from fulfilling the request.',
  temporarily_unavailable: 'The authorization server is currently unable to handle the request due to a temporary overloading or maintenance of the server.',
  invalid_token: 'The access token provided is expired, revoked, malformed, or invalid for other reasons.',
  insufficient_scope: 'The request requires higher privileges than provided by the access token.',
  login_required: 'The authorization server requires end-user authentication.',
  consent_required: 'The authorization server requires end-user consent.',
  interaction_required: 'The authorization server requires end-user interaction of some form to proceed.',
  account_selection_required: 'The end-user is required to select a session at the authorization server.',
  invalid_request_uri: "The 'request_uri' in the authorization request returns an error or contains invalid data.",
  invalid_request_object: "The 'request' parameter contains an invalid request object.",
  request_not_supported: "The authorization server does not support the use of the 'request' parameter.",
  request_uri_not_supported: "The authorization server does not support the use of the 'request_uri' parameter.",
  registration_not_supported: "The authorization server does not support the use of the 'registration' parameter.",
});

export interface OAuthErrorOptions {
  status?: number;
  /** Detail for the log only; never sent to a client. */
  cause?: unknown;
  /** Extra headers, e.g. `WWW-Authenticate` for invalid_client with Basic auth (RFC 6749 §5.2). */
  headers?: Record<string, string>;
}

export class OAuthError extends Error {
  override readonly name = 'OAuthError';
  readonly status: number;
  readonly headers: Record<string, string>;

  constructor(
    readonly error: OAuthErrorCode,
    readonly description: string,
    options: OAuthErrorOptions = {},
  ) {
    super(`${error}: ${description}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = options.status ?? DEFAULT_STATUS[error];
    this.headers = options.headers ?? {};
  }

  /**
   * The `error_description` a client is sent. Always one (RFC 6749 §5.2). For `invalid_client`,
   * which check failed (no such client, a wrong secret, another method, a bad assertion) would tell
   * a prober that a client exists and how it authenticates, which client-auth/ takes care to hide
   * (same message, same time): without `enable_client_debug_messages` it gets §5.2's general text.
   */
  clientDescription(debugMessages: boolean): string {
    if (this.description === '' || (this.error === 'invalid_client' && !debugMessages)) return ERROR_DESCRIPTIONS[this.error];
    return this.description;
  }

  /** The RFC 6749 §5.2 error object; `debugMessages`: `enable_client_debug_messages` (see `clientDescription`). */
  toJSON(debugMessages = true): { error: OAuthErrorCode; error_description: string } {
    return { error: this.error, error_description: this.clientDescription(debugMessages) };
  }
}
