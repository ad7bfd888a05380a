// What the status page shows, as JSON: the router, its peers (IKE SAs with their algorithms),
// its tunnels (`show crypto ipsec sa` flows with each SA's transform, lifetime and traffic)
// and the last failed negotiations with what mismatched. Also the live part of the metrics.

import type { IkeSaInfo } from '../ike/types.js';
import type { LiveState, Metrics, SaTraffic } from '../observe/metrics.js';
import type { NegotiationFailure } from '../observe/negotiations.js';
import type { SaCounters } from '../observe/show/views.js';
import type { Gateway } from './gateway.js';

export interface TunnelSaStatus extends SaTraffic {
  readonly remainingSeconds: number;
  readonly remainingKilobytes: number;
  readonly udpEncapsulated: boolean;
}

export interface TunnelStatus {
  readonly interface: string;
  readonly cryptoMap: string;
  readonly peer: string;
  readonly local: string;
  readonly remote: string;
  readonly counters: SaCounters;
  readonly sas: readonly TunnelSaStatus[];
}

export interface FailureStatus extends NegotiationFailure {
  /** Unix seconds (events carry the gateway's clock). */
  readonly wallTime: number;
}

export interface GatewayStatus {
  readonly router: string;
  /** Unix seconds. */
  readonly time: number;
  readonly peers: readonly IkeSaInfo[];
  readonly tunnels: readonly TunnelStatus[];
  readonly failures: readonly FailureStatus[];
}

/** `clock` is the gateway's (the events' time); `wallTime` Unix seconds at the same instant. */
export function gatewayStatus(
  gateway: Gateway,
  metrics: Metrics,
  at: { readonly clock: number; readonly wallTime: number },
): GatewayStatus {
  const traffic = new Map(gateway.ipsecSaTraffic().map((t) => [`${t.direction}/${t.spi}`, t]));
  const tunnels = gateway.ipsecFlows().map((flow): TunnelStatus => {
    const sas = [
      ...flow.inboundEsp.map((s) => ({ s, direction: 'inbound' as const, protocol: 'esp' as const })),
      ...flow.inboundAh.map((s) => ({ s, direction: 'inbound' as const, protocol: 'ah' as const })),
      ...flow.outboundEsp.map((s) => ({ s, direction: 'outbound' as const, protocol: 'esp' as const })),
      ...flow.outboundAh.map((s) => ({ s, direction: 'outbound' as const, protocol: 'ah' as const })),
    ].map(({ s, direction, protocol }) => {
      const t = traffic.get(`${direction}/${s.spi}`);
      return {
        peer: flow.currentPeer,
        spi: s.spi,
        protocol,
        direction,
        transform: s.transform,
        packets: t?.packets ?? 0,
        bytes: t?.bytes ?? 0,
        remainingSeconds: s.remainingSeconds,
        remainingKilobytes: s.remainingKilobytes,
        udpEncapsulated: s.udpEncapsulated === true,
      };
    });
    return {
      interface: flow.interface,
      cryptoMap: flow.cryptoMap,
      peer: flow.currentPeer,
      local: flow.localIdent,
      remote: flow.remoteIdent,
      counters: flow.counters,
      sas,
    };
  });
  return {
    router: gateway.name,
    time: at.wallTime,
    peers: gateway.ikeSaDetails(),
    tunnels,
    failures: metrics.negotiations
      .recentFailures(gateway.name)
      .map((f) => ({ ...f, wallTime: at.wallTime - (at.clock - f.time) })),
  };
}

/** The gateway's SAs for `Metrics.prometheus`. */
export function liveState(gateway: Gateway): ReadonlyMap<string, LiveState> {
  const pools = gateway.poolViews().map((p) => ({ name: p.name, size: p.size, leased: p.leases.length }));
  return new Map([
    [gateway.name, { ikeSas: gateway.isakmpSas(), ipsecSas: gateway.ipsecSaTraffic(), pools }],
  ]);
}
