/**
 * `domain` and `domain_regex`, matched against the target's hostname (no port): together one
 * condition, any entry of either list matching (Authelia appends both to one list).
 * - `app.example.com`: exact, case-insensitive (the host is already lower-case).
 * - `*.example.com`: any subdomain, at a label boundary (`a.example.com`, `a.b.example.com`),
 *   never `example.com` itself nor `badexample.com`.
 * - `{user}.example.com` / `{group}.example.com`: the placeholder stands for exactly one label,
 *   which must be the subject's username / one of its groups (case-insensitive, hosts are).
 * - `domain_regex`: a regex on the host; named groups `User` / `Group` must equal the username /
 *   one of the groups, case-insensitively (Authelia's RegexpGroupStringSubjectMatcher).
 * Placeholders and named groups depend on the subject; for an anonymous request they answer
 * whether they *could* match once authenticated (the rest of the pattern matches).
 */
import { domainToASCII } from 'node:url';
import type { Subject } from '../types.js';
import { compileGoRegex } from './go-regex.js';
import type { Matcher } from './match-input.js';

type Placeholder = 'user' | 'group';

interface PlaceholderDomain {
  placeholder: Placeholder;
  prefix: string;
  suffix: string;
}

interface DomainRegex {
  regex: RegExp;
  hasUser: boolean;
  hasGroup: boolean;
}

export interface CompiledDomains {
  matcher: Matcher;
  dependsOnSubject: boolean;
}

const PLACEHOLDER = /\{(user|group)\}/g;

/** Non-ASCII labels → punycode, as `new URL` does to the target host. */
function asciiDomain(domain: string): string {
  if (/^[\x00-\x7f]*$/.test(domain)) return domain;
  return domain
    .split('.')
    .map((label) => (label === '' ? label : domainToASCII(label) || label))
    .join('.');
}

function parsePlaceholder(domain: string): PlaceholderDomain | null {
  const found = [...domain.matchAll(PLACEHOLDER)];
  if (found.length === 0) return null;
  if (found.length > 1) throw new Error(`domain '${domain}' may hold only one {user} or {group} placeholder`);
  const match = found[0];
  return {
    placeholder: match[1] as Placeholder,
    prefix: asciiDomain(domain.slice(0, match.index)),
    suffix: asciiDomain(domain.slice(match.index + match[0].length)),
  };
}

function equalsIgnoreCase(a: string, b: string): boolean {
  return a.length === b.length && a.toLowerCase() === b.toLowerCase();
}

function usernameIs(subject: Subject, value: string): boolean {
  return subject.username !== undefined && equalsIgnoreCase(subject.username, value);
}

function hasGroup(subject: Subject, value: string): boolean {
  return subject.groups.some((group) => equalsIgnoreCase(group, value));
}

function matchesPlaceholder(entry: PlaceholderDomain, host: string, subject: Subject | null): boolean {
  const { prefix, suffix } = entry;
  if (host.length <= prefix.length + suffix.length || !host.startsWith(prefix) || !host.endsWith(suffix)) return false;
  const label = host.slice(prefix.length, host.length - suffix.length);
  if (label.includes('.')) return false;
  if (subject === null) return true;
  return entry.placeholder === 'user' ? usernameIs(subject, label) : hasGroup(subject, label);
}

function matchesRegex(entry: DomainRegex, host: string, subject: Subject | null): boolean {
  const match = entry.regex.exec(host);
  if (match === null) return false;
  if (subject === null || (!entry.hasUser && !entry.hasGroup)) return true;
  const groups = match.groups ?? {};
  if (entry.hasUser && (groups['User'] === undefined || !usernameIs(subject, groups['User']))) return false;
  if (entry.hasGroup && (groups['Group'] === undefined || !hasGroup(subject, groups['Group']))) return false;
  return true;
}

function compileRegex(source: string): DomainRegex {
  const regex = compileGoRegex(source);
  return { regex, hasUser: regex.source.includes('(?<User>'), hasGroup: regex.source.includes('(?<Group>') };
}

export function compileDomains(domains: readonly string[], domainRegexes: readonly string[]): CompiledDomains {
  const exact = new Set<string>();
  const wildcardSuffixes: string[] = [];
  const placeholders: PlaceholderDomain[] = [];
  for (const raw of domains) {
    const domain = raw.trim().toLowerCase();
    const placeholder = parsePlaceholder(domain);
    if (placeholder) placeholders.push(placeholder);
    else if (domain.startsWith('*.')) wildcardSuffixes.push(asciiDomain(domain.slice(1)));
    else exact.add(asciiDomain(domain));
  }
  const regexes = domainRegexes.map(compileRegex);
  const dependsOnSubject = placeholders.length > 0 || regexes.some((r) => r.hasUser || r.hasGroup);

  const matcher: Matcher = ({ host, subject }) => {
    if (exact.has(host)) return true;
    for (const suffix of wildcardSuffixes) if (host.length > suffix.length && host.endsWith(suffix)) return true;
    for (const entry of placeholders) if (matchesPlaceholder(entry, host, subject)) return true;
    for (const entry of regexes) if (matchesRegex(entry, host, subject)) return true;
    return false;
  };
  return { matcher, dependsOnSubject };
}
