/** GET `/static/copy.js`: the TOTP enrolment page's copy button, cacheable, revalidated by ETag. */
import type { Route } from '../../http/router.js';
import { STYLESHEET_CACHE_CONTROL } from '../../portal/pages/index.js';
import { COPY_SCRIPT, COPY_SCRIPT_CONTENT_TYPE, COPY_SCRIPT_ETAG, COPY_SCRIPT_PATH } from '../../portal/pages/copy-script.js';
import { staticFileRoute } from './static-file.js';

export function copyScriptRoutes(): Route[] {
  return [staticFileRoute({ name: 'portal_copy_script', path: COPY_SCRIPT_PATH, content: COPY_SCRIPT, contentType: COPY_SCRIPT_CONTENT_TYPE, etag: COPY_SCRIPT_ETAG, cacheControl: STYLESHEET_CACHE_CONTROL })];
}
