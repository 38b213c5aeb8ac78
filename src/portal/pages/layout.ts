/**
 * The page shell every portal page shares. Served under a CSP without inline style or script, so
 * the only styling is the stylesheet at STYLESHEET_PATH and nothing here needs JavaScript.
 */
import { html, type HtmlValue, type SafeHtml } from '../../util/html.js';
import { PORTAL_PATHS } from '../../util/paths.js';

export const STYLESHEET_PATH = PORTAL_PATHS.stylesheet;
/** The configured `theme`'s sheet (style.ts `themeStylesheet`), loaded after the base one. */
export const THEME_STYLESHEET_PATH = '/static/theme.css';
/** The icon in the tab (so browsers do not ask for /favicon.ico) and the logo beside the name. */
export const FAVICON_PATH = '/static/favicon.svg';
export const LOGO_PATH = '/static/logo';
export const SITE_NAME = 'Gatehouse';

export interface LayoutModel {
  /** Page title: shown as the h1 and, followed by the site name, in the browser tab. */
  title: string;
  /** Shown in a role="alert" paragraph above the content. */
  error?: string | undefined;
  body: HtmlValue;
}

export function renderLayout(model: LayoutModel): string {
  const page: SafeHtml = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<title>${model.title} — ${SITE_NAME}</title>
<link rel="stylesheet" href="${STYLESHEET_PATH}">
<link rel="stylesheet" href="${THEME_STYLESHEET_PATH}">
<link rel="icon" href="${FAVICON_PATH}" type="image/svg+xml">
</head>
<body>
<main class="card">
<p class="brand"><img src="${LOGO_PATH}" alt="" width="32" height="32"><span>${SITE_NAME}</span></p>
<h1>${model.title}</h1>
${errorAlert(model.error)}${model.body}</main>
</body>
</html>
`;
  return page.toString();
}

/** The one way errors are shown: announced by screen readers, styled by `.error`. */
export function errorAlert(error: string | undefined): SafeHtml {
  return error ? html`<p role="alert" class="error">${error}</p>\n` : html``;
}
