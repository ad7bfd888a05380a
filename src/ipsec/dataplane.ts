// The data plane of one router: SPD + SAD + ESP/AH processing, as a sans-I/O object.
// `outbound(packet, now)` takes a cleartext IP packet from the inside, `inbound(packet, now)`
// an IP packet from the outside (ESP, AH, UDP 4500, fragments, or cleartext); both return
// actions for the gateway. Time (`now`, seconds as the project's Clock gives them) and
// randomness are passed in.
//
// Fragmentation: when a packet is too big for the path after encapsulation and its DF bit
// is clear, it is encapsulated whole and the *outer* packet is fragmented (RFC 4301 §8.1,
// post-encryption fragmentation): the SA then always sees complete inner packets, so its
// selectors (ports!) stay simple and no per-SA fragment state is needed; the peer
// reassembles before ESP processing, as `inbound` does here. An IPv6 outer packet is
// fragmented the same way, with a Fragment header (RFC 8200 §4.5) and a random
// identification; an inner IPv6 packet is never fragmented on its behalf: it gets an ICMPv6
// Packet Too Big instead (RFC 8200 §5; RFC 2473 §7.1 for tunnel MTUs below 1280).

import { addressFromText, addressToText } from '../packet/address.js';
import { PacketError } from '../packet/errors.js';
import { packetFlow, type PacketFlow } from '../packet/flow.js';
import {
  DEFAULT_REASSEMBLY_LIMITS,
  fragmentIpv4,
  Ipv4Reassembler,
  type ReassemblyLimits,
} from '../packet/fragment.js';
import { findIpv6Fragment, fragmentIpv6, IPV6_MIN_MTU, Ipv6Reassembler } from '../packet/fragment6.js';
import { buildFragmentationNeeded, buildPacketTooBig, IPPROTO_ICMP, IPPROTO_ICMPV6 } from '../packet/icmp.js';
import { IPV4_FLAG_MF, parseIpv4, setIpv4Checksum, writeIpv4Header } from '../packet/ipv4.js';
import { ipv6UpperLayer, writeIpv6Header } from '../packet/ipv6.js';
import { IPPROTO_UDP, parseUdp, writeUdpHeader } from '../packet/udp.js';
import type { IpsecSa } from '../policy/sa.js';
import type { DataPlaneAction, DropReason, OuterAddressing } from './actions.js';
import { ahLength, ahOpen, ahProtect, IPPROTO_AH, parseAh } from './ah.js';
import type { SaCounters } from './counters.js';
import {
  ESP_HEADER_LENGTH,
  espLength,
  espMinLength,
  espFrame,
  espOpen,
  espSeal,
  espTrailer,
  IPPROTO_ESP,
  type EspOpenResult,
  maxEspPayload,
  NEXT_HEADER_NONE,
  readU32,
} from './esp.js';
import { IPPROTO_IPCOMP, ipcompInput, ipcompOutput } from './ipcomp.js';
import { classifyUdp4500, fixTransportChecksum, NAT_T_PORT } from './natt.js';
import { defaultRng, fillRandom, type Rng } from './rng.js';
import { SaState, type ExpiryReason, type InstallOptions } from './sa-state.js';
import { selectorMatches, selectorsEqual } from '../policy/selector.js';
import { Spd, type SpdRule } from './spd.js';
import { LifetimeHeap } from './lifetimeHeap.js';
import { Sad, type Bundle } from './sad.js';
import {
  nativeEspContext,
  OPEN_FIELDS,
  OPEN_INTEGRITY,
  OPEN_OK,
  SEAL_FIELDS,
  type EspBatchCrypto,
} from './espCrypto.js';
import { iosTransformName } from './transform.js';
import type { TrafficSelector } from '../policy/model.js';

const IPPROTO_IPIP = 4;
const IPPROTO_IPV6 = 41;

export interface DataPlaneOptions {
  readonly rng?: Rng;
  readonly spd?: Spd;
  /** What happens to packets no SPD rule matches (IOS: they go out in the clear). */
  readonly defaultPolicy?: 'bypass' | 'discard';
  /** Anti-replay window for inbound SAs (default 64; up to 4096). */
  readonly replayWindow?: number;
  readonly softLifetimeFraction?: number;
  /** Outer path MTU when none was set per peer (default 1500). */
  readonly mtu?: number;
  /** After an acquire, further packets of the same rule do not re-acquire for this many seconds. */
  readonly acquireHoldSeconds?: number;
  readonly reassembly?: ReassemblyLimits;
  /** Native batched ESP crypto (the addon); without it every SA uses the reference path. */
  readonly espCrypto?: EspBatchCrypto;
}

/** Most bytes ESP tunnel mode adds to a packet: IPv6 + UDP + ESP header, IV, padding and
 * trailer, ICV (room reserved per packet in a batch's arena). */
const MAX_OVERHEAD = 40 + 8 + 8 + 16 + 17 + 32;

/** An outbound batch: packets are framed into one arena and sealed per SA at the end. */
interface SealBatch {
  readonly arena: Buffer;
  at: number;
  readonly pending: { s: SaState; offset: number; ctLength: number; seqHigh: number }[];
}

/** A packet of an inbound batch decrypted ahead of its sequential processing. */
interface Preopened {
  readonly s: SaState;
  readonly seq: number;
  readonly esp: Uint8Array;
  readonly plaintext: Uint8Array;
  status: number;
}

/** What `listSas` reports (no key material). */
export interface SaStatus {
  readonly spi: number;
  readonly protocol: 'esp' | 'ah';
  readonly direction: 'inbound' | 'outbound';
  readonly mode: 'tunnel' | 'transport';
  readonly source: string;
  readonly destination: string;
  readonly selector: TrafficSelector;
  /** IOS transform text, e.g. "esp-3des esp-md5-hmac". */
  readonly transform: string;
  readonly ivSize: number;
  readonly counters: SaCounters;
  readonly remaining: { readonly kilobytes: number; readonly seconds: number };
  readonly replayWindow: number;
  readonly extendedSequenceNumbers: boolean;
  readonly udpEncapsulated: boolean;
  /** Outbound: last sequence number sent; inbound: highest received. */
  readonly sequence: number;
  readonly pathMtu: number;
  readonly installedAt: number;
  readonly cryptoMap?: string;
  readonly transformSet?: string;
  readonly pfsGroup?: number;
}

interface Outer {
  readonly family: 4 | 6;
  readonly source: Uint8Array;
  readonly destination: Uint8Array;
  /** The received outer IP header (transport mode rebuilds around it). */
  readonly header?: Uint8Array;
  readonly viaAh: boolean;
  readonly udp: boolean;
}

