/**
 * Who a `subject` condition names, as in Authelia's access control and OIDC authorization policies:
 * `user:<name>` the username, `group:<name>` one of the groups, `oauth2:client:<id>` the client of
 * a client_credentials access token. Names compare exactly. A condition is a list of lists, outer
 * OR, inner AND (`[['group:admins', 'user:john'], ['user:fred']]` is "an admin named john, or
 * fred"). The one subject matcher: forward-auth rules (src/authz/rule-matchers/subject.ts) and OIDC
 * authorization policies (src/oidc/authorization-policy.ts) both compile through it.
 */

/**
 * Who is asking (Authelia's `Subject`): a user (session, basic auth, user token: username and
 * groups) or an OAuth 2.0 client (a client_credentials token: client_id, no groups).
 */
export interface Subject {
  username?: string;
  groups: readonly string[];
  /** The client of a client_credentials access token, matched by `oauth2:client:<id>`. */
  client_id?: string;
}

export type SubjectCheck = (subject: Subject) => boolean;

const USER = 'user:';
const GROUP = 'group:';
const CLIENT = 'oauth2:client:';

/** One item; throws for an item config validation would have refused (config/schema/access-control.ts). */
export function compileSubjectItem(item: string): SubjectCheck {
  if (item.startsWith(USER)) {
    const name = item.slice(USER.length);
    return (subject) => subject.username === name;
  }
  if (item.startsWith(GROUP)) {
    const name = item.slice(GROUP.length);
    return (subject) => subject.groups.includes(name);
  }
  if (item.startsWith(CLIENT)) {
    const id = item.slice(CLIENT.length);
    return (subject) => subject.client_id === id;
  }
  throw new Error(`subject '${item}' must be 'user:<name>', 'group:<name>' or 'oauth2:client:<id>'`);
}

/** A whole condition: true when every item of any one inner list matches. */
export function compileSubjectCondition(condition: readonly (readonly string[])[]): SubjectCheck {
  const alternatives = condition.map((all) => all.map(compileSubjectItem));
  return (subject) => alternatives.some((checks) => checks.every((check) => check(subject)));
}
