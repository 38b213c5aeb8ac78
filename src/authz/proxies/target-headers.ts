/**
 * Reading the target from proxy headers, shared by the kinds. Each reader returns the URL or the
 * reason it cannot; the kind picks the status (400, or 401 for Legacy). Header values are checked
 * before they are glued into a URL, so a crafted `X-Forwarded-Host: evil.com/x?` cannot move the
 * authority or smuggle a path.
 */
import { createMemo, createMemo3 } from '../../util/memo.js';
import { parseTarget, splitAbsoluteUrl } from '../target-url.js';
import type { ProxyRequestView } from './types.js';

export type Read<T> = { ok: true; value: T } | { ok: false; reason: string };

/** RFC 9110 §5.6.2 token. */
const METHOD = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export const UNTRUSTED_REASON = 'X-Forwarded-* and X-Original-* headers are accepted only from a trusted proxy';

const ok = <T>(value: T): Read<T> => ({ ok: true, value });
const fail = <T>(reason: string): Read<T> => ({ ok: false, reason });

/**
 * A header's value; '' counts as absent. Only spaces and tabs are trimmed (RFC 9110 §5.5 OWS):
 * `String.prototype.trim` would also remove a no-break space (0xA0) the backend still receives.
 */
export function headerValue(req: ProxyRequestView, name: string): string | undefined {
  let value = req.header(name);
  // The hot path: Node already strips OWS from what it parsed, so the regex rarely runs.
  if (value !== undefined && value !== '' && (isOws(value.charCodeAt(0)) || isOws(value.charCodeAt(value.length - 1)))) value = value.replace(OWS_AROUND, '');
  return value === undefined || value === '' ? undefined : value;
}

const isOws = (code: number): boolean => code === 0x20 || code === 0x09;

const OWS_AROUND = /^[ \t]+|[ \t]+$/g;

/**
 * Every proxied request names a target, and most name one seen just before: parsing and checking
 * are pure, so their result is remembered by the header values, per header (the messages name it).
 * The URL objects are shared: nothing may change them.
 */
const TARGETS_REMEMBERED = 1024;
const bySource = createMemo((source) => createMemo((raw) => parseAbsoluteTarget(raw, source), TARGETS_REMEMBERED), 16);
const byParts = createMemo(
  (hostHeader) => createMemo3((proto, host, pathAndQuery) => targetFromCheckedParts(proto, host, hostHeader, pathAndQuery), TARGETS_REMEMBERED),
  16,
);

/** An absolute target URL from one header (target-url.ts says what is refused). */
export function checkedTarget(raw: string, source: string): Read<URL> {
  return bySource.get(source).get(raw);
}

function parseAbsoluteTarget(raw: string, source: string): Read<URL> {
  const parts = splitAbsoluteUrl(raw);
  if (parts === null) return fail(`${source} is not an absolute URL`);
  return asRead(parseTarget(parts, { scheme: source, authority: source, path: source }));
}

/** `<proto>://<host><pathAndQuery>` from separately supplied parts, each checked as its own header. */
export function targetFromParts(proto: string | undefined, host: string | undefined, hostHeader: string, pathAndQuery: string): Read<URL> {
  if (proto === undefined) return fail('missing header X-Forwarded-Proto');
  if (host === undefined) return fail(`missing header ${hostHeader}`);
  return byParts.get(hostHeader).get(proto, host, pathAndQuery);
}

function targetFromCheckedParts(proto: string, host: string, hostHeader: string, pathAndQuery: string): Read<URL> {
  const pathSource = hostHeader === 'Host' ? 'the request path' : 'X-Forwarded-Uri';
  return asRead(parseTarget({ scheme: proto, authority: host, pathAndQuery }, { scheme: 'X-Forwarded-Proto', authority: hostHeader, path: pathSource }));
}

function asRead(read: { ok: true; url: URL } | { ok: false; reason: string }): Read<URL> {
  return read.ok ? ok(read.url) : fail(read.reason);
}

/** Traefik / Caddy: X-Forwarded-Proto + X-Forwarded-Host + X-Forwarded-Uri (absent → `/`). */
export function forwardedTarget(req: ProxyRequestView): Read<URL> {
  const uri = headerValue(req, 'X-Forwarded-Uri') ?? '/';
  return targetFromParts(headerValue(req, 'X-Forwarded-Proto'), headerValue(req, 'X-Forwarded-Host'), 'X-Forwarded-Host', uri);
}

/** nginx: X-Original-URL, absolute. */
export function originalTarget(req: ProxyRequestView): Read<URL> {
  const raw = headerValue(req, 'X-Original-URL');
  return raw === undefined ? fail('missing header X-Original-URL') : checkedTarget(raw, 'X-Original-URL');
}

const METHODS_REMEMBERED = 64;
const methodsBySource = createMemo(
  (source) => createMemo((value) => methodOf(value, source), METHODS_REMEMBERED, 32),
  16,
);

/**
 * Methods are case-sensitive (RFC 9110 §9.1), but backends disagree on that: Go, Python and Java
 * serve `options` as a method of its own, Symfony, Laravel and Werkzeug upper-case it. A method
 * not in upper case (every standard one is) is therefore ambiguous, and refused.
 */
function methodOf(value: string, source: string): Read<string> {
  if (!METHOD.test(value)) return fail(`${source} is not an HTTP method`);
  if (value !== value.toUpperCase()) return fail(`${source} '${value}' is not in upper case: backends read such a method differently`);
  return ok(value);
}

/** An HTTP method token (see `methodOf`), remembered per header and value, as targets are. */
export function checkedMethod(value: string | undefined, source: string): Read<string> {
  if (value === undefined) return fail(`missing header ${source}`);
  return methodsBySource.get(source).get(value);
}

/** A failed read as the kind's answer. */
export function rejected(status: 400 | 401, reason: string): { ok: false; status: 400 | 401; reason: string } {
  return { ok: false, status, reason };
}
