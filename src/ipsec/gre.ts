// GRE tunnel interfaces (RFC 2784 with checksums; keys and sequence numbers of RFC 2890), sans-I/O like the
// rest of the data plane. `encapsulate` turns a packet routed to `interface TunnelN` into an
// IPv4 GRE packet from the tunnel source to its destination; the gateway hands that to the
// SPD, so the crypto map entry whose ACL permits the GRE packet protects it (the chapter's
// `permit gre host A host B`, transport mode). `decapsulate` takes a GRE packet addressed to
// us (after ESP, or in the clear when policy lets it) and returns the inner packet for the
// tunnel interface.
//
// Keepalives are the IOS kind (no RFC): every period the router sends, inside its GRE packet
// to the far end, an IPv4 GRE packet from the far end back to itself carrying protocol type
// 0. The far end decapsulates it as any packet and routes the inner one back, so the answer
// proves the whole path, crypto included. `retries` periods without an answer put the line
// protocol down; the first answer puts it up again.

import { ipv4FromText } from '../packet/address.js';
import { internetChecksum } from '../packet/checksum.js';
import { PacketError } from '../packet/errors.js';
import { fragmentIpv4 } from '../packet/fragment.js';
import { ETHERTYPE_IPV4, ETHERTYPE_IPV6, IPPROTO_GRE, buildGre, parseGre } from '../packet/gre.js';
import { IPV6_MIN_MTU } from '../packet/fragment6.js';
import { buildFragmentationNeeded, buildPacketTooBig, IPPROTO_ICMP, IPPROTO_ICMPV6 } from '../packet/icmp.js';
import { buildIpv4, parseIpv4 } from '../packet/ipv4.js';
import { writeIpv6Header } from '../packet/ipv6.js';
import { clampTcpMss } from '../packet/tcpMss.js';

/** Outer IPv4 header plus the 4-byte GRE header: IOS's tunnel MTU is 1500 - 24 = 1476. */
export const GRE_IPV4_OVERHEAD = 24;
/** IOS keepalive and data packets leave with TTL 255. */
const TUNNEL_TTL = 255;
/** The protocol type of an IOS keepalive's inner GRE header. */
const KEEPALIVE_PROTOCOL = 0;

export interface GreTunnelSpec {
  /** The interface name, `Tunnel0`. */
  readonly name: string;
  /** Tunnel source and destination, IPv4 text. */
  readonly source: string;
  readonly destination: string;
  /** `ip address` of the tunnel interface, the source of ICMP errors it sends. */
  readonly address?: string;
  /** RFC 2890 §2.1 key sent and required on receipt. */
  readonly key?: number;
  /** `tunnel sequence-datagrams`: RFC 2890 §2.2 sequence numbers sent; required, and in order, on receipt. */
  readonly sequenceDatagrams?: boolean;
  /** `tunnel checksum`: RFC 2784 §2.5 checksums sent and required on receipt. */
  readonly checksum?: boolean;
  readonly keepalive?: { readonly period: number; readonly retries: number };
  /** Largest inner packet (`ip mtu`, or what fits the path after GRE and ESP). */
  readonly mtu: number;
  readonly tcpAdjustMss?: number;
  readonly shutdown?: boolean;
}

export type GreAction =
  /** An outer IPv4 GRE packet for the SPD and the wire. */
  | { readonly kind: 'transmit'; readonly tunnel: string; readonly packet: Uint8Array }
  /** An inner packet out of the tunnel interface. */
  | { readonly kind: 'deliver'; readonly tunnel: string; readonly packet: Uint8Array }
  /** An ICMP error for the sender of an inner packet (back into the tunnel interface's side). */
  | { readonly kind: 'icmp'; readonly tunnel: string; readonly packet: Uint8Array }
  | {
      readonly kind: 'lineProtocol';
      readonly tunnel: string;
      readonly up: boolean;
      readonly reason: string;
    }
  | { readonly kind: 'drop'; readonly tunnel?: string; readonly reason: string };

