/** Handlers return values; src/http/server.ts writes them. */
export type HeaderValue = string | number | readonly string[];
export type Headers = Record<string, HeaderValue>;

export interface HttpResponse {
  status: number;
  headers?: Headers;
  body?: string | Buffer;
}

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

export function json(status: number, value: unknown, headers: Headers = {}): HttpResponse {
  return { status, headers: { 'Content-Type': JSON_CONTENT_TYPE, ...headers }, body: JSON.stringify(value) };
}

export function empty(status: number, headers: Headers = {}): HttpResponse {
  return { status, headers };
}

export function redirect(location: string, status: 302 | 303 | 307 = 302, headers: Headers = {}): HttpResponse {
  return { status, headers: { Location: location, ...headers } };
}

export function html(status: number, markup: string, headers: Headers = {}): HttpResponse {
  return { status, headers: { 'Content-Type': 'text/html; charset=utf-8', ...headers }, body: markup };
}

