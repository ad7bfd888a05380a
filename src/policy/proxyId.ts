// Quick-mode proxy identities (RFC 2409 §5.5: IDci/IDcr) as plain data, and the one check
// that an offered pair may be protected under a crypto ACL. The IKE engine maps these to ID
// payloads (RFC 2407 §4.6.2: ID_IPV4_ADDR/SUBNET/RANGE, ID_IPV6_ADDR/SUBNET/RANGE).

import {
  addressFromBigInt,
  addressToBigInt,
  addressToText,
  maskPrefix,
  parseAddressText,
  prefixMask,
  type IpFamily,
} from '../packet/address.js';
import { IdType } from '../wire/index.js';
import { aclRules, type AclRule } from './acl.js';
import { PolicyError } from './errors.js';
import type { AccessList, AclEntry, TrafficSelector } from './model.js';
import {
  boxesOverlap,
  describeSelector,
  proxyIdProblem,
  selectorBox,
  selectorsEqual,
  subtractBox,
  type SelectorBox,
} from './selector.js';

interface ProxyIdCommon {
  readonly protocol: number; // 0 = any
  readonly port: number; // 0 = any
}

export type ProxyId =
  | (ProxyIdCommon & { readonly type: 'ipv4-addr' | 'ipv6-addr'; readonly address: string })
  | (ProxyIdCommon & {
      readonly type: 'ipv4-subnet' | 'ipv6-subnet';
      readonly address: string;
      readonly netmask: string;
    })
  | (ProxyIdCommon & {
      readonly type: 'ipv4-range' | 'ipv6-range';
      readonly start: string;
      readonly end: string;
    });

/** Always from one router's point of view: `local` is its protected side. */
export interface ProxyIdPair {
  readonly local: ProxyId;
  readonly remote: ProxyId;
}

function familyOfId(id: ProxyId): IpFamily {
  return id.type.startsWith('ipv6') ? 6 : 4;
}

function value(text: string, family: IpFamily): bigint {
  const b = parseAddressText(text);
  if (!b || b.length !== (family === 4 ? 4 : 16)) {
    throw new PolicyError({
      found: text,
      expected: `an IPv${family} address`,
      message: `proxy identity address ${JSON.stringify(text)} is not an IPv${family} address`,
    });
  }
  return addressToBigInt(b);
}

/** The inclusive address range a proxy identity covers; throws PolicyError on a bad one. */
export function proxyIdRange(id: ProxyId): { family: IpFamily; start: bigint; end: bigint } {
  const family = familyOfId(id);
  switch (id.type) {
    case 'ipv4-addr':
    case 'ipv6-addr': {
      const a = value(id.address, family);
      return { family, start: a, end: a };
    }
    case 'ipv4-subnet':
    case 'ipv6-subnet': {
      const mask = value(id.netmask, family);
      const all = prefixMask(family === 4 ? 32 : 128, family);
      const start = value(id.address, family) & mask;
      return { family, start, end: start | (~mask & all) };
    }
    case 'ipv4-range':
    case 'ipv6-range': {
      const start = value(id.start, family);
      const end = value(id.end, family);
      if (end < start) {
        throw new PolicyError({
          found: `${id.start}-${id.end}`,
          expected: 'a range whose end is not below its start',
          message: `proxy identity range ${id.start}-${id.end} ends below its start`,
        });
      }
      return { family, start, end };
    }
  }
}

/** The most specific ID type for a range, as IOS sends them: host, subnet, else range. */
function rangeToProxyId(
  family: IpFamily,
  start: bigint,
  end: bigint,
  protocol: number,
  port: number,
): ProxyId {
  const text = (v: bigint): string => addressToText(addressFromBigInt(v, family));
  const v = family === 4 ? 'ipv4' : 'ipv6';
  if (start === end) return { type: `${v}-addr`, address: text(start), protocol, port };
  const size = end - start + 1n;
  const all = prefixMask(family === 4 ? 32 : 128, family);
  const mask = ~(size - 1n) & all;
  if ((size & (size - 1n)) === 0n && (start & (size - 1n)) === 0n && maskPrefix(mask, family) !== undefined)
    return { type: `${v}-subnet`, address: text(start), netmask: text(mask), protocol, port };
  return { type: `${v}-range`, start: text(start), end: text(end), protocol, port };
}

