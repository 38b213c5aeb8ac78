/**
 * The one place where a thrown error becomes an answer. Clients never see a stack trace or an
 * internal message: anything that is not an OAuthError or HttpError is a 500 with a generic body.
 */
import { OAuthError } from '../oauth/errors.js';
import { UsersUnavailableError } from '../users/index.js';
import { HttpError } from './errors.js';
import { PAGE_SECURITY_HEADERS } from './headers.js';
import { errorTitle, renderError as renderErrorPage } from '../portal/pages/index.js';
import { html, json, type HttpResponse } from './response.js';
import type { ErrorStyle } from './router.js';

export interface RenderOptions {
  /** `enable_client_debug_messages`: whether `invalid_client` answers say which check failed (OAuthError.clientDescription). */
  clientDebugMessages: boolean;
}

const USERS_UNAVAILABLE = 'The user directory cannot be reached right now. Please try again later.';

export function renderError(err: unknown, style: ErrorStyle, options: RenderOptions): HttpResponse {
  if (err instanceof OAuthError) {
    const headers = { 'Cache-Control': 'no-store', ...err.headers };
    return json(err.status, err.toJSON(options.clientDebugMessages), headers);
  }
  if (err instanceof HttpError) return renderHttpError(err, style);
  // The users directory could not be asked: nothing was decided, so "try again later", never a pass.
  if (err instanceof UsersUnavailableError) {
    if (style === 'oauth') return json(503, { error: 'temporarily_unavailable', error_description: USERS_UNAVAILABLE }, { 'Cache-Control': 'no-store', 'Retry-After': '5' });
    return renderHttpError(new HttpError(503, USERS_UNAVAILABLE, { 'Retry-After': '5' }), style);
  }
  return renderHttpError(new HttpError(500, 'Internal Server Error'), style);
}

function renderHttpError(err: HttpError, style: ErrorStyle): HttpResponse {
  switch (style) {
    case 'oauth': {
      const error = err.status >= 500 ? 'server_error' : 'invalid_request';
      return json(err.status, { error, error_description: err.message }, { 'Cache-Control': 'no-store', ...err.headers });
    }
    case 'page':
      // The portal's error page: the one page template, escaped by construction.
      return html(err.status, renderErrorPage({ title: errorTitle(err.status), message: err.message, status: err.status }), { ...PAGE_SECURITY_HEADERS, ...err.headers });
    case 'api':
      return json(err.status, { status: 'KO', message: err.message }, err.headers);
  }
}
