/**
 * Which peers may speak for the client. `X-Forwarded-*` and `X-Original-*` headers are believed
 * only when the TCP peer is a trusted proxy (`server.trusted_proxies`); otherwise a client could
 * claim any address, scheme or host. CIDR matching is node's own `net.BlockList`.
 */
import { BlockList, isIPv4, isIPv6 } from 'node:net';

export type TrustedProxies = (address: string) => boolean;

export function compileTrustedProxies(cidrs: readonly string[]): TrustedProxies {
  const list = new BlockList();
  for (const entry of cidrs) {
    const [address, prefix] = entry.split('/') as [string, string | undefined];
    const family = isIPv6(address) ? 'ipv6' : 'ipv4';
    if (prefix === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(prefix), family);
  }
  return (address) => {
    const plain = unmapIPv4(address);
    if (isIPv4(plain)) return list.check(plain, 'ipv4');
    if (isIPv6(plain)) return list.check(plain, 'ipv6');
    return false;
  };
}

/** `::ffff:127.0.0.1` (an IPv4 peer on a dual-stack socket) → `127.0.0.1`. */
export function unmapIPv4(address: string): string {
  return address.startsWith('::ffff:') && isIPv4(address.slice(7)) ? address.slice(7) : address;
}

/**
 * The client's address: the socket peer, or — when the peer is a trusted proxy — the right-most
 * address in `X-Forwarded-For` that is not itself a trusted proxy (RFC 7239 §5.2 reasoning:
 * addresses left of the last untrusted hop can be forged).
 */
export function clientAddress(peer: string, forwardedFor: string | undefined, trusted: TrustedProxies): string {
  const socketAddress = unmapIPv4(peer);
  if (!forwardedFor || !trusted(socketAddress)) return socketAddress;
  const hops = forwardedFor.split(',').map((h) => h.trim()).filter((h) => h.length > 0);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = unmapIPv4(hops[i]);
    if (!isIPv4(hop) && !isIPv6(hop)) return socketAddress;
    if (!trusted(hop)) return hop;
  }
  return hops.length > 0 ? unmapIPv4(hops[0]) : socketAddress;
}
