/**
 * response_type and response_mode (OAuth 2.0 Multiple Response Type Encoding Practices; the
 * integration guide's Response Types and Response Modes tables). This release answers the
 * authorization code flow only, in the query and form_post modes.
 */
import type { OidcClientConfig } from '../../config/index.js';
import { OAuthError } from '../errors.js';
import type { SupportedResponseMode } from './types.js';

export function checkResponseType(params: URLSearchParams, client: OidcClientConfig): 'code' {
  const type = params.get('response_type');
  if (!type) throw new OAuthError('invalid_request', "The 'response_type' parameter is missing.");
  const normalized = type.split(' ').filter(Boolean).sort().join(' ');
  if (normalized !== 'code') throw new OAuthError('unsupported_response_type', `The response type '${type}' is not supported.`);
  if (!client.response_types.includes('code')) {
    throw new OAuthError('unauthorized_client', `The client is not registered for the response type '${type}'.`);
  }
  return 'code';
}

/** The requested mode, or the default for `code` (query, RFC 6749 §4.1.2). */
export function checkResponseMode(params: URLSearchParams, client: OidcClientConfig): SupportedResponseMode {
  const mode = params.get('response_mode');
  if (mode === null || mode === '') return 'query';
  if (mode !== 'query' && mode !== 'form_post') throw new OAuthError('invalid_request', `The response mode '${mode}' is not supported.`);
  if (!client.response_modes.includes(mode)) {
    throw new OAuthError('invalid_request', `The client is not registered for the response mode '${mode}'.`);
  }
  return mode;
}
