// Test helpers: the chapter's Figure 13-45 pair as hand-built models (Examples 13-1/13-2),
// and a tiny fake IKE engine that "negotiates" with one request/response so the gateway,
// the real data plane and the virtual network can be tested without the IKE engine.

import type {
  AcquireRequest,
  ClearFilter,
  IkeAction,
  IkeDatagram,
  IkeSaInfo,
  IpsecSaInfo,
} from '../../src/ike/types.js';
import type { IkeEngine } from '../../src/gateway/ports.js';
import type { IkeManagerOptions } from '../../src/ike/types.js';
import type { RouterConfig, TrafficSelector } from '../../src/policy/model.js';
import { DEFAULT_ISAKMP_POLICY, DEFAULT_SA_LIFETIME } from '../../src/policy/model.js';
import type { IpsecSa, IpsecSaPair } from '../../src/policy/sa.js';
import { mirrorSelector } from '../../src/policy/selector.js';
import { createGateway } from '../../src/gateway/create.js';
import type { Gateway, GatewayAdapters } from '../../src/gateway/gateway.js';
import type { buildTopology } from '../../src/lab/topology.js';
import type { VirtualNetwork } from '../../src/net/virtual/network.js';
import { SeededRandom } from '../../src/net/virtual/rng.js';
import type { EventBus } from '../../src/observe/bus.js';

export function pairConfig(o: {
  hostname: string;
  lan: string;
  lanNet: string;
  wan: string;
  peer: string;
  peerNet: string;
}): RouterConfig {
  return {
    dialect: 'ios',
    file: `${o.hostname}.cfg`,
    hostname: o.hostname,
    isakmpPolicies: [
      {
        priority: 1,
        encryption: '3des',
        hash: 'sha',
        authentication: 'pre-share',
        group: 1,
        lifetimeSeconds: 86400,
      },
      DEFAULT_ISAKMP_POLICY,
    ],
    presharedKeys: [{ key: 'jw4ep9846804ijl', address: o.peer, noXauth: false, noConfigMode: false }],
    isakmp: { identity: 'address', enabledInterfaces: [] },
    transformSets: [
      { name: 'myset', espEncryption: 'esp-3des', espIntegrity: 'esp-md5-hmac', mode: 'tunnel' },
    ],
    globalSaLifetime: DEFAULT_SA_LIFETIME,
    accessLists: [
      {
        name: '101',
        entries: [
          {
            action: 'permit',
            protocol: 'ip',
            source: { address: o.lanNet, wildcard: '0.0.0.255' },
            destination: { address: o.peerNet, wildcard: '0.0.0.255' },
          },
        ],
      },
    ],
    cryptoMaps: [
      {
        map: 'vpn',
        seq: 10,
        kind: 'ipsec-isakmp',
        peers: [o.peer],
        transformSets: ['myset'],
        matchAddress: '101',
      },
    ],
    cryptoMapSettings: [],
    dynamicMaps: [],
    interfaces: [
      { name: 'Ethernet0/0', address: o.lan, netmask: '255.255.255.0', shutdown: false },
      { name: 'Ethernet1/0', address: o.wan, netmask: '255.255.255.0', cryptoMap: 'vpn', shutdown: false },
    ],
    localPools: [],
    users: [],
    trustpoints: [],
    certificates: [],
    publicKeys: [],
    aaa: [],
    radiusServers: [],
    ignored: [],
    warnings: [],
  };
}

export const INITIATOR = pairConfig({
  hostname: 'Initiator',
  lan: '10.1.1.1',
  lanNet: '10.1.1.0',
  wan: '172.16.172.10',
  peer: '172.16.172.20',
  peerNet: '10.1.2.0',
});
export const RESPONDER = pairConfig({
  hostname: 'Responder',
  lan: '10.1.2.1',
  lanNet: '10.1.2.0',
  wan: '172.16.172.20',
  peer: '172.16.172.10',
  peerNet: '10.1.1.0',
});

function key(length: number, seed: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (seed * 31 + i * 7) & 0xff);
}

/** A fake engine: acquire sends {req}, the peer answers {ok} and both install one ESP pair. */
export class FakeIke implements IkeEngine {
  acquires: AcquireRequest[] = [];
  private nextSpi: number;
  private established = false;
  private readonly installedPairs: IpsecSaPair[] = [];

  constructor(
    private readonly local: string,
    spiBase: number,
  ) {
    this.nextSpi = spiBase;
  }

  private queued: { at: number; actions: IkeAction[] }[] = [];

  /** Actions a tick at or after `at` returns, e.g. a rekey's install, later its remove. */
  queue(at: number, actions: IkeAction[]): void {
    this.queued.push({ at, actions });
  }

  /** The pairs this side installed, oldest first. */
  get pairs(): readonly IpsecSaPair[] {
    return this.installedPairs;
  }

  sa(direction: 'inbound' | 'outbound', spi: number, peer: string, selector: TrafficSelector): IpsecSa {
    return {
      protocol: 'esp',
      direction,
      spi,
      mode: 'tunnel',
      source: direction === 'outbound' ? this.local : peer,
      destination: direction === 'outbound' ? peer : this.local,
      cipher: '3des-cbc',
      encryptionKey: key(24, spi),
      integrity: 'hmac-md5-96',
      integrityKey: key(16, spi + 1),
      selector,
      lifetime: { seconds: 3600, kilobytes: 4608000 },
      cryptoMap: 'vpn',
      transformSet: 'myset',
    };
  }

