/**
 * Front-channel logout (OIDC Front-Channel Logout 1.0 §2, §4): the signed-out page loads each
 * client's `frontchannel_logout_uri` in an iframe, with `iss` and `sid` in its query, and its
 * Content-Security-Policy lets frames come from exactly those origins. Pure.
 */
import type { OidcClientConfig } from '../../config/index.js';

export interface FrontChannelFrame {
  client_id: string;
  /** The URI to load, `iss` and `sid` added. */
  src: string;
}

/**
 * One frame per client, in the order given. §2: "the OP MUST include iss and sid" when
 * `frontchannel_logout_session_required`; Gatehouse includes them whenever it knows the sid (§2
 * allows it), and leaves out a client that requires a session when the session had no sid.
 */
export function frontChannelFrames(issuer: string, sid: string | undefined, clients: readonly OidcClientConfig[]): FrontChannelFrame[] {
  const frames: FrontChannelFrame[] = [];
  const seen = new Set<string>();
  for (const client of clients) {
    const uri = client.frontchannel_logout_uri;
    if (uri === undefined || seen.has(client.client_id)) continue;
    if (sid === undefined && client.frontchannel_logout_session_required) continue;
    seen.add(client.client_id);
    const url = new URL(uri);
    if (sid !== undefined) {
      url.searchParams.set('iss', issuer);
      url.searchParams.set('sid', sid);
    }
    frames.push({ client_id: client.client_id, src: url.href });
  }
  return frames;
}

/** The origins the page's `frame-src` lists: exactly the frames', once each, in order. */
export function frameOrigins(frames: readonly FrontChannelFrame[]): string[] {
  return [...new Set(frames.map((f) => new URL(f.src).origin))];
}
