/** RFC 6749 §4.1.2: the parameters added to the redirect URI's query, keeping the URI's own query. */
import type { ResponseModeDelivery } from './answer.js';

export const query: ResponseModeDelivery = (redirectUri, params) => {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) url.searchParams.append(name, value);
  return { kind: 'redirect', location: url.href };
};