  private send(peer: string, body: unknown): IkeAction {
    return {
      kind: 'send',
      srcAddress: this.local,
      srcPort: 500,
      dstAddress: peer,
      dstPort: 500,
      data: new TextEncoder().encode(JSON.stringify(body)),
    };
  }

  acquire(request: AcquireRequest, _now: number): IkeAction[] {
    this.acquires.push(request);
    const peer = request.peer ?? '';
    const spi = this.nextSpi++;
    return [this.send(peer, { op: 'req', spi, selector: mirrorSelector(request.selector) })];
  }

  receive(datagram: IkeDatagram, _now: number): IkeAction[] {
    const message: unknown = JSON.parse(new TextDecoder().decode(datagram.data));
    if (typeof message !== 'object' || message === null) return [];
    const m = message as { op: string; spi: number; selector: TrafficSelector; mySpi?: number };
    if (m.op === 'req') {
      const mine = this.nextSpi++;
      const pair = {
        inbound: this.sa('inbound', mine, datagram.srcAddress, m.selector),
        outbound: this.sa('outbound', m.spi, datagram.srcAddress, m.selector),
      };
      this.installedPairs.push(pair);
      this.established = true;
      return [
        { kind: 'install', connId: 1, messageId: 1, peer: datagram.srcAddress, pairs: [pair] },
        this.send(datagram.srcAddress, {
          op: 'ok',
          spi: mine,
          mySpi: m.spi,
          selector: mirrorSelector(m.selector),
        }),
      ];
    }
    if (m.op === 'ok' && m.mySpi !== undefined) {
      const pair = {
        inbound: this.sa('inbound', m.mySpi, datagram.srcAddress, m.selector),
        outbound: this.sa('outbound', m.spi, datagram.srcAddress, m.selector),
      };
      this.installedPairs.push(pair);
      this.established = true;
      return [{ kind: 'install', connId: 1, messageId: 1, peer: datagram.srcAddress, pairs: [pair] }];
    }
    return [];
  }

  tick(now: number): IkeAction[] {
    const due = this.queued.filter((q) => q.at <= now);
    this.queued = this.queued.filter((q) => q.at > now);
    return due.flatMap((q) => q.actions);
  }

  nextDeadline(): number | undefined {
    return this.queued.length === 0 ? undefined : Math.min(...this.queued.map((q) => q.at));
  }

  clearIpsec(_filter: ClearFilter | undefined): IkeAction[] {
    const pairs = this.installedPairs.splice(0);
    return pairs.length === 0
      ? []
      : [
          {
            kind: 'remove',
            peer: pairs[0]!.outbound.destination,
            pairs: pairs.map((p) => ({
              protocol: 'esp' as const,
              inboundSpi: p.inbound.spi,
              outboundSpi: p.outbound.spi,
            })),
            reason: 'clear',
          },
        ];
  }

  clearIsakmp(): IkeAction[] {
    this.established = false;
    return [];
  }

  /** What the gateway reported of ESP/AH for SPIs its data plane does not hold. */
  invalidSpis: { peer: string; spi: number; protocol: 'esp' | 'ah' }[] = [];

  invalidSpi(peer: string, spi: number, protocol: 'esp' | 'ah'): IkeAction[] {
    this.invalidSpis.push({ peer, spi, protocol });
    return [];
  }

  listIkeSas(): IkeSaInfo[] {
    if (!this.established) return [];
    return [
      {
        dst: this.installedPairs[0]?.outbound.destination ?? '',
        src: this.local,
        state: 'QM_IDLE',
        connId: 1,
        slot: 0,
        role: 'initiator',
        exchange: 'main',
        initiatorCookie: '',
        responderCookie: '',
        localPort: 500,
        peerPort: 500,
        natT: false,
        lifetimeRemaining: 86400,
      },
    ];
  }

  listIpsecSas(): IpsecSaInfo[] {
    return [];
  }
}

/** Starts a gateway with the real engines on each router of `topology` (seeded per router). */
export function startRealGateways(
  net: VirtualNetwork,
  topology: ReturnType<typeof buildTopology>,
  bus: EventBus,
  seed: number,
  /** IKE engine options for router `index` (a remote-access client's credentials, say). */
  ike?: (index: number) => Partial<Omit<IkeManagerOptions, 'config' | 'rng' | 'localAddresses'>> | undefined,
): Gateway[] {
  return topology.routers.map((r, i) => {
    const random = new SeededRandom(seed + i);
    const options = ike?.(i);
    const g = createGateway({
      config: r.config,
      adapters: routerAdapters(r),
      scheduler: net.scheduler,
      bus,
      rng: { randomBytes: (n) => random.bytes(n) },
      ...(options !== undefined ? { ike: options } : {}),
    });
    g.start();
    return g;
  });
}

type TopologyRouter = ReturnType<typeof buildTopology>['routers'][number];

/** A router's UDP 500/4500 endpoints, raw IP endpoint and tunnel on the virtual network. */
export function routerAdapters(r: TopologyRouter): GatewayAdapters {
  return {
    udp: [r.router.udpEndpoint(r.wan.address, 500), r.router.udpEndpoint(r.wan.address, 4500)],
    raw: [r.router.rawEndpoint(r.wan.address)],
    tunnel: r.router.packetTunnel(),
  };
}
