/**
 * `session` (Authelia 4.38 multi-domain shape). Each cookie inherits name, same_site and the
 * lifetimes from the session level; the domain ⇄ URL rules are checked in checks/session.ts.
 */
import { z } from 'zod';
import { durationOrDisabled, durationSeconds, httpsUrl } from './common.js';

const SAME_SITE = ['lax', 'strict', 'none'] as const;

/** `remember_me: -1` disables "remember me"; anything else is a duration. */
const rememberMe = durationOrDisabled;

const cookieSchema = z.strictObject({
  domain: z.string().min(1),
  authelia_url: httpsUrl,
  default_redirection_url: httpsUrl.optional(),
  name: z.string().min(1).optional(),
  same_site: z.enum(SAME_SITE).optional(),
  expiration: durationSeconds.optional(),
  inactivity: durationSeconds.optional(),
  remember_me: rememberMe.optional(),
});

export const sessionSchema = z
  .strictObject({
    secret: z.string().min(1).optional(),
    name: z.string().min(1).default('authelia_session'),
    same_site: z.enum(SAME_SITE).default('lax'),
    expiration: durationSeconds.default(3600),
    inactivity: durationSeconds.default(300),
    remember_me: rememberMe.default(2_592_000),
    cookies: z.array(cookieSchema).default([]),
  })
  .prefault({})
  .transform((session) => ({
    ...session,
    cookies: session.cookies.map((cookie) => ({
      ...cookie,
      name: cookie.name ?? session.name,
      same_site: cookie.same_site ?? session.same_site,
      expiration: cookie.expiration ?? session.expiration,
      inactivity: cookie.inactivity ?? session.inactivity,
      remember_me: cookie.remember_me ?? session.remember_me,
    })),
  }));