/** The IP header ESP/AH transport mode keeps (IPv4 with options; IPv6 through routing). */
function innerHeaderLength(packet: Uint8Array): number {
  return packet[0]! >> 4 === 4 ? (packet[0]! & 0x0f) * 4 : ipv6UpperLayer(packet, true).offset;
}

export class DataPlane {
  private spd: Spd;
  private readonly rng: Rng;
  private readonly defaultPolicy: 'bypass' | 'discard';
  private readonly replayWindow: number | undefined;
  private readonly softLifetimeFraction: number | undefined;
  private readonly mtu: number;
  private readonly acquireHoldSeconds: number;
  private readonly sad = new Sad();
  private readonly lifetimes = new LifetimeHeap<SaState>();
  private installed = 0;
  private lastTick = 0;
  /** Reused by every outbound lookup (no object per packet). */
  private readonly bundle: Bundle = { esp: undefined, ah: undefined };
  private readonly acquireHold = new Map<number, number>();
  private readonly pathMtus = new Map<string, number>();
  private readonly reassembler: Ipv4Reassembler;
  private readonly reassembler6: Ipv6Reassembler;
  private ipId = 0;
  private readonly dropCounts = new Map<DropReason, number>();
  private readonly espCrypto: EspBatchCrypto | undefined;
  private sealBatch: SealBatch | undefined;
  private preopened: (Preopened | undefined)[] | undefined;
  private batchIndex = -1;
  private descriptors = new Uint32Array(64 * OPEN_FIELDS);

  constructor(options: DataPlaneOptions = {}) {
    this.spd = options.spd ?? Spd.fromRules([]);
    this.rng = options.rng ?? defaultRng;
    this.defaultPolicy = options.defaultPolicy ?? 'bypass';
    this.replayWindow = options.replayWindow;
    this.softLifetimeFraction = options.softLifetimeFraction;
    this.mtu = options.mtu ?? 1500;
    this.acquireHoldSeconds = options.acquireHoldSeconds ?? 1;
    this.reassembler = new Ipv4Reassembler(options.reassembly ?? DEFAULT_REASSEMBLY_LIMITS);
    this.reassembler6 = new Ipv6Reassembler(options.reassembly ?? DEFAULT_REASSEMBLY_LIMITS);
    this.espCrypto = options.espCrypto;
  }

  // ------------------------------------------------------------------ configuration

  setSpd(spd: Spd): void {
    this.spd = spd;
    this.acquireHold.clear();
  }

  /** Path MTU toward an outer destination (e.g. learnt from ICMP); 0 forgets it. */
  setPathMtu(destination: string, mtu: number): void {
    if (mtu > 0) this.pathMtus.set(destination, mtu);
    else this.pathMtus.delete(destination);
  }

  /** Installs one SA (replacing one with the same SPI, protocol and destination). Throws
   * SaParameterError for inconsistent keys/algorithms. */
  installSa(sa: IpsecSa, now: number, options: InstallOptions = {}): void {
    const state = new SaState(sa, now, {
      replayWindow: options.replayWindow ?? this.replayWindow,
      softLifetimeFraction: options.softLifetimeFraction ?? this.softLifetimeFraction,
      initialSequence: options.initialSequence,
    });
    this.removeSa(sa.spi, sa.protocol, sa.destination);
    if (this.espCrypto !== undefined && state.cipher !== undefined)
      state.native = nativeEspContext(
        this.espCrypto,
        state.cipher,
        state.integrity,
        sa.direction === 'outbound',
      );
    this.sad.add(state);
    this.installed++;
    if (sa.direction === 'outbound') this.acquireHold.clear();
    this.lifetimes.push(state.softDeadline, state, 'soft');
    this.lifetimes.push(state.hardDeadline, state, 'hard');
    // entries of SAs removed before their deadline leave with their deadline; compact when
    // explicit removals (rekeys, DELETEs) made them the majority
    if (this.lifetimes.size > 4 * this.installed + 256) this.lifetimes.compact((s) => s.expired);
  }

  /** Removes an SA and zeroes its keys; false when there was none. */
  removeSa(spi: number, protocol: 'esp' | 'ah', destination: string): boolean {
    const s = this.sad.find(spi, protocol, destination);
    if (s === undefined) return false;
    this.removeState(s);
    return true;
  }

  private removeState(s: SaState): void {
    this.sad.remove(s);
    if (s.native !== undefined) this.espCrypto?.espFree(s.native);
    s.wipe();
    this.installed--;
  }

  counters(spi: number, protocol: 'esp' | 'ah', destination: string): SaCounters | undefined {
    const s = this.find(spi, protocol, destination);
    return s === undefined ? undefined : { ...s.counters };
  }

  /** Drops not attributable to an SA (unknown SPI, malformed, policy), by reason. */
  dropStatistics(): Partial<Record<DropReason, number>> {
    return Object.fromEntries(this.dropCounts);
  }

  listSas(now: number): SaStatus[] {
    return this.sad.all().map((s) => this.status(s, now));
  }

  private status(s: SaState, now: number): SaStatus {
    const sa = s.sa;
    const base = {
      spi: s.spi,
      protocol: s.protocol,
      direction: s.direction,
      mode: sa.mode,
      source: sa.source,
      destination: sa.destination,
      selector: sa.selector,
      transform: iosTransformName(sa),
      ivSize: s.cipher?.ivLength ?? 0,
      counters: { ...s.counters },
      remaining: s.remaining(now),
      replayWindow: s.replay?.size ?? 0,
      extendedSequenceNumbers: s.esn,
      udpEncapsulated: sa.udpEncapsulation !== undefined,
      sequence: s.direction === 'outbound' ? s.nextSequence - 1 : (s.replay?.highest ?? 0),
      pathMtu: this.pathMtus.get(sa.direction === 'outbound' ? sa.destination : sa.source) ?? this.mtu,
      installedAt: s.installedAt,
    };
    return {
      ...base,
      ...(sa.cryptoMap !== undefined ? { cryptoMap: sa.cryptoMap } : {}),
      ...(sa.transformSet !== undefined ? { transformSet: sa.transformSet } : {}),
      ...(sa.pfsGroup !== undefined ? { pfsGroup: sa.pfsGroup } : {}),
    };
  }

  private find(spi: number, protocol: 'esp' | 'ah', destination: string): SaState | undefined {
    return this.sad.find(spi, protocol, destination);
  }

  // ------------------------------------------------------------------ timers

  /** Lifetime deadlines that are due: rekey requests (soft) and removals (hard), and
   * reassembly timeouts. Call at `nextDeadline()`. */
  tick(now: number): DataPlaneAction[] {
    const actions: DataPlaneAction[] = [];
    for (let d = this.lifetimes.popDue(now); d !== undefined; d = this.lifetimes.popDue(now)) {
      const s = d.item;
      if (s.expired) continue;
      const hard = s.hardDue(now);
      if (hard !== undefined) this.expire(s, hard, actions);
      else if (d.kind === 'soft') this.checkSoft(s, now, actions);
    }
    this.reassembler.expire(now);
    this.reassembler6.expire(now);
    this.lastTick = now;
    return actions;
  }

