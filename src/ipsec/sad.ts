// Security Association Database (RFC 4301 §4.4.2) as indexed tables: inbound SAs by
// (SPI, protocol), outbound SAs by peer and by a single-host remote selector, so neither a
// packet nor an install walks the whole table (issue 12: the per-packet cost must not grow
// with the number of tunnels).

import { addressToBigInt, bytesEqual } from '../packet/address.js';
import type { PacketFlow } from '../packet/flow.js';
import { selectorMatches, type CompiledSelector } from '../policy/selector.js';
import type { SaState } from './sa-state.js';

function sadKey(spi: number, protocol: 'esp' | 'ah'): number {
  return spi * 2 + (protocol === 'ah' ? 1 : 0);
}

/** Selector boxes are equal exactly when their intervals are (policy/selector.ts
 * `selectorsEqual` is mutual containment), so the intervals name a bundle group. */
function boxKey(c: CompiledSelector): string {
  const b = c.box;
  return `${b.family}|${b.protocol.join('-')}|${b.local.join('-')}|${b.remote.join('-')}|${b.localPorts.join('-')}|${b.remotePorts.join('-')}`;
}

/** Outbound SAs whose remote selector is one address are found by the packet's destination. */
function singleRemote(c: CompiledSelector): string | undefined {
  const r = c.box.remote;
  return r[0] === r[1] ? `${c.box.family}|${r[0]}` : undefined;
}

function flowRemote(flow: PacketFlow): string {
  const d = flow.destination;
  if (flow.family === 4) return `4|${((d[0]! << 24) | (d[1]! << 16) | (d[2]! << 8) | d[3]!) >>> 0}`;
  return `6|${addressToBigInt(d)}`;
}

function addTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

function removeFrom<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) return;
  const at = list.indexOf(value);
  if (at >= 0) list.splice(at, 1);
  if (list.length === 0) map.delete(key);
}

/** The newest usable SAs of a lookup (ESP, and AH when both protect the same traffic). */
export interface Bundle {
  esp: SaState | undefined;
  ah: SaState | undefined;
}

export class Sad {
  private readonly inbound = new Map<number, SaState[]>();
  private readonly outboundByPeer = new Map<string, SaState[]>();
  private readonly outboundByRemote = new Map<string, SaState[]>();
  /** Outbound SAs with a remote range: scanned by lookups of rules without a peer. */
  private readonly outboundWide = new Set<SaState>();
  /**
   * Inbound SAs per (peer, selector), for the AH+ESP bundle rule of RFC 4301 §4.5; kept only
   * while an inbound AH SA exists (an ESP-only SAD needs no group: some 500 bytes per tunnel).
   */
  private readonly bundleGroups = new Map<string, SaState[]>();
  private inboundAh = 0;
  /** Local UDP ports of UDP-encapsulated inbound SAs, with how many SAs use each. */
  private readonly encapPorts = new Map<number, number>();
  private order = 0;
  private outboundCount = 0;

  get size(): number {
    let n = this.outboundCount;
    for (const list of this.inbound.values()) n += list.length;
    return n;
  }

  add(s: SaState): void {
    s.order = ++this.order;
    if (s.direction === 'inbound') {
      addTo(this.inbound, sadKey(s.spi, s.protocol), s);
      const port = s.sa.udpEncapsulation?.localPort;
      if (port !== undefined) this.encapPorts.set(port, (this.encapPorts.get(port) ?? 0) + 1);
      if (s.protocol === 'ah' && this.inboundAh++ === 0) {
        for (const list of this.inbound.values())
          for (const m of list) if (m !== s) addTo(this.bundleGroups, bundleGroup(m), m);
      }
      if (this.inboundAh === 0) return;
      const group = bundleGroup(s);
      addTo(this.bundleGroups, group, s);
      this.relink(group);
      return;
    }
    this.outboundCount++;
    addTo(this.outboundByPeer, s.sa.destination, s);
    const remote = singleRemote(s.selector);
    if (remote !== undefined) addTo(this.outboundByRemote, remote, s);
    else this.outboundWide.add(s);
  }