export interface GreCounters {
  packetsIn: number;
  bytesIn: number;
  packetsOut: number;
  bytesOut: number;
  drops: number;
  keepalivesSent: number;
  keepalivesAnswered: number;
  /** RFC 2890 §2.2: packets whose sequence number was not above the last one seen. */
  outOfOrder: number;
}

export interface GreTunnelView {
  readonly spec: GreTunnelSpec;
  readonly lineProtocolUp: boolean;
  /** Seconds of the last line-protocol change (undefined: never changed). */
  readonly changedAt: number | undefined;
  readonly lastInput: number | undefined;
  readonly lastOutput: number | undefined;
  /** Keepalives sent since the last answer. */
  readonly unanswered: number;
  readonly counters: Readonly<GreCounters>;
}

interface TunnelState {
  readonly spec: GreTunnelSpec;
  readonly source: Uint8Array;
  readonly destination: Uint8Array;
  up: boolean;
  changedAt: number | undefined;
  lastInput: number | undefined;
  lastOutput: number | undefined;
  unanswered: number;
  nextKeepalive: number | undefined;
  lastSequence: number | undefined;
  /** The next sequence number we send (RFC 2890 §2.2: the first datagram carries 0). */
  nextSequence: number;
  readonly counters: GreCounters;
}

export class GreTunnels {
  private readonly tunnels: TunnelState[];
  private identification = 0;

  constructor(specs: readonly GreTunnelSpec[], now: number) {
    this.tunnels = specs.map((spec) => ({
      spec,
      source: ipv4FromText(spec.source),
      destination: ipv4FromText(spec.destination),
      // IOS: up once source and destination are known; keepalives may take it down
      up: spec.shutdown !== true,
      changedAt: undefined,
      lastInput: undefined,
      lastOutput: undefined,
      unanswered: 0,
      nextKeepalive: spec.keepalive !== undefined && spec.shutdown !== true ? now : undefined,
      lastSequence: undefined,
      nextSequence: 0,
      counters: {
        packetsIn: 0,
        bytesIn: 0,
        packetsOut: 0,
        bytesOut: 0,
        drops: 0,
        keepalivesSent: 0,
        keepalivesAnswered: 0,
        outOfOrder: 0,
      },
    }));
  }

  get names(): string[] {
    return this.tunnels.map((t) => t.spec.name);
  }

  isUp(name: string): boolean {
    return this.find(name)?.up === true;
  }

  private find(name: string): TunnelState | undefined {
    const lower = name.toLowerCase();
    return this.tunnels.find((t) => t.spec.name.toLowerCase() === lower);
  }

  /** A packet routed to tunnel interface `name`. */
  encapsulate(name: string, inner: Uint8Array, now: number): GreAction[] {
    const t = this.find(name);
    if (t === undefined) return [{ kind: 'drop', reason: `no tunnel interface ${name}` }];
    if (!t.up) return [this.dropOn(t, 'line protocol down')];
    const version = inner.length > 0 ? inner[0]! >> 4 : 0;
    if (version !== 4 && version !== 6) return [this.dropOn(t, 'not an IP packet')];
    if (version === 4 && t.spec.tcpAdjustMss !== undefined) {
      inner = Uint8Array.from(inner);
      clampTcpMss(inner, t.spec.tcpAdjustMss);
    }
    if (inner.length <= t.spec.mtu) return [this.transmit(t, inner, version, now)];
    if (version === 6) {
      // RFC 8200 §5: IPv6 is not fragmented on the way; its sender hears Packet Too Big, with
      // at least 1280 (RFC 2473 §7.1: a tunnel below that carries up to 1280 anyway).
      const reported = Math.max(t.spec.mtu, IPV6_MIN_MTU);
      if (inner.length <= reported) return [this.transmit(t, inner, version, now)];
      return [this.packetTooBig(t, inner, reported), this.dropOn(t, 'too big for the tunnel MTU')];
    }
    const h = parseIpv4(inner);
    if (h.dontFragment) return [this.fragmentationNeeded(t, inner), this.dropOn(t, 'too big, DF set')];
    // IOS fragments the inner packet when DF is clear; each fragment is its own GRE packet
    return fragmentIpv4(inner, t.spec.mtu).map((f) => this.transmit(t, f, 4, now));
  }

