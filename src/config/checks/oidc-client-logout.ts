/**
 * A client's logout URIs: RP-Initiated Logout 1.0 §3.1 (`post_logout_redirect_uris`), Back-Channel
 * Logout 1.0 §2.2 (`backchannel_logout_uri`) and Front-Channel Logout 1.0 §2 (`frontchannel_logout_uri`):
 * absolute http(s) URIs without a fragment, and a front-channel URI on the scheme, host and port of
 * one of the client's redirect URIs.
 */
import type { ConfigPath } from '../errors.js';
import { tryUrl } from '../schema/common.js';
import { duplicateProblems, type CheckProblem, type ParsedClient } from './types.js';

function checkAbsoluteUri(uri: string, at: ConfigPath): CheckProblem[] {
  const url = tryUrl(uri);
  if (!url) return [{ path: at, message: `must be an absolute URL but is '${uri}'` }];
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return [{ path: at, message: `must have the scheme http or https but is '${uri}'` }];
  if (uri.includes('#')) return [{ path: at, message: `must not have a fragment but is '${uri}'` }];
  return [];
}

const originOf = (uri: string): string | null => tryUrl(uri)?.origin ?? null;

export function checkLogoutUris(client: ParsedClient, path: ConfigPath): CheckProblem[] {
  const problems: CheckProblem[] = duplicateProblems(client.post_logout_redirect_uris, [...path, 'post_logout_redirect_uris']);
  client.post_logout_redirect_uris.forEach((uri, i) => problems.push(...checkAbsoluteUri(uri, [...path, 'post_logout_redirect_uris', i])));
  if (client.backchannel_logout_uri !== undefined) {
    problems.push(...checkAbsoluteUri(client.backchannel_logout_uri, [...path, 'backchannel_logout_uri']));
  }
  const front = client.frontchannel_logout_uri;
  if (front !== undefined) {
    const at = [...path, 'frontchannel_logout_uri'];
    const own = checkAbsoluteUri(front, at);
    problems.push(...own);
    const redirectOrigins = client.redirect_uris.map(originOf);
    if (own.length === 0 && !redirectOrigins.includes(originOf(front))) {
      problems.push({ path: at, message: `must have the scheme, host and port of one of the client's redirect_uris but is '${front}'` });
    }
  }
  return problems;
}
