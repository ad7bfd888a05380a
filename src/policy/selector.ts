// Traffic selectors (RFC 4301 §4.4.1.1): the one place where a selector is compared with a
// packet or with another selector, for IPv4 and IPv6 alike. A selector's addresses are
// text in the model; here they become bigints so both families compare the same way.

import {
  addressFromBigInt,
  addressToBigInt,
  addressToText,
  ipv4ToNumber,
  isIpv6Text,
  parseAddressText,
  type IpFamily,
} from '../packet/address.js';
import type { PacketFlow } from '../packet/flow.js';
import { PolicyError } from './errors.js';
import type { AclEntry, TrafficSelector } from './model.js';

/**
 * `outbound`: the packet leaves our protected side (source in local, destination in
 * remote); `inbound`: it arrives from the peer's side after decryption.
 */
export type TrafficDirection = 'outbound' | 'inbound';

export type Interval<T> = readonly [T, T];

/**
 * A selector as inclusive intervals. Protocol 0 ("any") is the interval 0-255, so a box can
 * also hold what is left after removing one protocol (RFC 4301 §4.4.1.1 ranges, in every
 * dimension).
 */
export interface SelectorBox {
  readonly family: IpFamily;
  readonly protocol: Interval<number>;
  readonly local: Interval<bigint>;
  readonly remote: Interval<bigint>;
  readonly localPorts: Interval<number>;
  readonly remotePorts: Interval<number>;
}

/** Address text of the model as bytes; a PolicyError names it when it is no address. */
export function addressBytes(text: string, what: string, at?: AclEntry['at']): Uint8Array {
  const b = parseAddressText(text);
  if (!b) {
    throw new PolicyError({
      at,
      found: text,
      expected: 'an IPv4 or IPv6 address',
      message: `${what} ${JSON.stringify(text)} is not an IPv4 or IPv6 address`,
    });
  }
  return b;
}

export function selectorFamily(s: TrafficSelector): IpFamily {
  return isIpv6Text(s.localStart) ? 6 : 4;
}

/** Throws PolicyError when the selector's addresses are not one family or not addresses. */
export function selectorBox(s: TrafficSelector): SelectorBox {
  const family = selectorFamily(s);
  const texts = [s.localStart, s.localEnd, s.remoteStart, s.remoteEnd];
  const bytes = texts.map((t) => addressBytes(t, 'selector address'));
  if (bytes.some((b) => b.length !== (family === 4 ? 4 : 16))) {
    throw new PolicyError({
      found: texts.join(' '),
      expected: 'addresses of one family',
      message: `selector mixes IPv4 and IPv6 addresses (${texts.join(', ')})`,
    });
  }
  const [ls, le, rs, re] = bytes.map(addressToBigInt) as [bigint, bigint, bigint, bigint];
  return {
    family,
    protocol: s.protocol === 0 ? [0, 255] : [s.protocol, s.protocol],
    local: [ls, le],
    remote: [rs, re],
    localPorts: [s.localPortStart, s.localPortEnd],
    remotePorts: [s.remotePortStart, s.remotePortEnd],
  };
}

/**
 * Back from a box to a selector; undefined when its protocol interval is neither one
 * protocol nor all of them (a selector cannot say "every protocol but TCP").
 */
export function boxSelector(b: SelectorBox): TrafficSelector | undefined {
  const [p0, p1] = b.protocol;
  const protocol = p0 === 0 && p1 === 255 ? 0 : p0 === p1 && p0 !== 0 ? p0 : undefined;
  if (protocol === undefined) return undefined;
  const text = (v: bigint): string => addressToText(addressFromBigInt(v, b.family));
  return {
    protocol,
    localStart: text(b.local[0]),
    localEnd: text(b.local[1]),
    localPortStart: b.localPorts[0],
    localPortEnd: b.localPorts[1],
    remoteStart: text(b.remote[0]),
    remoteEnd: text(b.remote[1]),
    remotePortStart: b.remotePorts[0],
    remotePortEnd: b.remotePorts[1],
  };
}

