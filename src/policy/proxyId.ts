// Quick-mode proxy identities (RFC 2409 §5.5: IDci/IDcr) as plain data, and the IOS check
// that an offered pair is covered by the crypto ACL. The IKE engine maps these to ID
// payloads (RFC 2407 §4.6.2: ID_IPV4_ADDR, ID_IPV4_ADDR_SUBNET, ID_IPV4_ADDR_RANGE).

import { aclEntryToSelectors } from './acl.js';
import { PolicyError } from './errors.js';
import { formatIpv4, ipv4ToNumber, prefixToNetmask } from './ipv4.js';
import type { AccessList, AclEntry, Ipv4, TrafficSelector } from './model.js';

interface ProxyIdCommon {
  readonly protocol: number; // 0 = any
  readonly port: number; // 0 = any
}

export type ProxyId =
  | (ProxyIdCommon & { readonly type: 'ipv4-addr'; readonly address: Ipv4 })
  | (ProxyIdCommon & { readonly type: 'ipv4-subnet'; readonly address: Ipv4; readonly netmask: Ipv4 })
  | (ProxyIdCommon & { readonly type: 'ipv4-range'; readonly start: Ipv4; readonly end: Ipv4 });

/** Always from one router's point of view: `local` is its protected side. */
export interface ProxyIdPair {
  readonly local: ProxyId;
  readonly remote: ProxyId;
}

/** The inclusive address range a proxy identity covers. */
export function proxyIdRange(id: ProxyId): { start: number; end: number } {
  switch (id.type) {
    case 'ipv4-addr': {
      const a = ipv4ToNumber(id.address);
      return { start: a, end: a };
    }
    case 'ipv4-subnet': {
      const mask = ipv4ToNumber(id.netmask);
      const start = (ipv4ToNumber(id.address) & mask) >>> 0;
      return { start, end: (start | ~mask) >>> 0 };
    }
    case 'ipv4-range':
      return { start: ipv4ToNumber(id.start), end: ipv4ToNumber(id.end) };
  }
}

/** The most specific ID type for a range, as IOS sends them: host, subnet, else range. */
function rangeToProxyId(start: number, end: number, protocol: number, port: number): ProxyId {
  if (start === end) return { type: 'ipv4-addr', address: formatIpv4(start), protocol, port };
  const size = end - start + 1;
  const isPowerOfTwo = Number.isInteger(Math.log2(size));
  if (isPowerOfTwo && start % size === 0) {
    const netmask = prefixToNetmask(32 - Math.log2(size));
    return { type: 'ipv4-subnet', address: formatIpv4(start), netmask: formatIpv4(netmask), protocol, port };
  }
  return { type: 'ipv4-range', start: formatIpv4(start), end: formatIpv4(end), protocol, port };
}

function singlePort(start: number, end: number, side: string): number {
  if (start === 0 && end === 65535) return 0;
  if (start === end) return start;
  throw new PolicyError({
    found: `${start}-${end}`,
    expected: 'a single port or any',
    message: `${side} port range ${start}-${end} cannot be carried in an IKEv1 identity (expected a single port or any)`,
  });
}

export function selectorToProxyIds(s: TrafficSelector): ProxyIdPair {
  return {
    local: rangeToProxyId(
      ipv4ToNumber(s.localStart),
      ipv4ToNumber(s.localEnd),
      s.protocol,
      singlePort(s.localPortStart, s.localPortEnd, 'local'),
    ),
    remote: rangeToProxyId(
      ipv4ToNumber(s.remoteStart),
      ipv4ToNumber(s.remoteEnd),
      s.protocol,
      singlePort(s.remotePortStart, s.remotePortEnd, 'remote'),
    ),
  };
}

export function proxyIdsToSelector(pair: ProxyIdPair): TrafficSelector {
  if (pair.local.protocol !== pair.remote.protocol) {
    throw new PolicyError({
      found: `${pair.local.protocol}/${pair.remote.protocol}`,
      expected: 'the same protocol in both identities',
      message: `proxy identities name different protocols (${pair.local.protocol} and ${pair.remote.protocol})`,
    });
  }
  const l = proxyIdRange(pair.local);
  const r = proxyIdRange(pair.remote);
  const ports = (p: number): [number, number] => (p === 0 ? [0, 65535] : [p, p]);
  const [lps, lpe] = ports(pair.local.port);
  const [rps, rpe] = ports(pair.remote.port);
  return {
    protocol: pair.local.protocol,
    localStart: formatIpv4(l.start),
    localEnd: formatIpv4(l.end),
    localPortStart: lps,
    localPortEnd: lpe,
    remoteStart: formatIpv4(r.start),
    remoteEnd: formatIpv4(r.end),
    remotePortStart: rps,
    remotePortEnd: rpe,
  };
}

