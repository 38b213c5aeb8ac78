/**
 * The portal's look beyond the base stylesheet: the configured `theme` (Authelia's light, dark,
 * grey or auto) as its own small stylesheet, the favicon (also at /favicon.ico, which browsers ask
 * for on their own) and the logo beside the product name. Authelia's `server.asset_path` may hold
 * `favicon.ico` and `logo.png` to replace the built-in icon. Everything is read once at start-up and
 * revalidated by a strong ETag.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppContext } from '../context.js';
import type { HttpResponse } from '../http/response.js';
import type { Route } from '../http/router.js';
import { FAVICON_PATH, LOGO_PATH, THEME_STYLESHEET_PATH, themeStylesheet, STYLESHEET_CONTENT_TYPE } from '../portal/pages/index.js';

/** A gate in a shield, in the accent blue; readable on light and dark tabs. */
export const GATEHOUSE_ICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64" role="img" aria-label="Gatehouse">
<path d="M32 3 8 12v18c0 15 10 26 24 31 14-5 24-16 24-31V12z" fill="#1d4ed8"/>
<path d="M20 50V30a12 12 0 0 1 24 0v20z" fill="#ffffff"/>
<path d="M25 50V31a7 7 0 0 1 14 0v19" fill="none" stroke="#1d4ed8" stroke-width="3"/>
<path d="M32 24v26" stroke="#1d4ed8" stroke-width="3"/>
</svg>
`;

const CACHE_CONTROL = 'public, max-age=3600';

interface Asset {
  body: Buffer;
  contentType: string;
  etag: string;
}

const asset = (body: Buffer, contentType: string): Asset => ({ body, contentType, etag: `"${createHash('sha256').update(body).digest('base64url')}"` });

/** A file of `server.asset_path`, when it is configured and has one. */
function replacement(assetPath: string | undefined, file: string, contentType: string): Asset | null {
  if (assetPath === undefined || !existsSync(join(assetPath, file))) return null;
  return asset(readFileSync(join(assetPath, file)), contentType);
}

function assetRoute(name: string, path: string, served: Asset): Route {
  const get = (req: { header(name: string): string | undefined }): HttpResponse =>
    req.header('if-none-match') === served.etag
      ? { status: 304, headers: { ETag: served.etag, 'Cache-Control': CACHE_CONTROL } }
      : { status: 200, headers: { 'Content-Type': served.contentType, ETag: served.etag, 'Cache-Control': CACHE_CONTROL }, body: served.body };
  return { name, path, errorStyle: 'page', methods: { GET: get, HEAD: get } };
}

export function portalAssetRoutes(ctx: Pick<AppContext, 'config'>): Route[] {
  const assetPath = ctx.config.server.asset_path;
  const icon = asset(Buffer.from(GATEHOUSE_ICON_SVG, 'utf8'), 'image/svg+xml');
  const favicon = replacement(assetPath, 'favicon.ico', 'image/x-icon') ?? icon;
  return [
    assetRoute('portal_theme', THEME_STYLESHEET_PATH, asset(Buffer.from(themeStylesheet(ctx.config.theme), 'utf8'), STYLESHEET_CONTENT_TYPE)),
    assetRoute('portal_favicon', FAVICON_PATH, favicon),
    assetRoute('favicon', '/favicon.ico', favicon),
    assetRoute('portal_logo', LOGO_PATH, replacement(assetPath, 'logo.png', 'image/png') ?? icon),
  ];
}
