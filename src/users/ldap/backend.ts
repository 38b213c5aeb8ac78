/**
 * The LDAP users backend (`authentication_backend.ldap`), Authelia's behaviour:
 * - a user is found by the users filter with `{input}` = what was typed (a username, or an e-mail
 *   address when the filter allows it); exactly one entry, else nobody. Their username is the
 *   username attribute's value, so a sign-in by e-mail starts a session for that username;
 * - a password is checked by binding as the user's DN on a connection of its own (RFC 4513 §5.1.3);
 *   an empty password never reaches the directory, since a bind with a DN and no password is an
 *   unauthenticated bind that many servers accept (RFC 4513 §5.1.2);
 * - groups by the groups filter (`filter`), or by the groups filter kept to those the user's
 *   member_of attribute names (`memberof`);
 * - details are remembered for `refresh_interval` (0: every use asks; null: never refreshed):
 *   a user removed or disabled in the directory loses access within it, and a directory that is
 *   down does not stop the users it already knows until then. Once it has passed, a look-up that
 *   cannot reach the directory rejects with UsersUnavailableError (503), never "no such user".
 */
import { Change, Attribute, InvalidCredentialsError, type Client, type Entry } from 'ldapts';
import { LRUCache } from 'lru-cache';
import type { Logger } from '../../observability/log.js';
import type { Clock } from '../../util/clock.js';
import type { UserDetails, UsersBackend } from '../user.js';
import { UsersUnavailableError } from '../users-unavailable-error.js';
import { createLdapPool, describeLdapError, isLdapResult, type LdapPool, type LdapPoolStats, type LdapRequestRecorder } from './client-pool.js';
import { groupNamesOf, profileFromEntry, type LdapProfile as Profile } from './entry.js';
import { fillFilter } from './filter.js';
import { passwordModifyRequestValue, PASSWORD_MODIFY_OID, unicodePwdValue } from './password-change.js';
import type { LdapSettings } from './settings.js';
import { checkLdapAtStartup, type LdapFeatures } from './startup-check.js';

export interface LdapBackendOptions {
  settings: LdapSettings;
  logger: Logger;
  clock: Clock;
  metrics?: LdapRequestRecorder & { observeLdapPool?(stats: () => LdapPoolStats): void };
  /** How many users' details are remembered (least recently used go first). */
  maxCachedUsers?: number;
}

export interface LdapUsersBackend extends UsersBackend {
  /**
   * Sets a user's password in the directory as the service account: `unicodePwd` for Active
   * Directory, else the Password Modify extended operation (RFC 3062) when the server offers it,
   * else `userPassword`. Resolves false when the user is unknown; rejects with UsersUnavailableError
   * when the directory cannot be reached, or with the directory's refusal (a password policy).
   */
  changePassword(username: string, newPassword: string): Promise<boolean>;
  /** What the start-up check found the server to support. */
  readonly features: LdapFeatures;
  readonly pool: Pick<LdapPool, 'stats'>;
}

interface Cached {
  details: Readonly<UserDetails> | null;
  fetchedAtMs: number;
}

