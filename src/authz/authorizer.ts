/**
 * One forward-auth decision (Authelia's authz handler): the target's anonymous decision first
 * (bypass and unconditional deny need no credentials), then the endpoint's strategies in order,
 * then the decision again with the subject when the matching rule depends on it, then the level.
 */
import type { CompiledAccessControl } from './rules.js';
import type { RequestObject } from './types.js';
import type { AuthnStrategy, AuthzIdentity, StrategyInput } from './strategies/types.js';

export type AuthzOutcome =
  | { kind: 'allow'; identity: AuthzIdentity | null; rule: number }
  | { kind: 'deny'; identity: AuthzIdentity | null; rule: number }
  | { kind: 'unauthenticated'; rule: number }
  | { kind: 'insufficient_level'; identity: AuthzIdentity; rule: number }
  | { kind: 'challenge'; status: 401 | 407; header: string; value: string; strategy: string }
  | { kind: 'unavailable'; strategy: string };

const RANK = { one_factor: 1, two_factor: 2 } as const;

export async function authorize(
  access: CompiledAccessControl,
  strategies: readonly AuthnStrategy[],
  object: RequestObject,
  input: StrategyInput,
): Promise<AuthzOutcome> {
  const anonymous = access.decide(object, null);
  if (!anonymous.subjectRequired) {
    if (anonymous.policy === 'bypass') return { kind: 'allow', identity: null, rule: anonymous.rule };
    if (anonymous.policy === 'deny') return { kind: 'deny', identity: null, rule: anonymous.rule };
  }

  let identity: AuthzIdentity | null = null;
  for (const strategy of strategies) {
    const result = await strategy.authenticate(input);
    if (result.kind === 'absent') continue;
    if (result.kind === 'invalid') return { kind: 'challenge', status: result.status, header: result.challengeHeader, value: result.wwwAuthenticate, strategy: strategy.name };
    if (result.kind === 'unavailable') return { kind: 'unavailable', strategy: strategy.name };
    identity = result.identity;
    break;
  }
  if (!identity) return { kind: 'unauthenticated', rule: anonymous.rule };

  const decision = anonymous.subjectRequired ? access.decide(object, identity.subject) : anonymous;
  switch (decision.policy) {
    case 'bypass':
      return { kind: 'allow', identity, rule: decision.rule };
    case 'deny':
      return { kind: 'deny', identity, rule: decision.rule };
    case 'one_factor':
    case 'two_factor':
      return RANK[identity.level] >= RANK[decision.policy]
        ? { kind: 'allow', identity, rule: decision.rule }
        : { kind: 'insufficient_level', identity, rule: decision.rule };
  }
}
