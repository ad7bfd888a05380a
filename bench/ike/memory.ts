// Responder memory per established tunnel, in one process and without network namespaces:
// typeswan's whole gateway (IKE manager, SPD, data plane, event bus) as the concentrator of
// bench/ike/common.ts behind in-memory UDP endpoints, and N initiators (bare IKE engines) that
// each set up main mode + quick mode and are then dropped, so that what stays on the heap is
// the responder's: one IKE SA and one IPsec SA pair per tunnel, counted after 100 warm-up
// tunnels. Time stands still (no retransmissions, no expiry). Run with --expose-gc; the last line is JSON:
// {"tunnels": N, "bytes_per_tunnel": b, ..., "settled_bytes_per_tunnel": s}: b right after the
// last tunnel came up, s once the retransmission window is over (virtual time moved on).
// `--snapshot FILE` also writes a heap snapshot and prints its largest constructors per tunnel.
//
// Usage: node --expose-gc dist/bench/ike/memory.js [--tunnels N] [--snapshot FILE]

import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { writeHeapSnapshot } from 'node:v8';
import { parseConfigText } from '../../src/gateway/configFile.js';
import { createGateway } from '../../src/gateway/create.js';
import type { Gateway } from '../../src/gateway/gateway.js';
import { IkeManager, type IkeAction, type Rng } from '../../src/ike/index.js';
import { dhPrivateLength } from '../../src/ike/keys.js';
import type { UdpDatagram, UdpEndpoint } from '../../src/net/types.js';
import { VirtualScheduler } from '../../src/net/virtual/scheduler.js';
import { EventBus } from '../../src/observe/bus.js';
import {
  RESPONDER,
  initiatorAddress,
  noRaw,
  noTunnel,
  initiatorConfig,
  protectedSelector,
  responderConfig,
  type Algorithms,
} from './common.js';

export const MEMORY_ALGORITHMS: Algorithms = {
  encr: 'aes',
  hash: 'sha',
  group: 14,
  esp: 'esp-aes esp-sha-hmac',
  pfs: 0,
};

export interface MemoryResult {
  readonly tunnels: number;
  readonly established: number;
  /** Tunnels set up before the baseline (not counted). */
  readonly warmup_tunnels: number;
  readonly bytes_per_tunnel: number;
  readonly heap_bytes_per_tunnel: number;
  readonly external_bytes_per_tunnel: number;
  /** The same once the retransmission window is over and finished quick modes are reaped. */
  readonly settled_bytes_per_tunnel: number;
}

export interface MemoryOptions {
  readonly tunnels: number;
  readonly algorithms?: Algorithms;
  /** Write a heap snapshot here once the tunnels are up (the gateway still referenced). */
  readonly snapshot?: string;
  readonly log?: (line: string) => void;
}

/** A responder socket: what the gateway sends goes to `deliver`, what arrives comes from `push`. */
class MemoryUdp implements UdpEndpoint {
  private handler: ((d: UdpDatagram) => void) | undefined;
  constructor(
    readonly localAddress: string,
    readonly localPort: number,
    private readonly deliver: (d: UdpDatagram) => void,
  ) {}
  send(dstAddress: string, dstPort: number, data: Uint8Array): void {
    this.deliver({
      srcAddress: this.localAddress,
      srcPort: this.localPort,
      dstAddress,
      dstPort,
      data: new Uint8Array(data),
    });
  }
  onReceive(handler: (d: UdpDatagram) => void): void {
    this.handler = handler;
  }
  push(d: UdpDatagram): void {
    this.handler?.(d);
  }
  close(): void {
    this.handler = undefined;
  }
}

const NON_ESP_MARKER = new Uint8Array(4);
const SETTLE_SECONDS = 200;
const WARMUP_TUNNELS = 100;

/** The initiators' DH private value is 2 (as load.ts's cheapDh): only the responder's DH is real. */
function cheapRng(dhLength: number): Rng {
  return {
    randomBytes: (n) => {
      if (n !== dhLength) return new Uint8Array(randomBytes(n));
      const x = new Uint8Array(n);
      x[n - 1] = 2;
      return x;
    },
  };
}

function memory(): { heap: number; external: number } {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run node with --expose-gc');
  gc();
  gc();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, external: m.external };
}

