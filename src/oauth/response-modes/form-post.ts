/** OAuth 2.0 Form Post Response Mode §2: the parameters POSTed to the redirect URI by the browser. */
import type { ResponseModeDelivery } from './answer.js';

export const formPost: ResponseModeDelivery = (redirectUri, params) => ({ kind: 'form_post', action: redirectUri, fields: { ...params } });
