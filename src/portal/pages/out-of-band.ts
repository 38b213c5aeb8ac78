/**
 * `urn:ietf:wg:oauth:2.0:oob`: no redirect; the person copies the code (or reads the error) into
 * the application, as installed apps without a redirect endpoint expect.
 */
import { html } from '../../util/html.js';
import { renderLayout } from './layout.js';

export function renderOutOfBand(fields: Readonly<Record<string, string>>): string {
  const rows = Object.entries(fields)
    .filter(([name]) => name !== 'iss')
    .map(([name, value]) => html`<dt>${name}</dt><dd><code>${value}</code></dd>`);
  return renderLayout({
    title: fields['code'] ? 'Your authorization code' : 'Authorization failed',
    body: html`<p>Copy this into the application that sent you here.</p>\n<dl>${rows}</dl>\n`,
  });
}
