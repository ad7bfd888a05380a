// Two IKE engines over a tiny in-memory link with an injected clock and seeded randomness:
// loss, duplication, reordering and an optional NAT (address and port translation).

import { createHash } from 'node:crypto';
import {
  IkeManager,
  type IkeAction,
  type IkeEvent,
  type IkeManagerOptions,
  type Rng,
} from '../../src/ike/index.js';
import type {
  AccessList,
  CryptoMapEntry,
  IsakmpPolicy,
  RouterConfig,
  TrafficSelector,
  TransformSet,
} from '../../src/policy/model.js';
import type { IpsecSaPair } from '../../src/policy/sa.js';
import { computeDh, type DhRequest, type DhResult } from '../../src/crypto/index.js';

/** Deterministic RNG: SHA-256 in counter mode over a seed. */
export function seededRng(seed: string): Rng & { float(): number } {
  let counter = 0;
  let pool = new Uint8Array(0);
  const more = (): void => {
    const h = createHash('sha256').update(`${seed}:${counter++}`).digest();
    const next = new Uint8Array(pool.length + h.length);
    next.set(pool);
    next.set(h, pool.length);
    pool = next;
  };
  const randomBytes = (n: number): Uint8Array => {
    while (pool.length < n) more();
    const out = pool.slice(0, n);
    pool = pool.slice(n);
    return out;
  };
  return {
    randomBytes,
    float: () => {
      const b = randomBytes(4);
      return (
        (((b[0] ?? 0) << 24) | ((b[1] ?? 0) << 16) | ((b[2] ?? 0) << 8) | (b[3] ?? 0)) >>> (0 / 0x100000000)
      );
    },
  };
}

export function uniform(rng: Rng): number {
  const b = rng.randomBytes(4);
  return ((((b[0] ?? 0) << 24) | ((b[1] ?? 0) << 16) | ((b[2] ?? 0) << 8) | (b[3] ?? 0)) >>> 0) / 0x100000000;
}

export interface RouterSpec {
  hostname: string;
  wan: string;
  lan: { address: string; netmask: string };
  policies?: Partial<IsakmpPolicy>[];
  keys?: { key: string; address?: string; netmask?: string; hostname?: string }[];
  transformSets?: TransformSet[];
  cryptoMap?: Partial<CryptoMapEntry>;
  acl?: AccessList;
  identity?: 'address' | 'hostname';
  lifetime?: { seconds: number; kilobytes: number };
  keepalive?: { seconds: number; retry: number; mode?: 'periodic' | 'on-demand' };
  dynamic?: boolean;
}

const wildcardOf = (mask: string): string =>
  mask
    .split('.')
    .map((x) => String(255 - Number(x)))
    .join('.');

export function aclBetween(
  name: string,
  src: { address: string; netmask: string },
  dst: { address: string; netmask: string },
): AccessList {
  return {
    name,
    entries: [
      {
        action: 'permit',
        protocol: 'ip',
        source: { address: src.address, wildcard: wildcardOf(src.netmask) },
        destination: { address: dst.address, wildcard: wildcardOf(dst.netmask) },
      },
    ],
  };
}

