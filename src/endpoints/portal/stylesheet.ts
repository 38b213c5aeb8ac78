/** GET `/static/style.css`: the portal's one stylesheet, cacheable, revalidated by ETag. */
import type { Route } from '../../http/router.js';
import { STYLESHEET, STYLESHEET_CACHE_CONTROL, STYLESHEET_CONTENT_TYPE, STYLESHEET_ETAG, STYLESHEET_PATH } from '../../portal/pages/index.js';
import { staticFileRoute } from './static-file.js';

export function stylesheetRoutes(): Route[] {
  return [staticFileRoute({ name: 'portal_stylesheet', path: STYLESHEET_PATH, content: STYLESHEET, contentType: STYLESHEET_CONTENT_TYPE, etag: STYLESHEET_ETAG, cacheControl: STYLESHEET_CACHE_CONTROL })];
}