function empty<T extends number | bigint>(i: Interval<T>): boolean {
  return i[0] > i[1];
}

function meets<T extends number | bigint>(a: Interval<T>, b: Interval<T>): boolean {
  return a[0] <= b[1] && b[0] <= a[1];
}

function inside<T extends number | bigint>(inner: Interval<T>, outer: Interval<T>): boolean {
  return outer[0] <= inner[0] && inner[1] <= outer[1];
}

export function boxIsEmpty(b: SelectorBox): boolean {
  return (
    empty(b.protocol) || empty(b.local) || empty(b.remote) || empty(b.localPorts) || empty(b.remotePorts)
  );
}

export function boxesOverlap(a: SelectorBox, b: SelectorBox): boolean {
  return (
    a.family === b.family &&
    meets(a.protocol, b.protocol) &&
    meets(a.local, b.local) &&
    meets(a.remote, b.remote) &&
    meets(a.localPorts, b.localPorts) &&
    meets(a.remotePorts, b.remotePorts)
  );
}

/** Is every packet of `inner` also in `outer`? (An empty inner is inside anything.) */
export function boxContains(outer: SelectorBox, inner: SelectorBox): boolean {
  if (boxIsEmpty(inner)) return true;
  return (
    outer.family === inner.family &&
    inside(inner.protocol, outer.protocol) &&
    inside(inner.local, outer.local) &&
    inside(inner.remote, outer.remote) &&
    inside(inner.localPorts, outer.localPorts) &&
    inside(inner.remotePorts, outer.remotePorts)
  );
}

/** The part of `r` below `b`, the part above it, and the overlap (as numbers). */
function cut(r: Interval<number>, b: Interval<number>): [Interval<number>[], Interval<number>] {
  const parts: Interval<number>[] = [];
  if (r[0] < b[0]) parts.push([r[0], b[0] - 1]);
  if (r[1] > b[1]) parts.push([b[1] + 1, r[1]]);
  return [parts, [Math.max(r[0], b[0]), Math.min(r[1], b[1])]];
}

function cutAddress(r: Interval<bigint>, b: Interval<bigint>): [Interval<bigint>[], Interval<bigint>] {
  const parts: Interval<bigint>[] = [];
  if (r[0] < b[0]) parts.push([r[0], b[0] - 1n]);
  if (r[1] > b[1]) parts.push([b[1] + 1n, r[1]]);
  return [parts, [r[0] > b[0] ? r[0] : b[0], r[1] < b[1] ? r[1] : b[1]]];
}

/**
 * `a` minus `b` as disjoint boxes (at most two per dimension): peel off the part of `a`
 * below and above `b` in each dimension in turn, keeping the overlap for the next.
 */
export function subtractBox(a: SelectorBox, b: SelectorBox): SelectorBox[] {
  if (!boxesOverlap(a, b)) return [a];
  const out: SelectorBox[] = [];
  let rest: SelectorBox = a;
  let [parts, middle] = cut(rest.protocol, b.protocol);
  for (const protocol of parts) out.push({ ...rest, protocol });
  rest = { ...rest, protocol: middle };
  let [addrParts, addrMiddle] = cutAddress(rest.local, b.local);
  for (const local of addrParts) out.push({ ...rest, local });
  rest = { ...rest, local: addrMiddle };
  [addrParts, addrMiddle] = cutAddress(rest.remote, b.remote);
  for (const remote of addrParts) out.push({ ...rest, remote });
  rest = { ...rest, remote: addrMiddle };
  [parts, middle] = cut(rest.localPorts, b.localPorts);
  for (const localPorts of parts) out.push({ ...rest, localPorts });
  rest = { ...rest, localPorts: middle };
  [parts] = cut(rest.remotePorts, b.remotePorts);
  for (const remotePorts of parts) out.push({ ...rest, remotePorts });
  return out;
}

export function selectorContains(outer: TrafficSelector, inner: TrafficSelector): boolean {
  return boxContains(selectorBox(outer), selectorBox(inner));
}

