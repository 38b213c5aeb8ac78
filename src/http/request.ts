/**
 * The request as handlers see it: parsed once, with lazily read, size-bounded bodies.
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { payloadTooLarge, unsupportedMediaType, badRequest, repeatedHeader } from './errors.js';
import { createMemo } from '../util/memo.js';

export interface HttpRequest {
  /** For logs; made on first read, since most requests are never logged. */
  readonly id: string;
  /** `performance.now()` when the request reached the server. */
  readonly receivedAt: number;
  /** Upper-case method. */
  readonly method: string;
  /** The path without query string, as sent (not percent-decoded). */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  /** The client's address, after trusted proxies. */
  readonly clientIp: string;
  /** Whether the TCP peer is a trusted proxy, so `X-Forwarded-*` may be believed. */
  readonly fromTrustedProxy: boolean;
  readonly raw: IncomingMessage;
  /** The raw body, at most `maxBodyBytes`; 413 beyond. */
  body(): Promise<Buffer>;
  /** An `application/x-www-form-urlencoded` body; 415 for any other content type, 400 when Content-Type is repeated. */
  form(): Promise<URLSearchParams>;
  /** An `application/json` body; 415 for any other content type, 400 when Content-Type is repeated or the body does not parse. */
  json(): Promise<unknown>;
  /** A single header value by case-insensitive name (the first when repeated). */
  header(name: string): string | undefined;
  /**
   * Whether the header was sent more than once. Node keeps only the first `Authorization`,
   * `Host`, `Content-Type`…, so a repeated one is ambiguous: a proxy or backend may read another.
   * Cheap when the header is absent (no scan), and the scan stops at the second occurrence.
   */
  hasDuplicateHeader(name: string): boolean;
  /** The header's value, or 400 when it was sent more than once (see `hasDuplicateHeader`). */
  singleHeader(name: string): string | undefined;
}

/**
 * Who the client is, worked out when a handler first asks: most verify requests never need the
 * address (only `networks` rules and Basic regulation do). One shared object, not per request.
 */
export interface ClientResolver {
  /** The TCP peer is in `server.trusted_proxies`. */
  fromTrustedProxy(raw: IncomingMessage): boolean;
  /** The client's address, after trusted proxies. */
  clientIp(raw: IncomingMessage): string;
}

export interface RequestInit {
  /** Makes the request id, when it is first read. */
  id: () => string;
  receivedAt: number;
  raw: IncomingMessage;
  client: ClientResolver;
  maxBodyBytes: number;
}

/**
 * Header names come from our code ('X-Forwarded-Proto'): lower-cased once each, not per request.
 * Bounded anyway, in case a name ever comes from elsewhere.
 */
const lowerNames = createMemo((name) => name.toLowerCase(), 256);
const lowerCase = (name: string): string => lowerNames.get(name);

/**
 * One object per request, with its methods on the prototype: nothing per request beyond the
 * fields, since every proxied request pays for it on the verify path.
 */
class NodeRequest implements HttpRequest {
  readonly receivedAt: number;
  readonly method: string;
  readonly path: string;
  readonly raw: IncomingMessage;
  readonly #maxBodyBytes: number;
  readonly #client: ClientResolver;
  #makeId: () => string;
  #id: string | undefined;
  #clientIp: string | undefined;
  #fromTrustedProxy: boolean | undefined;
  #query: URLSearchParams | undefined;
  #body: Promise<Buffer> | undefined;

  constructor(init: RequestInit) {
    const url = init.raw.url ?? '/';
    const q = url.indexOf('?');
    this.#makeId = init.id;
    this.receivedAt = init.receivedAt;
    this.raw = init.raw;
    this.method = (init.raw.method ?? 'GET').toUpperCase();
    this.path = q === -1 ? url : url.slice(0, q);
    this.#client = init.client;
    this.#maxBodyBytes = init.maxBodyBytes;
  }

  get id(): string {
    return (this.#id ??= this.#makeId());
  }

  get clientIp(): string {
    return (this.#clientIp ??= this.#client.clientIp(this.raw));
  }

  get fromTrustedProxy(): boolean {
    return (this.#fromTrustedProxy ??= this.#client.fromTrustedProxy(this.raw));
  }

  get headers(): IncomingHttpHeaders {
    return this.raw.headers;
  }

  get query(): URLSearchParams {
    if (this.#query === undefined) {
      const url = this.raw.url ?? '/';
      const q = url.indexOf('?');
      this.#query = new URLSearchParams(q === -1 ? '' : url.slice(q + 1));
    }
    return this.#query;
  }

  header(name: string): string | undefined {
    const value = this.raw.headers[lowerCase(name)];
    return Array.isArray(value) ? value[0] : value;
  }

  hasDuplicateHeader(name: string): boolean {
    const lower = lowerCase(name);
    return this.raw.headers[lower] !== undefined && sentMoreThanOnce(this.raw.rawHeaders, lower);
  }

  singleHeader(name: string): string | undefined {
    if (this.hasDuplicateHeader(name)) throw repeatedHeader(name);
    return this.header(name);
  }

  body(): Promise<Buffer> {
    return (this.#body ??= readBody(this.raw, this.#maxBodyBytes));
  }

  async form(): Promise<URLSearchParams> {
    requireMediaType(this.singleHeader('Content-Type'), 'application/x-www-form-urlencoded');
    return new URLSearchParams((await this.body()).toString('utf8'));
  }

  async json(): Promise<unknown> {
    requireMediaType(this.singleHeader('Content-Type'), 'application/json');
    const text = (await this.body()).toString('utf8');
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw badRequest('The request body is not valid JSON');
    }
  }
}

export function createRequest(init: RequestInit): HttpRequest {
  return new NodeRequest(init);
}

/**
 * Whether `rawHeaders` (name, value, name, value…, as sent) holds `lowerName` twice or more.
 * Runs on every request (Host): names are compared by length first, then without allocating.
 */
export function sentMoreThanOnce(rawHeaders: readonly string[], lowerName: string): boolean {
  let seen = false;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i];
    if (name.length !== lowerName.length || !sameName(name, lowerName)) continue;
    if (seen) return true;
    seen = true;
  }
  return false;
}

/**
 * Case-insensitive, for a field name (an RFC 9110 §5.1 token, as Node's parser admits it) against
 * a lower-case name of letters, digits and '-': setting bit 0x20 lower-cases a letter and leaves a
 * digit or '-' as it is; no other token character becomes a letter, digit or '-' that way.
 */
function sameName(name: string, lowerName: string): boolean {
  for (let i = 0; i < lowerName.length; i++) if ((name.charCodeAt(i) | 0x20) !== lowerName.charCodeAt(i)) return false;
  return true;
}

/** `application/x-www-form-urlencoded; charset=UTF-8` → `application/x-www-form-urlencoded`. */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

function requireMediaType(contentType: string | undefined, expected: string): void {
  if (mediaType(contentType) !== expected) throw unsupportedMediaType(expected);
}

function readBody(raw: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(raw.headers['content-length'] ?? NaN);
  if (declared > limit) {
    raw.resume(); // drain, so a keep-alive connection stays usable
    return Promise.reject(payloadTooLarge(limit));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    raw.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        reject(payloadTooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    raw.on('end', () => { if (!failed) resolve(Buffer.concat(chunks)); });
    raw.on('error', (err) => { if (!failed) { failed = true; reject(badRequest(`The request body could not be read: ${err.message}`)); } });
  });
}
