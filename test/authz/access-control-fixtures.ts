/** Builders for access-control tests: the real config schema, and request objects through the real target parser. */
import { accessControlSchema } from '../../src/config/schema/access-control.js';
import { compileAccessControl, type CompiledAccessControl, type RequestObject, type Subject } from '../../src/authz/rules.js';
import { parseTargetUrl } from '../../src/authz/target-url.js';

export function accessControl(input: Record<string, unknown>): CompiledAccessControl {
  return compileAccessControl(accessControlSchema.parse(input));
}

export function request(url: string, method = 'GET', remoteIp = '192.0.2.10'): RequestObject {
  const parsed = parseTargetUrl(url);
  if (parsed === null) throw new Error(`bad test URL ${url}`);
  return { url: parsed, method, remoteIp };
}

export const user = (username: string, ...groups: string[]): Subject => ({ username, groups });
export const client = (client_id: string): Subject => ({ client_id, groups: [] });
