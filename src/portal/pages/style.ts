/**
 * The portal's stylesheets, served at STYLESHEET_PATH and THEME_STYLESHEET_PATH (the CSP allows
 * style only from 'self'). System fonts, a centred card, visible focus, WCAG AA contrast in every
 * theme. The base sheet follows the browser (light, or dark with prefers-color-scheme: Authelia's
 * `theme: auto`); the theme sheet, loaded after it, pins `light`, `dark` or `grey`.
 */
import { createHash } from 'node:crypto';

/** Authelia's `theme` values. */
export const THEMES = ['light', 'dark', 'grey', 'auto'] as const;
export type Theme = (typeof THEMES)[number];

type Palette = Readonly<Record<'bg' | 'card' | 'text' | 'muted' | 'border' | 'accent' | 'accent-text' | 'focus' | 'error' | 'error-bg', string>>;

const LIGHT: Palette = { bg: '#f3f4f6', card: '#ffffff', text: '#111827', muted: '#4b5563', border: '#d1d5db', accent: '#1d4ed8', 'accent-text': '#ffffff', focus: '#f59e0b', error: '#b91c1c', 'error-bg': '#fef2f2' };
const DARK: Palette = { bg: '#111827', card: '#1f2937', text: '#f9fafb', muted: '#d1d5db', border: '#4b5563', accent: '#93c5fd', 'accent-text': '#111827', focus: '#fbbf24', error: '#fca5a5', 'error-bg': '#3b1111' };
const GREY: Palette = { bg: '#2e3238', card: '#43484f', text: '#f3f4f6', muted: '#d6d9dd', border: '#6b7178', accent: '#bfdbfe', 'accent-text': '#111827', focus: '#fbbf24', error: '#fecaca', 'error-bg': '#4a2323' };

/** Every palette, for the contrast test. */
export const PALETTES: Readonly<Record<Exclude<Theme, 'auto'>, Palette>> = { light: LIGHT, dark: DARK, grey: GREY };

const variables = (palette: Palette, indent: string): string => Object.entries(palette).map(([name, value]) => `${indent}--${name}: ${value};`).join('\n');

export const STYLESHEET = `:root {
  color-scheme: light dark;
${variables(LIGHT, '  ')}
}
@media (prefers-color-scheme: dark) {
  :root {
${variables(DARK, '    ')}
  }
}
*, *::before, *::after { box-sizing: border-box; }
html {
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  font-size: 100%;
  line-height: 1.5;
  background: var(--bg);
  color: var(--text);
}
body { margin: 0; min-height: 100vh; display: flex; align-items: center; justify-content: center; padding: 1rem; }
.card {
  width: 100%;
  max-width: 28rem;
  background: var(--card);
  border: 1px solid var(--border);
  border-radius: 0.5rem;
  padding: 1.5rem 2rem;
}
h1 { font-size: 1.5rem; margin: 0 0 1rem; }
a { color: var(--accent); }
label { display: block; font-weight: 600; margin-bottom: 0.25rem; }
.check label { display: inline; font-weight: normal; }
input[type="text"], input[type="password"] {
  width: 100%;
  font: inherit;
  padding: 0.5rem 0.75rem;
  color: var(--text);
  background: var(--card);
  border: 1px solid var(--muted);
  border-radius: 0.25rem;
}
input[type="checkbox"] { width: 1.1rem; height: 1.1rem; vertical-align: middle; }
button {
  font: inherit;
  font-weight: 600;
  padding: 0.5rem 1.25rem;
  color: var(--accent-text);
  background: var(--accent);
  border: 1px solid var(--accent);
  border-radius: 0.25rem;
  cursor: pointer;
}
button.secondary { color: var(--accent); background: transparent; }
.actions { display: flex; gap: 0.75rem; }
a:focus-visible, input:focus-visible, button:focus-visible {
  outline: 3px solid var(--focus);
  outline-offset: 2px;
}
.error {
  color: var(--error);
  background: var(--error-bg);
  border-left: 4px solid var(--error);
  padding: 0.5rem 0.75rem;
}
.muted { color: var(--muted); }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; overflow-wrap: anywhere; }
.secret { font-size: 1.1rem; letter-spacing: 0.05em; }
.qr { margin: 1rem auto; max-width: 16rem; background: #ffffff; padding: 0.5rem; }
.qr svg { display: block; width: 100%; height: auto; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; }
dt { font-weight: 600; }
dd { margin: 0; overflow-wrap: anywhere; }
iframe.front-channel { display: none; }
.sign-out { margin-top: 1.5rem; border-top: 1px solid var(--border); padding-top: 1rem; }
.brand { display: flex; align-items: center; gap: 0.5rem; margin: 0 0 1rem; font-weight: 600; color: var(--muted); }
.brand img { width: 2rem; height: 2rem; }
.secret { word-spacing: 0.4em; }
@media (max-width: 30rem) { body { padding: 0.5rem; align-items: flex-start; } .card { padding: 1rem 1.25rem; } }
`;

/** Strong ETag from the content (RFC 9110 section 8.8.3): changes exactly when the stylesheet does. */
export const STYLESHEET_ETAG = `"${createHash('sha256').update(STYLESHEET, 'utf8').digest('base64url')}"`;

export const STYLESHEET_CONTENT_TYPE = 'text/css; charset=utf-8';

/** The theme sheet: `auto` adds nothing to the base sheet; the others pin one palette (and the form controls' scheme). */
export function themeStylesheet(theme: Theme): string {
  if (theme === 'auto') return '/* theme: auto: the base stylesheet follows prefers-color-scheme */\n';
  return `:root {\n  color-scheme: ${theme === 'light' ? 'light' : 'dark'};\n${variables(PALETTES[theme], '  ')}\n}\n`;
}
export const STYLESHEET_CACHE_CONTROL = 'public, max-age=3600';