export function makeConfig(
  s: RouterSpec,
  peer: string,
  remoteLan: { address: string; netmask: string },
): RouterConfig {
  const policies: IsakmpPolicy[] = (s.policies ?? [{}]).map((p, i) => ({
    priority: p.priority ?? i + 1,
    encryption: p.encryption ?? '3des',
    hash: p.hash ?? 'sha',
    authentication: p.authentication ?? 'pre-share',
    group: p.group ?? 1,
    lifetimeSeconds: p.lifetimeSeconds ?? 86400,
  }));
  const transformSets = s.transformSets ?? [
    { name: 'myset', espEncryption: 'esp-3des', espIntegrity: 'esp-md5-hmac', mode: 'tunnel' },
  ];
  const acl = s.acl ?? aclBetween('101', s.lan, remoteLan);
  const entry: CryptoMapEntry = {
    map: 'vpn',
    seq: 10,
    kind: 'ipsec-isakmp',
    peers: [peer],
    transformSets: transformSets.map((t) => t.name),
    matchAddress: acl.name,
    ...s.cryptoMap,
  };
  return {
    dialect: 'ios',
    file: `${s.hostname}.cfg`,
    hostname: s.hostname,
    isakmpPolicies: policies,
    presharedKeys: (s.keys ?? [{ key: 'jw4ep9846804ijl', address: peer }]).map((k) => ({
      ...k,
      noXauth: false,
      noConfigMode: false,
    })),
    isakmp: {
      identity: s.identity ?? 'address',
      enabledInterfaces: [],
      ...(s.keepalive ? { keepalive: s.keepalive } : {}),
    },
    transformSets,
    globalSaLifetime: s.lifetime ?? { seconds: 3600, kilobytes: 4608000 },
    accessLists: [acl],
    cryptoMaps: s.dynamic
      ? [{ map: 'vpn', seq: 10, kind: 'dynamic', dynamicMap: 'dyn', peers: [], transformSets: [] }]
      : [entry],
    cryptoMapSettings: [],
    dynamicMaps: s.dynamic
      ? [
          {
            name: 'dyn',
            map: 'dyn',
            seq: 10,
            peers: [],
            transformSets: entry.transformSets,
            matchAddress: acl.name,
            ...(entry.pfsGroup !== undefined ? { pfsGroup: entry.pfsGroup } : {}),
            ...(entry.lifetime ? { lifetime: entry.lifetime } : {}),
          },
        ]
      : [],
    interfaces: [
      {
        name: 'Ethernet0/0',
        address: s.lan.address.replace(/\.0$/, '.1'),
        netmask: s.lan.netmask,
        shutdown: false,
      },
      { name: 'Ethernet1/0', address: s.wan, netmask: '255.255.255.0', cryptoMap: 'vpn', shutdown: false },
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

export const A_WAN = '172.16.172.10';
export const B_WAN = '172.16.172.20';
export const A_LAN = { address: '10.1.1.0', netmask: '255.255.255.0' };
export const B_LAN = { address: '10.1.2.0', netmask: '255.255.255.0' };

export function chapterConfigs(mod: { a?: Partial<RouterSpec>; b?: Partial<RouterSpec> } = {}): {
  a: RouterConfig;
  b: RouterConfig;
} {
  // Examples 13-1 (Initiator) and 13-2 (Responder).
  const a = makeConfig({ hostname: 'Initiator', wan: A_WAN, lan: A_LAN, ...mod.a }, B_WAN, B_LAN);
  const b = makeConfig({ hostname: 'Responder', wan: B_WAN, lan: B_LAN, ...mod.b }, A_WAN, A_LAN);
  return { a, b };
}

export const SELECTOR_A: TrafficSelector = {
  protocol: 0,
  localStart: '10.1.1.0',
  localEnd: '10.1.1.255',
  localPortStart: 0,
  localPortEnd: 65535,
  remoteStart: '10.1.2.0',
  remoteEnd: '10.1.2.255',
  remotePortStart: 0,
  remotePortEnd: 65535,
};

export interface LinkFaults {
  loss?: number;
  duplicate?: number;
  reorder?: number; // probability of an extra random delay up to 1.5 s
  dead?: boolean;
}

interface InFlight {
  at: number;
  to: Side;
  seq: number;
  d: { srcAddress: string; srcPort: number; dstAddress: string; dstPort: number; data: Uint8Array };
}

export type Side = 'a' | 'b';

export interface Installed {
  pairs: readonly IpsecSaPair[];
  at: number;
}

export class Node {
  readonly events: IkeEvent[] = [];
  readonly sent: Uint8Array[] = [];
  installed: Installed[] = [];
  removed: number[] = [];
  keepalives = 0;
  constructor(
    readonly name: Side,
    readonly address: string,
    public engine: IkeManager,
  ) {}
  inboundSpis(): Set<number> {
    return new Set(this.installed.flatMap((i) => i.pairs.map((p) => p.inbound.spi)));
  }
  /** The outbound SA the data plane would use: the newest install. */
  currentOutbound(): number | undefined {
    return this.installed[this.installed.length - 1]?.pairs[0]?.outbound.spi;
  }
}

export class Lab {
  now = 0;
  private seq = 0;
  private queue: InFlight[] = [];
  readonly a: Node;
  readonly b: Node;
  faults: LinkFaults = {};
  /** Return false to drop one datagram (targeted loss). */
  filter?: (from: Side, data: Uint8Array) => boolean;
  delivered = 0;
  /** NAT in front of A: A's address and ports are rewritten on the way to B. */
  nat?: { outside: string; ports: Map<number, number> };
  /** `dh` actions (dhOffload): each result comes back this many seconds later. */
  dhDelay = 0.002;
  /** Return false to answer one `dh` action with "not run" (a full queue). */
  dhFilter?: (side: Side, request: DhRequest) => boolean;
  readonly dhRequests: { side: Side; request: DhRequest }[] = [];
  private dhQueue: { at: number; side: Side; id: number; result: DhResult | undefined }[] = [];

  constructor(
    optsA: Omit<IkeManagerOptions, 'rng' | 'localAddresses'> & { seed?: string },
    optsB: Omit<IkeManagerOptions, 'rng' | 'localAddresses'> & { seed?: string },
    private readonly linkRng: Rng = seededRng('link'),
  ) {
    this.a = new Node(
      'a',
      A_WAN,
      new IkeManager({ ...optsA, rng: seededRng(optsA.seed ?? 'A'), localAddresses: [A_WAN] }),
    );
    this.b = new Node(
      'b',
      B_WAN,
      new IkeManager({ ...optsB, rng: seededRng(optsB.seed ?? 'B'), localAddresses: [B_WAN] }),
    );
  }

  node(s: Side): Node {
    return s === 'a' ? this.a : this.b;
  }

  apply(from: Node, actions: readonly IkeAction[]): void {
    for (const act of actions) {
      if (act.kind === 'event') from.events.push(act.event);
      else if (act.kind === 'install') from.installed.push({ pairs: act.pairs, at: this.now });
      else if (act.kind === 'dh') {
        this.dhRequests.push({ side: from.name, request: act.request });
        const run = this.dhFilter?.(from.name, act.request) ?? true;
        const result = run
          ? computeDh({ ...act.request, privateValue: act.request.privateValue.slice() })
          : undefined;
        this.dhQueue.push({ at: this.now + this.dhDelay, side: from.name, id: act.id, result });
      } else if (act.kind === 'remove') {
        const gone = new Set(act.pairs.map((p) => p.inboundSpi));
        from.installed = from.installed.filter((i) => !i.pairs.some((p) => gone.has(p.inbound.spi)));
        from.removed.push(...gone);
      } else if (act.kind === 'send') {
        if (act.natKeepalive) {
          from.keepalives++;
          continue;
        }
        from.sent.push(act.data);
        this.transmit(from, act);
      }
    }
  }

  private transmit(from: Node, d: InFlight['d']): void {
    const f = this.faults;
    if (f.dead) return;
    if (this.filter && !this.filter(from.name, d.data)) return;
    if (f.loss !== undefined && uniform(this.linkRng) < f.loss) return;
    let dg = d;
    if (this.nat) {
      if (from.name === 'a') {
        const port = this.nat.ports.get(d.srcPort) ?? d.srcPort + 10000;
        this.nat.ports.set(d.srcPort, port);
        dg = { ...d, srcAddress: this.nat.outside, srcPort: port };
      } else {
        const inner = [...this.nat.ports.entries()].find(([, o]) => o === d.dstPort)?.[0];
        dg = { ...d, dstAddress: A_WAN, dstPort: inner ?? d.dstPort };
      }
    }
    const copies = f.duplicate !== undefined && uniform(this.linkRng) < f.duplicate ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      const extra =
        f.reorder !== undefined && uniform(this.linkRng) < f.reorder ? uniform(this.linkRng) * 1.5 : 0;
      this.queue.push({
        at: this.now + 0.005 + extra + i * 0.001,
        to: from.name === 'a' ? 'b' : 'a',
        seq: this.seq++,
        d: dg,
      });
    }
  }

  /** Delivers raw bytes to a side as if they came from the other one. */
  inject(to: Side, data: Uint8Array, port = 500): void {
    const from = to === 'a' ? this.b : this.a;
    const n = this.node(to);
    this.apply(
      n,
      n.engine.receive(
        { srcAddress: from.address, srcPort: port, dstAddress: n.address, dstPort: port, data },
        this.now,
      ),
    );
  }

  acquire(side: Side, selector: TrafficSelector = SELECTOR_A): void {
    const n = this.node(side);
    this.apply(n, n.engine.acquire({ selector }, this.now));
  }

  /** Runs until nothing is scheduled before `until` (bounded in steps). */
  run(until: number, maxSteps = 20000): void {
    for (let step = 0; step < maxSteps; step++) {
      const times = [
        this.queue.reduce((m, q) => Math.min(m, q.at), Number.POSITIVE_INFINITY),
        this.dhQueue.reduce((m, q) => Math.min(m, q.at), Number.POSITIVE_INFINITY),
        this.a.engine.nextDeadline() ?? Number.POSITIVE_INFINITY,
        this.b.engine.nextDeadline() ?? Number.POSITIVE_INFINITY,
      ];
      const t = Math.min(...times);
      if (!Number.isFinite(t) || t > until) {
        this.now = Math.max(this.now, until);
        return;
      }
      this.now = Math.max(this.now, t);
      const due = this.queue.filter((q) => q.at <= this.now).sort((x, y) => x.at - y.at || x.seq - y.seq);
      this.queue = this.queue.filter((q) => q.at > this.now);
      for (const q of due) {
        const n = this.node(q.to);
        this.delivered++;
        this.apply(n, n.engine.receive(q.d, this.now));
      }
      const results = this.dhQueue.filter((q) => q.at <= this.now);
      this.dhQueue = this.dhQueue.filter((q) => q.at > this.now);
      for (const r of results) {
        const n = this.node(r.side);
        this.apply(n, n.engine.dhResult(r.id, r.result, this.now));
      }
      for (const n of [this.a, this.b]) {
        const dl = n.engine.nextDeadline();
        if (dl !== undefined && dl <= this.now) this.apply(n, n.engine.tick(this.now));
      }
    }
    throw new Error('lab did not settle within the step budget');
  }
}

export function eventsOf<T extends IkeEvent['type']>(n: Node, type: T): Extract<IkeEvent, { type: T }>[] {
  return n.events.filter((e): e is Extract<IkeEvent, { type: T }> => e.type === type);
}
