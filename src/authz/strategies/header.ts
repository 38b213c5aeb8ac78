/**
 * `HeaderAuthorization` / `HeaderProxyAuthorization`: reads one header and dispatches by scheme to
 * the Bearer or Basic verifier. A scheme this endpoint does not accept (`Authorization: Token …`)
 * is `absent`, so the chain moves on; a present but rejected credential stops it.
 */
import type {
  AuthnStrategy,
  ChallengeHeader,
  ChallengeStatus,
  CredentialVerifier,
  HeaderScheme,
  HeaderStrategyOptions,
  StrategyInput,
  StrategyResult,
  VerifierResult,
} from './types.js';
import { readCredentials } from '../../oauth/bearer-token.js';
import { andThen, type Awaitable } from '../../util/awaitable.js';

interface Challenge {
  status: ChallengeStatus;
  challengeHeader: ChallengeHeader;
}

// RFC 7235 §3.1 / §3.2: the proxy variant answers 407 with Proxy-Authenticate.
const CHALLENGES: Record<HeaderStrategyOptions['header'], Challenge> = {
  authorization: { status: 401, challengeHeader: 'WWW-Authenticate' },
  'proxy-authorization': { status: 407, challengeHeader: 'Proxy-Authenticate' },
};

const ABSENT: StrategyResult = Object.freeze({ kind: 'absent' });

function verifierMap(opts: HeaderStrategyOptions): Map<string, { scheme: HeaderScheme; verifier: CredentialVerifier }> {
  const map = new Map<string, { scheme: HeaderScheme; verifier: CredentialVerifier }>();
  for (const scheme of opts.schemes) {
    const verifier = scheme === 'Bearer' ? opts.bearer : opts.basic;
    if (verifier === undefined) throw new Error(`createHeaderStrategy: scheme ${scheme} is accepted but has no verifier`);
    map.set(scheme.toLowerCase(), { scheme, verifier });
  }
  return map;
}

export function createHeaderStrategy(opts: HeaderStrategyOptions): AuthnStrategy {
  const verifiers = verifierMap(opts);
  const challenge = CHALLENGES[opts.header];
  // Named after the first scheme, for Remote-* headers and logs; each identity carries its own.
  const name = opts.schemes[0] === 'Basic' ? 'basic' : 'bearer';
  const toStrategyResult = (result: VerifierResult): StrategyResult => {
    switch (result.kind) {
      case 'authenticated':
        return result;
      case 'unavailable':
        return { kind: 'unavailable', status: 503, reason: result.reason };
      case 'invalid':
        return { kind: 'invalid', ...challenge, wwwAuthenticate: result.challenge, reason: result.reason };
    }
  };
  return {
    name,
    authenticate(input: StrategyInput): Awaitable<StrategyResult> {
      const credentials = readCredentials(input.header(opts.header));
      if (credentials === null) return ABSENT;
      const entry = verifiers.get(credentials.scheme.toLowerCase());
      if (entry === undefined) return ABSENT;
      return andThen(entry.verifier.verify(credentials.credentials, input), toStrategyResult);
    },
  };
}
