/**
 * Forward-auth services built once per context: the compiled access rules and the credential
 * verifiers the header strategies dispatch to.
 */
import type { Config } from '../config/index.js';
import { compileAccessControl, type CompiledAccessControl } from './rules.js';
import type { BasicVerifier, BearerVerifier } from './strategies/types.js';

export interface AuthzServices {
  access: CompiledAccessControl;
  verifiers: { bearer?: BearerVerifier; basic?: BasicVerifier };
}

export function createAuthzServices(config: Config): AuthzServices {
  return { access: compileAccessControl(config.access_control), verifiers: {} };
}
