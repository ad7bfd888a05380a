// The routes that steer the remote protected networks into the TUN device, kept equal to the
// SPD's protect rules: static entries' from the start, a dynamic-map peer's while its SAs are
// installed (a rekey adds nothing, the last SA going removes it, a network a static entry also
// needs stays). A network holding an IPsec peer (transport mode between the routers) is
// policy-routed so our own IKE/ESP to that peer stay outside the tunnel. GRE tunnel interfaces
// have TUN devices of their own (net/host/tunnelInterface.ts).

import { cidrContains, rangeToCidrs } from '../net/host/cidr.js';
import { IPPROTO_GRE } from '../packet/gre.js';
import type { PolicyRule } from './spdFromConfig.js';

/** What the TUN device offers (HostTunnel; a fake in tests). */
export interface RouteTarget {
  addRoute(destination: string): void;
  addRouteExceptIpsec(destination: string): void;
  removeRoute(destination: string): void;
  /** UDP 500 toward `destination` into the TUN (a TED entry's protected network). */
  captureIke?(destination: string): void;
  releaseIke?(destination: string): void;
}

export interface RouteChanges {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly failed: readonly { readonly destination: string; readonly error: string }[];
}

export class TunnelRoutes {
  /** Routed networks; true when policy-routed around our own IPsec traffic. */
  private readonly routed = new Map<string, boolean>();
  private readonly captured = new Set<string>();

  constructor(
    private readonly target: RouteTarget,
    /** Our own IKE/ESP addresses (they count as peers for transport mode between routers). */
    private readonly ownAddresses: readonly string[],
  ) {}

  get networks(): readonly string[] {
    return [...this.routed.keys()];
  }

  /** Makes the routes match `rules`' protect rules. */
  sync(rules: readonly PolicyRule[]): RouteChanges {
    const peers = new Set<string>(this.ownAddresses);
    for (const r of rules) {
      for (const peer of r.entry.peers) peers.add(peer);
      if (r.rule.peer !== undefined) peers.add(r.rule.peer);
    }
    const wanted = new Map<string, boolean>();
    const capture = new Set<string>();
    for (const r of rules) {
      if (r.rule.action !== 'protect') continue;
      // GRE between the routers (`permit gre host A host B`): the gateway builds those packets
      // itself from its tunnel interfaces; nothing routed needs to reach the TUN.
      if (r.rule.selector.protocol === IPPROTO_GRE) continue;
      // TED (gateway/ted.ts): our probes toward the remote side leave through the main table,
      // and probes (and answers) toward our side come into the TUN.
      const discover = r.entry.dynamic?.discover === true;
      for (const cidr of rangeToCidrs(r.rule.selector.remoteStart, r.rule.selector.remoteEnd))
        wanted.set(
          cidr,
          wanted.get(cidr) === true || discover || [...peers].some((peer) => cidrContains(cidr, peer)),
        );
      if (discover)
        for (const cidr of rangeToCidrs(r.rule.selector.localStart, r.rule.selector.localEnd))
          capture.add(cidr);
    }
    const failed: { destination: string; error: string }[] = this.syncCaptures(capture);
    const added: string[] = [];
    const removed: string[] = [];
    for (const [cidr, exceptIpsec] of [...this.routed]) {
      if (wanted.get(cidr) === exceptIpsec) continue;
      this.target.removeRoute(cidr);
      this.routed.delete(cidr);
      removed.push(cidr);
    }
    for (const [cidr, exceptIpsec] of wanted) {
      if (this.routed.has(cidr)) continue;
      try {
        if (exceptIpsec) this.target.addRouteExceptIpsec(cidr);
        else this.target.addRoute(cidr);
        this.routed.set(cidr, exceptIpsec);
        added.push(cidr);
      } catch (error) {
        failed.push({ destination: cidr, error: error instanceof Error ? error.message : String(error) });
      }
    }
    return { added, removed, failed };
  }

  private syncCaptures(wanted: ReadonlySet<string>): { destination: string; error: string }[] {
    const failed: { destination: string; error: string }[] = [];
    for (const cidr of [...this.captured]) {
      if (wanted.has(cidr)) continue;
      this.target.releaseIke?.(cidr);
      this.captured.delete(cidr);
    }
    for (const cidr of wanted) {
      if (this.captured.has(cidr) || this.target.captureIke === undefined) continue;
      try {
        this.target.captureIke(cidr);
        this.captured.add(cidr);
      } catch (error) {
        failed.push({
          destination: `UDP 500 to ${cidr}`,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
    return failed;
  }
}
