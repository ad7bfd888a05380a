// Traffic selectors (RFC 4301 §4.4.1.1) compiled for fast matching against packets.
// TrafficSelector ranges are text; IPv4 ranges become numbers, IPv6 ranges bigints.

import { addressFromText, isIpv6Text } from '../packet/address.js';
import type { PacketFlow } from '../packet/flow.js';
import type { TrafficSelector } from '../policy/model.js';

export type Direction = 'outbound' | 'inbound';

export interface CompiledSelector {
  readonly selector: TrafficSelector;
  readonly family: 4 | 6;
  readonly protocol: number;
  readonly local: readonly [number | bigint, number | bigint];
  readonly remote: readonly [number | bigint, number | bigint];
  readonly localPorts: readonly [number, number];
  readonly remotePorts: readonly [number, number];
}

function value(bytes: Uint8Array): number | bigint {
  if (bytes.length === 4) return ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

export function compileSelector(s: TrafficSelector): CompiledSelector {
  const family = isIpv6Text(s.localStart) ? 6 : 4;
  return {
    selector: s,
    family,
    protocol: s.protocol,
    local: [value(addressFromText(s.localStart)), value(addressFromText(s.localEnd))],
    remote: [value(addressFromText(s.remoteStart)), value(addressFromText(s.remoteEnd))],
    localPorts: [s.localPortStart, s.localPortEnd],
    remotePorts: [s.remotePortStart, s.remotePortEnd],
  };
}

function anyPorts(p: readonly [number, number]): boolean {
  return p[0] === 0 && p[1] === 65535;
}

function inRange(bytes: Uint8Array, range: readonly [number | bigint, number | bigint]): boolean {
  const v = value(bytes);
  return v >= range[0] && v <= range[1];
}

/** Does the packet match? Outbound: local = source; inbound: local = destination. */
export function selectorMatches(c: CompiledSelector, flow: PacketFlow, direction: Direction): boolean {
  if (flow.family !== c.family) return false;
  if (c.protocol !== 0 && c.protocol !== flow.protocol) return false;
  const out = direction === 'outbound';
  if (!inRange(out ? flow.source : flow.destination, c.local)) return false;
  if (!inRange(out ? flow.destination : flow.source, c.remote)) return false;
  const lp = out ? flow.sourcePort : flow.destinationPort;
  const rp = out ? flow.destinationPort : flow.sourcePort;
  if (!anyPorts(c.localPorts)) {
    // RFC 4301 §7: a non-initial fragment has no ports and cannot match a port selector
    if (flow.nonInitialFragment || lp < c.localPorts[0] || lp > c.localPorts[1]) return false;
  }
  if (!anyPorts(c.remotePorts)) {
    if (flow.nonInitialFragment || rp < c.remotePorts[0] || rp > c.remotePorts[1]) return false;
  }
  return true;
}

export function selectorsEqual(a: TrafficSelector, b: TrafficSelector): boolean {
  return (
    a.protocol === b.protocol &&
    a.localStart === b.localStart &&
    a.localEnd === b.localEnd &&
    a.remoteStart === b.remoteStart &&
    a.remoteEnd === b.remoteEnd &&
    a.localPortStart === b.localPortStart &&
    a.localPortEnd === b.localPortEnd &&
    a.remotePortStart === b.remotePortStart &&
    a.remotePortEnd === b.remotePortEnd
  );
}

/** IOS-style "(addr/mask/prot/port)" text of one side, for show output and drop reasons. */
export function selectorText(s: TrafficSelector): string {
  return `${s.protocol} ${s.localStart}-${s.localEnd}:${s.localPortStart}-${s.localPortEnd} <-> ${s.remoteStart}-${s.remoteEnd}:${s.remotePortStart}-${s.remotePortEnd}`;
}
