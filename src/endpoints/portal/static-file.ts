/** A static portal asset (the stylesheet, the WebAuthn script): cacheable, revalidated by its strong ETag (RFC 9110 §13.1.2). */
import type { HttpResponse } from '../../http/response.js';
import type { Route } from '../../http/router.js';

export interface StaticFile {
  name: string;
  path: string;
  content: string;
  contentType: string;
  etag: string;
  cacheControl: string;
}

export function staticFileRoute(file: StaticFile): Route {
  const body = Buffer.from(file.content, 'utf8');
  const headers = { ETag: file.etag, 'Cache-Control': file.cacheControl };
  return {
    name: file.name,
    path: file.path,
    errorStyle: 'page',
    methods: {
      GET: (req): HttpResponse =>
        req.header('if-none-match') === file.etag ? { status: 304, headers } : { status: 200, headers: { ...headers, 'Content-Type': file.contentType }, body },
    },
  };
}
