/**
 * `notifier`: how Gatehouse sends a message to a user (one-time codes, password reset links).
 * Authelia's keys: `smtp` (an SMTP relay) or `filesystem` (a file, for tests and small set-ups),
 * and the start-up check `disable_startup_check` turns off.
 */
import { z } from 'zod';
import { describeValue, durationDefault } from './common.js';

/** `submission://` (587, STARTTLS), `smtp://` (25, STARTTLS when offered), `smtps://` (465, implicit TLS). */
export const SMTP_SCHEMES = Object.freeze({ 'submission:': 587, 'smtp:': 25, 'smtps:': 465 } as const);

export type SmtpScheme = keyof typeof SMTP_SCHEMES;

const smtpAddress = z.string().transform((value, ctx) => {
  let url: URL | null = null;
  try {
    url = new URL(value);
  } catch {
    url = null;
  }
  if (url === null || !(url.protocol in SMTP_SCHEMES) || url.hostname === '' || url.pathname.replace(/^\/$/, '') !== '' || url.username !== '') {
    ctx.addIssue({ code: 'custom', message: `must be an address such as 'submission://mail.example.com:587', 'smtp://mail.example.com:25' or 'smtps://mail.example.com:465' but is ${describeValue(value)}`, input: value });
    return z.NEVER;
  }
  const scheme = url.protocol as SmtpScheme;
  return { scheme, host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: url.port === '' ? SMTP_SCHEMES[scheme] : Number(url.port) };
});

const tlsVersion = z.enum(['TLS1.2', 'TLS1.3']);

const smtpSchema = z.strictObject({
  address: smtpAddress,
  timeout: durationDefault(5),
  username: z.string().min(1).optional(),
  password: z.string().min(1).optional(),
  /** `Name <address>` or a bare address. */
  sender: z.string().regex(/^(?:[^<>]*<[^<>@\s]+@[^<>@\s]+>|[^<>@\s]+@[^<>@\s]+)$/, { error: (iss) => `must be an e-mail address, optionally with a name ('Gatehouse <auth@example.com>'), but is ${describeValue(iss.input)}` }),
  /** The name this server gives in HELO/EHLO. */
  identifier: z.string().min(1).default('localhost'),
  /** `{title}` is replaced by the message's title. */
  subject: z.string().min(1).default('[Gatehouse] {title}'),
  /** Send in clear text when the server offers no STARTTLS (otherwise refused). */
  disable_require_tls: z.boolean().default(false),
  /** Never upgrade with STARTTLS, even when offered. */
  disable_starttls: z.boolean().default(false),
  /** Plain-text bodies only. */
  disable_html_emails: z.boolean().default(false),
  tls: z
    .strictObject({
      server_name: z.string().min(1).optional(),
      skip_verify: z.boolean().default(false),
      minimum_version: tlsVersion.default('TLS1.2'),
      maximum_version: tlsVersion.default('TLS1.3'),
      certificate_chain: z.string().min(1).optional(),
      private_key: z.string().min(1).optional(),
    })
    .prefault({}),
});

export const notifierSchema = z
  .strictObject({
    disable_startup_check: z.boolean().default(false),
    filesystem: z.strictObject({ filename: z.string().min(1) }).optional(),
    smtp: smtpSchema.optional(),
  })
  .superRefine((value, ctx) => {
    if (value.smtp && value.filesystem) ctx.addIssue({ code: 'custom', message: 'configures both smtp and filesystem: keep one', input: value });
    if (!value.smtp && !value.filesystem) ctx.addIssue({ code: 'custom', message: 'must configure smtp or filesystem', input: value });
    const tls = value.smtp?.tls;
    if (tls && (tls.certificate_chain === undefined) !== (tls.private_key === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['smtp', 'tls'], message: 'certificate_chain and private_key go together: set both or neither', input: tls });
    }
    if (tls && tls.minimum_version === 'TLS1.3' && tls.maximum_version === 'TLS1.2') {
      ctx.addIssue({ code: 'custom', path: ['smtp', 'tls', 'maximum_version'], message: "is 'TLS1.2', below minimum_version 'TLS1.3'", input: tls.maximum_version });
    }
  });

export type NotifierConfig = z.output<typeof notifierSchema>;
