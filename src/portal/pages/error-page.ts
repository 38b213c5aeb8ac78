/**
 * A page for when something went wrong. It shows only what the caller chose to say: no stack,
 * no internal message (those go to the log).
 */
import { html } from '../../util/html.js';
import { renderLayout } from './layout.js';

export interface ErrorPageModel {
  title: string;
  message: string;
  /** HTTP status, shown as a small reference the person can quote. */
  status?: number | undefined;
}

/** The heading of the error page for a status, in words a person reads. */
export function errorTitle(status: number): string {
  if (status === 404) return 'Page not found';
  if (status === 405) return 'This page does not take that request';
  if (status === 503) return 'Temporarily unavailable';
  return 'Something went wrong';
}

export function renderError(model: ErrorPageModel): string {
  return renderLayout({
    title: model.title,
    body: html`<p role="alert" class="error">${model.message}</p>
${model.status === undefined ? null : html`<p class="muted">Error ${model.status}</p>\n`}<p><a href="/">Go to the sign-in page</a></p>
`,
  });
}
