// Access-list entries as traffic selectors. A crypto ACL line is written from the router's
// point of view for outbound traffic: source = our protected side (local), destination =
// the peer's side (remote), which is how IOS derives the quick-mode proxy identities.

import { PolicyError } from './errors.js';
import {
  addressBytes,
  boxesOverlap,
  boxSelector,
  proxyIdProblem,
  selectorBox,
  subtractBox,
  type SelectorBox,
} from './selector.js';
import {
  addressFromBigInt,
  addressToBigInt,
  addressToText,
  familyOf,
  maskPrefix,
  parseAddressText,
  prefixMask,
  type IpFamily,
} from '../packet/address.js';
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
  const w = parseAddressText(wildcard);
  return (
    w !== undefined &&
    maskPrefix(~addressToBigInt(w) & prefixMask(w.length * 8, familyOf(w)), familyOf(w)) !== undefined
  );
}

/**
 * The inclusive range an IOS address/wildcard pair covers (IPv4, or IPv6 with the inverse
 * of its prefix mask as wildcard). Only contiguous wildcards (0.0.0.255, not 0.0.255.0)
 * describe a range; IKEv1 IDs cannot carry the others.
 */
export function aclAddressRange(
  addr: AclAddress,
  at?: AclEntry['at'],
): { family: IpFamily; start: bigint; end: bigint } {
  const a = addressBytes(addr.address, 'address', at);
  const w = addressBytes(addr.wildcard, 'wildcard', at);
  const family = familyOf(a);
  const all = prefixMask(a.length * 8, family);
  const wildcard = addressToBigInt(w);
  if (w.length !== a.length || maskPrefix(~wildcard & all, family) === undefined) {
    throw new PolicyError({
      at,
      found: addr.wildcard,
      expected: 'a contiguous wildcard mask (like 0.0.0.255)',
      message: `wildcard ${addr.wildcard} is not contiguous: a crypto access list must describe a subnet or host (expected a wildcard like 0.0.0.255)`,
    });
  }
  const start = addressToBigInt(a) & ~wildcard & all;
  return { family, start, end: start | wildcard };
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
 * ranges). The action is not part of a selector: see aclRules.
 */
export function aclEntryToSelectors(entry: AclEntry): TrafficSelector[] {
  const local = aclAddressRange(entry.source, entry.at);
  const remote = aclAddressRange(entry.destination, entry.at);
  if (local.family !== remote.family) {
    throw new PolicyError({
      at: entry.at,
      found: `${entry.source.address} ${entry.destination.address}`,
      expected: 'source and destination of one address family',
      message: `access list line mixes IPv4 and IPv6 (${entry.source.address} and ${entry.destination.address})`,
    });
  }
  const text = (v: bigint): string => addressToText(addressFromBigInt(v, local.family));
  const protocol = aclProtocolNumber(entry.protocol);
  const out: TrafficSelector[] = [];
  for (const lp of portRanges(entry.sourcePort)) {
    for (const rp of portRanges(entry.destinationPort)) {
      out.push({
        protocol,
        localStart: text(local.start),
        localEnd: text(local.end),
        localPortStart: lp.from,
        localPortEnd: lp.to,
        remoteStart: text(remote.start),
        remoteEnd: text(remote.end),
        remotePortStart: rp.from,
        remotePortEnd: rp.to,
      });
    }
  }
  return out;
}

/** One SPD rule of a crypto ACL (RFC 4301 §4.4.1): permit = protect, deny = bypass. */
export interface AclRule {
  readonly action: 'protect' | 'bypass';
  readonly selector: TrafficSelector;
  readonly entry: AclEntry;
  /** 1-based line of the entry in its access list. */
  readonly line: number;
}

/** More pieces than this and a permit line is left whole (see aclRules). */
const MAX_PIECES = 16;

/**
 * A permit line without the parts earlier deny lines take (RFC 4301 §4.4.1.2
 * decorrelation), when those parts are few and each fits in IKEv1 identities; otherwise
 * undefined and the line stays whole. Either way the SPD decides the same for every packet,
 * since the deny lines come first; the pieces only keep the quick mode we start for this
 * line from asking for traffic the SPD sends in clear.
 */
function withoutDenied(
  selector: TrafficSelector,
  denied: readonly SelectorBox[],
): TrafficSelector[] | undefined {
  let pieces = [selectorBox(selector)];
  for (const d of denied) {
    if (!pieces.some((p) => boxesOverlap(p, d))) continue;
    pieces = pieces.flatMap((p) => subtractBox(p, d));
    if (pieces.length > MAX_PIECES) return undefined;
  }
  const out: TrafficSelector[] = [];
  for (const p of pieces) {
    const s = boxSelector(p);
    if (!s || proxyIdProblem(s) !== undefined) return undefined;
    out.push(s);
  }
  return out;
}

/**
 * The ordered rules of a crypto ACL, first match wins. The SPD is built from these and the
 * IKE responder checks offered proxy identities against these, so the two cannot disagree.
 */
export function aclRules(acl: AccessList): AclRule[] {
  const out: AclRule[] = [];
  const denied: SelectorBox[] = [];
  acl.entries.forEach((entry, i) => {
    for (const selector of aclEntryToSelectors(entry)) {
      const line = i + 1;
      if (entry.action === 'deny') {
        out.push({ action: 'bypass', selector, entry, line });
        denied.push(selectorBox(selector));
        continue;
      }
      const pieces = denied.length > 0 ? withoutDenied(selector, denied) : undefined;
      for (const s of pieces ?? [selector]) out.push({ action: 'protect', selector: s, entry, line });
    }
  });
  return out;
}

/** Selectors of the permit entries, in ACL order (what IOS protects with a crypto map). */
export function accessListToSelectors(acl: AccessList): TrafficSelector[] {
  return aclRules(acl)
    .filter((r) => r.action === 'protect')
    .map((r) => r.selector);
}