/** Establishes `tunnels` tunnels against one in-memory responder and measures what it keeps. */
export function measureTunnelMemory(options: MemoryOptions): MemoryResult {
  const log = options.log ?? (() => undefined);
  const algorithms = options.algorithms ?? MEMORY_ALGORITHMS;
  const initiatorCfg = parseConfigText(initiatorConfig(algorithms), 'loadgen.cfg');
  const dhLength = dhPrivateLength(algorithms.group);
  const scheduler = new VirtualScheduler(1);
  const queue: UdpDatagram[] = [];
  const initiators = new Map<string, IkeManager>();
  const udp = [500, 4500].map((port) => new MemoryUdp(RESPONDER, port, (d) => queue.push(d)));
  let gateway: Gateway | undefined = createGateway({
    config: parseConfigText(responderConfig(algorithms), 'concentrator.cfg'),
    adapters: { udp, raw: [noRaw], tunnel: noTunnel },
    scheduler,
    bus: new EventBus(),
    ike: { halfOpen: { max: 1_000_000, maxAge: 150, perSource: 16 } },
  });
  gateway.start();
  let established = 0;

  const perform = (address: string, actions: readonly IkeAction[]): void => {
    for (const a of actions) {
      if (a.kind === 'send') {
        const data =
          a.dstPort === 4500 && a.natKeepalive !== true ? Buffer.concat([NON_ESP_MARKER, a.data]) : a.data;
        udp[a.dstPort === 4500 ? 1 : 0]?.push({
          srcAddress: address,
          srcPort: a.srcPort,
          dstAddress: a.dstAddress,
          dstPort: a.dstPort,
          data,
        });
      } else if (a.kind === 'install' && initiators.delete(address)) established++;
    }
  };
  /** Carries the responder's answers to their initiators until nothing is in flight. */
  const pump = (): void => {
    for (let d = queue.shift(); d !== undefined; d = queue.shift()) {
      const engine = initiators.get(d.dstAddress);
      if (engine === undefined) continue;
      const data = d.srcPort === 4500 ? d.data.subarray(4) : d.data;
      perform(d.dstAddress, engine.receive({ ...d, data }, scheduler.now()));
    }
  };

  const connect = (i: number): void => {
    const address = initiatorAddress(i);
    const engine = new IkeManager({
      config: initiatorCfg,
      rng: cheapRng(dhLength),
      localAddresses: [address],
    });
    initiators.set(address, engine);
    const selector = protectedSelector(i);
    perform(address, engine.acquire({ peer: RESPONDER, selector, localAddress: address }, scheduler.now()));
    pump();
  };
  // The first tunnels also pay for compiled code and for tables that grow once: they come up
  // before the baseline, so the figure is what one more tunnel costs.
  const warmup = Math.min(WARMUP_TUNNELS, options.tunnels);
  for (let i = 0; i < warmup; i++) connect(options.tunnels + i);
  initiators.clear();
  const warm = established;
  const base = memory();
  const baseSnapshot = options.snapshot === undefined ? undefined : `${options.snapshot}.base`;
  if (baseSnapshot !== undefined) writeHeapSnapshot(baseSnapshot);
  for (let i = 0; i < options.tunnels; i++) {
    connect(i);
    if ((i + 1) % 500 === 0) log(`${i + 1} initiators, ${established - warm} tunnels up`);
  }
  established -= warm;
  initiators.clear();
  const after = memory();
  if (options.snapshot !== undefined && baseSnapshot !== undefined) {
    writeHeapSnapshot(options.snapshot);
    for (const line of topConstructors(options.snapshot, baseSnapshot, established)) log(line);
  }
  const n = Math.max(1, established);
  // Past the retransmission window (1 s doubling by 1.5, ten retries: ~170 s, and 10 s more)
  // the engine reaps finished quick modes and their reply cache; nothing else is due then.
  scheduler.run(scheduler.now() + SETTLE_SECONDS);
  const settled = memory();
  const result: MemoryResult = {
    tunnels: options.tunnels,
    established,
    warmup_tunnels: warmup,
    bytes_per_tunnel: Math.round((after.heap + after.external - base.heap - base.external) / n),
    heap_bytes_per_tunnel: Math.round((after.heap - base.heap) / n),
    external_bytes_per_tunnel: Math.round((after.external - base.external) / n),
    settled_bytes_per_tunnel: Math.round((settled.heap + settled.external - base.heap - base.external) / n),
  };
  gateway.stop();
  gateway = undefined;
  return result;
}

interface SnapshotFile {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
  nodes: number[];
  strings: string[];
}

/** A heap snapshot's self sizes summed by constructor (V8's "Summary" view). */
function constructorTotals(file: string): Map<string, { bytes: number; objects: number }> {
  const snap = JSON.parse(readFileSync(file, 'utf8')) as SnapshotFile;
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const totals = new Map<string, { bytes: number; objects: number }>();
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = types[snap.nodes[i + typeAt] ?? 0] ?? '?';
    const raw = snap.strings[snap.nodes[i + nameAt] ?? 0] ?? '?';
    const name = type === 'object' || type === 'native' ? raw : `(${type})`;
    const t = totals.get(name) ?? { bytes: 0, objects: 0 };
    t.bytes += snap.nodes[i + sizeAt] ?? 0;
    t.objects++;
    totals.set(name, t);
  }
  return totals;
}

/** What the tunnels added to the heap, by constructor, per tunnel: `after` less `before`. */
export function topConstructors(after: string, before: string, tunnels: number, count = 25): string[] {
  const base = constructorTotals(before);
  const n = Math.max(1, tunnels);
  return [...constructorTotals(after).entries()]
    .map(([name, t]) => {
      const b = base.get(name) ?? { bytes: 0, objects: 0 };
      return { name, bytes: t.bytes - b.bytes, objects: t.objects - b.objects };
    })
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, count)
    .map(
      (t) =>
        `${(t.bytes / n).toFixed(0).padStart(7)} B/tunnel ${(t.objects / n).toFixed(1).padStart(6)} obj/tunnel  ${t.name}`,
    );
}

function argument(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (process.argv[1]?.endsWith('memory.js') === true) {
  const tunnels = Number(argument('--tunnels') ?? 2000);
  const snapshot = argument('--snapshot');
  const result = measureTunnelMemory({
    tunnels,
    ...(snapshot !== undefined ? { snapshot } : {}),
    log: (line) => console.log(line),
  });
  console.log(JSON.stringify(result));
}
