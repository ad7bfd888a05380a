// Packet classification: does a 5-tuple match a selector, an ACL entry, an ACL? matchAcl
// reads an ACL as a packet filter (any wildcard, bit by bit, as IOS does for NAT and
// interface lists); crypto ACLs become SPD rules through aclRules, which must decide the
// same for every packet (test/policy/agreement.test.ts checks it).

import { addressToBigInt } from '../packet/address.js';
import { aclProtocolNumber, portRanges } from './acl.js';
import type { AccessList, AclAddress, AclEntry, TrafficSelector } from './model.js';
import { addressBytes, compileSelector, selectorMatches, type TrafficDirection } from './selector.js';

export interface Packet5Tuple {
  readonly protocol: number; // IANA number
  /** IPv4 or IPv6 text. */
  readonly source: string;
  readonly destination: string;
  /** TCP/UDP only; absent for other protocols. */
  readonly sourcePort?: number;
  readonly destinationPort?: number;
}

const bytes = (text: string): Uint8Array => addressBytes(text, 'packet address');

export function matchSelector(
  selector: TrafficSelector,
  packet: Packet5Tuple,
  direction: TrafficDirection = 'outbound',
): boolean {
  const source = bytes(packet.source);
  return selectorMatches(
    compileSelector(selector),
    {
      family: source.length === 16 ? 6 : 4,
      protocol: packet.protocol,
      source,
      destination: bytes(packet.destination),
      sourcePort: packet.sourcePort ?? 0,
      destinationPort: packet.destinationPort ?? 0,
      nonInitialFragment: false,
    },
    direction,
  );
}

function addressMatches(addr: AclAddress, value: string): boolean {
  // IOS wildcard semantics: bits set in the wildcard are "don't care" (works for any mask).
  const a = bytes(addr.address);
  const v = bytes(value);
  const w = bytes(addr.wildcard);
  if (a.length !== v.length || w.length !== v.length) return false;
  return ((addressToBigInt(v) ^ addressToBigInt(a)) & ~addressToBigInt(w)) === 0n;
}

function portMatches(match: AclEntry['sourcePort'], port: number | undefined): boolean {
  if (!match) return true;
  if (port === undefined) return false;
  return portRanges(match).some((r) => port >= r.from && port <= r.to);
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
