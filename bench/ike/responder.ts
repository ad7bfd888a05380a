// typeswan as the benchmark's responder (run by main.ts inside the responder namespace with
// --expose-gc and an IPC channel): the whole gateway (IKE manager, SPD, data plane, event bus)
// behind real UDP 500/4500 sockets on the responder address, as `typeswan start` builds it,
// without a TUN device or raw ESP sockets: the benchmark carries no traffic, and `start`'s
// route per dynamic-map peer would time `ip route` rather than typeswan.
// Argument: the configuration text's file. Answers `stats` with memory after a full GC.

import { readFileSync } from 'node:fs';
import { createGateway, defaultDhThreads } from '../../src/gateway/create.js';
import { parseConfigText } from '../../src/gateway/configFile.js';
import { HostScheduler, HostUdpEndpoint } from '../../src/net/host/index.js';
import { EventBus } from '../../src/observe/bus.js';
import {
  RESPONDER,
  noRaw,
  noTunnel,
  statCpuSeconds,
  type ResponderRequest,
  type ResponderStats,
} from './common.js';

const file = process.argv[2];
if (file === undefined) throw new Error('usage: responder.js CONFIG');
const config = parseConfigText(readFileSync(file, 'utf8'), file);

const udp = [await HostUdpEndpoint.bind(RESPONDER, 500), await HostUdpEndpoint.bind(RESPONDER, 4500)];
const bus = new EventBus();
let ikeSas = 0;
let ipsecSas = 0;
bus.subscribe((e) => {
  if (e.source !== 'ike') return;
  if (e.event.type === 'ikeSaCreated') ikeSas++;
  else if (e.event.type === 'ipsecSasCreated') ipsecSas++;
});
const gateway = createGateway({
  config,
  adapters: { udp, raw: [noRaw], tunnel: noTunnel },
  scheduler: new HostScheduler(),
  bus,
  // A concentrator expecting a reboot's worth of peers: no half-open limit below the run's size
  // (strongSwan's side runs with init_limit_half_open = 0 too).
  ike: { halfOpen: { max: 1_000_000, maxAge: 150, perSource: 16 } },
  // As `typeswan start`: Diffie-Hellman on worker threads (BENCH_IKE_DH_THREADS=0: inline).
  dhThreads: Number(process.env.BENCH_IKE_DH_THREADS ?? defaultDhThreads()),
  ikeIngress: process.env.BENCH_IKE_INGRESS !== '0',
});
gateway.start();

/** CPU seconds of this process's main thread alone (the packet thread; the DH threads are others). */
function mainThreadCpuSeconds(): number {
  return statCpuSeconds(`/proc/${process.pid}/task/${process.pid}/stat`);
}

function stats(): ResponderStats {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  const cpu = process.cpuUsage();
  return {
    loopBusySeconds: mainThreadCpuSeconds(),
    ingressDropped: (gateway.ikeIngress?.dropped.first ?? 0) + (gateway.ikeIngress?.dropped.underWay ?? 0),
    kind: 'stats',
    heapBytes: m.heapUsed + m.external,
    rssBytes: m.rss,
    ikeSas,
    ipsecSas,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  };
}

process.on('message', (m: ResponderRequest) => {
  if (m.kind === 'stats') process.send?.(stats());
  else if (m.kind === 'stop') {
    gateway.stop();
    for (const u of udp) u.close();
    process.exit(0);
  }
});
process.send?.({ kind: 'ready' });
