// Access-list entries as traffic selectors. A crypto ACL line is written from the router's
// point of view for outbound traffic: source = our protected side (local), destination =
// the peer's side (remote), which is how IOS derives the quick-mode proxy identities.

import { PolicyError } from './errors.js';
import { formatIpv4, ipv4ToNumber, wildcardPrefix } from './ipv4.js';
import type { AccessList, AclAddress, AclEntry, AclProtocol, PortMatch, TrafficSelector } from './model.js';

/** IANA protocol numbers for the IOS ACL keywords. */
export const ACL_PROTOCOL_NUMBERS: Readonly<Record<Exclude<AclProtocol, number>, number>> = {
  ip: 0,
  icmp: 1,
  tcp: 6,
  udp: 17,
  gre: 47,
  esp: 50,
  ahp: 51,
};

export function aclProtocolNumber(protocol: AclProtocol): number {
  return typeof protocol === 'number' ? protocol : ACL_PROTOCOL_NUMBERS[protocol];
}

export function isContiguousWildcard(wildcard: string): boolean {
  return wildcardPrefix(ipv4ToNumber(wildcard)) !== undefined;
}

/**
 * The inclusive range an IOS address/wildcard pair covers. Only contiguous wildcards
 * (0.0.0.255, not 0.0.255.0) describe a range; IKEv1 IDs cannot carry the others.
 */
export function aclAddressRange(addr: AclAddress, at?: AclEntry['at']): { start: number; end: number } {
  const wildcard = ipv4ToNumber(addr.wildcard);
  if (wildcardPrefix(wildcard) === undefined) {
    throw new PolicyError({
      at,
      found: addr.wildcard,
      expected: 'a contiguous wildcard mask (like 0.0.0.255)',
      message: `wildcard ${addr.wildcard} is not contiguous: a crypto access list must describe a subnet or host (expected a wildcard like 0.0.0.255)`,
    });
  }
  const start = (ipv4ToNumber(addr.address) & ~wildcard) >>> 0;
  return { start, end: (start | wildcard) >>> 0 };
}

/** Port ranges a PortMatch allows (neq gives two). */
export function portRanges(match: PortMatch | undefined): { from: number; to: number }[] {
  if (!match) return [{ from: 0, to: 65535 }];
  switch (match.op) {
    case 'eq':
      return [{ from: match.port, to: match.port }];
    case 'lt':
      return match.port === 0 ? [] : [{ from: 0, to: match.port - 1 }];
    case 'gt':
      return match.port === 65535 ? [] : [{ from: match.port + 1, to: 65535 }];
    case 'neq': {
      const out: { from: number; to: number }[] = [];
      if (match.port > 0) out.push({ from: 0, to: match.port - 1 });
      if (match.port < 65535) out.push({ from: match.port + 1, to: 65535 });
      return out;
    }
    case 'range':
      return match.from <= match.to ? [{ from: match.from, to: match.to }] : [];
  }
}

/**
 * The selectors one ACL entry describes (normally one; `neq` splits a port into two
 * ranges). The action is not part of a selector: callers keep deny entries apart.
 */
export function aclEntryToSelectors(entry: AclEntry): TrafficSelector[] {
  const local = aclAddressRange(entry.source, entry.at);
  const remote = aclAddressRange(entry.destination, entry.at);
  const protocol = aclProtocolNumber(entry.protocol);
  const out: TrafficSelector[] = [];
  for (const lp of portRanges(entry.sourcePort)) {
    for (const rp of portRanges(entry.destinationPort)) {
      out.push({
        protocol,
        localStart: formatIpv4(local.start),
        localEnd: formatIpv4(local.end),
        localPortStart: lp.from,
        localPortEnd: lp.to,
        remoteStart: formatIpv4(remote.start),
        remoteEnd: formatIpv4(remote.end),
        remotePortStart: rp.from,
        remotePortEnd: rp.to,
      });
    }
  }
  return out;
}

/** Selectors of the permit entries, in ACL order (what IOS protects with a crypto map). */
export function accessListToSelectors(acl: AccessList): TrafficSelector[] {
  return acl.entries.filter((e) => e.action === 'permit').flatMap(aclEntryToSelectors);
}

/** The selector as seen by the peer (local and remote swapped), e.g. to compare mirrored ACLs. */
export function mirrorSelector(s: TrafficSelector): TrafficSelector {
  return {
    protocol: s.protocol,
    localStart: s.remoteStart,
    localEnd: s.remoteEnd,
    localPortStart: s.remotePortStart,
    localPortEnd: s.remotePortEnd,
    remoteStart: s.localStart,
    remoteEnd: s.localEnd,
    remotePortStart: s.localPortStart,
    remotePortEnd: s.localPortEnd,
  };
}
