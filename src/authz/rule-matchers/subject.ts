/**
 * `subject`: a list of lists, outer OR, inner AND (`[['group:admins', 'user:john'], ['user:fred']]`
 * is "an admin named john, or fred"). Names compare exactly, as in Authelia:
 * `user:<name>` the username, `group:<name>` one of the groups, `oauth2:client:<id>` the client of
 * a client_credentials token. An anonymous request could match any subject: it answers true, and
 * the rule then asks the request to authenticate (rules.ts).
 */
import type { Subject } from '../types.js';
import type { Matcher } from './match-input.js';

type SubjectCheck = (subject: Subject) => boolean;

const USER = 'user:';
const GROUP = 'group:';
const CLIENT = 'oauth2:client:';

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

export function compileSubjects(subjects: readonly (readonly string[])[]): Matcher {
  const alternatives = subjects.map((all) => all.map(compileSubjectItem));
  return ({ subject }) => subject === null || alternatives.some((checks) => checks.every((check) => check(subject)));
}
