/** GET `/static/webauthn.js`: the portal's one WebAuthn script, cacheable, revalidated by ETag. */
import type { Route } from '../../http/router.js';
import { STYLESHEET_CACHE_CONTROL } from '../../portal/pages/index.js';
import { WEBAUTHN_SCRIPT, WEBAUTHN_SCRIPT_CONTENT_TYPE, WEBAUTHN_SCRIPT_ETAG, WEBAUTHN_SCRIPT_PATH } from '../../portal/pages/webauthn-script.js';
import { staticFileRoute } from './static-file.js';

export function webauthnScriptRoutes(): Route[] {
  return [staticFileRoute({ name: 'portal_webauthn_script', path: WEBAUTHN_SCRIPT_PATH, content: WEBAUTHN_SCRIPT, contentType: WEBAUTHN_SCRIPT_CONTENT_TYPE, etag: WEBAUTHN_SCRIPT_ETAG, cacheControl: STYLESHEET_CACHE_CONTROL })];
}