/**
 * Our proxy identities for a selector. An ID carries one port or any (RFC 2407 §4.6.2), so a
 * port range (`range`, `lt`, `gt`, `neq`) is refused: widening it to "any" would ask the
 * peer for an SA covering traffic the ACL does not protect.
 */
export function selectorToProxyIds(s: TrafficSelector): ProxyIdPair {
  const problem = proxyIdProblem(s);
  if (problem)
    throw new PolicyError({ found: describeSelector(s), expected: 'a single port or any', message: problem });
  const b = selectorBox(s);
  const port = (p: readonly [number, number]): number => (p[0] === p[1] ? p[0] : 0);
  return {
    local: rangeToProxyId(b.family, b.local[0], b.local[1], s.protocol, port(b.localPorts)),
    remote: rangeToProxyId(b.family, b.remote[0], b.remote[1], s.protocol, port(b.remotePorts)),
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
  if (l.family !== r.family) {
    throw new PolicyError({
      found: `${pair.local.type}/${pair.remote.type}`,
      expected: 'identities of one address family',
      message: `proxy identities mix IPv4 and IPv6 (${pair.local.type} and ${pair.remote.type})`,
    });
  }
  const text = (v: bigint): string => addressToText(addressFromBigInt(v, l.family));
  const ports = (p: number): [number, number] => (p === 0 ? [0, 65535] : [p, p]);
  const [lps, lpe] = ports(pair.local.port);
  const [rps, rpe] = ports(pair.remote.port);
  return {
    protocol: pair.local.protocol,
    localStart: text(l.start),
    localEnd: text(l.end),
    localPortStart: lps,
    localPortEnd: lpe,
    remoteStart: text(r.start),
    remoteEnd: text(r.end),
    remotePortStart: rps,
    remotePortEnd: rpe,
  };
}

/** The pair as the peer sees it (what it sends as IDci/IDcr when it initiates). */
export function mirrorProxyPair(pair: ProxyIdPair): ProxyIdPair {
  return { local: pair.remote, remote: pair.local };
}

export interface ProxyCheck {
  readonly allowed: boolean;
  /** The ACL line that decided (the last permit needed, or the deny that refused). */
  readonly entry?: AclEntry;
  /** Index of that entry in the list, -1 when none decided. */
  readonly index: number;
  /** Why it was refused, for the INVALID_ID_INFORMATION log line. */
  readonly reason?: string;
}

/** More pieces than this and we refuse rather than spend unbounded work on a peer's offer. */
const MAX_PIECES = 4096;

/**
 * May we protect `offer` (our point of view: local = our side) under this crypto ACL? Only
 * when every packet it covers would be protected by our SPD: the ACL's lines are walked in
 * order as the SPD walks them (RFC 4301 §4.4.1, first match wins); a permit line takes its
 * part of the offer, a deny line that reaches any part left refuses it, and what no line
 * takes falls to the implicit deny. A narrower offer than a line is accepted (TED and peers
 * with smaller ACLs rely on this), one spread over several permit lines too; a wider is not.
 */
export function checkProxySelector(offer: TrafficSelector, acl: AccessList): ProxyCheck {
  let left: SelectorBox[];
  let rules: AclRule[];
  try {
    left = [selectorBox(offer)];
    rules = aclRules(acl);
  } catch (err) {
    return { allowed: false, index: -1, reason: err instanceof Error ? err.message : String(err) };
  }
  for (const rule of rules) {
    const box = selectorBox(rule.selector);
    if (!left.some((b) => boxesOverlap(b, box))) continue;
    const index = rule.line - 1;
    if (rule.action === 'bypass') {
      return {
        allowed: false,
        entry: rule.entry,
        index,
        reason: `proxy identities ${describeSelector(offer)} reach deny line ${rule.line} of access list ${acl.name} (${describeSelector(rule.selector)})`,
      };
    }
    left = left.flatMap((b) => subtractBox(b, box));
    if (left.length === 0) return { allowed: true, entry: rule.entry, index };
    if (left.length > MAX_PIECES) {
      return {
        allowed: false,
        index: -1,
        reason: `proxy identities ${describeSelector(offer)} too fragmented to check`,
      };
    }
  }
  return {
    allowed: false,
    index: -1,
    reason: `proxy identities ${describeSelector(offer)} are not inside the permit lines of access list ${acl.name} (${permitted(rules)})`,
  };
}

/** What the ACL protects, for a refusal that names ours as well as theirs. */
function permitted(rules: readonly AclRule[]): string {
  const lines = rules
    .filter((r) => r.action === 'protect')
    .map((r) => `line ${r.line} ${describeSelector(r.selector)}`);
  if (lines.length === 0) return 'no permit line';
  return lines.length > 4 ? `${lines.slice(0, 4).join(', ')}, ...` : lines.join(', ');
}

/** IOS responder check of an offered identity pair (already turned to OUR point of view). */
export function checkProxyPair(offered: ProxyIdPair, acl: AccessList): ProxyCheck {
  try {
    return checkProxySelector(proxyIdsToSelector(offered), acl);
  } catch (err) {
    return { allowed: false, index: -1, reason: err instanceof Error ? err.message : String(err) };
  }
}

/** Exact match, the stricter check older IOS releases made. */
export function proxyPairEquals(offered: ProxyIdPair, selector: TrafficSelector): boolean {
  try {
    return selectorsEqual(proxyIdsToSelector(offered), selector);
  } catch {
    return false;
  }
}

/** The RFC 2407 §4.6.2.1 ID type of a proxy identity (IOS prints it as "(type=4)"). */
export const PROXY_ID_TYPES: Readonly<Record<ProxyId['type'], number>> = {
  'ipv4-addr': IdType.IPV4_ADDR,
  'ipv4-subnet': IdType.IPV4_ADDR_SUBNET,
  'ipv6-addr': IdType.IPV6_ADDR,
  'ipv6-subnet': IdType.IPV6_ADDR_SUBNET,
  'ipv4-range': IdType.IPV4_ADDR_RANGE,
  'ipv6-range': IdType.IPV6_ADDR_RANGE,
};

function rangeProxyId(start: string, end: string, protocol: number): ProxyId {
  const a = parseAddressText(start);
  const b = parseAddressText(end);
  if (!a || !b || a.length !== b.length) throw new RangeError(`not an address range: ${start}-${end}`);
  return rangeToProxyId(a.length === 4 ? 4 : 6, addressToBigInt(a), addressToBigInt(b), protocol, 0);
}

/** "address/mask" of an identity as IOS writes it (a range as "start-end"). */
function addressAndMask(id: ProxyId): string {
  switch (id.type) {
    case 'ipv4-addr':
      return `${id.address}/255.255.255.255`;
    case 'ipv6-addr':
      return `${id.address}/128`;
    case 'ipv4-subnet':
    case 'ipv6-subnet':
      return `${id.address}/${id.netmask}`;
    case 'ipv4-range':
    case 'ipv6-range':
      return `${id.start}-${id.end}`;
  }
}

/** The identity IOS would write for start..end, or undefined when they are no address range. */
function rangeIdentity(start: string, end: string, protocol: number): ProxyId | undefined {
  try {
    return rangeProxyId(start, end, protocol);
  } catch {
    return undefined;
  }
}

/** IOS's "10.1.1.0/255.255.255.0/0/0 (type=4)" for the debug; a port range is shown after it. */
export function proxyIdText(
  start: string,
  end: string,
  protocol: number,
  portStart: number,
  portEnd: number,
): string {
  const port = portStart === portEnd ? portStart : 0;
  const range =
    portStart === portEnd || (portStart === 0 && portEnd === 65535) ? '' : ` ports ${portStart}-${portEnd}`;
  const id = rangeIdentity(start, end, protocol);
  if (id === undefined) return `${start}-${end}/${protocol}/${port}${range}`;
  return `${addressAndMask(id)}/${protocol}/${port} (type=${PROXY_ID_TYPES[id.type]})${range}`;
}

/**
 * `show crypto ipsec sa`'s "local ident (addr/mask/prot/port)": "10.1.1.0/255.255.255.0/0/0".
 * A range that is no prefix shows its first address with a host mask; a port range shows 0.
 */
export function identText(
  start: string,
  end: string,
  protocol: number,
  portStart: number,
  portEnd: number,
): string {
  const port = portStart === portEnd ? portStart : 0;
  const id = rangeIdentity(start, end, protocol);
  if (id === undefined) return `${start}-${end}/${protocol}/${port}`;
  const shown: ProxyId =
    id.type === 'ipv4-range' || id.type === 'ipv6-range'
      ? { type: id.type === 'ipv4-range' ? 'ipv4-addr' : 'ipv6-addr', address: id.start, protocol, port }
      : id;
  return `${addressAndMask(shown)}/${protocol}/${port}`;
}