  /** When `tick` has something to do: the earliest lifetime, or a second after the last
   * tick while fragments wait for reassembly; undefined when nothing is pending. */
  nextDeadline(): number | undefined {
    const sa = this.lifetimes.peek((s) => s.expired);
    const fragments = this.reassembler.size + this.reassembler6.size > 0 ? this.lastTick + 1 : undefined;
    if (sa === undefined) return fragments;
    return fragments === undefined ? sa : Math.min(sa, fragments);
  }

  private expire(s: SaState, reason: ExpiryReason, actions: DataPlaneAction[]): void {
    if (!s.expired) this.removeState(s);
    actions.push({ kind: 'expired', sa: s.sa, reason });
  }

  /** After the traffic of a packet: a kilobyte lifetime used up expires at the next tick,
   * even when no further packet comes to find it. */
  private accounted(s: SaState, now: number): void {
    if (!s.hardQueued && s.bytesExhausted) {
      s.hardQueued = true;
      this.lifetimes.push(now, s, 'hard');
    }
  }

  private checkSoft(s: SaState, now: number, actions: DataPlaneAction[]): void {
    const soft = s.softDue(now);
    if (soft === undefined) return;
    s.softSignalled = true;
    actions.push({ kind: 'rekey', sa: s.sa, reason: soft });
  }

  /** An SPI not in the SAD: counted as a drop, with the sender for INVALID-SPI recovery. */
  private unknownSpi(spi: number, protocol: 'esp' | 'ah', source: Uint8Array): DataPlaneAction {
    this.dropCounts.set('unknown-spi', (this.dropCounts.get('unknown-spi') ?? 0) + 1);
    return {
      kind: 'drop',
      reason: 'unknown-spi',
      spi,
      unknownSpi: { peer: addressToText(source), protocol },
    };
  }

  private drop(reason: DropReason, spi?: number, detail?: string): DataPlaneAction {
    this.dropCounts.set(reason, (this.dropCounts.get(reason) ?? 0) + 1);
    return {
      kind: 'drop',
      reason,
      ...(spi !== undefined ? { spi } : {}),
      ...(detail !== undefined ? { detail } : {}),
    };
  }

  // ------------------------------------------------------------------ outbound

  /** A cleartext IP packet from the inside. */
  outbound(packet: Uint8Array, now: number): DataPlaneAction[] {
    packet = plainView(packet);
    let flow: PacketFlow;
    try {
      flow = packetFlow(packet);
    } catch {
      return [this.drop('malformed')];
    }
    // the IP length field is what is protected: shorter is malformed, longer is link padding
    const declared =
      flow.family === 4 ? (packet[2]! << 8) | packet[3]! : 40 + ((packet[4]! << 8) | packet[5]!);
    if (declared > packet.length) return [this.drop('malformed', undefined, 'truncated packet')];
    if (declared < packet.length) packet = packet.subarray(0, declared);
    const match = this.spd.lookup(flow, 'outbound');
    const action = match?.rule.action ?? this.defaultPolicy;
    if (action === 'bypass') return [{ kind: 'bypass', packet }];
    if (action === 'discard' || match === undefined) return [this.drop('policy-discard')];
    const actions: DataPlaneAction[] = [];
    const bundle = this.outboundBundle(flow, match.rule, now, actions);
    if (bundle === undefined) {
      const until = this.acquireHold.get(match.index) ?? -Infinity;
      if (now >= until) {
        this.acquireHold.set(match.index, now + this.acquireHoldSeconds);
        actions.push({
          kind: 'acquire',
          selector: match.rule.selector,
          rule: match.rule,
          flow,
          ...(match.rule.peer !== undefined ? { peer: match.rule.peer } : {}),
        });
      }
      actions.push(this.drop('no-sa'));
      return actions;
    }
    try {
      this.encapsulate(packet, bundle, now, actions);
    } catch (e) {
      if (!(e instanceof PacketError)) throw e;
      actions.push(this.drop('malformed', undefined, e.message));
    }
    return actions;
  }

  /** The newest usable SAs for this packet: ESP, and AH when both protect the same traffic. */
  private outboundBundle(
    flow: PacketFlow,
    rule: SpdRule,
    now: number,
    actions: DataPlaneAction[],
  ): Bundle | undefined {
    const bundle = this.bundle;
    this.sad.lookupOutbound(
      flow,
      rule.peer,
      (s) => {
        const hard = s.hardDue(now);
        if (hard === undefined) return false;
        this.expire(s, hard, actions);
        return true;
      },
      bundle,
    );
    const { esp, ah } = bundle;
    if (esp !== undefined && ah !== undefined) {
      if (ah.sa.destination !== esp.sa.destination || !selectorsEqual(ah.sa.selector, esp.sa.selector))
        bundle.ah = undefined;
    }
    return esp === undefined && bundle.ah === undefined ? undefined : bundle;
  }

  private pathMtu(s: SaState): number {
    return this.pathMtus.get(s.sa.destination) ?? this.mtu;
  }

