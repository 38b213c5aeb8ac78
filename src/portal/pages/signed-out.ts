/** Shown after sign-out. */
import { html } from './escape.js';
import { renderLayout } from './layout.js';

export interface SignedOutModel {
  /** The portal's sign-in page; validated by the caller. */
  portalUrl: string;
}

export function renderSignedOut(model: SignedOutModel): string {
  return renderLayout({
    title: 'You are signed out',
    body: html`<p>You have been signed out of Gatehouse.</p>
<p><a href="${model.portalUrl}">Sign in again</a></p>
`,
  });
}