/** The pair as the peer sees it (what it sends as IDci/IDcr when it initiates). */
export function mirrorProxyPair(pair: ProxyIdPair): ProxyIdPair {
  return { local: pair.remote, remote: pair.local };
}

/** Is every packet `inner` covers also covered by `outer`? */
export function selectorContains(outer: TrafficSelector, inner: TrafficSelector): boolean {
  if (outer.protocol !== 0 && outer.protocol !== inner.protocol) return false;
  const within = (os: string, oe: string, is: string, ie: string): boolean =>
    ipv4ToNumber(os) <= ipv4ToNumber(is) && ipv4ToNumber(ie) <= ipv4ToNumber(oe);
  return (
    within(outer.localStart, outer.localEnd, inner.localStart, inner.localEnd) &&
    within(outer.remoteStart, outer.remoteEnd, inner.remoteStart, inner.remoteEnd) &&
    outer.localPortStart <= inner.localPortStart &&
    inner.localPortEnd <= outer.localPortEnd &&
    outer.remotePortStart <= inner.remotePortStart &&
    inner.remotePortEnd <= outer.remotePortEnd
  );
}

export function selectorsEqual(a: TrafficSelector, b: TrafficSelector): boolean {
  return selectorContains(a, b) && selectorContains(b, a);
}

export function selectorsOverlap(a: TrafficSelector, b: TrafficSelector): boolean {
  if (a.protocol !== 0 && b.protocol !== 0 && a.protocol !== b.protocol) return false;
  const overlap = (as: string, ae: string, bs: string, be: string): boolean =>
    ipv4ToNumber(as) <= ipv4ToNumber(be) && ipv4ToNumber(bs) <= ipv4ToNumber(ae);
  return (
    overlap(a.localStart, a.localEnd, b.localStart, b.localEnd) &&
    overlap(a.remoteStart, a.remoteEnd, b.remoteStart, b.remoteEnd) &&
    a.localPortStart <= b.localPortEnd &&
    b.localPortStart <= a.localPortEnd &&
    a.remotePortStart <= b.remotePortEnd &&
    b.remotePortStart <= a.remotePortEnd
  );
}

export interface ProxyCheck {
  readonly allowed: boolean;
  /** The ACL line that decided (a containing permit, or an overlapping deny). */
  readonly entry?: AclEntry;
  readonly index: number;
  /** Why it was refused, for the INVALID_ID_INFORMATION log line. */
  readonly reason?: string;
}

/**
 * IOS responder check: the offered pair (already turned to OUR point of view, see
 * mirrorProxyPair) must lie inside one permit line of the crypto ACL; the lines are read in
 * order and a deny line that touches the offer first refuses it. A narrower offer than the
 * ACL is accepted (TED and peers with smaller ACLs rely on this); a wider one is not.
 */
export function checkProxyPair(offered: ProxyIdPair, acl: AccessList): ProxyCheck {
  let offer: TrafficSelector;
  try {
    offer = proxyIdsToSelector(offered);
  } catch (err) {
    return { allowed: false, index: -1, reason: err instanceof Error ? err.message : String(err) };
  }
  for (let i = 0; i < acl.entries.length; i++) {
    const entry = acl.entries[i];
    if (!entry) continue;
    const selectors = aclEntryToSelectors(entry);
    if (entry.action === 'deny') {
      if (selectors.some((s) => selectorsOverlap(s, offer))) {
        return {
          allowed: false,
          entry,
          index: i,
          reason: `denied by line ${i + 1} of access list ${acl.name}`,
        };
      }
    } else if (selectors.some((s) => selectorContains(s, offer))) {
      return { allowed: true, entry, index: i };
    }
  }
  return {
    allowed: false,
    index: -1,
    reason: `proxy identities ${describe(offer)} are not inside any permit line of access list ${acl.name}`,
  };
}

/** Exact match, the stricter check older IOS releases made. */
export function proxyPairEquals(offered: ProxyIdPair, selector: TrafficSelector): boolean {
  try {
    return selectorsEqual(proxyIdsToSelector(offered), selector);
  } catch {
    return false;
  }
}

export function describeSelector(s: TrafficSelector): string {
  return describe(s);
}

function describe(s: TrafficSelector): string {
  const side = (a: string, b: string, ps: number, pe: number): string => {
    const addr = a === b ? a : `${a}-${b}`;
    const port = ps === 0 && pe === 65535 ? '' : ps === pe ? `:${ps}` : `:${ps}-${pe}`;
    return addr + port;
  };
  return `${side(s.localStart, s.localEnd, s.localPortStart, s.localPortEnd)} -> ${side(
    s.remoteStart,
    s.remoteEnd,
    s.remotePortStart,
    s.remotePortEnd,
  )} proto ${s.protocol}`;
}