  private encapsulate(packet: Uint8Array, bundle: Bundle, now: number, actions: DataPlaneAction[]): void {
    const primary = (bundle.esp ?? bundle.ah)!;
    const tunnel = primary.sa.mode === 'tunnel';
    const version = packet[0]! >> 4;
    const innerDf = version === 4 && (packet[6]! & 0x40) !== 0;
    const mtu = this.pathMtu(primary);

    // RFC 4301 §8.2.1 / RFC 1191: too big with DF set -> ICMP toward the inner sender.
    // RFC 8200 §5: IPv6 is never fragmented in transit, so an inner IPv6 packet always gets
    // Packet Too Big; RFC 2473 §7.1: below 1280 the tunnel reports 1280 and fragments the
    // outer packet of anything up to 1280 itself.
    const maxInner = this.maxInner(bundle, mtu, tunnel ? 0 : innerHeaderLength(packet));
    const reported = version === 6 ? Math.max(maxInner, IPV6_MIN_MTU) : maxInner;
    if (packet.length > reported && (innerDf || version === 6)) {
      primary.counters.sendErrors++;
      actions.push(this.icmpTooBig(packet, reported, primary), this.drop('too-big', primary.spi));
      return;
    }

    let out: Uint8Array | undefined;
    let transport: OuterAddressing | undefined;
    if (bundle.esp !== undefined) {
      const r = this.espOutput(packet, bundle.esp, tunnel, actions);
      if (r === undefined) return;
      out = r.packet;
      transport = r.transport;
      this.accounted(bundle.esp, now);
    }
    if (bundle.ah !== undefined) {
      this.flushSeals();
      const ah = bundle.ah;
      const seq = ah.takeSequence();
      if (seq < 0) {
        ah.counters.sendErrors++;
        this.expire(ah, 'sequence', actions);
        actions.push(this.drop('sequence-exhausted', ah.spi));
        return;
      }
      const base = out ?? (tunnel ? this.ipInIp(packet, ah) : Uint8Array.from(packet));
      out = ahProtect(ah.integrity, ah.spi, seq, ah.esn, base);
      ah.counters.encaps++;
      ah.counters.digest++;
      ah.counters.bytes += packet.length;
      this.accounted(ah, now);
      const hl = out[0]! >> 4 === 4 ? (out[0]! & 0x0f) * 4 : 40;
      transport = {
        protocol: IPPROTO_AH,
        source: ah.sa.source,
        destination: ah.sa.destination,
        payload: out.subarray(hl),
      };
      this.checkSoft(ah, now, actions);
    }
    if (out === undefined) return;
    if (bundle.esp !== undefined) this.checkSoft(bundle.esp, now, actions);

    if (out.length > mtu) {
      this.flushSeals();
      // post-encryption fragmentation (see the header comment)
      const fragments =
        out[0]! >> 4 === 4 ? fragmentIpv4(out, mtu) : fragmentIpv6(out, mtu, this.fragmentId());
      for (const f of fragments) actions.push({ kind: 'send', packet: f, spi: primary.spi });
      return;
    }
    actions.push({ kind: 'send', packet: out, ...(transport ? { transport } : {}), spi: primary.spi });
  }

  /** The largest packet that fits `mtu` once encapsulated: tunnel mode adds an outer header
   * (innerHeader 0); transport mode keeps the packet's own header of innerHeader bytes. */
  private maxInner(bundle: Bundle, mtu: number, innerHeader: number): number {
    const s = (bundle.esp ?? bundle.ah)!;
    let budget = mtu - (innerHeader > 0 ? innerHeader : s.outerFamily === 4 ? 20 : 40);
    if (bundle.ah !== undefined) budget -= ahLength(bundle.ah.integrity.icvLength, bundle.ah.outerFamily);
    if (bundle.esp === undefined) return budget + innerHeader;
    if (bundle.esp.sa.udpEncapsulation !== undefined) budget -= 8;
    return maxEspPayload(bundle.esp.cipher!, bundle.esp.integrity, budget) + innerHeader;
  }

  private icmpTooBig(packet: Uint8Array, maxInner: number, s: SaState): DataPlaneAction {
    const version = packet[0]! >> 4;
    // the error comes from this gateway: its outer address when the families agree
    if (version === 4) {
      const src = s.outerFamily === 4 ? s.outerSource : packet.subarray(16, 20);
      const icmp = buildFragmentationNeeded(packet, maxInner);
      const out = new Uint8Array(20 + icmp.length);
      writeIpv4Header(
        out,
        0,
        { protocol: IPPROTO_ICMP, source: src, destination: packet.subarray(12, 16), ttl: 64 },
        icmp.length,
      );
      out.set(icmp, 20);
      return { kind: 'icmp', packet: out, nextHopMtu: maxInner };
    }
    const src = s.outerFamily === 6 ? s.outerSource : packet.subarray(24, 40);
    const dst = packet.subarray(8, 24);
    const icmp = buildPacketTooBig(src, dst, packet, maxInner);
    const out = new Uint8Array(40 + icmp.length);
    writeIpv6Header(
      out,
      0,
      { nextHeader: IPPROTO_ICMPV6, source: src, destination: dst, hopLimit: 64 },
      icmp.length,
    );
    out.set(icmp, 40);
    return { kind: 'icmp', packet: out, nextHopMtu: maxInner };
  }

  /** RFC 7739 §5: IPv6 fragment identifications are unpredictable, drawn from the Rng. */
  private fragmentId(): number {
    const b = new Uint8Array(4);
    fillRandom(this.rng, b);
    return readU32(b, 0);
  }

  private nextIpId(): number {
    this.ipId = (this.ipId + 1) & 0xffff;
    return this.ipId;
  }

  /** Writes an outer IP header for a tunnel; returns its length. */
  private writeOuter(
    out: Uint8Array,
    s: SaState,
    protocol: number,
    payloadLength: number,
    inner: Uint8Array,
  ): number {
    const version = inner[0]! >> 4;
    // RFC 4301 §5.1.2.1: DSCP copied from the inner header (and ECN, RFC 6040 normal mode)
    const tos = version === 4 ? inner[1]! : ((inner[0]! & 0x0f) << 4) | (inner[1]! >> 4);
    if (s.outerFamily === 4) {
      return writeIpv4Header(
        out,
        0,
        {
          tos,
          identification: this.nextIpId(),
          dontFragment: version === 4 && (inner[6]! & 0x40) !== 0,
          ttl: 64,
          protocol,
          source: s.outerSource,
          destination: s.outerDestination,
        },
        payloadLength,
      );
    }
    return writeIpv6Header(
      out,
      0,
      {
        trafficClass: tos,
        nextHeader: protocol,
        source: s.outerSource,
        destination: s.outerDestination,
        hopLimit: 64,
      },
      payloadLength,
    );
  }

  private ipInIp(inner: Uint8Array, s: SaState): Uint8Array {
    const nh = inner[0]! >> 4 === 4 ? IPPROTO_IPIP : IPPROTO_IPV6;
    const hl = s.outerFamily === 4 ? 20 : 40;
    const out = new Uint8Array(hl + inner.length);
    this.writeOuter(out, s, nh, inner.length, inner);
    out.set(inner, hl);
    return out;
  }

