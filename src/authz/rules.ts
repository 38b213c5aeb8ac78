/**
 * Access control compiled once at start-up: `access_control.rules` become arrays of small
 * matchers (regexes compiled, CIDRs in a BlockList, domains in a Set), and every possible
 * Decision is a frozen object made here, so `decide` allocates one small input per request.
 *
 * First match wins (Authelia): a rule matches when all its conditions hold; no rule → the
 * `default_policy` (rule -1).
 *
 * Anonymous requests (`subject` null) — Authelia's nuance. A condition that needs the subject
 * (`subject`, `{user}`/`{group}` domains, `domain_regex` with `User`/`Group` groups) answers
 * "could match once authenticated". The first rule whose other conditions match wins:
 * - if it depends on the subject → `{ policy, rule, subjectRequired: true }`: authenticate first,
 *   then decide again with the subject (which may land on this rule or a later one). Do not apply
 *   `policy` to the anonymous request: a `deny` there means "deny *these* users", not everyone.
 * - otherwise → `subjectRequired: false`, and the decision is final for every subject: each
 *   earlier rule failed on a condition that no subject can change.
 * So the endpoint decides anonymously first: `bypass` → through without authenticating;
 * `deny` without `subjectRequired` → 403; anything else → authenticate, and decide again with the
 * subject when `subjectRequired`.
 */
import type { AccessControlConfig, AccessPolicy } from '../config/index.js';
import { compileDomains } from './rule-matchers/domain.js';
import type { Matcher, MatchInput } from './rule-matchers/match-input.js';
import { compileMethods } from './rule-matchers/methods.js';
import { compileNetworks, type NamedNetworks } from './rule-matchers/networks.js';
import { compileQuery } from './rule-matchers/query.js';
import { compileResources } from './rule-matchers/resources.js';
import { compileSubjects } from './rule-matchers/subject.js';
import type { AccessDecision, RequestObject, Subject } from './types.js';

export type { AccessDecision, Decision, Policy, RequestObject, Subject } from './types.js';

export interface CompiledAccessControl {
  /** The first matching rule's policy, else `default_policy`; see the module comment for `subject` null. */
  decide(object: RequestObject, subject: Subject | null): AccessDecision;
  /** True when some rule depends on the subject; false → `decide(o, null)` is always final. */
  readonly hasSubjectRules: boolean;
  /** Number of rules, for logs and the `check-policy`-style tooling. */
  readonly ruleCount: number;
}

type RuleConfig = AccessControlConfig['rules'][number];

interface CompiledRule {
  /** Cheapest first: domain, method, network, resources, query, subject. */
  readonly matchers: readonly Matcher[];
  readonly decision: AccessDecision;
  /** The decision for an anonymous request: `subjectRequired` when the rule depends on the subject. */
  readonly anonymousDecision: AccessDecision;
  readonly dependsOnSubject: boolean;
}

function decision(policy: AccessPolicy, rule: number, subjectRequired: boolean): AccessDecision {
  return Object.freeze({ policy, rule, subjectRequired });
}

function compileRule(rule: RuleConfig, index: number, named: NamedNetworks): CompiledRule {
  const matchers: Matcher[] = [];
  let dependsOnSubject = rule.subject.length > 0;
  if (rule.domain.length > 0 || rule.domain_regex.length > 0) {
    const domains = compileDomains(rule.domain, rule.domain_regex);
    matchers.push(domains.matcher);
    dependsOnSubject ||= domains.dependsOnSubject;
  }
  if (rule.methods.length > 0) matchers.push(compileMethods(rule.methods));
  if (rule.networks.length > 0) matchers.push(compileNetworks(rule.networks, named));
  if (rule.resources.length > 0) matchers.push(compileResources(rule.resources));
  if (rule.query.length > 0) matchers.push(compileQuery(rule.query));
  if (rule.subject.length > 0) matchers.push(compileSubjects(rule.subject));
  const final = decision(rule.policy, index, false);
  return {
    matchers,
    decision: final,
    anonymousDecision: dependsOnSubject ? decision(rule.policy, index, true) : final,
    dependsOnSubject,
  };
}

function matchesAll(matchers: readonly Matcher[], input: MatchInput): boolean {
  for (const matcher of matchers) if (!matcher(input)) return false;
  return true;
}

/** Throws (plain Error naming the rule) on what config checks should already have reported. */
export function compileAccessControl(config: AccessControlConfig): CompiledAccessControl {
  const named: NamedNetworks = new Map(config.networks.map((n) => [n.name, n.networks]));
  const rules = config.rules.map((rule, index) => {
    try {
      return compileRule(rule, index, named);
    } catch (err) {
      throw new Error(`access_control.rules[${index}]: ${(err as Error).message}`, { cause: err });
    }
  });
  const fallback = decision(config.default_policy, -1, false);
  const needsPath = config.rules.some((rule) => rule.resources.length > 0);
  // Only `networks` conditions read the client's address, which costs a look at X-Forwarded-For.
  const usesNetworks = config.rules.some((rule) => rule.networks.length > 0);

  const evaluate = (object: RequestObject, subject: Subject | null): AccessDecision => {
    const { url } = object;
    const input: MatchInput = {
      host: url.hostname,
      method: object.method,
      pathAndQuery: needsPath ? url.pathname + url.search : '',
      url,
      remoteIp: usesNetworks ? object.remoteIp : '',
      subject,
    };
    for (const rule of rules) {
      if (matchesAll(rule.matchers, input)) return subject === null ? rule.anonymousDecision : rule.decision;
    }
    return fallback;
  };
  // Without `networks` conditions, an anonymous decision depends on the target and the method alone.
  const anonymous = usesNetworks ? null : createAnonymousMemo(evaluate);

  return Object.freeze({
    hasSubjectRules: rules.some((rule) => rule.dependsOnSubject),
    ruleCount: rules.length,
    decide: (object: RequestObject, subject: Subject | null): AccessDecision =>
      subject === null && anonymous !== null ? anonymous(object) : evaluate(object, subject),
  });
}

/** Methods remembered per target; any beyond (a client inventing methods) are decided each time. */
const METHODS_PER_TARGET = 16;

/**
 * The anonymous decision, remembered per target object and method. The rules never change after
 * start-up, and forward-auth targets are shared parsed objects that nothing changes
 * (proxies/target-headers.ts), so a repeated target is one WeakMap and one Map look-up instead of
 * a pass over the rules.
 */
function createAnonymousMemo(evaluate: (object: RequestObject, subject: null) => AccessDecision): (object: RequestObject) => AccessDecision {
  const byTarget = new WeakMap<URL, Map<string, AccessDecision>>();
  return (object) => {
    let byMethod = byTarget.get(object.url);
    if (byMethod === undefined) byTarget.set(object.url, (byMethod = new Map<string, AccessDecision>()));
    let found = byMethod.get(object.method);
    if (found === undefined) {
      found = evaluate(object, null);
      if (byMethod.size < METHODS_PER_TARGET) byMethod.set(object.method, found);
    }
    return found;
  };
}
