/** OAuth 2.0 Multiple Response Type Encoding Practices §2.1 (RFC 6749 §4.2.2): form-encoded in the fragment. */
import type { ResponseModeDelivery } from './answer.js';

export const fragment: ResponseModeDelivery = (redirectUri, params) => {
  const url = new URL(redirectUri);
  // RFC 6749 §3.1.2: a registered redirect URI has no fragment, so this one is ours alone.
  url.hash = new URLSearchParams(params).toString();
  return { kind: 'redirect', location: url.href };
};