  remove(s: SaState): void {
    if (s.direction === 'inbound') {
      removeFrom(this.inbound, sadKey(s.spi, s.protocol), s);
      const port = s.sa.udpEncapsulation?.localPort;
      if (port !== undefined) {
        const n = (this.encapPorts.get(port) ?? 1) - 1;
        if (n > 0) this.encapPorts.set(port, n);
        else this.encapPorts.delete(port);
      }
      if (this.inboundAh === 0) return;
      const group = bundleGroup(s);
      removeFrom(this.bundleGroups, group, s);
      this.relink(group);
      if (s.protocol === 'ah' && --this.inboundAh === 0) this.bundleGroups.clear();
      return;
    }
    this.outboundCount--;
    removeFrom(this.outboundByPeer, s.sa.destination, s);
    const remote = singleRemote(s.selector);
    if (remote !== undefined) removeFrom(this.outboundByRemote, remote, s);
    else this.outboundWide.delete(s);
  }

  /** RFC 4301 §4.5: an inbound ESP SA paired with an AH SA (same peer and selectors) only
   * accepts packets that came through that AH. */
  private relink(group: string): void {
    const members = this.bundleGroups.get(group) ?? [];
    const ah = members.some((m) => m.protocol === 'ah');
    for (const m of members) if (m.protocol === 'esp') m.requiresAh = ah;
  }

  find(spi: number, protocol: 'esp' | 'ah', destination: string): SaState | undefined {
    const inbound = this.inbound.get(sadKey(spi, protocol))?.find((s) => s.sa.destination === destination);
    if (inbound !== undefined) return inbound;
    return this.outboundByPeer.get(destination)?.find((s) => s.spi === spi && s.protocol === protocol);
  }

  /** The inbound SA for a received SPI; with several (same SPI toward several of our
   * addresses) the one for the packet's destination. */
  lookupInbound(spi: number, protocol: 'esp' | 'ah', destination: Uint8Array): SaState | undefined {
    const list = this.inbound.get(sadKey(spi, protocol));
    if (list === undefined) return undefined;
    if (list.length === 1) return list[0];
    return list.find((s) => bytesEqual(s.outerDestination, destination)) ?? list[0];
  }

  isEncapPort(port: number): boolean {
    return this.encapPorts.has(port);
  }

  /**
   * Fills `into` with the newest outbound ESP and AH SAs matching the packet, toward `peer`
   * when the rule names one. SAs past their hard limit are handed to `expire` on the way.
   */
  lookupOutbound(
    flow: PacketFlow,
    peer: string | undefined,
    expire: (s: SaState) => boolean,
    into: Bundle,
  ): void {
    into.esp = undefined;
    into.ah = undefined;
    if (peer !== undefined) {
      this.scan(this.outboundByPeer.get(peer), flow, expire, into);
      return;
    }
    this.scan(this.outboundByRemote.get(flowRemote(flow)), flow, expire, into);
    if (this.outboundWide.size > 0) this.scan([...this.outboundWide], flow, expire, into);
  }

  private scan(
    list: readonly SaState[] | undefined,
    flow: PacketFlow,
    expire: (s: SaState) => boolean,
    into: Bundle,
  ): void {
    if (list === undefined) return;
    // newest first; an expiry removes from `list`, so walk a stable index downward
    for (let k = list.length - 1; k >= 0; k--) {
      const s = list[k];
      if (s === undefined || !selectorMatches(s.selector, flow, 'outbound')) continue;
      if (expire(s)) continue;
      if (s.protocol === 'esp') {
        if (into.esp === undefined || into.esp.order < s.order) into.esp = s;
      } else if (into.ah === undefined || into.ah.order < s.order) into.ah = s;
    }
  }

  /** Inbound SAs, then outbound, each in install order (what `show` lists). */
  all(): SaState[] {
    const inbound = [...this.inbound.values()].flat().sort((a, b) => a.order - b.order);
    const outbound = [...this.outboundByPeer.values()].flat().sort((a, b) => a.order - b.order);
    return [...inbound, ...outbound];
  }
}

function bundleGroup(s: SaState): string {
  return `${s.sa.source}|${boxKey(s.selector)}`;
}
