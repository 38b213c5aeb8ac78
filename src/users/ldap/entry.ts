/**
 * Reading search entries, whatever server sent them: attribute names match case-insensitively
 * (RFC 4512 §2.5; Active Directory answers `sAMAccountName` to a request for `samaccountname`),
 * values as text, DNs compared case-insensitively (`CN=Admins,OU=Groups` is `cn=admins,ou=groups`).
 */
import type { Entry } from 'ldapts';
import type { LdapAttributeNames } from './presets.js';

export interface LdapProfile {
  dn: string;
  username: string;
  displayName: string;
  emails: string[];
  memberOf: string[];
}

export function valuesOf(entry: Entry, attribute: string | undefined): string[] {
  if (attribute === undefined) return [];
  const wanted = attribute.toLowerCase();
  for (const [name, value] of Object.entries(entry)) {
    if (name.toLowerCase() !== wanted || name === 'dn') continue;
    const list = Array.isArray(value) ? value : [value];
    return list.map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : v)).filter((v) => v !== '');
  }
  return [];
}

export function firstValueOf(entry: Entry, attribute: string | undefined): string {
  return valuesOf(entry, attribute)[0] ?? '';
}

/** A user entry as the backend sees it, or why it cannot be one (no single username value). */
export function profileFromEntry(entry: Entry, attributes: LdapAttributeNames & { username: string }): LdapProfile | string {
  const usernames = valuesOf(entry, attributes.username);
  if (usernames.length !== 1) return `must have exactly one value of '${attributes.username}' but has ${usernames.length}`;
  const username = usernames[0];
  return {
    dn: entry.dn,
    username,
    displayName: firstValueOf(entry, attributes.display_name) || username,
    emails: valuesOf(entry, attributes.mail),
    memberOf: valuesOf(entry, attributes.member_of),
  };
}

/**
 * The group names of the entries a groups search returned: each entry's one value of the group
 * name attribute; with `memberof`, only the groups the user's member_of values name.
 */
export function groupNamesOf(entries: readonly Entry[], groupName: string, onlyMemberOf?: readonly string[]): string[] {
  const memberOf = onlyMemberOf === undefined ? null : new Set(onlyMemberOf.map((dn) => dn.toLowerCase()));
  const groups: string[] = [];
  for (const entry of entries) {
    if (memberOf !== null && !memberOf.has(entry.dn.toLowerCase())) continue;
    const names = valuesOf(entry, groupName);
    if (names.length === 1) groups.push(names[0]);
  }
  return groups;
}
