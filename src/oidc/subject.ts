/**
 * The `sub` a client sees (OIDC Core §8): a random UUIDv4 per (sector, user), stored once and
 * reused. Public subjects share the sector '' across clients; a client with a
 * `sector_identifier_uri` gets pairwise subjects (§8.1), keyed by that URI's host so that clients
 * of the same sector see the same `sub` and clients of different sectors cannot correlate users.
 * Like Authelia, the stored random identifier is the pairwise value (§8.1 allows any scheme that
 * is not reversible by the client).
 */
import type { OidcClientConfig } from '../config/index.js';
import type { SubjectIdentifiers } from '../storage/types.js';

export type SubjectType = 'public' | 'pairwise';

/** The sector a client's subjects belong to: '' (public) or the sector identifier's host. */
export function sectorIdOf(client: Pick<OidcClientConfig, 'sector_identifier_uri'>): string {
  if (client.sector_identifier_uri === undefined) return '';
  // `host` keeps a non-default port: Authelia's OpenID Connect docs, "sector_identifier", may include one.
  return new URL(client.sector_identifier_uri).host;
}

export function subjectTypeOf(client: Pick<OidcClientConfig, 'sector_identifier_uri'>): SubjectType {
  return sectorIdOf(client) === '' ? 'public' : 'pairwise';
}

export async function resolveSubject(
  deps: { subjects: SubjectIdentifiers },
  client: Pick<OidcClientConfig, 'sector_identifier_uri'>,
  username: string,
): Promise<string> {
  return deps.subjects.getOrCreate({ service: 'openid', sector_id: sectorIdOf(client), username });
}
