/**
 * Delivering an authorization response or error: the response-mode registry decides what the
 * browser must do (src/oauth/response-modes/, JARM wrapping with the client's key choice), the
 * front-channel renderer writes it (src/http/front-channel.ts).
 */
import type { OidcContext } from '../../context.js';
import { renderFrontChannel } from '../../http/front-channel.js';
import type { HttpResponse } from '../../http/response.js';
import type { RegisteredClient } from '../../oauth/clients.js';
import { deliver, type ResponseTarget } from '../../oauth/response-modes/index.js';
import { signJarmResponse } from '../../oauth/response-modes/jarm.js';
import type { Clock } from '../../util/clock.js';

export type { ResponseTarget } from '../../oauth/response-modes/index.js';

export async function authorizationResponse(
  deps: { oidc: OidcContext; clock: Clock },
  target: ResponseTarget,
  client: RegisteredClient,
  params: Readonly<Record<string, string>>,
): Promise<HttpResponse> {
  const { oidc, clock } = deps;
  const signJarm = (claims: Readonly<Record<string, string>>): Promise<string> =>
    signJarmResponse({ keys: oidc.keys, issuer: oidc.issuer }, client.config, claims, Math.floor(clock.nowMs() / 1000));
  return renderFrontChannel(await deliver(target, params, signJarm));
}