  private transmit(t: TunnelState, inner: Uint8Array, version: number, now: number): GreAction {
    const gre = buildGre(version === 4 ? ETHERTYPE_IPV4 : ETHERTYPE_IPV6, inner, this.greOptions(t));
    // ToS/traffic class and DF travel outside, so DSCP and PMTU behave as without the tunnel
    const tos = version === 4 ? inner[1]! : ((inner[0]! & 0x0f) << 4) | (inner[1]! >> 4);
    const df = version === 4 && (inner[6]! & 0x40) !== 0;
    const packet = this.outer(t.source, t.destination, gre, tos, df);
    t.counters.packetsOut++;
    t.counters.bytesOut += inner.length;
    t.lastOutput = now;
    return { kind: 'transmit', tunnel: t.spec.name, packet };
  }

  /** What our GRE headers carry on `t`: key, sequence number (one more each datagram), checksum. */
  private greOptions(t: TunnelState): { key?: number; sequence?: number; checksum?: boolean } {
    const options: { key?: number; sequence?: number; checksum?: boolean } = {};
    if (t.spec.key !== undefined) options.key = t.spec.key;
    if (t.spec.sequenceDatagrams === true) {
      options.sequence = t.nextSequence;
      t.nextSequence = (t.nextSequence + 1) >>> 0;
    }
    if (t.spec.checksum === true) options.checksum = true;
    return options;
  }

  private outer(
    source: Uint8Array,
    destination: Uint8Array,
    gre: Uint8Array,
    tos = 0,
    df = false,
  ): Uint8Array {
    this.identification = (this.identification + 1) & 0xffff;
    return buildIpv4(
      {
        protocol: IPPROTO_GRE,
        source,
        destination,
        ttl: TUNNEL_TTL,
        tos,
        dontFragment: df,
        identification: this.identification,
      },
      gre,
    );
  }

  private fragmentationNeeded(t: TunnelState, inner: Uint8Array): GreAction {
    const icmp = buildFragmentationNeeded(inner, t.spec.mtu);
    const from = t.spec.address !== undefined ? ipv4FromText(t.spec.address) : t.source;
    const packet = buildIpv4(
      { protocol: IPPROTO_ICMP, source: from, destination: inner.subarray(12, 16), ttl: 64 },
      icmp,
    );
    return { kind: 'icmp', tunnel: t.spec.name, packet };
  }

  /** RFC 4443 §3.2 to the inner sender, from the address it sent to (the tunnel has no IPv6 one). */
  private packetTooBig(t: TunnelState, inner: Uint8Array, mtu: number): GreAction {
    const source = inner.subarray(24, 40);
    const destination = inner.subarray(8, 24);
    const icmp = buildPacketTooBig(source, destination, inner, mtu);
    const packet = new Uint8Array(40 + icmp.length);
    writeIpv6Header(
      packet,
      0,
      { nextHeader: IPPROTO_ICMPV6, source, destination, hopLimit: 64 },
      icmp.length,
    );
    packet.set(icmp, 40);
    return { kind: 'icmp', tunnel: t.spec.name, packet };
  }

  /** The tunnel an outer IPv4 GRE packet belongs to: (far end, us) and the same key. */
  private owner(outer: Uint8Array, key: number | undefined): TunnelState | undefined {
    return this.tunnels.find(
      (t) => sameAddress(outer, 12, t.destination) && sameAddress(outer, 16, t.source) && t.spec.key === key,
    );
  }