  private espOutput(
    packet: Uint8Array,
    s: SaState,
    tunnel: boolean,
    actions: DataPlaneAction[],
  ): { packet: Uint8Array; transport: OuterAddressing } | undefined {
    const seq = s.takeSequence();
    if (seq < 0) {
      s.counters.sendErrors++;
      this.expire(s, 'sequence', actions);
      actions.push(this.drop('sequence-exhausted', s.spi));
      return undefined;
    }
    const c = s.cipher!;
    const encap = s.sa.udpEncapsulation;
    const udpLength = encap !== undefined ? 8 : 0;
    const protocol = encap !== undefined ? IPPROTO_UDP : IPPROTO_ESP;
    let out: Uint8Array;
    let hl: number;
    let payloadBytes: number;
    if (tunnel) {
      const z = ipcompOutput(
        s.sa.ipcomp,
        s.counters,
        packet,
        packet[0]! >> 4 === 4 ? IPPROTO_IPIP : IPPROTO_IPV6,
      );
      const espLen = espLength(c, s.integrity, z.payload.length);
      hl = s.outerFamily === 4 ? 20 : 40;
      out = this.allocOut(hl + udpLength + espLen);
      this.writeOuter(out, s, protocol, udpLength + espLen, packet);
      this.seal(s, seq, z.payload, z.nextHeader, out, hl + udpLength);
      payloadBytes = packet.length;
    } else {
      // transport: ESP goes between the IP header (and IPv6 hop-by-hop/routing) and the payload
      let nh: number;
      let nhAt: number;
      if (packet[0]! >> 4 === 4) {
        const h = parseIpv4(packet);
        hl = h.headerLength;
        nh = h.protocol;
        nhAt = 9;
        packet = packet.subarray(0, h.totalLength);
      } else {
        const u = ipv6UpperLayer(packet, true);
        hl = u.offset;
        nh = u.protocol;
        nhAt = u.nextHeaderOffset;
      }
      const payload = packet.subarray(hl);
      const z = ipcompOutput(s.sa.ipcomp, s.counters, payload, nh);
      const espLen = espLength(c, s.integrity, z.payload.length);
      out = this.allocOut(hl + udpLength + espLen);
      out.set(packet.subarray(0, hl), 0);
      out[nhAt] = protocol;
      if (out[0]! >> 4 === 4) {
        const total = out.length;
        out[2] = total >> 8;
        out[3] = total & 0xff;
        setIpv4Checksum(out);
      } else {
        const pl = out.length - 40;
        out[4] = pl >> 8;
        out[5] = pl & 0xff;
      }
      this.seal(s, seq, z.payload, z.nextHeader, out, hl + udpLength);
      payloadBytes = payload.length;
    }
    if (encap !== undefined) {
      // RFC 3948 §2.1: the UDP checksum of UDP-encapsulated ESP is sent as zero
      writeUdpHeader(out, hl, encap.localPort, encap.remotePort, out.length - hl - 8);
    }
    const counters = s.counters;
    counters.encaps++;
    if (c.mode !== 'null') counters.encrypt++;
    if (s.integrity.hash !== undefined || c.aeadIcvLength > 0) counters.digest++;
    counters.bytes += payloadBytes;
    const transport: OuterAddressing = {
      protocol,
      source: s.sa.source,
      destination: s.sa.destination,
      ...(encap !== undefined ? { sourcePort: encap.localPort, destinationPort: encap.remotePort } : {}),
      payload: out.subarray(hl + udpLength),
    };
    return { packet: out, transport };
  }

  // ------------------------------------------------------------------ native crypto

  /** Outbound packets of one batch: the same actions as `outbound` for each, in order, with
   * the ESP of all of them framed into one buffer and sealed per SA in one native call. */
  outboundBatch(packets: readonly Uint8Array[], now: number): DataPlaneAction[] {
    if (this.espCrypto === undefined) return packets.flatMap((p) => this.outbound(p, now));
    let size = 0;
    for (const p of packets) size += (p.length + MAX_OVERHEAD + 7) & ~7;
    this.sealBatch = { arena: Buffer.allocUnsafe(size), at: 0, pending: [] };
    try {
      const actions: DataPlaneAction[] = [];
      for (const p of packets) for (const a of this.outbound(p, now)) actions.push(a);
      this.flushSeals();
      return actions;
    } finally {
      this.sealBatch = undefined;
    }
  }

  /** Inbound packets of one batch: the same actions as `inbound` for each, in order; the ESP
   * of those whose SA has a native context is decrypted ahead, per SA in one native call,
   * and each packet then goes through the usual sequential checks (replay first). */
  inboundBatch(packets: readonly Uint8Array[], now: number): DataPlaneAction[] {
    if (this.espCrypto === undefined) return packets.flatMap((p) => this.inbound(p, now));
    this.preopen(packets);
    try {
      const actions: DataPlaneAction[] = [];
      for (let k = 0; k < packets.length; k++) {
        this.batchIndex = k;
        for (const a of this.inbound(packets[k]!, now)) actions.push(a);
      }
      return actions;
    } finally {
      this.preopened = undefined;
      this.batchIndex = -1;
    }
  }

  private allocOut(length: number): Uint8Array {
    const b = this.sealBatch;
    if (b === undefined || b.at + length > b.arena.length) return Buffer.allocUnsafe(length);
    const out = b.arena.subarray(b.at, b.at + length);
    b.at += (length + 7) & ~7;
    return out;
  }

  private seal(
    s: SaState,
    seq: number,
    payload: Uint8Array,
    nh: number,
    out: Uint8Array,
    offset: number,
  ): void {
    const c = s.cipher!;
    const handle = s.native;
    if (handle === undefined) {
      espSeal(c, s.integrity, s.spi, seq, s.esn, payload, nh, this.rng, out, offset);
      return;
    }
    const f = espFrame(c, s.integrity, s.spi, seq, payload, nh, this.rng, out, offset);
    const b = this.sealBatch;
    if (b !== undefined && out.buffer === b.arena.buffer) {
      b.pending.push({
        s,
        offset: out.byteOffset - b.arena.byteOffset + offset,
        ctLength: f.ctLength,
        seqHigh: f.seqHigh,
      });
      return;
    }
    const d = this.descriptors;
    d[0] = offset;
    d[1] = f.ctLength;
    d[2] = f.seqHigh;
    d[3] = s.esn ? 1 : 0;
    this.espCrypto!.espSeal(handle, out, d, 1);
  }

  /** Seals what the current batch framed so far: one native call per run of one SA. */
  private flushSeals(): void {
    const b = this.sealBatch;
    if (b === undefined || b.pending.length === 0) return;
    const pending = b.pending;
    for (let start = 0; start < pending.length;) {
      const s = pending[start]!.s;
      let end = start;
      while (end < pending.length && pending[end]!.s === s) end++;
      const d = this.descriptorTable((end - start) * SEAL_FIELDS);
      for (let k = start, at = 0; k < end; k++, at += SEAL_FIELDS) {
        const p = pending[k]!;
        d[at] = p.offset;
        d[at + 1] = p.ctLength;
        d[at + 2] = p.seqHigh;
        d[at + 3] = s.esn ? 1 : 0;
      }
      this.espCrypto!.espSeal(s.native!, b.arena, d, end - start);
      start = end;
    }
    pending.length = 0;
  }

  private descriptorTable(fields: number): Uint32Array {
    if (this.descriptors.length < fields) this.descriptors = new Uint32Array(fields * 2);
    return this.descriptors;
  }

