/**
 * `networks`: the client's address is in one of the listed networks, each a name from
 * `access_control.networks` or an address/CIDR. Compiled into one `net.BlockList` per rule.
 */
import { BlockList, isIPv4, isIPv6 } from 'node:net';
import type { Matcher } from './match-input.js';

export type NamedNetworks = ReadonlyMap<string, readonly string[]>;

function addCidr(list: BlockList, cidr: string): void {
  const [address, prefix] = cidr.split('/') as [string, string | undefined];
  const family = isIPv6(address) ? 'ipv6' : 'ipv4';
  if (prefix === undefined) list.addAddress(address, family);
  else list.addSubnet(address, Number(prefix), family);
}

/** `::ffff:10.0.0.1` (an IPv4 client on a dual-stack socket) is checked as `10.0.0.1`. */
export function addressInList(list: BlockList, address: string): boolean {
  const plain = address.startsWith('::ffff:') && isIPv4(address.slice(7)) ? address.slice(7) : address;
  if (isIPv4(plain)) return list.check(plain, 'ipv4');
  if (isIPv6(plain)) return list.check(plain, 'ipv6');
  return false;
}

/** Throws when a name is neither a named network nor a CIDR (config checks report it first). */
export function compileNetworks(networks: readonly string[], named: NamedNetworks): Matcher {
  const list = new BlockList();
  for (const entry of networks) {
    const cidrs = named.get(entry);
    if (cidrs) for (const cidr of cidrs) addCidr(list, cidr);
    else if (isIPv4(entry.split('/')[0]) || isIPv6(entry.split('/')[0])) addCidr(list, entry);
    else throw new Error(`network '${entry}' is neither a name from access_control.networks nor a CIDR range`);
  }
  return ({ remoteIp }) => addressInList(list, remoteIp);
}