  /** Whether `packet` is an IPv4 GRE packet from one of our tunnel destinations to its source. */
  claims(packet: Uint8Array): boolean {
    if (packet.length < 20 || packet[0]! >> 4 !== 4 || packet[9] !== IPPROTO_GRE) return false;
    return this.tunnels.some(
      (t) => sameAddress(packet, 12, t.destination) && sameAddress(packet, 16, t.source),
    );
  }

  /** Whether `packet` is an IPv4 GRE packet from one of our tunnel sources to its destination. */
  sends(packet: Uint8Array): boolean {
    if (packet.length < 20 || packet[0]! >> 4 !== 4 || packet[9] !== IPPROTO_GRE) return false;
    return this.tunnels.some(
      (t) => sameAddress(packet, 12, t.source) && sameAddress(packet, 16, t.destination),
    );
  }

  /** A GRE packet for one of our tunnels (already decrypted when it came in ESP). */
  decapsulate(outer: Uint8Array, now: number): GreAction[] {
    let gre: ReturnType<typeof parseGre>;
    let payload: Uint8Array;
    try {
      const h = parseIpv4(outer);
      if (h.protocol !== IPPROTO_GRE) return [{ kind: 'drop', reason: 'not GRE' }];
      if (h.moreFragments || h.fragmentOffset !== 0) return [{ kind: 'drop', reason: 'GRE fragment' }];
      payload = h.payload;
      gre = parseGre(payload);
    } catch (e) {
      if (e instanceof PacketError) return [{ kind: 'drop', reason: `malformed GRE: ${e.message}` }];
      throw e;
    }
    const t = this.owner(outer, gre.key);
    if (t === undefined) {
      // RFC 2890 §2.1: a key that does not match the tunnel's is discarded
      return [
        {
          kind: 'drop',
          reason: gre.key === undefined ? 'no tunnel for this GRE packet' : 'GRE key mismatch',
        },
      ];
    }
    // RFC 2784 §2.5: the checksum covers the GRE header and payload
    if (gre.checksum !== undefined && internetChecksum(payload) !== 0)
      return [this.dropOn(t, 'bad GRE checksum')];
    // The answer to our own keepalive is the inner header we built: it carries no options.
    const ownKeepalive = gre.protocolType === KEEPALIVE_PROTOCOL;
    if (t.spec.checksum === true && gre.checksum === undefined && !ownKeepalive)
      return [this.dropOn(t, 'no GRE checksum (tunnel checksum)')];
    if (gre.sequence !== undefined) {
      // RFC 2890 §2.2, serial number arithmetic: a number not after the last one received is
      // out of sequence. With `tunnel sequence-datagrams` it is dropped, as IOS does; without,
      // it is delivered and counted.
      const late = t.lastSequence !== undefined && ((gre.sequence - t.lastSequence) | 0) <= 0;
      if (late) t.counters.outOfOrder++;
      else t.lastSequence = gre.sequence;
      if (late && t.spec.sequenceDatagrams === true) return [this.dropOn(t, 'GRE datagram out of sequence')];
    } else if (t.spec.sequenceDatagrams === true && !ownKeepalive) {
      return [this.dropOn(t, 'no GRE sequence number (tunnel sequence-datagrams)')];
    }
    t.lastInput = now;
    if (gre.protocolType === KEEPALIVE_PROTOCOL) return this.keepaliveAnswered(t, now);
    const inner = gre.payload;
    if (gre.protocolType === ETHERTYPE_IPV4) {
      if (inner.length < 20 || inner[0]! >> 4 !== 4) return [this.dropOn(t, 'malformed inner IPv4')];
      // A keepalive of the far end: a GRE packet from us to it, routed straight back.
      if (
        inner[9] === IPPROTO_GRE &&
        sameAddress(inner, 12, t.source) &&
        sameAddress(inner, 16, t.destination)
      ) {
        const total = (inner[2]! << 8) | inner[3]!;
        if (total < 20 || total > inner.length) return [this.dropOn(t, 'malformed keepalive')];
        return [{ kind: 'transmit', tunnel: t.spec.name, packet: Uint8Array.from(inner.subarray(0, total)) }];
      }
    } else if (gre.protocolType === ETHERTYPE_IPV6) {
      if (inner.length < 40 || inner[0]! >> 4 !== 6) return [this.dropOn(t, 'malformed inner IPv6')];
    } else {
      return [
        this.dropOn(t, `GRE protocol type 0x${gre.protocolType.toString(16).padStart(4, '0')} not carried`),
      ];
    }
    if (!t.up) return [this.dropOn(t, 'line protocol down')];
    let packet = Uint8Array.from(inner);
    if (gre.protocolType === ETHERTYPE_IPV4 && t.spec.tcpAdjustMss !== undefined)
      clampTcpMss(packet, t.spec.tcpAdjustMss);
    if (gre.protocolType === ETHERTYPE_IPV4) packet = packet.subarray(0, (packet[2]! << 8) | packet[3]!);
    t.counters.packetsIn++;
    t.counters.bytesIn += packet.length;
    return [{ kind: 'deliver', tunnel: t.spec.name, packet }];
  }