  /** Decrypts ahead the plain ESP of a batch (IPv4 or IPv6 without fragments or AH, or
   * UDP-encapsulated) whose SA is native and whose sequence number the window accepts now. */
  private preopen(packets: readonly Uint8Array[]): void {
    const found: (Preopened | undefined)[] = new Array<Preopened | undefined>(packets.length);
    let outSize = 0;
    const located: { k: number; s: SaState; esp: Uint8Array; seq: number }[] = [];
    for (let k = 0; k < packets.length; k++) {
      const esp = plainEsp(packets[k]!, (port) => this.isEncapPort(port));
      if (esp === undefined) continue;
      const s = this.sad.lookupInbound(readU32(esp, 0), 'esp', espDestination(packets[k]!));
      if (s === undefined || s.native === undefined || s.requiresAh) continue;
      const c = s.cipher!;
      if (esp.length < espMinLength(c, s.integrity)) continue;
      const seq = s.replay!.check(readU32(esp, 4));
      if (seq < 0) continue;
      located.push({ k, s, esp, seq });
      outSize += (esp.length + 7) & ~7;
    }
    if (located.length === 0) return;
    const output = Buffer.allocUnsafe(outSize);
    let outAt = 0;
    for (let start = 0; start < located.length;) {
      const s = located[start]!.s;
      const buffer = located[start]!.esp.buffer;
      let end = start;
      while (end < located.length && located[end]!.s === s && located[end]!.esp.buffer === buffer) end++;
      const d = this.descriptorTable((end - start) * OPEN_FIELDS);
      const icv = s.cipher!.aeadIcvLength + s.integrity.icvLength;
      const header = ESP_HEADER_LENGTH + s.cipher!.ivLength;
      for (let k = start, at = 0; k < end; k++, at += OPEN_FIELDS) {
        const l = located[k]!;
        const ctLength = l.esp.length - header - icv;
        d[at] = l.esp.byteOffset;
        d[at + 1] = l.esp.length;
        d[at + 2] = Math.floor(l.seq / 0x1_0000_0000);
        d[at + 3] = s.esn ? 1 : 0;
        d[at + 4] = outAt;
        d[at + 5] = 2;
        found[l.k] = {
          s,
          seq: l.seq,
          esp: l.esp,
          plaintext: output.subarray(outAt, outAt + ctLength),
          status: 2,
        };
        outAt += (l.esp.length + 7) & ~7;
      }
      this.espCrypto!.espOpen(s.native!, new Uint8Array(buffer), d, end - start, output);
      for (let k = start, at = 0; k < end; k++, at += OPEN_FIELDS) found[located[k]!.k]!.status = d[at + 5]!;
      start = end;
    }
    this.preopened = found;
  }

  /** ICV check and decryption of one ESP packet: ahead-decrypted, native, or reference. */
  private open(s: SaState, esp: Uint8Array, seq: number): EspOpenResult {
    const c = s.cipher!;
    const handle = s.native;
    if (handle === undefined) return espOpen(c, s.integrity, esp, seq, s.esn);
    const pre = this.batchIndex >= 0 ? this.preopened?.[this.batchIndex] : undefined;
    let status: number;
    let plaintext: Uint8Array;
    if (
      pre !== undefined &&
      pre.s === s &&
      pre.seq === seq &&
      pre.esp.buffer === esp.buffer &&
      pre.esp.byteOffset === esp.byteOffset &&
      pre.esp.length === esp.length
    ) {
      status = pre.status;
      plaintext = pre.plaintext;
    } else {
      const ctLength = esp.length - ESP_HEADER_LENGTH - c.ivLength - c.aeadIcvLength - s.integrity.icvLength;
      if (ctLength < 2) return { ok: false, reason: 'malformed' };
      plaintext = Buffer.allocUnsafe(ctLength);
      const d = this.descriptors;
      d[0] = 0;
      d[1] = esp.length;
      d[2] = Math.floor(seq / 0x1_0000_0000);
      d[3] = s.esn ? 1 : 0;
      d[4] = 0;
      d[5] = 2;
      this.espCrypto!.espOpen(handle, esp, d, 1, plaintext);
      status = d[5]!;
    }
    if (status === OPEN_OK) return espTrailer(plaintext);
    return { ok: false, reason: status === OPEN_INTEGRITY ? 'integrity' : 'malformed' };
  }

  // ------------------------------------------------------------------ inbound

  /** An IP packet from the outside: ESP, AH, UDP-encapsulated ESP or IKE on 4500,
   * fragments of those, or cleartext (checked against policy). */
  inbound(packet: Uint8Array, now: number): DataPlaneAction[] {
    packet = plainView(packet);
    const version = packet.length > 0 ? packet[0]! >> 4 : 0;
    try {
      if (version === 4) {
        let h = parseIpv4(packet, true);
        let whole = packet.subarray(0, h.totalLength);
        if (h.moreFragments || h.fragmentOffset !== 0) {
          const r = this.reassembler.add(whole, now);
          if (r.kind === 'pending') return [];
          if (r.kind === 'dropped') return [this.drop('fragment', undefined, r.reason)];
          whole = r.packet;
          h = parseIpv4(whole);
        }
        return this.dispatch(whole, 4, h.protocol, h.headerLength, h.source, h.destination, now);
      }
      if (version === 6) {
        if (packet.length < 40) return [this.drop('malformed')];
        if (findIpv6Fragment(packet) !== undefined) {
          // RFC 8200 §4.5: reassemble before ESP/AH, then process the whole packet
          const r = this.reassembler6.add(packet, now);
          if (r.kind === 'pending') return [];
          if (r.kind === 'dropped') return [this.drop('fragment', undefined, r.reason)];
          packet = r.packet;
          if (findIpv6Fragment(packet) !== undefined)
            return [this.drop('fragment', undefined, 'nested Fragment header')];
        }
        const u = ipv6UpperLayer(packet, true);
        const end = 40 + ((packet[4]! << 8) | packet[5]!);
        return this.dispatch(
          packet.subarray(0, end),
          6,
          u.protocol,
          u.offset,
          packet.subarray(8, 24),
          packet.subarray(24, 40),
          now,
        );
      }
    } catch (e) {
      if (e instanceof PacketError) return [this.drop('malformed', undefined, e.message)];
      throw e;
    }
    return [this.drop('malformed')];
  }

  private dispatch(
    packet: Uint8Array,
    family: 4 | 6,
    protocol: number,
    hl: number,
    source: Uint8Array,
    destination: Uint8Array,
    now: number,
  ): DataPlaneAction[] {
    if (protocol === IPPROTO_ESP) {
      return this.espInput(
        packet.subarray(hl),
        { family, source, destination, header: packet.subarray(0, hl), viaAh: false, udp: false },
        now,
      );
    }
    if (protocol === IPPROTO_AH) return this.ahInput(packet, now);
    if (protocol === IPPROTO_UDP && packet.length >= hl + 8) {
      const dport = (packet[hl + 2]! << 8) | packet[hl + 3]!;
      if (dport === NAT_T_PORT || this.isEncapPort(dport)) {
        const udp = parseUdp(packet.subarray(hl));
        return this.udp4500(
          udp.payload,
          { family, source, destination, header: packet.subarray(0, hl), viaAh: false, udp: true },
          udp.sourcePort,
          udp.destinationPort,
          now,
        );
      }
    }
    return this.inboundClear(packet, now);
  }

