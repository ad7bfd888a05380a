// NAT in the gateway's forwarding path. `fromInside` runs on every packet the inside (the
// TUN) hands the gateway, before the crypto map check, as IOS orders it: what it translates
// no longer matches a crypto ACL written for the inside addresses and leaves in the clear.
// `fromOutside` takes a packet that arrived at the outside interface and, when it belongs to a
// translation, returns it readdressed for the inside. Counters are IOS's hits and misses.

import { IPPROTO_ICMP } from '../../packet/icmp.js';
import type { RouterConfig } from '../../policy/model.js';
import { NatPolicy, type NatNotice } from './natPolicy.js';
import { icmpErrorQuote, natFlow, rewrite, rewriteIcmpError, type NatFlow } from './rewrite.js';
import { NatTable } from './natTable.js';

export type NatOutcome =
  | { readonly kind: 'forward'; readonly packet: Uint8Array; readonly translated: boolean }
  | { readonly kind: 'drop'; readonly reason: string };

export interface NatCounters {
  /** Packets translated by an entry that existed (IOS "Hits"). */
  hits: number;
  /** Packets that made a new entry (IOS "Misses"). */
  misses: number;
  /** Packets readdressed on their way in. */
  inbound: number;
  /** Inside packets NAT left alone (no rule, exempt, policy-routed around it). */
  untranslated: number;
  readonly drops: Map<string, number>;
}

const SWEEP_SECONDS = 1;

export class NatService {
  readonly policy: NatPolicy;
  readonly table: NatTable;
  readonly counters: NatCounters = { hits: 0, misses: 0, inbound: 0, untranslated: 0, drops: new Map() };
  private lastSweep = Number.NEGATIVE_INFINITY;

  /** `returning`: the protocols whose replies can come back (the outside tap's); absent, all. */
  constructor(
    readonly config: RouterConfig,
    private readonly returning?: readonly number[],
  ) {
    this.policy = new NatPolicy(config);
    this.table = new NatTable(config.nat?.timeouts ?? {});
  }

  /** A service when the configuration translates anything. */
  static wanted(config: RouterConfig): boolean {
    return new NatPolicy(config).active;
  }

  get notices(): readonly NatNotice[] {
    return this.policy.notices;
  }

  private drop(reason: string): NatOutcome {
    this.counters.drops.set(reason, (this.counters.drops.get(reason) ?? 0) + 1);
    return { kind: 'drop', reason };
  }

  sweep(now: number): void {
    if (now - this.lastSweep < SWEEP_SECONDS) return;
    this.lastSweep = now;
    this.table.expire(now);
  }

  fromInside(packet: Uint8Array, now: number): NatOutcome {
    const flow = natFlow(packet);
    if (flow === undefined) return { kind: 'forward', packet, translated: false };
    const decision = this.policy.decide({
      protocol: flow.protocol,
      source: flow.source,
      destination: flow.destination,
      ...(flow.protocol !== IPPROTO_ICMP && flow.sourcePort !== undefined
        ? { sourcePort: flow.sourcePort, destinationPort: flow.destinationPort ?? 0 }
        : {}),
    });
    if (decision.kind === 'none') {
      this.counters.untranslated++;
      return { kind: 'forward', packet, translated: false };
    }
    if (decision.kind === 'static') {
      const out = rewrite(packet, 'source', decision.global);
      if (out === undefined) return this.drop('malformed');
      this.counters.hits++;
      return { kind: 'forward', packet: out, translated: true };
    }
    if (flow.sourcePort === undefined || flow.laterFragment)
      return this.drop(flow.laterFragment ? 'fragment without ports' : 'protocol without ports (PAT)');
    if (this.returning !== undefined && !this.returning.includes(flow.protocol))
      return this.drop(`no way back for IP protocol ${flow.protocol} on this host (PAT)`);
    this.sweep(now);
    // An echo reply carries the translated identifier as both ports: the outside side of the key is 0.
    const outsidePort = flow.protocol === IPPROTO_ICMP ? 0 : (flow.destinationPort ?? 0);
    let t = this.table.findInside(flow.protocol, flow.source, flow.sourcePort, flow.destination, outsidePort);
    if (t === undefined) {
      const made = this.table.create(
        {
          protocol: flow.protocol,
          insideLocal: flow.source,
          insideLocalPort: flow.sourcePort,
          insideGlobal: decision.global,
          outside: flow.destination,
          outsidePort,
          rule: decision.rule,
        },
        now,
        this.table.timeoutFor(flow.protocol, outsidePort, flow.tcpFlags),
      );
      if (typeof made === 'string') return this.drop(made);
      t = made;
      this.counters.misses++;
    } else {
      this.counters.hits++;
      t.timeout = this.table.timeoutFor(flow.protocol, outsidePort, flow.tcpFlags);
    }
    t.lastUsed = now;
    const out = rewrite(packet, 'source', t.insideGlobal, t.insideGlobalPort);
    if (out === undefined) return this.drop('malformed');
    return { kind: 'forward', packet: out, translated: true };
  }

  /** The packet readdressed for the inside, or undefined when no translation owns it. */
  fromOutside(packet: Uint8Array, now: number): Uint8Array | undefined {
    const flow = natFlow(packet);
    if (flow === undefined) return undefined;
    this.sweep(now);
    const quote = icmpErrorQuote(packet);
    if (quote !== undefined) return this.errorFromOutside(quote, packet);
    if (flow.destinationPort !== undefined && !flow.laterFragment) {
      const t = this.table.findGlobal(
        flow.protocol,
        flow.destination,
        flow.destinationPort,
        flow.source,
        flow.protocol === IPPROTO_ICMP ? 0 : (flow.sourcePort ?? 0),
      );
      if (t !== undefined) {
        t.lastUsed = now;
        const out = rewrite(packet, 'destination', t.insideLocal, t.insideLocalPort);
        if (out !== undefined) {
          this.counters.inbound++;
          this.counters.hits++;
        }
        return out;
      }
    }
    const local = this.policy.staticsByGlobal.get(flow.destination);
    if (local === undefined) return undefined;
    const out = rewrite(packet, 'destination', local);
    if (out !== undefined) {
      this.counters.inbound++;
      this.counters.hits++;
    }
    return out;
  }

  /** An ICMP error about a datagram we translated (fragmentation needed, TTL exceeded). */
  private errorFromOutside(quote: NatFlow, packet: Uint8Array): Uint8Array | undefined {
    const t =
      quote.sourcePort === undefined
        ? undefined
        : this.table.findGlobal(
            quote.protocol,
            quote.source,
            quote.sourcePort,
            quote.destination,
            quote.protocol === IPPROTO_ICMP ? 0 : (quote.destinationPort ?? 0),
          );
    const local = t?.insideLocal ?? this.policy.staticsByGlobal.get(quote.source);
    if (local === undefined) return undefined;
    const out = rewriteIcmpError(packet, local, t?.insideLocalPort);
    if (out !== undefined) this.counters.inbound++;
    return out;
  }

  clear(): number {
    return this.table.clear();
  }
}