  private keepaliveAnswered(t: TunnelState, now: number): GreAction[] {
    t.counters.keepalivesAnswered++;
    t.unanswered = 0;
    if (t.up || t.spec.shutdown === true) return [];
    t.up = true;
    t.changedAt = now;
    return [{ kind: 'lineProtocol', tunnel: t.spec.name, up: true, reason: 'keepalive answered' }];
  }

  /** Keepalives that are due, and line protocols that went down. */
  tick(now: number): GreAction[] {
    const out: GreAction[] = [];
    for (const t of this.tunnels) {
      const ka = t.spec.keepalive;
      if (ka === undefined || t.nextKeepalive === undefined || now < t.nextKeepalive) continue;
      if (t.up && t.unanswered >= ka.retries) {
        t.up = false;
        t.changedAt = now;
        out.push({
          kind: 'lineProtocol',
          tunnel: t.spec.name,
          up: false,
          reason: `${t.unanswered} keepalives unanswered`,
        });
      }
      out.push({ kind: 'transmit', tunnel: t.spec.name, packet: this.keepalive(t) });
      t.unanswered++;
      t.counters.keepalivesSent++;
      t.nextKeepalive = now + ka.period;
    }
    return out;
  }

  private keepalive(t: TunnelState): Uint8Array {
    // The answer comes back with the inner header as we wrote it: with our key, so that it is
    // ours, and without a sequence number or checksum (it is not a datagram of the far end).
    const key = t.spec.key !== undefined ? { key: t.spec.key } : {};
    const reply = this.outer(t.destination, t.source, buildGre(KEEPALIVE_PROTOCOL, new Uint8Array(0), key));
    return this.outer(t.source, t.destination, buildGre(ETHERTYPE_IPV4, reply, this.greOptions(t)));
  }

  nextDeadline(): number | undefined {
    let next: number | undefined;
    for (const t of this.tunnels) {
      if (t.nextKeepalive !== undefined && (next === undefined || t.nextKeepalive < next))
        next = t.nextKeepalive;
    }
    return next;
  }

  views(): GreTunnelView[] {
    return this.tunnels.map((t) => ({
      spec: t.spec,
      lineProtocolUp: t.up,
      changedAt: t.changedAt,
      lastInput: t.lastInput,
      lastOutput: t.lastOutput,
      unanswered: t.unanswered,
      counters: { ...t.counters },
    }));
  }

  private dropOn(t: TunnelState, reason: string): GreAction {
    t.counters.drops++;
    return { kind: 'drop', tunnel: t.spec.name, reason };
  }
}

function sameAddress(packet: Uint8Array, offset: number, address: Uint8Array): boolean {
  return (
    packet[offset] === address[0] &&
    packet[offset + 1] === address[1] &&
    packet[offset + 2] === address[2] &&
    packet[offset + 3] === address[3]
  );
}