  private isEncapPort(port: number): boolean {
    return this.sad.isEncapPort(port);
  }

  /** A datagram received on a UDP 4500 socket (no IP header): IKE, ESP or keepalive. */
  inboundUdp4500(
    payload: Uint8Array,
    meta: {
      readonly source: string;
      readonly destination: string;
      readonly sourcePort: number;
      readonly destinationPort: number;
    },
    now: number,
  ): DataPlaneAction[] {
    let source: Uint8Array;
    let destination: Uint8Array;
    try {
      source = addressFromText(meta.source);
      destination = addressFromText(meta.destination);
    } catch {
      return [this.drop('malformed')];
    }
    const family = source.length === 4 ? 4 : 6;
    return this.udp4500(
      payload,
      { family, source, destination, viaAh: false, udp: true },
      meta.sourcePort,
      meta.destinationPort,
      now,
    );
  }

  private udp4500(
    payload: Uint8Array,
    outer: Outer,
    sourcePort: number,
    destinationPort: number,
    now: number,
  ): DataPlaneAction[] {
    switch (classifyUdp4500(payload)) {
      case 'keepalive':
        return []; // RFC 3948 §2.3: ignored by the receiver
      case 'invalid':
        return [this.drop('malformed', undefined, 'short datagram on UDP 4500')];
      case 'ike':
        return [
          {
            kind: 'ike',
            payload: payload.subarray(4),
            source: addressToText(outer.source),
            destination: addressToText(outer.destination),
            sourcePort,
            destinationPort,
          },
        ];
      case 'esp':
        return this.espInput(payload, outer, now);
    }
  }

  private lookupInbound(spi: number, protocol: 'esp' | 'ah', destination: Uint8Array): SaState | undefined {
    return this.sad.lookupInbound(spi, protocol, destination);
  }

  private espInput(esp: Uint8Array, outer: Outer, now: number): DataPlaneAction[] {
    if (esp.length < ESP_HEADER_LENGTH) return [this.drop('malformed')];
    const spi = readU32(esp, 0);
    const s = this.lookupInbound(spi, 'esp', outer.destination);
    if (s === undefined) return [this.unknownSpi(spi, 'esp', outer.source)];
    const actions: DataPlaneAction[] = [];
    const hard = s.hardDue(now);
    if (hard !== undefined) {
      this.expire(s, hard, actions);
      actions.push(this.drop('sa-expired', spi));
      return actions;
    }
    const counters = s.counters;
    if (s.requiresAh && !outer.viaAh) {
      counters.recvErrors++;
      return [this.drop('missing-ah', spi)];
    }
    const c = s.cipher!;
    if (esp.length < espMinLength(c, s.integrity)) {
      counters.recvErrors++;
      return [this.drop('malformed', spi)];
    }
    // RFC 4303 §3.4.3: replay check first, window update only after the ICV verified
    const seq = s.replay!.check(readU32(esp, 4));
    if (seq < 0) {
      counters.replayFailures++;
      counters.recvErrors++;
      return [this.drop('replay', spi)];
    }
    const r = this.open(s, esp, seq);
    if (!r.ok) {
      if (r.reason === 'integrity') counters.integrityFailures++;
      counters.recvErrors++;
      return [this.drop(r.reason, spi)];
    }
    s.replay!.accept(seq);
    counters.decaps++;
    if (c.mode !== 'null') counters.decrypt++;
    if (s.integrity.hash !== undefined || c.aeadIcvLength > 0) counters.verify++;
    counters.bytes += r.payload.length;
    this.accounted(s, now);
    if (r.nextHeader === NEXT_HEADER_NONE) return [this.drop('dummy', spi)];
    let { payload, nextHeader } = r;
    if (nextHeader === IPPROTO_IPCOMP) {
      const d = ipcompInput(s.sa.ipcomp, counters, payload);
      if (typeof d === 'string') {
        counters.recvErrors++;
        return [this.drop('decompress', spi, d)];
      }
      ({ payload, nextHeader } = d);
    }

    let inner: Uint8Array;
    if (s.sa.mode === 'tunnel') {
      const v = payload.length > 0 ? payload[0]! >> 4 : 0;
      if (!((nextHeader === IPPROTO_IPIP && v === 4) || (nextHeader === IPPROTO_IPV6 && v === 6))) {
        counters.recvErrors++;
        return [this.drop('malformed', spi, `tunnel next header ${nextHeader}`)];
      }
      inner = payload;
    } else {
      inner = this.transportRebuild(outer, payload, nextHeader, s);
    }
    this.checkSoft(s, now, actions);
    return this.deliverChecked(inner, s, actions);
  }

  /** Transport mode: the outer header again around the decrypted payload. */
  private transportRebuild(outer: Outer, payload: Uint8Array, nextHeader: number, s: SaState): Uint8Array {
    let out: Uint8Array;
    if (outer.family === 4) {
      const hl = outer.header !== undefined ? outer.header.length : 20;
      out = new Uint8Array(hl + payload.length);
      if (outer.header !== undefined) out.set(outer.header, 0);
      else
        writeIpv4Header(
          out,
          0,
          { protocol: nextHeader, source: outer.source, destination: outer.destination },
          payload.length,
        );
      out.set(payload, hl);
      out[9] = nextHeader;
      out[2] = out.length >> 8;
      out[3] = out.length & 0xff;
      out[6] = out[6]! & ~((IPV4_FLAG_MF | 0x1fff) >> 8);
      out[7] = 0;
      setIpv4Checksum(out);
    } else {
      const hl = outer.header !== undefined ? outer.header.length : 40;
      out = new Uint8Array(hl + payload.length);
      if (outer.header !== undefined) out.set(outer.header, 0);
      else
        writeIpv6Header(
          out,
          0,
          { nextHeader, source: outer.source, destination: outer.destination },
          payload.length,
        );
      out.set(payload, hl);
      const pl = out.length - 40;
      out[4] = pl >> 8;
      out[5] = pl & 0xff;
      out[hl === 40 ? 6 : 40] = nextHeader;
    }
    const encap = s.sa.udpEncapsulation;
    if (outer.udp && encap !== undefined) {
      const hl = out.length - payload.length;
      const original: { source?: Uint8Array; destination?: Uint8Array } = {};
      if (encap.originalRemoteAddress !== undefined)
        original.source = addressFromText(encap.originalRemoteAddress);
      if (encap.originalLocalAddress !== undefined)
        original.destination = addressFromText(encap.originalLocalAddress);
      const srcAt = outer.family === 4 ? 12 : 8;
      const len = outer.family === 4 ? 4 : 16;
      fixTransportChecksum(
        nextHeader,
        out.subarray(hl),
        { source: out.subarray(srcAt, srcAt + len), destination: out.subarray(srcAt + len, srcAt + 2 * len) },
        original.source !== undefined && original.destination !== undefined ? original : {},
      );
    }
    return out;
  }

