/**
 * PortalSession ⇄ the JSON object storage keeps. Reading validates every field: a stored object
 * that does not parse (corruption, or an incompatible older shape) is no session at all, never a
 * half-trusted one.
 */
import { z } from 'zod';
import { AUTHENTICATION_LEVELS } from '../level.js';
import type { JsonObject } from '../../storage/types.js';
import { AMR_VALUES, type PortalSession } from './types.js';

const epochMs = z.number().int().nonnegative();

// Unknown keys are dropped (z.object), so a field added by a newer release does not log anybody out.
const storedSession = z
  .object({
    sid: z.string().min(1).optional(),
    username: z.string().min(1).nullable(),
    display_name: z.string().optional(),
    level: z.enum(AUTHENTICATION_LEVELS),
    auth_time_s: z.number().int().nonnegative().nullable(),
    amr: z.array(z.enum(AMR_VALUES)),
    remember_me: z.boolean(),
    created_at_ms: epochMs,
    last_activity_at_ms: epochMs,
    users_version: z.number().int().nonnegative().optional(),
    elevated_until_ms: epochMs.optional(),
    flow: z.record(z.string(), z.string()).optional(),
  })
  // An authenticated level without a user or an auth_time would be a session nobody can account for.
  .refine((s) => s.level === 'none' || (s.username !== null && s.auth_time_s !== null), 'an authenticated session needs a username and auth_time_s');

/** The session as stored; optional fields are left out rather than written as null. */
export function sessionToJson(session: PortalSession): JsonObject {
  const json: JsonObject = {
    username: session.username,
    level: session.level,
    auth_time_s: session.auth_time_s,
    amr: [...session.amr],
    remember_me: session.remember_me,
    created_at_ms: session.created_at_ms,
    last_activity_at_ms: session.last_activity_at_ms,
  };
  if (session.sid !== undefined) json.sid = session.sid;
  if (session.display_name !== undefined) json.display_name = session.display_name;
  if (session.users_version !== undefined) json.users_version = session.users_version;
  if (session.elevated_until_ms !== undefined) json.elevated_until_ms = session.elevated_until_ms;
  if (session.flow !== undefined) json.flow = { ...session.flow };
  return json;
}

/** The session, or null when the stored object is not a valid session. */
export function sessionFromJson(json: unknown): PortalSession | null {
  const parsed = storedSession.safeParse(json);
  if (!parsed.success) return null;
  const s = parsed.data;
  const session: PortalSession = {
    username: s.username,
    level: s.level,
    auth_time_s: s.auth_time_s,
    amr: s.amr,
    remember_me: s.remember_me,
    created_at_ms: s.created_at_ms,
    last_activity_at_ms: s.last_activity_at_ms,
  };
  if (s.sid !== undefined) session.sid = s.sid;
  if (s.display_name !== undefined) session.display_name = s.display_name;
  if (s.users_version !== undefined) session.users_version = s.users_version;
  if (s.elevated_until_ms !== undefined) session.elevated_until_ms = s.elevated_until_ms;
  if (s.flow !== undefined) session.flow = s.flow;
  return session;
}