/** Connects, checks the directory (throws LdapStartupError naming what is wrong) and returns the backend. */
export async function openLdapBackend(options: LdapBackendOptions): Promise<LdapUsersBackend> {
  const { settings, logger, clock } = options;
  const pool = createLdapPool(settings, options.metrics ?? null);
  let features: LdapFeatures;
  try {
    features = await checkLdapAtStartup(settings, pool, logger);
  } catch (err) {
    await pool.close();
    throw err;
  }
  options.metrics?.observeLdapPool?.(() => pool.stats());
  const cache = new LRUCache<string, Cached>({ max: options.maxCachedUsers ?? 10_000 });
  const inFlight = new Map<string, Promise<UserDetails | null>>();

  const search = (client: Client, base: string, filter: string, attributes: string[], sizeLimit: number): Promise<Entry[]> =>
    pool.timed('search', async () => {
      const result = await client.search(base, { scope: 'sub', derefAliases: 'never', filter, attributes, sizeLimit });
      return result.searchEntries;
    });

  const findProfile = async (client: Client, input: string): Promise<Profile | null> => {
    const filter = fillFilter(settings.usersFilter, { input, nowMs: clock.nowMs() });
    const entries = await search(client, settings.usersBaseDn, filter, settings.userAttributes, 2);
    if (entries.length !== 1) {
      if (entries.length > 1) logger.error('LDAP users filter matched more than one entry; nobody signs in as this input', { input, filter });
      return null;
    }
    const profile = profileFromEntry(entries[0], settings.attributes);
    if (typeof profile === 'string') {
      logger.error(`LDAP user entry ${profile}; nobody signs in as it`, { dn: entries[0].dn });
      return null;
    }
    return profile;
  };

  const findGroups = async (client: Client, input: string, profile: Profile): Promise<string[]> => {
    if (settings.groupSearchMode === 'memberof' && profile.memberOf.length === 0) return [];
    const filter = fillFilter(settings.groupsFilter, {
      input,
      username: profile.username,
      dn: profile.dn,
      memberOf: profile.memberOf,
      ...(settings.attributes.distinguished_name !== undefined ? { distinguishedNameAttribute: settings.attributes.distinguished_name } : {}),
    });
    const entries = await search(client, settings.groupsBaseDn, filter, [settings.attributes.group_name], 0);
    return groupNamesOf(entries, settings.attributes.group_name, settings.groupSearchMode === 'memberof' ? profile.memberOf : undefined);
  };

  const detailsOf = (profile: Profile, groups: string[]): Readonly<UserDetails> =>
    Object.freeze({
      username: profile.username,
      display_name: profile.displayName,
      emails: Object.freeze([...profile.emails]) as string[],
      groups: Object.freeze([...groups]) as string[],
      disabled: false,
    });

  const remember = (input: string, details: Readonly<UserDetails> | null): void => {
    const entry = { details, fetchedAtMs: clock.nowMs() };
    cache.set(input, entry);
    if (details !== null && details.username !== input) cache.set(details.username, entry);
  };

  const fresh = (entry: Cached | undefined): entry is Cached => {
    if (entry === undefined) return false;
    if (settings.refreshIntervalMs === null) return true;
    return clock.nowMs() - entry.fetchedAtMs < settings.refreshIntervalMs;
  };

  const unavailable = (what: string, err: unknown): UsersUnavailableError => {
    logger.warn('LDAP directory unavailable', { operation: what, error: describeLdapError(err) });
    return new UsersUnavailableError(`the LDAP directory could not be asked (${what})`, { cause: err });
  };

  const fetchDetails = async (input: string): Promise<UserDetails | null> => {
    try {
      const details = await pool.withService(async (client) => {
        const profile = await findProfile(client, input);
        return profile === null ? null : detailsOf(profile, await findGroups(client, input, profile));
      });
      remember(input, details);
      return details;
    } catch (err) {
      throw unavailable('user look-up', err);
    }
  };

  const peek = (username: string): UserDetails | null | undefined => {
    const entry = cache.get(username);
    return fresh(entry) ? entry.details : undefined;
  };

  return {
    version: 0,
    features,
    pool,
    peek,
    lookup: (username) => {
      const known = peek(username);
      if (known !== undefined) return Promise.resolve(known);
      let pending = inFlight.get(username);
      if (pending === undefined) {
        pending = fetchDetails(username).finally(() => inFlight.delete(username));
        inFlight.set(username, pending);
      }
      return pending;
    },
    checkPassword: async (username, password) => {
      if (password === '') return false;
      let found: { profile: Profile; groups: string[] } | null;
      try {
        found = await pool.withService(async (client) => {
          const profile = await findProfile(client, username);
          return profile === null ? null : { profile, groups: await findGroups(client, username, profile) };
        });
      } catch (err) {
        throw unavailable('user search', err);
      }
      if (found === null) {
        remember(username, null);
        return false;
      }
      try {
        await pool.bindAs(found.profile.dn, password);
      } catch (err) {
        if (err instanceof InvalidCredentialsError) return false;
        // Any other answer (locked, expired, policy) is a refusal too; only an unanswered bind is "later".
        if (isLdapResult(err)) {
          logger.info('LDAP bind as the user refused', { username: found.profile.username, error: describeLdapError(err) });
          return false;
        }
        throw unavailable('bind as the user', err);
      }
      remember(username, detailsOf(found.profile, found.groups));
      return true;
    },
    changePassword: async (username, newPassword) => {
      const changed = await pool
        .withService(async (client) => {
          const profile = await findProfile(client, username);
          if (profile === null) return false;
          if (settings.implementation === 'activedirectory') {
            const change = new Change({ operation: 'replace', modification: new Attribute({ type: 'unicodePwd', values: [unicodePwdValue(newPassword)] }) });
            await pool.timed('modify', () => client.modify(profile.dn, change));
          } else if (features.passwordModify) {
            await pool.timed('extended', () => client.exop(PASSWORD_MODIFY_OID, passwordModifyRequestValue(profile.dn, newPassword)));
          } else {
            const change = new Change({ operation: 'replace', modification: new Attribute({ type: 'userPassword', values: [newPassword] }) });
            await pool.timed('modify', () => client.modify(profile.dn, change));
          }
          return true;
        })
        .catch((err: unknown) => {
          if (isLdapResult(err)) throw err;
          throw unavailable('password change', err);
        });
      cache.delete(username);
      return changed;
    },
    close: () => {
      void pool.close();
    },
  };
}