  /** The chapter's "access list processed twice": the decrypted packet must match the SA. */
  private deliverChecked(inner: Uint8Array, s: SaState, actions: DataPlaneAction[]): DataPlaneAction[] {
    let flow: PacketFlow;
    try {
      flow = packetFlow(inner);
    } catch {
      s.counters.recvErrors++;
      actions.push(this.drop('malformed', s.spi, 'inner packet'));
      return actions;
    }
    if (!selectorMatches(s.selector, flow, 'inbound')) {
      s.counters.selectorFailures++;
      s.counters.recvErrors++;
      actions.push(
        this.drop(
          'selector',
          s.spi,
          `${addressToText(flow.source)} -> ${addressToText(flow.destination)} proto ${flow.protocol}`,
        ),
      );
      return actions;
    }
    actions.push({ kind: 'deliver', packet: inner, spi: s.spi });
    return actions;
  }

  private ahInput(packet: Uint8Array, now: number): DataPlaneAction[] {
    const h = parseAh(packet);
    const family: 4 | 6 = packet[0]! >> 4 === 4 ? 4 : 6;
    const destination = family === 4 ? packet.subarray(16, 20) : packet.subarray(24, 40);
    const s = this.lookupInbound(h.spi, 'ah', destination);
    if (s === undefined)
      return [this.unknownSpi(h.spi, 'ah', family === 4 ? packet.subarray(12, 16) : packet.subarray(8, 24))];
    const actions: DataPlaneAction[] = [];
    const hard = s.hardDue(now);
    if (hard !== undefined) {
      this.expire(s, hard, actions);
      actions.push(this.drop('sa-expired', h.spi));
      return actions;
    }
    const counters = s.counters;
    const seq = s.replay!.check(h.sequence);
    if (seq < 0) {
      counters.replayFailures++;
      counters.recvErrors++;
      return [this.drop('replay', h.spi)];
    }
    const r = ahOpen(s.integrity, packet, h, seq, s.esn);
    if (!r.ok) {
      if (r.reason === 'integrity') counters.integrityFailures++;
      counters.recvErrors++;
      return [this.drop(r.reason, h.spi)];
    }
    s.replay!.accept(seq);
    counters.decaps++;
    counters.verify++;
    const stripped = r.packet;
    const hl = family === 4 ? (stripped[0]! & 0x0f) * 4 : h.offset;
    counters.bytes += stripped.length - hl;
    this.accounted(s, now);
    this.checkSoft(s, now, actions);
    const outer: Outer = {
      family,
      source: family === 4 ? stripped.subarray(12, 16) : stripped.subarray(8, 24),
      destination: family === 4 ? stripped.subarray(16, 20) : stripped.subarray(24, 40),
      header: stripped.subarray(0, hl),
      viaAh: true,
      udp: false,
    };
    if (r.nextHeader === IPPROTO_ESP)
      return [...actions, ...this.espInput(stripped.subarray(hl), outer, now)];
    if (s.sa.mode === 'tunnel') {
      if (r.nextHeader !== IPPROTO_IPIP && r.nextHeader !== IPPROTO_IPV6) {
        counters.recvErrors++;
        actions.push(this.drop('malformed', h.spi, `tunnel next header ${r.nextHeader}`));
        return actions;
      }
      return this.deliverChecked(stripped.subarray(hl), s, actions);
    }
    return this.deliverChecked(stripped, s, actions);
  }

  /** A cleartext packet from the outside: RFC 4301 §5.2, traffic that policy says must be
   * protected is dropped when it arrives in the clear. */
  inboundClear(packet: Uint8Array, _now: number): DataPlaneAction[] {
    let flow: PacketFlow;
    try {
      flow = packetFlow(packet);
    } catch {
      return [this.drop('malformed')];
    }
    const match = this.spd.lookup(flow, 'inbound');
    const action = match?.rule.action ?? this.defaultPolicy;
    if (action === 'protect') return [this.drop('policy-unprotected')];
    if (action === 'discard') return [this.drop('policy-discard')];
    return [{ kind: 'deliver', packet }];
  }
}

/** The ESP of a packet that is plain ESP (IPv4 or IPv6 without extension headers, no
 * fragment) or UDP-encapsulated ESP, else undefined: what a batch decrypts ahead. */
function plainEsp(packet: Uint8Array, encapPort: (port: number) => boolean): Uint8Array | undefined {
  if (packet.length < 40) return undefined;
  let hl: number;
  let protocol: number;
  let end: number;
  if (packet[0]! >> 4 === 4) {
    hl = (packet[0]! & 0x0f) * 4;
    if (hl < 20 || (((packet[6]! << 8) | packet[7]!) & 0x3fff) !== 0) return undefined;
    protocol = packet[9]!;
    end = (packet[2]! << 8) | packet[3]!;
  } else if (packet[0]! >> 4 === 6) {
    hl = 40;
    protocol = packet[6]!;
    end = 40 + ((packet[4]! << 8) | packet[5]!);
  } else return undefined;
  if (end > packet.length || end < hl + 16) return undefined;
  if (protocol === IPPROTO_ESP) return packet.subarray(hl, end);
  if (protocol !== IPPROTO_UDP) return undefined;
  const dport = (packet[hl + 2]! << 8) | packet[hl + 3]!;
  if (dport !== NAT_T_PORT && !encapPort(dport)) return undefined;
  const esp = packet.subarray(hl + 8, end);
  return classifyUdp4500(esp) === 'esp' ? esp : undefined;
}

/** The outer destination address of an IPv4 or IPv6 packet (a view). */
function espDestination(packet: Uint8Array): Uint8Array {
  return packet[0]! >> 4 === 4 ? packet.subarray(16, 20) : packet.subarray(24, 40);
}

/** A Buffer as a plain Uint8Array view of the same bytes: Node's Buffer#subarray costs
 * several times V8's, and the data plane takes a dozen views of each packet. */
function plainView(packet: Uint8Array): Uint8Array {
  return Buffer.isBuffer(packet) ? new Uint8Array(packet.buffer, packet.byteOffset, packet.length) : packet;
}
