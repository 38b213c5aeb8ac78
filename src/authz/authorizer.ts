/**
 * One forward-auth decision (Authelia's authz handler): the target's anonymous decision first
 * (bypass and unconditional deny need no credentials), then the endpoint's strategies in order,
 * then the decision again with the subject when the matching rule depends on it, then the level.
 */
import { levelSatisfies } from '../authn/level.js';
import type { Awaitable } from '../util/awaitable.js';
import type { CompiledAccessControl } from './rules.js';
import type { AccessDecision, RequestObject } from './types.js';
import type { AuthnStrategy, AuthzIdentity, StrategyInput, StrategyResult } from './strategies/types.js';

export type AuthzOutcome =
  | { kind: 'allow'; identity: AuthzIdentity | null; rule: number }
  | { kind: 'deny'; identity: AuthzIdentity | null; rule: number }
  | { kind: 'unauthenticated'; rule: number }
  | { kind: 'insufficient_level'; identity: AuthzIdentity; rule: number }
  | { kind: 'challenge'; status: 401 | 407; header: string; value: string; strategy: string }
  | { kind: 'unavailable'; strategy: string };

/** The chain's verdict: an identity, none (every strategy absent), or an outcome that stops here. */
type Authentication = { identity: AuthzIdentity | null } | { stop: AuthzOutcome };

const NOBODY: Authentication = Object.freeze({ identity: null });

/** Synchronous when every strategy on the way answers at once (a cached bearer token). */
export function authorize(
  access: CompiledAccessControl,
  strategies: readonly AuthnStrategy[],
  object: RequestObject,
  input: StrategyInput,
): Awaitable<AuthzOutcome> {
  const anonymous = access.decide(object, null);
  if (!anonymous.subjectRequired) {
    if (anonymous.policy === 'bypass') return { kind: 'allow', identity: null, rule: anonymous.rule };
    if (anonymous.policy === 'deny') return { kind: 'deny', identity: null, rule: anonymous.rule };
  }
  const found = authenticate(strategies, input, 0);
  // No closure on the synchronous path: one per request would be garbage on every proxied request.
  if (found instanceof Promise) return found.then((settled) => conclude(access, object, anonymous, settled));
  return conclude(access, object, anonymous, found);
}

/** The decision once the chain has spoken: again with the subject when the matching rule needs it. */
function conclude(access: CompiledAccessControl, object: RequestObject, anonymous: AccessDecision, found: Authentication): AuthzOutcome {
  if ('stop' in found) return found.stop;
  if (found.identity === null) return { kind: 'unauthenticated', rule: anonymous.rule };
  return decideFor(found.identity, anonymous.subjectRequired ? access.decide(object, found.identity.subject) : anonymous);
}

/** Strategies in order from `from`: the first non-absent answer settles the chain. */
function authenticate(strategies: readonly AuthnStrategy[], input: StrategyInput, from: number): Awaitable<Authentication> {
  for (let i = from; i < strategies.length; i++) {
    const strategy = strategies[i];
    const result = strategy.authenticate(input);
    if (result instanceof Promise) {
      return result.then((settled) => (settled.kind === 'absent' ? authenticate(strategies, input, i + 1) : settle(settled, strategy)));
    }
    if (result.kind !== 'absent') return settle(result, strategy);
  }
  return NOBODY;
}

function settle(result: Exclude<StrategyResult, { kind: 'absent' }>, strategy: AuthnStrategy): Authentication {
  switch (result.kind) {
    case 'authenticated':
      return { identity: result.identity };
    case 'invalid':
      return { stop: { kind: 'challenge', status: result.status, header: result.challengeHeader, value: result.wwwAuthenticate, strategy: strategy.name } };
    case 'unavailable':
      return { stop: { kind: 'unavailable', strategy: strategy.name } };
  }
}

function decideFor(identity: AuthzIdentity, decision: AccessDecision): AuthzOutcome {
  switch (decision.policy) {
    case 'bypass':
      return { kind: 'allow', identity, rule: decision.rule };
    case 'deny':
      return { kind: 'deny', identity, rule: decision.rule };
    case 'one_factor':
    case 'two_factor':
      return levelSatisfies(identity.level, decision.policy)
        ? { kind: 'allow', identity, rule: decision.rule }
        : { kind: 'insufficient_level', identity, rule: decision.rule };
  }
}
