/**
 * `access_control`: the forward-auth rules, first match wins. Regexes and CIDRs are checked here
 * so that a typo is reported at start-up, not on the first request; names of `networks` are
 * resolved in checks/access-control.ts.
 */
import { z } from 'zod';
import { cidr, regex, stringOrList } from './common.js';

export const POLICIES = ['bypass', 'one_factor', 'two_factor', 'deny'] as const;
export type AccessPolicy = (typeof POLICIES)[number];

const SUBJECT = /^(user|group|oauth2:client):.+$/;
const subjectItem = z.string().regex(SUBJECT, {
  error: (iss) => `must be 'user:<name>', 'group:<name>' or 'oauth2:client:<id>' but is '${String(iss.input)}'`,
});

/** `subject` may be a string, a list of strings (any of), or a list of lists (any of all of): always a list of lists out. */
export const subjectSchema = z
  .union([subjectItem, z.array(z.union([subjectItem, z.array(subjectItem)]))])
  .transform((value) => (typeof value === 'string' ? [[value]] : value.map((entry) => (typeof entry === 'string' ? [entry] : entry))));

const queryCondition = z
  .strictObject({
    key: z.string().min(1),
    operator: z.enum(['equal', 'not equal', 'present', 'absent', 'pattern', 'not pattern']).optional(),
    value: z.union([z.string(), z.number(), z.boolean()]).optional(),
  })
  .superRefine((condition, ctx) => {
    const operator = condition.operator ?? (condition.value === undefined ? 'present' : 'equal');
    const needsValue = operator !== 'present' && operator !== 'absent';
    if (needsValue && condition.value === undefined) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: `is required with the operator '${operator}'` });
    }
    if (!needsValue && condition.value !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: `must not be set with the operator '${operator}'` });
    }
    if ((operator === 'pattern' || operator === 'not pattern') && typeof condition.value === 'string') {
      const error = regex.safeParse(condition.value);
      if (!error.success) ctx.addIssue({ code: 'custom', path: ['value'], message: error.error.issues[0].message });
    }
  })
  .transform((condition) => ({
    key: condition.key,
    operator: condition.operator ?? (condition.value === undefined ? ('present' as const) : ('equal' as const)),
    value: condition.value === undefined ? undefined : String(condition.value),
  }));

const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH', 'PROPFIND', 'PROPPATCH', 'MKCOL', 'COPY', 'MOVE', 'LOCK', 'UNLOCK'] as const;

const ruleSchema = z
  .strictObject({
    domain: stringOrList(z.string().min(1)).optional(),
    domain_regex: stringOrList(regex).optional(),
    policy: z.enum(POLICIES),
    subject: subjectSchema.optional(),
    networks: stringOrList(z.string().min(1)).optional(),
    resources: stringOrList(regex).optional(),
    query: z.array(z.array(queryCondition)).optional(),
    methods: stringOrList(z.enum(HTTP_METHODS)).optional(),
  })
  .superRefine((rule, ctx) => {
    if ((rule.domain?.length ?? 0) === 0 && (rule.domain_regex?.length ?? 0) === 0) {
      ctx.addIssue({ code: 'custom', message: "must have a 'domain' or a 'domain_regex'" });
    }
  })
  .transform((rule) => ({
    ...rule,
    domain: rule.domain ?? [],
    domain_regex: rule.domain_regex ?? [],
    subject: rule.subject ?? [],
    networks: rule.networks ?? [],
    resources: rule.resources ?? [],
    query: rule.query ?? [],
    methods: rule.methods ?? [],
  }));

export const accessControlSchema = z
  .strictObject({
    default_policy: z.enum(POLICIES).default('deny'),
    networks: z.array(z.strictObject({ name: z.string().min(1), networks: stringOrList(cidr) })).default([]),
    rules: z.array(ruleSchema).default([]),
  })
  .prefault({});
