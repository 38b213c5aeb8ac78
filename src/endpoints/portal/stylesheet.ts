/** GET `/static/style.css`: the portal's one stylesheet, cacheable, revalidated by ETag. */
import type { HttpResponse } from '../../http/response.js';
import type { Route } from '../../http/router.js';
import { STYLESHEET, STYLESHEET_CACHE_CONTROL, STYLESHEET_CONTENT_TYPE, STYLESHEET_ETAG, STYLESHEET_PATH } from '../../portal/pages/index.js';

export function stylesheetRoutes(): Route[] {
  const body = Buffer.from(STYLESHEET, 'utf8');
  return [
    {
      name: 'portal_stylesheet',
      path: STYLESHEET_PATH,
      errorStyle: 'page',
      methods: {
        GET: (req): HttpResponse =>
          req.header('if-none-match') === STYLESHEET_ETAG
            ? { status: 304, headers: { ETag: STYLESHEET_ETAG, 'Cache-Control': STYLESHEET_CACHE_CONTROL } }
            : { status: 200, headers: { 'Content-Type': STYLESHEET_CONTENT_TYPE, ETag: STYLESHEET_ETAG, 'Cache-Control': STYLESHEET_CACHE_CONTROL }, body },
      },
    },
  ];
}
