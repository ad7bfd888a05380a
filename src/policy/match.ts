// Packet classification: does a 5-tuple match a selector, an ACL entry, an ACL?

import { aclProtocolNumber, portRanges } from './acl.js';
import { ipv4ToNumber } from './ipv4.js';
import type { AccessList, AclAddress, AclEntry, Ipv4, TrafficSelector } from './model.js';

export interface Packet5Tuple {
  readonly protocol: number; // IANA number
  readonly source: Ipv4;
  readonly destination: Ipv4;
  /** TCP/UDP only; absent for other protocols. */
  readonly sourcePort?: number;
  readonly destinationPort?: number;
}

/**
 * `outbound`: the packet leaves our protected side (source in local, destination in
 * remote); `inbound`: it arrives from the peer's side after decryption.
 */
export type TrafficDirection = 'outbound' | 'inbound';

function inRange(value: number, start: number, end: number): boolean {
  return value >= start && value <= end;
}

function portIn(port: number | undefined, start: number, end: number): boolean {
  if (start === 0 && end === 65535) return true;
  return port !== undefined && inRange(port, start, end);
}

export function matchSelector(
  selector: TrafficSelector,
  packet: Packet5Tuple,
  direction: TrafficDirection = 'outbound',
): boolean {
  if (selector.protocol !== 0 && selector.protocol !== packet.protocol) return false;
  const [localAddr, remoteAddr, localPort, remotePort] =
    direction === 'outbound'
      ? [packet.source, packet.destination, packet.sourcePort, packet.destinationPort]
      : [packet.destination, packet.source, packet.destinationPort, packet.sourcePort];
  const l = ipv4ToNumber(localAddr);
  const r = ipv4ToNumber(remoteAddr);
  return (
    inRange(l, ipv4ToNumber(selector.localStart), ipv4ToNumber(selector.localEnd)) &&
    inRange(r, ipv4ToNumber(selector.remoteStart), ipv4ToNumber(selector.remoteEnd)) &&
    portIn(localPort, selector.localPortStart, selector.localPortEnd) &&
    portIn(remotePort, selector.remotePortStart, selector.remotePortEnd)
  );
}

function addressMatches(addr: AclAddress, value: Ipv4): boolean {
  // IOS wildcard semantics: bits set in the wildcard are "don't care" (works for any mask).
  const care = ~ipv4ToNumber(addr.wildcard) >>> 0;
  return ((ipv4ToNumber(value) ^ ipv4ToNumber(addr.address)) & care) >>> 0 === 0;
}

function portMatches(match: AclEntry['sourcePort'], port: number | undefined): boolean {
  if (!match) return true;
  if (port === undefined) return false;
  return portRanges(match).some((r) => inRange(port, r.from, r.to));
}

/** One ACL line against a packet as it crosses the interface (source/destination as written). */
export function matchAclEntry(entry: AclEntry, packet: Packet5Tuple): boolean {
  const protocol = aclProtocolNumber(entry.protocol);
  if (protocol !== 0 && protocol !== packet.protocol) return false;
  return (
    addressMatches(entry.source, packet.source) &&
    addressMatches(entry.destination, packet.destination) &&
    portMatches(entry.sourcePort, packet.sourcePort) &&
    portMatches(entry.destinationPort, packet.destinationPort)
  );
}

export interface AclVerdict {
  readonly action: 'permit' | 'deny';
  /** The entry that decided, absent for the implicit `deny any` at the end. */
  readonly entry?: AclEntry;
  /** Index of that entry in the list, -1 for the implicit deny. */
  readonly index: number;
}

/** First match wins; a packet that matches no line hits IOS's implicit deny. */
export function matchAcl(acl: AccessList, packet: Packet5Tuple): AclVerdict {
  for (let i = 0; i < acl.entries.length; i++) {
    const entry = acl.entries[i];
    if (entry && matchAclEntry(entry, packet)) return { action: entry.action, entry, index: i };
  }
  return { action: 'deny', index: -1 };
}
