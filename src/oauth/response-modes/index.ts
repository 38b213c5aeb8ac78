/**
 * The response modes as a registry: `query`, `fragment`, `form_post`, each a same-shaped module;
 * JARM (`*.jwt`, JARM §2.3) signs the parameters into one `response` parameter and hands it to
 * the same delivery — it wraps, it does not branch. The out-of-band redirect URI is a delivery of
 * its own. Every response carries `iss` (RFC 9207 §2), added by the caller.
 */
import type { DeliveryMode, SupportedResponseMode } from '../authorize/types.js';
import { OOB_REDIRECT_URI } from '../authorize/check-client.js';
import type { FrontChannelAnswer, ResponseModeDelivery } from './answer.js';
import { formPost } from './form-post.js';
import { fragment } from './fragment.js';
import { query } from './query.js';

export type { FrontChannelAnswer, ResponseModeDelivery } from './answer.js';

export const RESPONSE_MODES: Readonly<Record<DeliveryMode, ResponseModeDelivery>> = Object.freeze({ query, fragment, form_post: formPost });

/** `fragment.jwt` → fragment, signed; `query` → query, plain. */
export function splitResponseMode(mode: SupportedResponseMode): { delivery: DeliveryMode; jwt: boolean } {
  const [delivery, suffix] = mode.split('.') as [DeliveryMode, string | undefined];
  return { delivery, jwt: suffix === 'jwt' };
}

export interface ResponseTarget {
  redirect_uri: string;
  response_mode: SupportedResponseMode;
}

/** Signs the parameters into a JARM `response` JWT (jarm.ts, with the client's key choice). */
export type JarmSigner = (params: Readonly<Record<string, string>>) => Promise<string>;

/** The answer for `params` in the target's response mode. */
export async function deliver(target: ResponseTarget, params: Readonly<Record<string, string>>, signJarm: JarmSigner): Promise<FrontChannelAnswer> {
  if (target.redirect_uri === OOB_REDIRECT_URI) return { kind: 'out_of_band', fields: { ...params } };
  const { delivery, jwt } = splitResponseMode(target.response_mode);
  return RESPONSE_MODES[delivery](target.redirect_uri, jwt ? { response: await signJarm(params) } : params);
}