export function selectorsOverlap(a: TrafficSelector, b: TrafficSelector): boolean {
  return boxesOverlap(selectorBox(a), selectorBox(b));
}

/** Same set of packets (so "10.0.0.0-10.0.0.255" equals itself however it is written). */
export function selectorsEqual(a: TrafficSelector, b: TrafficSelector): boolean {
  const x = selectorBox(a);
  const y = selectorBox(b);
  return boxContains(x, y) && boxContains(y, x);
}

/** The selector as seen by the peer (local and remote swapped). */
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

/** A selector compiled once for the data plane's per-packet lookups. */
export interface CompiledSelector {
  readonly selector: TrafficSelector;
  readonly box: SelectorBox;
  /** The address intervals as numbers when IPv4, so a lookup needs no bigint. */
  readonly ipv4?: { readonly local: Interval<number>; readonly remote: Interval<number> };
}

/**
 * One compiled form per selector object: the inbound and outbound SAs of a pair (and the SPD
 * rule of a dynamic peer) share theirs, some 700 bytes per tunnel. Selectors are immutable.
 */
const compiledSelectors = new WeakMap<TrafficSelector, CompiledSelector>();

export function compileSelector(s: TrafficSelector): CompiledSelector {
  const known = compiledSelectors.get(s);
  if (known !== undefined) return known;
  const box = selectorBox(s);
  const n = (i: Interval<bigint>): Interval<number> => [Number(i[0]), Number(i[1])];
  const compiled: CompiledSelector =
    box.family === 6
      ? { selector: s, box }
      : { selector: s, box, ipv4: { local: n(box.local), remote: n(box.remote) } };
  compiledSelectors.set(s, compiled);
  return compiled;
}

function anyPorts(p: Interval<number>): boolean {
  return p[0] === 0 && p[1] === 65535;
}

function portMatches(port: number, range: Interval<number>, nonInitialFragment: boolean): boolean {
  if (anyPorts(range)) return true;
  // RFC 4301 §7: a non-initial fragment has no ports and cannot match a port selector
  return !nonInitialFragment && port >= range[0] && port <= range[1];
}

/** Does the packet match? Outbound: local = source; inbound: local = destination. */
export function selectorMatches(c: CompiledSelector, flow: PacketFlow, direction: TrafficDirection): boolean {
  const b = c.box;
  if (flow.family !== b.family) return false;
  if (flow.protocol < b.protocol[0] || flow.protocol > b.protocol[1]) return false;
  const out = direction === 'outbound';
  const localBytes = out ? flow.source : flow.destination;
  const remoteBytes = out ? flow.destination : flow.source;
  if (c.ipv4) {
    const local = ipv4ToNumber(localBytes);
    const remote = ipv4ToNumber(remoteBytes);
    const { local: l, remote: r } = c.ipv4;
    if (local < l[0] || local > l[1] || remote < r[0] || remote > r[1]) return false;
  } else {
    const local = addressToBigInt(localBytes);
    const remote = addressToBigInt(remoteBytes);
    if (local < b.local[0] || local > b.local[1] || remote < b.remote[0] || remote > b.remote[1])
      return false;
  }
  const lp = out ? flow.sourcePort : flow.destinationPort;
  const rp = out ? flow.destinationPort : flow.sourcePort;
  return (
    portMatches(lp, b.localPorts, flow.nonInitialFragment) &&
    portMatches(rp, b.remotePorts, flow.nonInitialFragment)
  );
}

/** Why a selector cannot be sent as IKEv1 identities (a port range), or undefined. */
export function proxyIdProblem(s: TrafficSelector): string | undefined {
  const side = (start: number, end: number, name: string): string | undefined =>
    (start === 0 && end === 65535) || start === end
      ? undefined
      : `${name} port range ${start}-${end} cannot be carried in an IKEv1 identity (expected a single port or any)`;
  return (
    side(s.localPortStart, s.localPortEnd, 'local') ?? side(s.remotePortStart, s.remotePortEnd, 'remote')
  );
}

export function describeSelector(s: TrafficSelector): string {
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
