// Proxy identities (RFC 2407 §4.6.2) from and to traffic selectors, and ACL lines as
// selectors, as the engine needs them. src/policy supplies the protocol numbers and the
// mirror; what stays here differs from src/policy on purpose: the engine never throws on a
// caller's selector or an ACL line (policy throws on non-contiguous wildcards and non-IPv4
// text), reads `neq` as matching every port and `lt 0`/`gt 65535` as port 0/65535 (policy splits `neq`
// and drops the empty ones), and maps a port range to port 0 in an ID (policy refuses it).

import { aclProtocolNumber, mirrorSelector } from '../policy/index.js';
import type { AccessList, AclEntry, TrafficSelector } from '../policy/model.js';
import { concat, IdType } from '../wire/index.js';
import { ipv4Bytes, ipv4FromNumber, ipv4Number, ipv4String, type IdBody } from './idBody.js';

/** The selector from the peer's side. */
export const mirror = mirrorSelector;

function ports(m: AclEntry['sourcePort']): [number, number] {
  if (!m) return [0, 65535];
  switch (m.op) {
    case 'eq':
      return [m.port, m.port];
    case 'lt':
      return [0, Math.max(0, m.port - 1)];
    case 'gt':
      return [Math.min(65535, m.port + 1), 65535];
    case 'range':
      return [m.from, m.to];
    default:
      return [0, 65535];
  }
}

function range(address: string, wildcard: string): [string, string] {
  const w = ipv4Number(wildcard);
  const a = ipv4Number(address);
  return [ipv4FromNumber((a & ~w) >>> 0), ipv4FromNumber((a | w) >>> 0)];
}

/** A permit line seen by the router holding the crypto map: source = local. */
export function aclEntrySelector(e: AclEntry): TrafficSelector {
  const [ls, le] = range(e.source.address, e.source.wildcard);
  const [rs, re] = range(e.destination.address, e.destination.wildcard);
  const [lps, lpe] = ports(e.sourcePort);
  const [rps, rpe] = ports(e.destinationPort);
  return {
    protocol: aclProtocolNumber(e.protocol),
    localStart: ls,
    localEnd: le,
    localPortStart: lps,
    localPortEnd: lpe,
    remoteStart: rs,
    remoteEnd: re,
    remotePortStart: rps,
    remotePortEnd: rpe,
  };
}

export function aclSelectors(acl: AccessList | undefined): TrafficSelector[] {
  return acl ? acl.entries.filter((e) => e.action === 'permit').map(aclEntrySelector) : [];
}

function within(s: number, e: number, outerS: number, outerE: number): boolean {
  return s >= outerS && e <= outerE && s <= e;
}

/** True when `inner` is inside `outer` (protocol 0 in outer is any). */
export function selectorWithin(inner: TrafficSelector, outer: TrafficSelector): boolean {
  if (outer.protocol !== 0 && inner.protocol !== outer.protocol) return false;
  return (
    within(
      ipv4Number(inner.localStart),
      ipv4Number(inner.localEnd),
      ipv4Number(outer.localStart),
      ipv4Number(outer.localEnd),
    ) &&
    within(
      ipv4Number(inner.remoteStart),
      ipv4Number(inner.remoteEnd),
      ipv4Number(outer.remoteStart),
      ipv4Number(outer.remoteEnd),
    ) &&
    within(inner.localPortStart, inner.localPortEnd, outer.localPortStart, outer.localPortEnd) &&
    within(inner.remotePortStart, inner.remotePortEnd, outer.remotePortStart, outer.remotePortEnd)
  );
}

export function selectorsEqual(a: TrafficSelector, b: TrafficSelector): boolean {
  return selectorWithin(a, b) && selectorWithin(b, a) && a.protocol === b.protocol;
}

function prefixMask(start: number, end: number): number | undefined {
  const size = end - start + 1;
  if (size <= 0 || ((size & (size - 1)) !== 0 && size !== 2 ** 32)) return undefined;
  if (size === 2 ** 32) return 0;
  if (start % size !== 0) return undefined;
  return ~(size - 1) >>> 0;
}

/** One side of a selector as an ID payload (host, subnet or range). */
export function proxyIdBody(
  start: string,
  end: string,
  protocol: number,
  portStart: number,
  portEnd: number,
): IdBody {
  const port = portStart === portEnd ? portStart : 0;
  const s = ipv4Number(start);
  const e = ipv4Number(end);
  if (s === e) return { idType: IdType.IPV4_ADDR, protocol, port, data: ipv4Bytes(start) };
  const mask = prefixMask(s, e);
  if (mask !== undefined)
    return {
      idType: IdType.IPV4_ADDR_SUBNET,
      protocol,
      port,
      data: concat(ipv4Bytes(start), ipv4Bytes(ipv4FromNumber(mask))),
    };
  return { idType: IdType.IPV4_ADDR_RANGE, protocol, port, data: concat(ipv4Bytes(start), ipv4Bytes(end)) };
}

/** An ID payload as an address range; undefined for types that are not proxy identities. */
export function proxyIdRange(
  id: IdBody,
): { start: string; end: string; protocol: number; portStart: number; portEnd: number } | undefined {
  const portStart = id.port === 0 ? 0 : id.port;
  const portEnd = id.port === 0 ? 65535 : id.port;
  if (id.idType === IdType.IPV4_ADDR && id.data.length === 4) {
    const a = ipv4String(id.data);
    return { start: a, end: a, protocol: id.protocol, portStart, portEnd };
  }
  if (
    (id.idType === IdType.IPV4_ADDR_SUBNET || id.idType === IdType.IPV4_ADDR_RANGE) &&
    id.data.length === 8
  ) {
    const a = ipv4Number(ipv4String(id.data.subarray(0, 4)));
    const b = ipv4Number(ipv4String(id.data.subarray(4, 8)));
    if (id.idType === IdType.IPV4_ADDR_RANGE)
      return b < a
        ? undefined
        : { start: ipv4FromNumber(a), end: ipv4FromNumber(b), protocol: id.protocol, portStart, portEnd };
    return {
      start: ipv4FromNumber((a & b) >>> 0),
      end: ipv4FromNumber(((a & b) | ~b) >>> 0),
      protocol: id.protocol,
      portStart,
      portEnd,
    };
  }
  return undefined;
}

/** IOS's "10.1.1.0/255.255.255.0/0/0 (type=4)" for the debug. */
export function proxyText(
  start: string,
  end: string,
  protocol: number,
  portStart: number,
  portEnd: number,
): string {
  const id = proxyIdBody(start, end, protocol, portStart, portEnd);
  const port = portStart === portEnd ? portStart : 0;
  if (id.idType === IdType.IPV4_ADDR_SUBNET)
    return `${start}/${ipv4String(id.data.subarray(4, 8))}/${protocol}/${port} (type=4)`;
  if (id.idType === IdType.IPV4_ADDR) return `${start}/255.255.255.255/${protocol}/${port} (type=1)`;
  return `${start}-${end}/${protocol}/${port} (type=7)`;
}
