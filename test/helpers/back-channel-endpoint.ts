/**
 * A relying party's back-channel logout endpoint (OIDC Back-Channel Logout 1.0 §2.5) for tests: a
 * node:http server on 127.0.0.1 that answers 200 and keeps each `logout_token` it is POSTed.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Test } from 'tap';

export interface BackChannelEndpoint {
  /** Where the client's `backchannel_logout_uri` points. */
  uri: string;
  /** Tokens received and not yet taken by `next()`. */
  tokens: string[];
  /** The next token received (waits for it). */
  next(): Promise<string>;
}

export async function startBackChannelEndpoint(t: Test): Promise<BackChannelEndpoint> {
  const tokens: string[] = [];
  const waiting: Array<(token: string) => void> = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      const token = new URLSearchParams(body).get('logout_token') ?? '';
      const waiter = waiting.shift();
      if (waiter) waiter(token);
      else tokens.push(token);
      res.writeHead(200, { 'cache-control': 'no-store' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return {
    uri: `http://127.0.0.1:${(server.address() as AddressInfo).port}/backchannel`,
    tokens,
    next: () => (tokens.length > 0 ? Promise.resolve(tokens.shift()!) : new Promise((resolve) => waiting.push(resolve))),
  };
}
