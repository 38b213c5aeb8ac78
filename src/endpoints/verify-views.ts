/**
 * One verify request as the authz code reads it: the proxy kind (its headers), the rules (target,
 * method, client address) and the strategies (headers, target, time). Small classes with their
 * methods on the prototype, so a proxied request costs two objects and no closures, and the
 * client's address is worked out only if something asks (a `networks` rule, Basic regulation).
 */
import type { HttpRequest } from '../http/request.js';
import type { ProxyRequestView } from '../authz/proxies/index.js';
import type { RequestObject } from '../authz/types.js';
import type { StrategyInput } from '../authz/strategies/types.js';

/** What a proxy kind reads to find the target. */
export class ProxyView implements ProxyRequestView {
  constructor(
    private readonly req: HttpRequest,
    readonly endpointPath: string,
  ) {}

  get method(): string {
    return this.req.method;
  }

  /** With the query: ext-authz carries the target's own path and query after its prefix. */
  get path(): string {
    return this.req.raw.url ?? this.req.path;
  }

  get fromTrustedProxy(): boolean {
    return this.req.fromTrustedProxy;
  }

  header(name: string): string | undefined {
    return this.req.header(name);
  }
}

/** The request object of the rules and the input of the strategies, for one target. */
export class VerifyCall implements RequestObject, StrategyInput {
  constructor(
    private readonly req: HttpRequest,
    readonly url: URL,
    readonly method: string,
    readonly nowMs: number,
  ) {}

  get target(): URL {
    return this.url;
  }

  get remoteIp(): string {
    return this.req.clientIp;
  }

  get clientIp(): string {
    return this.req.clientIp;
  }

  header(name: string): string | undefined {
    return this.req.header(name);
  }
}
